package transport

// More behaviour found unchecked by mutation testing (issue 13): the shared
// 429 pause, "gave up" reasons, request bodies that seek, success bodies of
// every 2xx, and the edges of the debug records.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

// pathClient answers each path of api.example.test with its own statuses,
// in order (the last repeats), with hdr on every response, and records when
// each request arrived.
type pathClient struct {
	mu      sync.Mutex
	steps   map[string][]int
	hdr     http.Header
	arrived map[string][]time.Time
}

func newPathClient(t *testing.T, o Options, hdr http.Header, steps map[string][]int) (*Client, *pathClient) {
	t.Helper()
	pc := &pathClient{steps: steps, hdr: hdr, arrived: map[string][]time.Time{}}
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		pc.mu.Lock()
		defer pc.mu.Unlock()
		p := r.URL.Path
		pc.arrived[p] = append(pc.arrived[p], time.Now())
		s := pc.steps[p]
		status := s[0]
		if len(s) > 1 {
			pc.steps[p] = s[1:]
		}
		resp := httpmock.NewStringResponse(status, "{}")
		for k, v := range pc.hdr {
			resp.Header[k] = v
		}
		return resp, nil
	})
	o.HTTPClient = &http.Client{Transport: mock}
	if o.WaitMin == 0 {
		o.WaitMin, o.WaitMax = time.Millisecond, 5*time.Millisecond
	}
	return New(o), pc
}

// get gets path through c with its default settings, idempotent when
// idempotent.
func (pc *pathClient) get(ctx context.Context, c *Client, path string, idempotent bool) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example.test"+path, nil)
	s := c.Defaults()
	s.Idempotent = idempotent
	resp, err := c.Do(ctx, req, s)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// The wait a 429 asks for holds back every request of the same Client, not
// just the one that got it (a wait of exactly MaxServerWait included); a
// Retry-After on a 503 holds back only its own call.
func TestRateLimitPauseIsShared(t *testing.T) {
	t.Parallel()
	t.Run("429 pauses the next request", virtual(func(t *testing.T) {
		c, pc := newPathClient(t, Options{MaxServerWait: time.Second}, http.Header{"Retry-After": {"1"}}, map[string][]int{"/a": {429}, "/b": {200}})
		start := time.Now()
		if err := pc.get(context.Background(), c, "/a", false); err == nil {
			t.Fatal("429 without retries succeeded")
		}
		if err := pc.get(context.Background(), c, "/b", false); err != nil {
			t.Fatal(err)
		}
		if gap := pc.arrived["/b"][0].Sub(start); gap < 950*time.Millisecond {
			t.Errorf("the next request was sent %s after a 429 asking for 1s", gap)
		}
	}))
	t.Run("503 does not pause other requests", virtual(func(t *testing.T) {
		c, pc := newPathClient(t, Options{}, http.Header{"Retry-After": {"5"}}, map[string][]int{"/a": {503}, "/b": {200}})
		start := time.Now()
		if err := pc.get(context.Background(), c, "/a", true); err == nil {
			t.Fatal("503 without retries succeeded")
		}
		if err := pc.get(context.Background(), c, "/b", false); err != nil {
			t.Fatal(err)
		}
		if gap := pc.arrived["/b"][0].Sub(start); gap > 3*time.Second {
			t.Errorf("a 503's Retry-After held back another request for %s", gap)
		}
	}))
}

// "gave up after N attempts" is said only of a temporary error that was
// retried.
func TestGaveUpReason(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		idempotent bool
		want       string // "" means no reason
		attempts   int
	}{
		{"400 once", 400, true, "", 1},
		{"503 not idempotent", 503, false, "", 1},
		{"503 retried", 503, true, "gave up after 3 attempts", 3},
		{"429 retried", 429, false, "gave up after 3 attempts", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, pc := newPathClient(t, Options{MaxRetries: 2}, nil, map[string][]int{"/a": {tc.status}})
			err := pc.get(context.Background(), c, "/a", tc.idempotent)
			var apiErr *apierror.Error
			if !errors.As(err, &apiErr) || apiErr.Reason != tc.want || apiErr.Attempts != tc.attempts {
				t.Errorf("err = %v (%+v), want reason %q after %d attempts", err, apiErr, tc.want, tc.attempts)
			}
			if tc.want == "" && strings.Contains(err.Error(), "gave up") {
				t.Errorf("err = %v says it gave up", err)
			}
		})
	}
}

// seekBody is a request body that can be rewound.
type seekBody struct {
	*strings.Reader
	closed bool
}

func (s *seekBody) Close() error { s.closed = true; return nil }

// A request body that is an io.Seeker is rewound for each attempt and left
// open for the caller, whatever the outcome.
func TestSeekableRequestBodyLeftOpen(t *testing.T) {
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 503}, step{status: 200})
	body := &seekBody{Reader: strings.NewReader("payload")}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, testURL, body)
	resp, err := c.Do(req.Context(), req, idem(c))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if body.closed {
		t.Error("a seekable request body was closed")
	}
	if len(rec.bodies) != 2 || rec.bodies[0] != "payload" || rec.bodies[1] != "payload" {
		t.Errorf("bodies sent = %q, want payload twice", rec.bodies)
	}
}

// Every 2xx body reaches the caller whole, however long (under the cap),
// including statuses at the edges of the class.
func TestSuccessBodiesWhole(t *testing.T) {
	big := strings.Repeat("z", apierror.MaxBodyBytes+100)
	for _, status := range []int{200, 201, 204, 299} {
		body := big
		if status == 204 {
			body = ""
		}
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: status, body: body})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		if got := drain(t, resp); got != body || resp.StatusCode != status {
			t.Errorf("%d: read %d bytes with status %d, want %d", status, len(got), resp.StatusCode, len(body))
		}
	}
	for _, status := range []int{199, 300} {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: status, body: "x"})
		if _, err := doGet(context.Background(), c); err == nil {
			t.Errorf("%d: no error", status)
		}
	}
}

// The pooled transport keeps idle connections for 90s, many per host.
func TestPooledTransportValues(t *testing.T) {
	tr := pooledTransport()
	if tr.IdleConnTimeout != 90*time.Second || tr.MaxIdleConns != 256 || tr.MaxIdleConnsPerHost != 128 {
		t.Errorf("pool: idle %s, max idle %d, per host %d", tr.IdleConnTimeout, tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}
}

// debugBodyRecord returns what the attempt record shows of a response body
// and of the request body, for bodies sent and answered with ct.
func debugBodyRecord(t *testing.T, red Redaction, reqBody, respBody, ct string) (req, resp string) {
	t.Helper()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: red},
		step{status: 200, body: respBody, hdr: []string{"Content-Type", ct}})
	r, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(reqBody))
	r.Header.Set("Content-Type", ct)
	res, err := c.Do(context.Background(), r, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, res); got != respBody {
		t.Errorf("the caller read %d bytes, want %d", len(got), len(respBody))
	}
	for _, rec := range records(t, &buf) {
		if rec["msg"] == "conversekit attempt" {
			return rec["request_body"].(string), rec["response_body"].(string)
		}
	}
	t.Fatal("no attempt record")
	return "", ""
}

// A body of exactly the peek size (64 KiB) is whole: it is parsed and
// redacted, and not marked cut once redaction made it short.
func TestDebugBodyAtPeekSize(t *testing.T) {
	prefix, suffix := `{"attributes":"`, `"}`
	body := prefix + strings.Repeat("p", debugPeekBytes-len(prefix)-len(suffix)) + suffix
	if len(body) != debugPeekBytes {
		t.Fatal("bad body size")
	}
	req, resp := debugBodyRecord(t, Redaction{JSONKeys: []string{"attributes"}}, body, body, "application/json")
	want := `{"attributes":"[redacted]"}`
	if req != want || resp != want {
		t.Errorf("records: request %.80q, response %.80q; want %q", req, resp, want)
	}
	// One byte more is cut: it cannot be parsed and is withheld.
	body = prefix + strings.Repeat("p", debugPeekBytes+1-len(prefix)-len(suffix)) + suffix
	req, resp = debugBodyRecord(t, Redaction{JSONKeys: []string{"attributes"}}, body, body, "application/json")
	if !strings.HasPrefix(req, "[withheld") || !strings.HasPrefix(resp, "[withheld") {
		t.Errorf("records of a 64 KiB+1 body: request %.80q, response %.80q; want withheld", req, resp)
	}
}

// A body of exactly DebugBodyBytes is shown whole; one byte more is cut.
func TestDebugBodyAtRecordSize(t *testing.T) {
	body := strings.Repeat("r", DebugBodyBytes)
	req, resp := debugBodyRecord(t, Redaction{}, body, body, "text/plain")
	if req != body || resp != body {
		t.Errorf("a %d-byte body was changed: %d / %d bytes", DebugBodyBytes, len(req), len(resp))
	}
	req, resp = debugBodyRecord(t, Redaction{}, body+"s", body+"s", "text/plain")
	if want := body + "…(cut)"; req != want || resp != want {
		t.Errorf("a %d-byte body: %q…", DebugBodyBytes+1, resp[len(resp)-10:])
	}
}

// A response body whose reading fails is marked cut in the record, and the
// caller still gets the bytes and then the error.
func TestDebugBodyReadErrorMarkedCut(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	boom := errors.New("reset mid-body")
	c := New(Options{Vendor: "acme", Logger: logger, DebugBodies: true})
	r, _ := http.NewRequest(http.MethodGet, testURL, nil)
	resp, err := c.debugAttempt(r, 1, time.Now(),
		&http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(io.MultiReader(strings.NewReader("partial"), errReader{boom}))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	recs := records(t, &buf)
	if len(recs) != 1 || recs[0]["response_body"] != "partial…(cut)" || recs[0]["error"] != boom.Error() {
		t.Errorf("record = %v", recs)
	}
}

// A JSON body holding more than one value, or a form that does not parse,
// is withheld when it mentions a hidden key, in any of its spellings.
func TestDebugUnparsableBodiesWithheld(t *testing.T) {
	red := Redaction{JSONKeys: []string{"attributes"}, FormKeys: []string{"Secret Key"}}
	_, resp := debugBodyRecord(t, red, "", `{"sid":"MB1"} {"attributes":"ssn-4412"}`, "application/json")
	if resp != "[withheld: unparsable JSON body]" {
		t.Errorf("two JSON values: %q", resp)
	}
	for _, body := range []string{"Secret+Key=%zz", "Secret Key=%zz"} {
		_, resp = debugBodyRecord(t, red, "", body, "application/x-www-form-urlencoded")
		if resp != "[withheld: unparsable form body]" {
			t.Errorf("form %q: %q", body, resp)
		}
	}
	_, resp = debugBodyRecord(t, red, "", "Other=%zz", "application/x-www-form-urlencoded")
	if resp != "Other=%zz" {
		t.Errorf("unparsable form without a hidden key: %q", resp)
	}
}

// An empty secret hides nothing (it would otherwise match everywhere).
func TestEmptySecretIgnored(t *testing.T) {
	req, resp := debugBodyRecord(t, Redaction{Secrets: []string{"", "tok-7781", "tok-7781"}}, "abc tok-7781", "def", "text/plain")
	if req != "abc [redacted]" || resp != "def" {
		t.Errorf("records: %q, %q", req, resp)
	}
	if rd := (Redaction{Secrets: []string{"", "tok-7781", "tok-7781"}}).compile(); len(rd.secrets) != 1 {
		t.Errorf("secrets = %q, want the one distinct non-empty secret", rd.secrets)
	}
}
