// Package otel records the calls of conversekit's vendor clients as
// OpenTelemetry traces and metrics: one span per call, named
// "<vendor> <operation>", with a child span per attempt, and counters of
// attempts and 429s and histograms of call and wait durations. It is an
// observe.Observer (package github.com/conversekit/conversekit/observe),
// given to a client with Option:
//
//	c, err := twilio.New(sid, token, otel.Option(
//		otel.WithTracerProvider(tp),
//		otel.WithMeterProvider(mp)))
//
// Without WithTracerProvider or WithMeterProvider the global providers of
// go.opentelemetry.io/otel are used when the client is made.
//
// # Spans
//
// The call span (kind internal) starts when the operation sends its
// request and ends when it returns. Its attributes: conversekit.vendor,
// conversekit.operation (the operation's method and route, such as
// "POST /conversations/{id}/customers", when the vendor method names it),
// http.request.method, server.address and server.port, and at its end
// http.response.status_code (of the final response, when one came),
// conversekit.attempts, conversekit.retries, conversekit.rate_limit.waits
// and conversekit.rate_limit.wait_duration (in seconds: the waits for the
// client's shared 429 pause, a rate limiter and the vendor's Retry-After),
// conversekit.wait_duration (every wait, backoff included) and error.type
// on failure, when the span's status is Error and the error is recorded.
// Each wait is an event "conversekit.wait" on the call span, at the time
// it began, with conversekit.wait.kind ("pause", "limiter",
// "retry_after", "backoff"), conversekit.attempt (the attempt it held
// back) and conversekit.wait.duration.
//
// Each attempt span (kind client, named as HTTP client spans are: the
// method and the route, or the method alone) has http.request.method,
// server.address, server.port, url.template (the route, when known),
// http.request.resend_count (from 1 on a retry), http.response.status_code
// when a response came, and error.type with status Error when the attempt
// failed (a non-2xx status, a transport error). The attempt's request
// carries the attempt span in its context: an HTTP client wrapped in
// Transport adds otelhttp's span under it, with the full HTTP semantics and
// the W3C trace context sent to the vendor.
//
// # Metrics
//
//   - conversekit.client.attempts (counter, {attempt}): every attempt
//     sent, by conversekit.vendor, conversekit.operation,
//     http.response.status_code or error.type;
//   - conversekit.client.rate_limited (counter, {response}): the 429
//     responses, by conversekit.vendor and conversekit.operation;
//   - conversekit.client.call.duration (histogram, s): every call, by
//     conversekit.vendor, conversekit.operation, http.response.status_code
//     and error.type;
//   - conversekit.client.wait.duration (histogram, s): every wait, by
//     conversekit.vendor, conversekit.operation and conversekit.wait.kind.
//
// conversekit.operation is absent where the vendor method does not name
// the operation: attributes stay of low cardinality (never an ID).
package otel

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	otelapi "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/observe"
	"github.com/conversekit/conversekit/option"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/conversekit/conversekit/contrib/otel"

// The attribute keys of this package; the others are OpenTelemetry's
// semantic conventions (http.*, server.*, url.template, error.type).
const (
	// VendorKey is the vendor of the client: "intercom", "bird", "twilio",
	// "sunshine".
	VendorKey = attribute.Key("conversekit.vendor")
	// OperationKey is the operation's method and route, such as
	// "POST /conversations/{id}/customers".
	OperationKey = attribute.Key("conversekit.operation")
	// AttemptsKey is how many attempts a call sent.
	AttemptsKey = attribute.Key("conversekit.attempts")
	// RetriesKey is how many of them were retries.
	RetriesKey = attribute.Key("conversekit.retries")
	// RateLimitWaitsKey is how many rate-limit waits (shared 429 pause,
	// limiter, Retry-After) held a call back.
	RateLimitWaitsKey = attribute.Key("conversekit.rate_limit.waits")
	// RateLimitWaitedKey is their total, in seconds.
	RateLimitWaitedKey = attribute.Key("conversekit.rate_limit.wait_duration")
	// WaitedKey is the total of every wait of a call, backoff included, in
	// seconds.
	WaitedKey = attribute.Key("conversekit.wait_duration")
	// WaitKindKey is the kind of a wait: "pause", "limiter",
	// "retry_after", "backoff" (observe.WaitKind).
	WaitKindKey = attribute.Key("conversekit.wait.kind")
	// WaitAttemptKey is the number of the attempt a wait held back, 1 for
	// the first.
	WaitAttemptKey = attribute.Key("conversekit.attempt")
	// WaitDurationKey is the duration of one wait, in seconds.
	WaitDurationKey = attribute.Key("conversekit.wait.duration")
)

// The names of the wait event and of the instruments.
const (
	WaitEvent          = "conversekit.wait"
	AttemptsMetric     = "conversekit.client.attempts"
	RateLimitedMetric  = "conversekit.client.rate_limited"
	CallDurationMetric = "conversekit.client.call.duration"
	WaitDurationMetric = "conversekit.client.wait.duration"
)

// Setting configures an Observer.
type Setting func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
	pp propagation.TextMapPropagator
}

// WithTracerProvider records the spans with tp instead of the global
// TracerProvider.
func WithTracerProvider(tp trace.TracerProvider) Setting {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider records the metrics with mp instead of the global
// MeterProvider.
func WithMeterProvider(mp metric.MeterProvider) Setting {
	return func(c *config) { c.mp = mp }
}

// WithPropagators makes Transport send the trace context with p instead of
// the global propagator (which sends nothing until a program sets one,
// with otel.SetTextMapPropagator). propagation.TraceContext{} sends W3C
// traceparent and tracestate.
func WithPropagators(p propagation.TextMapPropagator) Setting {
	return func(c *config) { c.pp = p }
}

// newConfig applies settings to the defaults: the global providers.
func newConfig(settings []Setting) config {
	var c config
	for _, s := range settings {
		if s != nil {
			s(&c)
		}
	}
	if c.tp == nil {
		c.tp = otelapi.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otelapi.GetMeterProvider()
	}
	if c.pp == nil {
		c.pp = otelapi.GetTextMapPropagator()
	}
	return c
}

// Observer records the calls of the clients it is given to as spans and
// metrics. It is safe for concurrent use; one Observer may serve several
// clients.
type Observer struct {
	tracer       trace.Tracer
	attempts     metric.Int64Counter
	rateLimited  metric.Int64Counter
	callDuration metric.Float64Histogram
	waitDuration metric.Float64Histogram
}

// NewObserver returns an Observer recording with the providers settings
// name (the global ones by default). Its error is the meter's, when an
// instrument cannot be made.
func NewObserver(settings ...Setting) (*Observer, error) {
	c := newConfig(settings)
	meter := c.mp.Meter(ScopeName)
	o := &Observer{tracer: c.tp.Tracer(ScopeName)}
	var errs [4]error
	o.attempts, errs[0] = meter.Int64Counter(AttemptsMetric,
		metric.WithUnit("{attempt}"), metric.WithDescription("Attempts sent to the vendor, first and retries."))
	o.rateLimited, errs[1] = meter.Int64Counter(RateLimitedMetric,
		metric.WithUnit("{response}"), metric.WithDescription("Responses 429 Too Many Requests."))
	o.callDuration, errs[2] = meter.Float64Histogram(CallDurationMetric,
		metric.WithUnit("s"), metric.WithDescription("Duration of calls, retries and waits included."))
	o.waitDuration, errs[3] = meter.Float64Histogram(WaitDurationMetric,
		metric.WithUnit("s"), metric.WithDescription("Duration of the waits of calls: shared 429 pause, limiter, Retry-After, backoff."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return o, nil
}

// Option returns the client option of an Observer recording with the
// providers settings name: option.WithObserver(o). When the Observer
// cannot be made, the option fails the constructor with that error.
func Option(settings ...Setting) option.Option {
	o, err := NewObserver(settings...)
	if err != nil {
		return option.Func(func(*option.Settings) error { return err })
	}
	return option.WithObserver(o)
}

// Transport returns base (http.DefaultTransport when nil) wrapped in
// otelhttp's transport with the providers settings name: give it to a
// client with option.WithHTTPClient to add, under each attempt span, a span
// of the HTTP request with otelhttp's attributes and metrics, and to send
// the trace context to the vendor (with the propagator of WithPropagators,
// else the global one).
func Transport(base http.RoundTripper, settings ...Setting) http.RoundTripper {
	c := newConfig(settings)
	return otelhttp.NewTransport(base, otelhttp.WithTracerProvider(c.tp), otelhttp.WithMeterProvider(c.mp), otelhttp.WithPropagators(c.pp))
}

// StartCall implements observe.Observer: it starts the call's span.
func (o *Observer) StartCall(ctx context.Context, call observe.Call) (context.Context, observe.CallObserver) {
	co := &callObserver{o: o, start: time.Now(), method: call.Method}
	co.metricAttrs = append(co.metricAttrs, VendorKey.String(call.Vendor))
	name := call.Vendor + " " + call.Method
	if call.Operation != "" {
		co.metricAttrs = append(co.metricAttrs, OperationKey.String(call.Operation))
		name = call.Vendor + " " + call.Operation
		if method, route, ok := strings.Cut(call.Operation, " "); ok && method == call.Method && strings.HasPrefix(route, "/") {
			co.route = route
		}
	}
	co.server = serverAttrs(call.Host)
	attrs := append(append([]attribute.KeyValue{}, co.metricAttrs...), semconv.HTTPRequestMethodKey.String(call.Method))
	attrs = append(attrs, co.server...)
	ctx, co.span = o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx, co
}

// serverAttrs are server.address and, when host has one, server.port.
func serverAttrs(host string) []attribute.KeyValue {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		return []attribute.KeyValue{semconv.ServerAddress(host)}
	}
	if port, err := strconv.Atoi(p); err == nil {
		return []attribute.KeyValue{semconv.ServerAddress(h), semconv.ServerPort(port)}
	}
	return []attribute.KeyValue{semconv.ServerAddress(h)}
}

// callObserver records one call; it is used by the call's goroutine only.
type callObserver struct {
	o           *Observer
	span        trace.Span
	start       time.Time
	method      string
	route       string               // url.template, "" when unknown
	server      []attribute.KeyValue // server.address, server.port
	metricAttrs []attribute.KeyValue // vendor, operation
	attempt     trace.Span
	rlWaits     int
	rlWaited    time.Duration
}

// StartAttempt implements observe.CallObserver: it starts the attempt's
// span, a child of the call's.
func (c *callObserver) StartAttempt(ctx context.Context, n int) context.Context {
	name := c.method
	attrs := make([]attribute.KeyValue, 0, 6)
	attrs = append(attrs, semconv.HTTPRequestMethodKey.String(c.method))
	attrs = append(attrs, c.server...)
	if c.route != "" {
		name += " " + c.route
		attrs = append(attrs, semconv.URLTemplate(c.route))
	}
	if n > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(n-1))
	}
	ctx, c.attempt = c.o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx
}

// EndAttempt implements observe.CallObserver: it ends the attempt's span
// and counts the attempt (and a 429).
func (c *callObserver) EndAttempt(ctx context.Context, a observe.Attempt) {
	outcome := outcomeAttrs(a.StatusCode, a.Err)
	c.attempt.SetAttributes(outcome...)
	if a.Err != nil {
		c.attempt.SetStatus(codes.Error, a.Err.Error())
	}
	c.attempt.End()
	c.o.attempts.Add(ctx, 1, metric.WithAttributes(append(outcome, c.metricAttrs...)...))
	if a.StatusCode == http.StatusTooManyRequests {
		c.o.rateLimited.Add(ctx, 1, metric.WithAttributes(c.metricAttrs...))
	}
}

// Wait implements observe.CallObserver: it adds the wait to the call's
// span as an event and to the wait histogram.
func (c *callObserver) Wait(ctx context.Context, w observe.Wait) {
	if w.Kind.RateLimit() {
		c.rlWaits++
		c.rlWaited += w.Duration
	}
	attrs := []attribute.KeyValue{
		WaitKindKey.String(string(w.Kind)),
		WaitAttemptKey.Int(w.Attempt),
		WaitDurationKey.Float64(w.Duration.Seconds()),
	}
	if w.Err != nil {
		attrs = append(attrs, semconv.ErrorType(w.Err))
	}
	c.span.AddEvent(WaitEvent, trace.WithTimestamp(time.Now().Add(-w.Duration)), trace.WithAttributes(attrs...))
	c.o.waitDuration.Record(ctx, w.Duration.Seconds(), metric.WithAttributes(append([]attribute.KeyValue{WaitKindKey.String(string(w.Kind))}, c.metricAttrs...)...))
}

// EndCall implements observe.CallObserver: it ends the call's span and
// records its duration.
func (c *callObserver) EndCall(ctx context.Context, e observe.CallEnd) {
	outcome := outcomeAttrs(e.StatusCode, e.Err)
	c.span.SetAttributes(outcome...)
	c.span.SetAttributes(
		AttemptsKey.Int(e.Attempts),
		RetriesKey.Int(max(e.Attempts-1, 0)),
		RateLimitWaitsKey.Int(c.rlWaits),
		RateLimitWaitedKey.Float64(c.rlWaited.Seconds()),
		WaitedKey.Float64(e.Waited.Seconds()),
	)
	if e.Err != nil {
		c.span.RecordError(e.Err)
		c.span.SetStatus(codes.Error, e.Err.Error())
	}
	c.span.End()
	c.o.callDuration.Record(ctx, time.Since(c.start).Seconds(), metric.WithAttributes(append(outcome, c.metricAttrs...)...))
}

// outcomeAttrs are http.response.status_code when a response came, and
// error.type when err is set: the status of an *apierror.Error, else the
// error's type.
func outcomeAttrs(status int, err error) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 4)
	if status > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(status))
	}
	if err == nil {
		return attrs
	}
	var api *apierror.Error
	if errors.As(err, &api) {
		return append(attrs, semconv.ErrorTypeKey.String(strconv.Itoa(api.StatusCode)))
	}
	return append(attrs, semconv.ErrorType(err))
}
