package otel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	otelapi "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/conversekit/conversekit/contrib/otel"
	"github.com/conversekit/conversekit/observe"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// recorders are in-memory SDK providers: the spans ended so far and the
// metrics collected on demand.
type recorders struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newRecorders(t *testing.T) *recorders {
	t.Helper()
	r := &recorders{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	r.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() {
		_ = r.tp.Shutdown(context.Background())
		_ = r.mp.Shutdown(context.Background())
	})
	return r
}

func (r *recorders) option() option.Option {
	return otel.Option(otel.WithTracerProvider(r.tp), otel.WithMeterProvider(r.mp))
}

// span returns the one ended span named name.
func (r *recorders) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d spans named %q, want 1 (spans: %s)", len(found), name, names(r.spans.Ended()))
	}
	return found[0]
}

func names(spans []sdktrace.ReadOnlySpan) string {
	var n []string
	for _, s := range spans {
		n = append(n, s.Name())
	}
	return strings.Join(n, ", ")
}

// attrs renders the attributes of a span or a data point as "k=v" lines,
// sorted by key (attribute.Set's order).
func attrs(kvs []attribute.KeyValue) string {
	set := attribute.NewSet(kvs...)
	var lines []string
	for _, kv := range set.ToSlice() {
		lines = append(lines, string(kv.Key)+"="+kv.Value.Emit())
	}
	return strings.Join(lines, " ")
}

func checkAttrs(t *testing.T, what string, kvs []attribute.KeyValue, want string) {
	t.Helper()
	if got := attrs(kvs); got != want {
		t.Errorf("%s attributes:\n got %s\nwant %s", what, got, want)
	}
}

// metrics collects r's metrics by name.
func (r *recorders) metrics(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

// counts renders a counter's data points as "attrs: value" lines, sorted.
func counts(t *testing.T, agg metricdata.Aggregation) string {
	t.Helper()
	sum, ok := agg.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("aggregation %T, want an int64 sum", agg)
	}
	var lines []string
	for _, dp := range sum.DataPoints {
		lines = append(lines, fmt.Sprintf("%s: %d", attrs(dp.Attributes.ToSlice()), dp.Value))
	}
	return sortJoin(lines)
}

// histogram renders a histogram's data points as "attrs: count sum" lines,
// sorted.
func histogram(t *testing.T, agg metricdata.Aggregation, withSum bool) string {
	t.Helper()
	h, ok := agg.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("aggregation %T, want a float64 histogram", agg)
	}
	var lines []string
	for _, dp := range h.DataPoints {
		line := fmt.Sprintf("%s: %d", attrs(dp.Attributes.ToSlice()), dp.Count)
		if withSum {
			line += fmt.Sprintf(" %gs", dp.Sum)
		}
		lines = append(lines, line)
	}
	return sortJoin(lines)
}

func sortJoin(lines []string) string {
	for i := range lines {
		for j := i + 1; j < len(lines); j++ {
			if lines[j] < lines[i] {
				lines[i], lines[j] = lines[j], lines[i]
			}
		}
	}
	return strings.Join(lines, "\n")
}

func checkEqual(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// twilioFake returns a Twilio client of an in-memory fake (virtual time in
// a bubble) recording to r, with opts appended.
func twilioFake(t *testing.T, r *recorders, opts ...option.Option) (*twilio.Client, *participantstest.TwilioServer) {
	t.Helper()
	fake := participantstest.NewTwilioServer()
	t.Cleanup(fake.Close)
	fake.SeedConversation(participantstest.TwilioConversationSID, participantstest.TwilioConversationName)
	c, err := twilio.New(fake.AccountSID(), fake.AuthToken(), fake.InMemoryClientOptions(append([]option.Option{r.option()}, opts...)...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

const twilio429 = `{"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}`

// TestRetriedCall follows a Twilio CreateParticipant answered 429 with
// Retry-After: 2, then 201: the call span, its two attempt spans, the wait
// event and the metrics, with exact values (virtual time).
func TestRetriedCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorders(t)
		c, fake := twilioFake(t, r)
		fake.InjectFaults(participantstest.Fault{Status: 429, Body: twilio429, Header: http.Header{"Retry-After": {"2"}}})
		if _, err := c.CreateParticipant(context.Background(), participantstest.TwilioConversationSID, twilio.CreateParticipantParams{Identity: "alice"}); err != nil {
			t.Fatal(err)
		}
		call := r.span(t, "twilio "+createOp)
		if call.SpanKind() != trace.SpanKindInternal || call.Status().Code != codes.Unset || call.Parent().IsValid() {
			t.Errorf("call span: kind %s, status %v, parent %v; want an internal root span, status unset", call.SpanKind(), call.Status(), call.Parent())
		}
		host, port := hostPort(fake.URL())
		checkAttrs(t, "call span", call.Attributes(), "conversekit.attempts=2 conversekit.operation="+createOp+" conversekit.rate_limit.wait_duration=2 conversekit.rate_limit.waits=1 conversekit.retries=1 conversekit.vendor=twilio conversekit.wait_duration=2 http.request.method=POST http.response.status_code=201 server.address="+host+" server.port="+port)
		if ev := call.Events(); len(ev) != 1 || ev[0].Name != otel.WaitEvent || !ev[0].Time.Equal(call.StartTime()) {
			t.Fatalf("call span events %+v, want one %s at the call's start (the 429 answered at once)", ev, otel.WaitEvent)
		} else {
			checkAttrs(t, "wait event", ev[0].Attributes, "conversekit.attempt=2 conversekit.wait.duration=2 conversekit.wait.kind=retry_after")
		}
		attempts := attemptSpans(t, r, createOp)
		if len(attempts) != 2 {
			t.Fatalf("%d attempt spans, want 2", len(attempts))
		}
		for _, a := range attempts {
			if a.Parent().SpanID() != call.SpanContext().SpanID() || a.SpanKind() != trace.SpanKindClient {
				t.Errorf("attempt span %v: parent %v, kind %s; want a client span under the call's", a.SpanContext().SpanID(), a.Parent().SpanID(), a.SpanKind())
			}
		}
		checkAttrs(t, "attempt 1", attempts[0].Attributes(), "error.type=429 http.request.method=POST http.response.status_code=429 server.address="+host+" server.port="+port+" url.template=/v1/Conversations/{ConversationSid}/Participants")
		if s := attempts[0].Status(); s.Code != codes.Error || !strings.Contains(s.Description, "429") {
			t.Errorf("attempt 1 status %+v, want Error naming the 429", s)
		}
		checkAttrs(t, "attempt 2", attempts[1].Attributes(), "http.request.method=POST http.request.resend_count=1 http.response.status_code=201 server.address="+host+" server.port="+port+" url.template=/v1/Conversations/{ConversationSid}/Participants")
		if s := attempts[1].Status(); s.Code != codes.Unset {
			t.Errorf("attempt 2 status %+v, want unset", s)
		}
		if d := attempts[1].StartTime().Sub(attempts[0].EndTime()); d != 2*time.Second {
			t.Errorf("attempt 2 started %s after attempt 1 ended, want the 2s of Retry-After", d)
		}

		m := r.metrics(t)
		checkEqual(t, otel.AttemptsMetric, counts(t, m[otel.AttemptsMetric]),
			"conversekit.operation="+createOp+" conversekit.vendor=twilio error.type=429 http.response.status_code=429: 1\nconversekit.operation="+createOp+" conversekit.vendor=twilio http.response.status_code=201: 1")
		checkEqual(t, otel.RateLimitedMetric, counts(t, m[otel.RateLimitedMetric]), "conversekit.operation="+createOp+" conversekit.vendor=twilio: 1")
		checkEqual(t, otel.CallDurationMetric, histogram(t, m[otel.CallDurationMetric], true), "conversekit.operation="+createOp+" conversekit.vendor=twilio http.response.status_code=201: 1 2s")
		checkEqual(t, otel.WaitDurationMetric, histogram(t, m[otel.WaitDurationMetric], true), "conversekit.operation="+createOp+" conversekit.vendor=twilio conversekit.wait.kind=retry_after: 1 2s")
	})
}

// attemptSpans returns the ended spans named name in the order they
// started.
func attemptSpans(t *testing.T, r *recorders, name string) []sdktrace.ReadOnlySpan {
	t.Helper()
	var out []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	sortByStart(out)
	return out
}

func sortByStart(s []sdktrace.ReadOnlySpan) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j].StartTime().Before(s[i].StartTime()) {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func hostPort(u string) (string, string) {
	hp := strings.TrimPrefix(u, "http://")
	i := strings.LastIndex(hp, ":")
	return hp[:i], hp[i+1:]
}

// TestFailedCall checks a call that fails: a 404 after a 503 and a
// backoff, a Fetch being idempotent. The call span's status is Error with
// the error recorded; the backoff is a wait but no rate-limit wait.
func TestFailedCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorders(t)
		c, fake := twilioFake(t, r, option.WithRetryWait(time.Nanosecond, time.Nanosecond))
		fake.InjectFaults(participantstest.Fault{Status: 503, Body: `{"code": 20503, "message": "Service unavailable", "status": 503}`})
		_, err := c.FetchParticipant(context.Background(), participantstest.TwilioConversationSID, "MB00000000000000000000000000000009")
		var api *twilio.APIError
		if !errors.As(err, &api) || api.StatusCode != 404 {
			t.Fatalf("err = %v, want the 404", err)
		}
		call := r.span(t, "twilio "+fetchOp)
		host, port := hostPort(fake.URL())
		checkAttrs(t, "call span", call.Attributes(), "conversekit.attempts=2 conversekit.operation="+fetchOp+" conversekit.rate_limit.wait_duration=0 conversekit.rate_limit.waits=0 conversekit.retries=1 conversekit.vendor=twilio conversekit.wait_duration=1e-09 error.type=404 http.request.method=GET http.response.status_code=404 server.address="+host+" server.port="+port)
		if s := call.Status(); s.Code != codes.Error || s.Description != err.Error() {
			t.Errorf("call span status %+v, want Error with %q", s, err)
		}
		var exceptions, waits int
		for _, ev := range call.Events() {
			switch ev.Name {
			case "exception":
				exceptions++
			case otel.WaitEvent:
				waits++
				checkAttrs(t, "wait event", ev.Attributes, "conversekit.attempt=2 conversekit.wait.duration=1e-09 conversekit.wait.kind=backoff")
			}
		}
		if exceptions != 1 || waits != 1 {
			t.Errorf("call span events: %d exceptions and %d waits, want 1 and 1", exceptions, waits)
		}
		m := r.metrics(t)
		checkEqual(t, otel.AttemptsMetric, counts(t, m[otel.AttemptsMetric]),
			"conversekit.operation="+fetchOp+" conversekit.vendor=twilio error.type=404 http.response.status_code=404: 1\nconversekit.operation="+fetchOp+" conversekit.vendor=twilio error.type=503 http.response.status_code=503: 1")
		if _, ok := m[otel.RateLimitedMetric]; ok {
			t.Errorf("%s recorded without a 429", otel.RateLimitedMetric)
		}
		checkEqual(t, otel.CallDurationMetric, histogram(t, m[otel.CallDurationMetric], true), "conversekit.operation="+fetchOp+" conversekit.vendor=twilio error.type=404 http.response.status_code=404: 1 1e-09s")
	})
}

// sleepLimiter holds every attempt back for d.
type sleepLimiter struct{ d time.Duration }

func (l sleepLimiter) Wait(ctx context.Context) error {
	time.Sleep(l.d)
	return ctx.Err()
}

// TestRateLimitWaits checks the waits of a limiter and of the client's
// shared 429 pause: a call paused by an earlier 429 of its client, then
// held back by the limiter, counts both.
func TestRateLimitWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorders(t)
		c, fake := twilioFake(t, r, option.WithLimiter(sleepLimiter{d: 5 * time.Millisecond}))
		fake.InjectFaults(participantstest.Fault{Status: 429, Body: twilio429, Header: http.Header{"Retry-After": {"3"}}})
		ctx := context.Background()
		_, err := c.FetchParticipant(ctx, participantstest.TwilioConversationSID, "alice", option.WithMaxRetries(0))
		if !errors.As(err, new(*twilio.APIError)) {
			t.Fatalf("err = %v, want the 429", err)
		}
		_, err = c.FetchParticipant(ctx, participantstest.TwilioConversationSID, "alice")
		if !errors.As(err, new(*twilio.APIError)) {
			t.Fatalf("err = %v, want a 404", err)
		}
		calls := attemptSpans(t, r, "twilio "+fetchOp)
		if len(calls) != 2 {
			t.Fatalf("%d call spans, want 2", len(calls))
		}
		want := []string{
			"conversekit.attempts=1 conversekit.operation=" + fetchOp + " conversekit.rate_limit.wait_duration=0.005 conversekit.rate_limit.waits=1 conversekit.retries=0 conversekit.wait_duration=0.005 error.type=429 http.response.status_code=429",
			"conversekit.attempts=1 conversekit.operation=" + fetchOp + " conversekit.rate_limit.wait_duration=3.005 conversekit.rate_limit.waits=2 conversekit.retries=0 conversekit.wait_duration=3.005 error.type=404 http.response.status_code=404",
		}
		for i, call := range calls {
			var kvs []attribute.KeyValue
			for _, kv := range call.Attributes() {
				switch kv.Key {
				case otel.VendorKey, "http.request.method", "server.address", "server.port":
				default:
					kvs = append(kvs, kv)
				}
			}
			checkAttrs(t, fmt.Sprintf("call %d", i+1), kvs, want[i])
		}
		m := r.metrics(t)
		checkEqual(t, otel.WaitDurationMetric, histogram(t, m[otel.WaitDurationMetric], true),
			"conversekit.operation="+fetchOp+" conversekit.vendor=twilio conversekit.wait.kind=limiter: 2 0.01s\nconversekit.operation="+fetchOp+" conversekit.vendor=twilio conversekit.wait.kind=pause: 1 3s")
		checkEqual(t, otel.RateLimitedMetric, counts(t, m[otel.RateLimitedMetric]), "conversekit.operation="+fetchOp+" conversekit.vendor=twilio: 1")
	})
}

// The operations of the Twilio client that the tests call, as the client
// names them.
const (
	createOp = "POST /v1/Conversations/{ConversationSid}/Participants"
	fetchOp  = "GET /v1/Conversations/{ConversationSid}/Participants/{Sid}"
)

// TestOperation checks the names and attributes of a call whose vendor
// method names its operation, through the Observer itself, and a failed
// wait and a transport error.
func TestOperation(t *testing.T) {
	r := newRecorders(t)
	o, err := otel.NewObserver(otel.WithTracerProvider(r.tp), otel.WithMeterProvider(r.mp))
	if err != nil {
		t.Fatal(err)
	}
	ctx, co := o.StartCall(context.Background(), observe.Call{
		Vendor: "intercom", Operation: "POST /conversations/{id}/customers", Method: "POST",
		Host: "api.intercom.io", Path: "/conversations/123/customers",
	})
	if !trace.SpanFromContext(ctx).SpanContext().IsValid() {
		t.Fatal("StartCall's context carries no span")
	}
	boom := errors.New("connection reset")
	actx := co.StartAttempt(ctx, 1)
	if trace.SpanFromContext(actx).SpanContext().SpanID() == trace.SpanFromContext(ctx).SpanContext().SpanID() {
		t.Fatal("StartAttempt's context carries the call's span, not the attempt's")
	}
	co.EndAttempt(actx, observe.Attempt{Number: 1, Err: boom})
	co.Wait(ctx, observe.Wait{Kind: observe.WaitLimiter, Attempt: 2, Duration: time.Second, Err: context.DeadlineExceeded})
	co.EndCall(ctx, observe.CallEnd{Attempts: 1, Waits: 1, Waited: time.Second, Err: boom})

	call := r.span(t, "intercom POST /conversations/{id}/customers")
	checkAttrs(t, "call span", call.Attributes(), "conversekit.attempts=1 conversekit.operation=POST /conversations/{id}/customers conversekit.rate_limit.wait_duration=1 conversekit.rate_limit.waits=1 conversekit.retries=0 conversekit.vendor=intercom conversekit.wait_duration=1 error.type=*errors.errorString http.request.method=POST server.address=api.intercom.io")
	attempt := r.span(t, "POST /conversations/{id}/customers")
	checkAttrs(t, "attempt span", attempt.Attributes(), "error.type=*errors.errorString http.request.method=POST server.address=api.intercom.io url.template=/conversations/{id}/customers")
	if s := attempt.Status(); s.Code != codes.Error || s.Description != "connection reset" {
		t.Errorf("attempt status %+v, want Error connection reset", s)
	}
	ev := call.Events()
	if len(ev) < 1 || ev[0].Name != otel.WaitEvent {
		t.Fatalf("events %+v, want the wait first", ev)
	}
	checkAttrs(t, "wait event", ev[0].Attributes, "conversekit.attempt=2 conversekit.wait.duration=1 conversekit.wait.kind=limiter error.type=context.deadlineExceededError")
	m := r.metrics(t)
	checkEqual(t, otel.AttemptsMetric, counts(t, m[otel.AttemptsMetric]),
		"conversekit.operation=POST /conversations/{id}/customers conversekit.vendor=intercom error.type=*errors.errorString: 1")
	checkEqual(t, otel.CallDurationMetric, histogram(t, m[otel.CallDurationMetric], false),
		"conversekit.operation=POST /conversations/{id}/customers conversekit.vendor=intercom error.type=*errors.errorString: 1")
}

// TestRouteOnlyForItsMethod checks that an operation whose method is not
// the request's, or that has no route, names the spans but gives no
// url.template.
func TestRouteOnlyForItsMethod(t *testing.T) {
	for _, op := range []string{"GET /conversations/{id}", "ListParticipants", "POST conversations"} {
		r := newRecorders(t)
		o, err := otel.NewObserver(otel.WithTracerProvider(r.tp), otel.WithMeterProvider(r.mp))
		if err != nil {
			t.Fatal(err)
		}
		ctx, co := o.StartCall(context.Background(), observe.Call{Vendor: "bird", Operation: op, Method: "POST", Host: "api.bird.com:8443"})
		co.EndAttempt(co.StartAttempt(ctx, 1), observe.Attempt{Number: 1, StatusCode: 200})
		co.EndCall(ctx, observe.CallEnd{Attempts: 1, StatusCode: 200})
		r.span(t, "bird "+op)
		checkAttrs(t, op+" attempt", r.span(t, "POST").Attributes(), "http.request.method=POST http.response.status_code=200 server.address=api.bird.com server.port=8443")
	}
}

// TestTransport checks otelhttp's span under each attempt span and the
// trace context sent to the vendor, on loopback.
func TestTransport(t *testing.T) {
	r := newRecorders(t)
	fake := participantstest.NewTwilioServer()
	defer fake.Close()
	fake.SeedConversation(participantstest.TwilioConversationSID, participantstest.TwilioConversationName)
	fake.InjectFaults(participantstest.Fault{Status: 429, Body: twilio429, Header: http.Header{"Retry-After": {"0"}}})
	settings := []otel.Setting{otel.WithTracerProvider(r.tp), otel.WithMeterProvider(r.mp), otel.WithPropagators(propagation.TraceContext{})}
	hc := &http.Client{Transport: otel.Transport(nil, settings...)}
	c, err := twilio.New(fake.AccountSID(), fake.AuthToken(), fake.ClientOptions(otel.Option(settings...), option.WithHTTPClient(hc))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateParticipant(context.Background(), participantstest.TwilioConversationSID, twilio.CreateParticipantParams{Identity: "bob"}); err != nil {
		t.Fatal(err)
	}
	call := r.span(t, "twilio "+createOp)
	attempts := map[trace.SpanID]bool{}
	for _, s := range r.spans.Ended() {
		if s.Parent().SpanID() == call.SpanContext().SpanID() {
			attempts[s.SpanContext().SpanID()] = true
		}
	}
	var sent []string
	for _, s := range r.spans.Ended() {
		if attempts[s.Parent().SpanID()] {
			if s.SpanKind() != trace.SpanKindClient || s.SpanContext().TraceID() != call.SpanContext().TraceID() {
				t.Errorf("otelhttp span %q: kind %s, trace %s; want a client span of the call's trace", s.Name(), s.SpanKind(), s.SpanContext().TraceID())
			}
			sent = append(sent, fmt.Sprintf("00-%s-%s-01", s.SpanContext().TraceID(), s.SpanContext().SpanID()))
		}
	}
	if len(attempts) != 2 || len(sent) != 2 {
		t.Fatalf("%d attempt spans with %d otelhttp spans under them, want 2 and 2 (spans: %s)", len(attempts), len(sent), names(r.spans.Ended()))
	}
	var got []string
	for _, req := range fake.RequestLog() {
		got = append(got, req.Header.Get("Traceparent"))
	}
	checkEqual(t, "traceparent sent", sortJoin(got), sortJoin(sent))
	if _, ok := r.metrics(t)[otel.AttemptsMetric]; !ok {
		t.Errorf("no %s", otel.AttemptsMetric)
	}
}

// TestGlobalProviders checks that without settings the global providers
// record.
func TestGlobalProviders(t *testing.T) {
	r := newRecorders(t)
	tp, mp, pp := otelapi.GetTracerProvider(), otelapi.GetMeterProvider(), otelapi.GetTextMapPropagator()
	otelapi.SetTracerProvider(r.tp)
	otelapi.SetMeterProvider(r.mp)
	otelapi.SetTextMapPropagator(propagation.TraceContext{})
	defer func() {
		otelapi.SetTracerProvider(tp)
		otelapi.SetMeterProvider(mp)
		otelapi.SetTextMapPropagator(pp)
	}()
	fake := participantstest.NewTwilioServer()
	defer fake.Close()
	fake.SeedConversation(participantstest.TwilioConversationSID, participantstest.TwilioConversationName)
	hc := &http.Client{Transport: otel.Transport(fake.Client().Transport)}
	c, err := twilio.New(fake.AccountSID(), fake.AuthToken(), fake.ClientOptions(otel.Option(nil), option.WithHTTPClient(hc))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateParticipant(context.Background(), participantstest.TwilioConversationSID, twilio.CreateParticipantParams{Identity: "carol"}); err != nil {
		t.Fatal(err)
	}
	call := r.span(t, "twilio "+createOp)
	if tp := fake.RequestLog()[0].Header.Get("Traceparent"); !strings.Contains(tp, call.SpanContext().TraceID().String()) {
		t.Errorf("traceparent %q, want the call's trace %s", tp, call.SpanContext().TraceID())
	}
	if _, ok := r.metrics(t)[otel.CallDurationMetric]; !ok {
		t.Errorf("no %s", otel.CallDurationMetric)
	}
}

// failingMeter refuses to make the instrument named fail.
type failingMeter struct {
	noop.Meter
	fail string
}

func (m failingMeter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	if name == m.fail {
		return nil, errors.New("no counter " + name)
	}
	return m.Meter.Int64Counter(name, opts...)
}

func (m failingMeter) Float64Histogram(name string, opts ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	if name == m.fail {
		return nil, errors.New("no histogram " + name)
	}
	return m.Meter.Float64Histogram(name, opts...)
}

type failingProvider struct {
	noop.MeterProvider
	fail string
}

func (p failingProvider) Meter(string, ...metric.MeterOption) metric.Meter {
	return failingMeter{fail: p.fail}
}

// TestInstrumentError checks that an instrument the meter refuses fails
// NewObserver, and the constructor given Option, with the meter's error.
func TestInstrumentError(t *testing.T) {
	for _, name := range []string{otel.AttemptsMetric, otel.RateLimitedMetric, otel.CallDurationMetric, otel.WaitDurationMetric} {
		mp := failingProvider{fail: name}
		if o, err := otel.NewObserver(otel.WithMeterProvider(mp)); o != nil || err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("NewObserver with %s refused = %v, %v; want the meter's error", name, o, err)
		}
		_, err := twilio.New("AC00000000000000000000000000000001", "token", otel.Option(otel.WithMeterProvider(mp)))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("twilio.New with %s refused: %v, want the meter's error", name, err)
		}
	}
}
