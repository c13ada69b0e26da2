package transport

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/internal/apierror"
)

// TestMain runs the tests with goleak, and lets up to 16 parallel tests run
// at once unless -parallel says otherwise: the slow tests of this package
// wait (for a Retry-After, an attempt timeout, a pause) rather than compute,
// so running them side by side keeps the suite, which mutation testing runs
// once per mutant, short on a machine with few cores.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "16")
	}
	goleak.VerifyTestMain(m)
}

const testURL = "https://api.example.test/v1/things/42"

// step is one scripted attempt: a response or a transport error.
type step struct {
	status int
	body   string
	hdr    []string // key, value pairs
	err    error
}

// recorder keeps what each attempt sent.
type recorder struct {
	mu      sync.Mutex
	headers []http.Header
	bodies  []string
}

func (r *recorder) n() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.headers)
}

// script answers attempt i with steps[i] (the last step repeats).
func script(rec *recorder, steps ...step) httpmock.Responder {
	var i int
	return func(req *http.Request) (*http.Response, error) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		var b []byte
		if req.Body != nil {
			b, _ = io.ReadAll(req.Body)
		}
		rec.headers = append(rec.headers, req.Header.Clone())
		rec.bodies = append(rec.bodies, string(b))
		s := steps[min(i, len(steps)-1)]
		i++
		if s.err != nil {
			return nil, s.err
		}
		resp := httpmock.NewStringResponse(s.status, s.body)
		for j := 0; j+1 < len(s.hdr); j += 2 {
			resp.Header.Set(s.hdr[j], s.hdr[j+1])
		}
		return resp, nil
	}
}

// mockClient returns a Client on a fresh mock transport that answers every
// method on testURL from steps, and the recorder of the attempts.
func mockClient(t *testing.T, o Options, steps ...step) (*Client, *httpmock.MockTransport, *recorder) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	rec := &recorder{}
	r := script(rec, steps...)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		mock.RegisterResponder(m, testURL, r)
	}
	if o.WaitMin == 0 {
		o.WaitMin = time.Millisecond
	}
	if o.WaitMax == 0 {
		o.WaitMax = 5 * time.Millisecond
	}
	o.HTTPClient = &http.Client{Transport: mock}
	return New(o), mock, rec
}

// doGet gets testURL through c with its default settings.
func doGet(ctx context.Context, c *Client) (*http.Response, error) {
	return doGetWith(ctx, c, c.Defaults())
}

// doGetWith gets testURL through c with s.
func doGetWith(ctx context.Context, c *Client, s Settings) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	if err != nil {
		panic(err)
	}
	return c.Do(ctx, req, s)
}

func dialErr() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
}

func resetErr() error {
	return &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
}

func drain(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

func TestRetryPolicy(t *testing.T) {
	ok := step{status: 200, body: "ok"}
	tests := []struct {
		name         string
		steps        []step
		idempotent   bool
		maxRetries   int
		wantAttempts int
		wantStatus   int  // status of the *apierror.Error; 0 means success
		wantOtherErr bool // a non-API, non-context error
	}{
		{"200 once", []step{ok}, false, DefaultMaxRetries, 1, 0, false},
		{"429 retried without idempotency", []step{{status: 429}, {status: 429}, ok}, false, DefaultMaxRetries, 3, 0, false},
		{"429 retried when idempotent", []step{{status: 429}, ok}, true, DefaultMaxRetries, 2, 0, false},
		{"429 until retries run out", []step{{status: 429, body: "slow down"}}, false, 2, 3, 429, false},
		{"429 with retries disabled", []step{{status: 429}}, false, 0, 1, 429, false},
		{"503 not retried without idempotency", []step{{status: 503}, ok}, false, DefaultMaxRetries, 1, 503, false},
		{"503 retried when idempotent", []step{{status: 503}, ok}, true, DefaultMaxRetries, 2, 0, false},
		{"500 retried when idempotent", []step{{status: 500}, {status: 502}, {status: 504}, ok}, true, DefaultMaxRetries, 4, 0, false},
		{"5xx until retries run out", []step{{status: 500}}, true, 3, 4, 500, false},
		{"599 retried when idempotent", []step{{status: 599}, ok}, true, DefaultMaxRetries, 2, 0, false},
		{"501 never retried", []step{{status: 501}, ok}, true, DefaultMaxRetries, 1, 501, false},
		{"408 not retried without idempotency", []step{{status: 408}, ok}, false, DefaultMaxRetries, 1, 408, false},
		{"408 retried when idempotent", []step{{status: 408}, ok}, true, DefaultMaxRetries, 2, 0, false},
		{"400 never retried", []step{{status: 400}, ok}, true, DefaultMaxRetries, 1, 400, false},
		{"401 never retried", []step{{status: 401}, ok}, true, DefaultMaxRetries, 1, 401, false},
		{"404 never retried", []step{{status: 404}, ok}, true, DefaultMaxRetries, 1, 404, false},
		{"409 never retried", []step{{status: 409}, ok}, true, DefaultMaxRetries, 1, 409, false},
		{"304 is an error, not retried", []step{{status: 304}, ok}, true, DefaultMaxRetries, 1, 304, false},
		{"dial error retried without idempotency", []step{{err: dialErr()}, {err: dialErr()}, ok}, false, DefaultMaxRetries, 3, 0, false},
		{"dial error until retries run out", []step{{err: dialErr()}}, false, 2, 3, 0, true},
		{"reset not retried without idempotency", []step{{err: resetErr()}, ok}, false, DefaultMaxRetries, 1, 0, true},
		{"reset retried when idempotent", []step{{err: resetErr()}, ok}, true, DefaultMaxRetries, 2, 0, false},
		{"plain error retried when idempotent", []step{{err: errors.New("boom")}, ok}, true, DefaultMaxRetries, 2, 0, false},
		{"plain error not retried otherwise", []step{{err: errors.New("boom")}, ok}, false, DefaultMaxRetries, 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, virtual(func(t *testing.T) {
			c, mock, _ := mockClient(t, Options{Vendor: "acme", MaxRetries: tt.maxRetries}, tt.steps...)
			resp, err := doGetWith(context.Background(), c, with(c, func(s *Settings) { s.Idempotent = tt.idempotent }))
			if got := mock.GetTotalCallCount(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			var apiErr *apierror.Error
			switch {
			case tt.wantStatus != 0:
				if !errors.As(err, &apiErr) {
					t.Fatalf("err = %v (%T), want *apierror.Error", err, err)
				}
				if resp != nil {
					t.Errorf("resp = %v, want nil with an API error", resp)
				}
				if apiErr.StatusCode != tt.wantStatus || apiErr.Attempts != tt.wantAttempts || apiErr.Vendor != "acme" {
					t.Errorf("got status %d attempts %d vendor %q, want %d %d acme", apiErr.StatusCode, apiErr.Attempts, apiErr.Vendor, tt.wantStatus, tt.wantAttempts)
				}
				if tt.wantAttempts > 1 && !strings.Contains(apiErr.Error(), fmt.Sprintf("gave up after %d attempts", tt.wantAttempts)) {
					t.Errorf("Error() = %q, want it to say it gave up", apiErr.Error())
				}
			case tt.wantOtherErr:
				if err == nil || errors.As(err, &apiErr) || resp != nil {
					t.Fatalf("got (%v, %v), want a transport error", resp, err)
				}
				if !strings.HasPrefix(err.Error(), "acme: GET "+testURL) {
					t.Errorf("err = %q, want it to name the vendor, method and URL", err)
				}
			default:
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				if body := drain(t, resp); body != "ok" {
					t.Errorf("body = %q", body)
				}
			}
		}))
	}
}

// TestRealDialErrorRetried checks that isDialError matches what net/http
// really returns when nothing listens on the port.
func TestRealDialErrorRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var attempts atomic.Int32
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := New(Options{
		MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond,
		HTTPClient: &http.Client{Transport: countRT{tr, &attempts}},
	})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/x", strings.NewReader("{}"))
	_, err = c.Do(req.Context(), req, c.Defaults())
	if err == nil {
		t.Fatal("want an error")
	}
	if !isDialError(err) {
		t.Errorf("err = %v, want a dial error in the chain", err)
	}
	if got := attempts.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3 (dial errors are retried even for POST)", got)
	}
}

type countRT struct {
	rt http.RoundTripper
	n  *atomic.Int32
}

func (c countRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mock, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, WaitMin: time.Millisecond, WaitMax: time.Millisecond},
			step{status: 429, hdr: []string{"Retry-After", "1"}}, step{status: 200, body: "ok"})
		start := time.Now()
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		if d := time.Since(start); d < 900*time.Millisecond || d > 5*time.Second {
			t.Errorf("took %s, want about the 1s Retry-After", d)
		}
		if n := mock.GetTotalCallCount(); n != 2 {
			t.Errorf("attempts = %d, want 2", n)
		}
	})
}

func TestServerWaitTooLong(t *testing.T) {
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name    string
		opts    Options
		hdr     []string
		status  int
		ctxWait time.Duration
		reason  string
	}{
		{"Retry-After over MaxServerWait", Options{MaxRetries: DefaultMaxRetries, MaxServerWait: time.Second}, []string{"Retry-After", "30"}, 429, 0, "exceeds the 1s limit"},
		{"HTTP date over MaxServerWait", Options{MaxRetries: DefaultMaxRetries, MaxServerWait: time.Second}, []string{"Retry-After", future.UTC().Format(http.TimeFormat)}, 429, 0, "limit"},
		{"X-RateLimit-Reset over MaxServerWait", Options{MaxRetries: DefaultMaxRetries}, []string{"X-RateLimit-Reset", strconv.FormatInt(future.Unix(), 10)}, 429, 0, "exceeds the 2m0s limit"},
		{"Retry-After past the deadline", Options{MaxRetries: DefaultMaxRetries}, []string{"Retry-After", "30"}, 429, 2 * time.Second, "passes the context deadline"},
		{"idempotent 503 Retry-After past the deadline", Options{MaxRetries: DefaultMaxRetries}, []string{"Retry-After", "30"}, 503, 2 * time.Second, "passes the context deadline"},
		{"huge Retry-After", Options{MaxRetries: DefaultMaxRetries}, []string{"Retry-After", "999999999999999999999999"}, 429, 0, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, _ := mockClient(t, tt.opts, step{status: tt.status, body: `{"error":"rate"}`, hdr: tt.hdr}, step{status: 200})
			ctx := context.Background()
			if tt.ctxWait > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxWait)
				defer cancel()
			}
			start := time.Now()
			_, err := doGetWith(ctx, c, idem(c))
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("took %s, want an immediate return", d)
			}
			var apiErr *apierror.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *apierror.Error", err)
			}
			// Only a 429 is "rate limited"; a 503 asking for a long wait is
			// just not retried.
			word := "rate limited"
			if tt.status != 429 {
				word = "not retried"
			}
			if !strings.Contains(apiErr.Error(), word) || !strings.Contains(apiErr.Error(), tt.reason) {
				t.Errorf("Error() = %q, want %s ... %s", apiErr.Error(), word, tt.reason)
			}
			if apiErr.RetryAfter <= time.Second || apiErr.StatusCode != tt.status || apiErr.Attempts != 1 || string(apiErr.Body) != `{"error":"rate"}` {
				t.Errorf("got RetryAfter %s status %d attempts %d body %q", apiErr.RetryAfter, apiErr.StatusCode, apiErr.Attempts, apiErr.Body)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("attempts = %d, want 1", n)
			}
		})
	}
}

// TestRateLimitResetOnlyOn429: Intercom sends X-RateLimit-Reset (the end of
// the window) on every response; it is a wait only on a 429.
func TestRateLimitResetOnlyOn429(t *testing.T) {
	reset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	c, mock, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 503, hdr: []string{"X-RateLimit-Reset", reset}}, step{status: 200})
	start := time.Now()
	resp, err := doGetWith(context.Background(), c, idem(c))
	if err != nil {
		t.Fatalf("err = %v, want the 503 retried with backoff", err)
	}
	drain(t, resp)
	if d := time.Since(start); d > time.Second || mock.GetTotalCallCount() != 2 {
		t.Errorf("took %s and %d attempts, want a quick retry", d, mock.GetTotalCallCount())
	}

	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 404, hdr: []string{"X-RateLimit-Reset", reset}})
	_, err = doGet(context.Background(), c)
	var apiErr *apierror.Error
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 0 {
		t.Errorf("404 with X-RateLimit-Reset: err = %v, RetryAfter must be 0", err)
	}

	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 404, hdr: []string{"Retry-After", "7"}})
	_, err = doGet(context.Background(), c)
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 7*time.Second {
		t.Errorf("404 with Retry-After 7: err = %v, want RetryAfter 7s", err)
	}
}

func TestContextCancelDuringWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  Options
		first step
	}{
		{"Retry-After", Options{MaxRetries: DefaultMaxRetries}, step{status: 429, hdr: []string{"Retry-After", "60"}}},
		{"X-RateLimit-Reset", Options{MaxRetries: DefaultMaxRetries}, step{status: 429, hdr: []string{"X-RateLimit-Reset", strconv.FormatInt(bubbleStart.Unix()+60, 10)}}},
		{"backoff", Options{MaxRetries: DefaultMaxRetries, WaitMin: 20 * time.Second, WaitMax: time.Minute}, step{status: 429}},
		{"backoff after dial error", Options{MaxRetries: DefaultMaxRetries, WaitMin: 20 * time.Second, WaitMax: time.Minute}, step{err: dialErr()}},
	}
	// checkLast: a wait after a response ends with the context error joined
	// with that response's *apierror.Error; after a transport error with the
	// context error itself.
	checkLast := func(t *testing.T, err, want error, first step) {
		t.Helper()
		var apiErr *apierror.Error
		var ce *ContextError
		if first.err != nil {
			if err != want {
				t.Errorf("err = %v, want %v itself", err, want)
			}
			return
		}
		if !errors.Is(err, want) || !errors.As(err, &ce) || !errors.As(err, &apiErr) || apiErr.StatusCode != first.status || apiErr.Attempts != 1 {
			t.Errorf("err = %#v, want %v joined with the HTTP %d *apierror.Error", err, want, first.status)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, virtual(func(t *testing.T) {
			c, mock, _ := mockClient(t, tt.opts, tt.first, step{status: 200})
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			start := time.Now()
			resp, err := doGet(ctx, c)
			checkLast(t, err, context.Canceled, tt.first)
			if resp != nil {
				t.Error("resp not nil")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %s after cancel, want prompt", d)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("attempts = %d, want 1", n)
			}
		}))
	}

	t.Run("deadline during backoff", virtual(func(t *testing.T) {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, WaitMin: 20 * time.Second, WaitMax: time.Minute}, step{status: 429})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := doGet(ctx, c)
		checkLast(t, err, context.DeadlineExceeded, step{status: 429})
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %s", d)
		}
	}))

	t.Run("already cancelled", func(t *testing.T) {
		c, mock, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 200})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := doGet(ctx, c)
		if err != context.Canceled {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if n := mock.GetTotalCallCount(); n > 1 {
			t.Errorf("attempts = %d", n)
		}
	})
}

func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	// newClient returns a client on an in-memory server that, until the
	// attempt's context ends, leaves the first two attempts on
	// /slow-headers unanswered (only a per-attempt timeout lets the third
	// one, 2×200ms later, succeed) and sends /slow-body's headers and part
	// of its body, then nothing more.
	var calls atomic.Int32
	newClient := func(o Options) *Client {
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			switch r.URL.Path {
			case "/slow-headers":
				if calls.Add(1) <= 2 {
					return stallHeaders(r)
				}
				return httpmock.NewStringResponse(http.StatusOK, "ok"), nil
			default: // "/slow-body"
				return stalledBody(r), nil
			}
		})
		o.HTTPClient = &http.Client{Transport: mock}
		return New(o)
	}
	tests := []struct {
		name         string
		idempotent   bool
		wantAttempts int32
		wantOK       bool
	}{
		{"not idempotent: cut off, not retried", false, 1, false},
		{"idempotent: cut off twice, retried", true, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, virtual(func(t *testing.T) {
			calls.Store(0)
			c := newClient(Options{MaxRetries: DefaultMaxRetries, AttemptTimeout: 200 * time.Millisecond, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, stallURL+"/slow-headers", strings.NewReader("x"))
			start := time.Now()
			resp, err := c.Do(ctx, req, with(c, func(s *Settings) { s.Idempotent = tt.idempotent }))
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s, want the 200ms attempt timeout to cut it off", d)
			}
			if got := calls.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			if tt.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				drain(t, resp)
				return
			}
			if err == nil || errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
				t.Fatalf("err = %v, want an attempt timeout, not the ctx's", err)
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("err = %v, want a timeout", err)
			}
		}))
	}

	t.Run("slow body cut off", virtual(func(t *testing.T) {
		// A 2xx body is read inside the attempt: a stalled one is a failed
		// attempt, an *AttemptTimeoutError in a *BodyReadError, and the
		// caller's context is untouched.
		c := newClient(Options{MaxRetries: DefaultMaxRetries, AttemptTimeout: 200 * time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/slow-body", nil)
		start := time.Now()
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err == nil {
			resp.Body.Close()
			t.Fatal("a stalled 2xx body came back as success")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %s", d)
		}
		var bre *BodyReadError
		var ate *AttemptTimeoutError
		if !errors.As(err, &bre) || bre.Status != 200 || !errors.As(err, &ate) || !bre.Timeout() {
			t.Errorf("err = %v, want a *BodyReadError of a 200 holding an *AttemptTimeoutError", err)
		}
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Errorf("err = %v, ctx.Err() = %v: the attempt's timeout is not the caller's deadline", err, ctx.Err())
		}
	}))
}

func TestAPIErrorFields(t *testing.T) {
	big := strings.Repeat("e", apierror.MaxBodyBytes+10)
	exact := strings.Repeat("x", apierror.MaxBodyBytes)
	tests := []struct {
		name      string
		st        step
		wantBody  string
		wantTrunc bool
		wantRA    time.Duration
	}{
		{"json", step{status: 404, body: `{"code":"not_found"}`, hdr: []string{"X-Request-Id", "req-1"}}, `{"code":"not_found"}`, false, 0},
		{"html", step{status: 502, body: "<html><body>Bad gateway</body></html>"}, "<html><body>Bad gateway</body></html>", false, 0},
		{"empty", step{status: 400}, "", false, 0},
		{"exactly the cap", step{status: 400, body: exact}, exact, false, 0},
		{"over the cap", step{status: 400, body: big}, big[:apierror.MaxBodyBytes], true, 0},
		{"retry after", step{status: 429, hdr: []string{"Retry-After", "0"}}, "", false, 0},
		{"retry after on 503", step{status: 503, hdr: []string{"Retry-After", "3"}}, "", false, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen apierror.Error
			decode := func(e *apierror.Error) {
				seen = *e
				e.Code = "decoded"
				e.RequestID = e.Header.Get("X-Request-Id")
			}
			c, mock, _ := mockClient(t, Options{Vendor: "acme", DecodeError: decode}, tt.st)
			_, err := doGet(context.Background(), c)
			var apiErr *apierror.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v", err)
			}
			if apiErr.StatusCode != tt.st.status || string(apiErr.Body) != tt.wantBody || apiErr.Truncated != tt.wantTrunc ||
				apiErr.RetryAfter != tt.wantRA || apiErr.Attempts != 1 || apiErr.Vendor != "acme" {
				t.Errorf("got status %d body len %d truncated %v RetryAfter %s attempts %d", apiErr.StatusCode, len(apiErr.Body), apiErr.Truncated, apiErr.RetryAfter, apiErr.Attempts)
			}
			if apiErr.Code != "decoded" {
				t.Error("DecodeError not called")
			}
			if seen.StatusCode != tt.st.status || string(seen.Body) != tt.wantBody || seen.Attempts != 1 || seen.Header == nil || seen.RetryAfter != tt.wantRA {
				t.Errorf("DecodeError saw status %d, body len %d, attempts %d, header %v: want them set before", seen.StatusCode, len(seen.Body), seen.Attempts, seen.Header)
			}
			if tt.wantTrunc != strings.Contains(apiErr.Error(), "truncated") {
				t.Errorf("Error() = %q", apiErr.Error())
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("attempts = %d", n)
			}
		})
	}
}

// lazyBody generates n bytes on demand without holding them.
type lazyBody struct {
	left     int64
	declared int64 // the announced Content-Length; 0 means unknown (-1)
	read     atomic.Int64
	closed   atomic.Bool
}

func (b *lazyBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	for i := range p {
		p[i] = 'a'
	}
	b.left -= int64(len(p))
	b.read.Add(int64(len(p)))
	return len(p), nil
}

func (b *lazyBody) Close() error { b.closed.Store(true); return nil }

func lazyClient(t *testing.T, status int, size int64, o Options) (*Client, *lazyBody) {
	t.Helper()
	body := &lazyBody{left: size}
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder("GET", testURL, func(r *http.Request) (*http.Response, error) {
		cl := int64(-1)
		if body.declared > 0 {
			cl = body.declared
		}
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: body, ContentLength: cl, Request: r}, nil
	})
	o.HTTPClient = &http.Client{Transport: mock}
	return New(o), body
}

func TestSuccessBodyCap(t *testing.T) {
	tests := []struct {
		name     string
		size     int64
		declared bool // the response announces its length
		max      int64
		wantErr  bool
	}{
		{"empty", 0, false, 10, false},
		{"under", 9, false, 10, false},
		{"exactly", 10, false, 10, false},
		{"exactly, declared", 10, true, 10, false},
		{"one over", 11, false, 10, true},
		{"one over, declared", 11, true, 10, true},
		{"far over", 1 << 20, false, 10, true},
		{"far over, declared", 1 << 20, true, 10, true},
		{"default cap, exactly", DefaultMaxResponseBytes, false, 0, false},
		{"default cap, one over", DefaultMaxResponseBytes + 1, false, 0, true},
		{"default cap, one over, declared", DefaultMaxResponseBytes + 1, true, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, body := lazyClient(t, 200, tt.size, Options{MaxRetries: DefaultMaxRetries, Vendor: "acme", MaxResponseBytes: tt.max})
			if tt.declared {
				body.declared = tt.size
			}
			resp, err := doGet(context.Background(), c)
			limit := tt.max
			if limit == 0 {
				limit = DefaultMaxResponseBytes
			}
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatal("a body over the cap came back as success")
				}
				if !errors.Is(err, ErrBodyTooLarge) || !strings.HasPrefix(err.Error(), "acme: ") {
					t.Errorf("err = %v, want acme: ErrBodyTooLarge", err)
				}
				var ue *url.Error
				if errors.As(err, &ue) {
					t.Errorf("err = %v is a *url.Error: a body over the cap is no network failure", err)
				}
				if r := body.read.Load(); r > limit+64<<10 || tt.declared && r != 0 {
					t.Errorf("read %d bytes of a %d-byte body over a %d cap (declared %v)", r, tt.size, limit, tt.declared)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || n != tt.size || resp.ContentLength != tt.size {
					t.Errorf("read %d, %v, ContentLength %d; want %d, nil", n, err, resp.ContentLength, tt.size)
				}
			}
			if !body.closed.Load() {
				t.Error("body not closed")
			}
		})
	}
}

// TestSuccessBodyCut: a 2xx whose body ends early (FIN after a part of the
// announced length) or whose connection is reset in the middle of it is one
// failed attempt, retried when idempotent, and the same error either way.
func TestSuccessBodyCut(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"FIN", io.ErrUnexpectedEOF},
		{"reset", resetErr()},
	} {
		for _, idem := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s idempotent=%v", tc.name, idem), func(t *testing.T) {
				mock := httpmock.NewMockTransport()
				var calls atomic.Int32
				mock.RegisterResponder("POST", testURL, func(r *http.Request) (*http.Response, error) {
					if calls.Add(1) == 1 {
						return &http.Response{StatusCode: 201, Header: http.Header{}, ContentLength: 100,
							Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"id":"p`), errReader{tc.err})), Request: r}, nil
					}
					return httpmock.NewStringResponse(200, `{"id":"p1"}`), nil
				})
				c := New(Options{MaxRetries: DefaultMaxRetries, HTTPClient: &http.Client{Transport: mock}, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
				req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader("x"))
				resp, err := c.Do(context.Background(), req, with(c, func(s *Settings) { s.Idempotent = idem }))
				if idem {
					if err != nil {
						t.Fatalf("err = %v, want the retry's answer", err)
					}
					if b := drain(t, resp); b != `{"id":"p1"}` || calls.Load() != 2 {
						t.Errorf("body %q after %d attempts, want the second answer", b, calls.Load())
					}
					return
				}
				var bre *BodyReadError
				var ue *url.Error
				if !errors.As(err, &bre) || bre.Status != 201 || !errors.Is(err, tc.err) || !errors.As(err, &ue) {
					t.Errorf("err = %v, want a *url.Error holding a *BodyReadError of the 201 with %v", err, tc.err)
				}
				if calls.Load() != 1 {
					t.Errorf("attempts = %d, want 1", calls.Load())
				}
			})
		}
	}
}

// TestHugeBodiesNotBuffered reads 100 MB bodies (success and error) that are
// generated lazily and checks that neither is buffered.
func TestHugeBodiesNotBuffered(t *testing.T) {
	const size = 100 << 20
	for _, status := range []int{200, 500} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			c, body := lazyClient(t, status, size, Options{})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := doGet(context.Background(), c)
			if status == 200 {
				if !errors.Is(err, ErrBodyTooLarge) {
					t.Errorf("err = %v, want ErrBodyTooLarge", err)
				}
			} else {
				var apiErr *apierror.Error
				if !errors.As(err, &apiErr) || !apiErr.Truncated || len(apiErr.Body) != apierror.MaxBodyBytes {
					t.Fatalf("err = %v, want a truncated API error", err)
				}
			}
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MB reading a 100 MB body", alloc>>20)
			}
			if r := body.read.Load(); r > DefaultMaxResponseBytes+64<<10 {
				t.Errorf("read %d bytes of the 100 MB body", r)
			}
			if !body.closed.Load() {
				t.Error("body not closed")
			}
		})
	}
}

func TestDoerAndHTTPClientOptions(t *testing.T) {
	t.Run("Doer", func(t *testing.T) {
		var calls atomic.Int32
		d := doerFunc(func(r *http.Request) (*http.Response, error) {
			if calls.Add(1) < 3 {
				return httpmock.NewStringResponse(429, ""), nil
			}
			return httpmock.NewStringResponse(200, "ok"), nil
		})
		c := New(Options{MaxRetries: DefaultMaxRetries, Doer: d, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		if calls.Load() != 3 {
			t.Errorf("Doer calls = %d, want 3", calls.Load())
		}
	})
	t.Run("HTTPClient timeout replaced, client untouched", virtual(func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder("GET", testURL, httpmock.NewStringResponder(200, "ok").Delay(20*time.Millisecond))
		hc := &http.Client{Transport: mock, Timeout: time.Millisecond}
		c := New(Options{MaxRetries: DefaultMaxRetries, HTTPClient: hc})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatalf("err = %v: the caller's 1ms Timeout must be replaced by AttemptTimeout", err)
		}
		drain(t, resp)
		if hc.Timeout != time.Millisecond || hc.Transport != mock {
			t.Error("New modified the caller's http.Client")
		}
	}))
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestConcurrentUse(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var calls atomic.Int32
	mock.RegisterResponder("GET", testURL, func(r *http.Request) (*http.Response, error) {
		if calls.Add(1)%2 == 1 {
			return httpmock.NewStringResponse(429, ""), nil
		}
		return httpmock.NewStringResponse(200, "ok"), nil
	})
	c := New(Options{HTTPClient: &http.Client{Transport: mock}, WaitMin: time.Millisecond, WaitMax: time.Millisecond, MaxRetries: 10, Header: http.Header{"Authorization": {"x"}}})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			resp, err := doGet(context.Background(), c)
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestLogging(t *testing.T) {
	const secret = "Bearer SECRET-TOKEN-0xDEADBEEF"
	const callerSecret = "caller-secret-api-key-42"
	newSteps := func() []step {
		return []step{{status: 429}, {err: resetErr()}, {status: 401, body: "denied"}}
	}

	t.Run("silent without a logger", func(t *testing.T) {
		// Nothing on stderr nor through the default slog logger.
		var buf bytes.Buffer
		prev := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
		defer slog.SetDefault(prev)
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr := os.Stderr
		os.Stderr = w
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Header: http.Header{"Authorization": {secret}}}, newSteps()...)
		for range 3 {
			doGetWith(context.Background(), c, idem(c))
		}
		os.Stderr = stderr
		w.Close()
		out, _ := io.ReadAll(r)
		r.Close()
		if len(out) > 0 || buf.Len() > 0 {
			t.Errorf("logged without a logger: stderr %q, slog %q", out, buf.String())
		}
	})

	t.Run("never logs header values", func(t *testing.T) {
		var buf bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Vendor: "acme", Logger: logger, Header: http.Header{"Authorization": {secret}}}, newSteps()...)
		var errs []string
		for _, idempotent := range []bool{false, true} {
			for range 3 {
				req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(`{"q":1}`))
				req.Header.Set("X-Api-Key", callerSecret)
				resp, err := c.Do(context.Background(), req, with(c, func(s *Settings) { s.Idempotent = idempotent }))
				if err != nil {
					errs = append(errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				} else {
					resp.Body.Close()
				}
			}
		}
		out := buf.String()
		if !strings.Contains(out, `"attempts"`) || !strings.Contains(out, `"status":401`) || !strings.Contains(out, `"path":"/v1/things/42"`) {
			t.Errorf("log lacks the expected records: %s", out)
		}
		if len(errs) == 0 {
			t.Fatal("no errors to check")
		}
		for _, s := range append(errs, out) {
			if strings.Contains(s, "SECRET-TOKEN") || strings.Contains(s, callerSecret) {
				t.Errorf("secret leaked: %s", s)
			}
		}
	})
}

// TestConnectionReuse counts new connections to a loopback server: sequential
// calls, including error responses and cancelled waits, share one.
func TestConnectionReuse(t *testing.T) {
	t.Parallel()
	var newConns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, `{"id":"1"}`)
		case "/404":
			w.WriteHeader(404)
			io.WriteString(w, `{"errors":[{"code":"not_found"}]}`)
		case "/500":
			w.WriteHeader(500)
			io.WriteString(w, strings.Repeat("<p>oops</p>", 1000))
		case "/503":
			// A 503, not a 429: its wait holds back this call only, so
			// the next call need not wait it out.
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(503)
			io.WriteString(w, "busy")
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c := New(Options{MaxRetries: DefaultMaxRetries, MaxServerWait: time.Hour})
	call := func(path string, ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		// Only the /503 call is idempotent: its wait is the one cancelled.
		resp, err := c.Do(ctx, req, with(c, func(s *Settings) { s.Idempotent = path == "/503" }))
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		return err
	}
	for i, path := range []string{"/ok", "/404", "/ok", "/500", "/404", "/ok", "/503", "/ok"} {
		var err error
		if path == "/503" {
			// A wait cancelled by the caller must not close the pool.
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			err = call(path, ctx)
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("call %d %s: err = %v, want context.Canceled", i, path, err)
			}
		} else {
			err = call(path, context.Background())
			if (err == nil) != (path == "/ok") {
				t.Errorf("call %d %s: err = %v", i, path, err)
			}
		}
		if n := newConns.Load(); n != 1 {
			t.Fatalf("after call %d (%s): %d connections, want 1", i, path, n)
		}
	}
}

func TestBackoff(t *testing.T) {
	const min, max = 100 * time.Millisecond, 3 * time.Second
	for attempt := range 12 {
		d := min << attempt
		if d > max || attempt > 6 {
			d = max
		}
		for range 50 {
			got := backoff(min, max, attempt, nil)
			if got < d/2 || got > d {
				t.Fatalf("attempt %d: backoff %s outside [%s, %s]", attempt, got, d/2, d)
			}
		}
	}
	// Jitter: not always the same value.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[backoff(min, max, 3, nil)] = true
	}
	if len(seen) < 2 {
		t.Error("no jitter")
	}
	// A huge max must not overflow into zero or negative waits.
	huge := time.Duration(1<<63 - 1)
	for _, attempt := range []int{0, 1, 40, 62, 63, 64, 100, 1000} {
		if got := backoff(time.Second, huge, attempt, nil); got <= 0 {
			t.Errorf("attempt %d with a huge max: backoff %s", attempt, got)
		}
	}
	if got := backoff(time.Nanosecond, time.Nanosecond, 5, nil); got != time.Nanosecond {
		t.Errorf("1ns backoff = %s", got)
	}

	now := time.Now()
	resps := []struct {
		name   string
		status int
		hdr    http.Header
		exact  time.Duration // -1: exponential
	}{
		{"Retry-After seconds", 429, http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"Retry-After 0", 429, http.Header{"Retry-After": {"0"}}, 0},
		{"Retry-After on 503", 503, http.Header{"Retry-After": {"2"}}, 2 * time.Second},
		{"X-RateLimit-Reset on 429", 429, http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(now.Unix()+100, 10)}}, 100 * time.Second},
		{"X-RateLimit-Reset on 503 ignored", 503, http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(now.Unix()+100, 10)}}, -1},
		{"garbage", 429, http.Header{"Retry-After": {"soon"}}, -1},
		{"none", 429, http.Header{}, -1},
	}
	for _, r := range resps {
		got := backoff(min, max, 0, &http.Response{StatusCode: r.status, Header: r.hdr})
		if r.exact >= 0 {
			if got > r.exact || got < r.exact-2*time.Second {
				t.Errorf("%s: backoff %s, want %s", r.name, got, r.exact)
			}
		} else if got < min/2 || got > min {
			t.Errorf("%s: backoff %s, want exponential", r.name, got)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	year := 365 * 24 * time.Hour
	tests := []struct {
		v      string
		want   time.Duration
		wantOK bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{"120", 2 * time.Minute, true},
		{"31536000", year, true},
		{"31536001", year, true},
		{"9223372036854775807", year, true},
		{"99999999999999999999999", year, true},
		{"-1", 0, false},
		{"-99999999999999999999999", 0, false},
		{"1.5", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sunday, 01-Mar-26 12:01:00 GMT", time.Minute, true},
		{"Sun Mar  1 12:00:05 2026", 5 * time.Second, true},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		{"Fri, 01 Mar 9999 12:00:00 GMT", year, true},
		{"Mon, 01 Jan 0001 00:00:00 GMT", 0, true},
		{"2026-03-01T12:00:30Z", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.v, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tt.v, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseRateLimitReset(t *testing.T) {
	now := time.Unix(1_700_000_000, 500_000_000)
	year := 365 * 24 * time.Hour
	tests := []struct {
		v      string
		want   time.Duration
		wantOK bool
	}{
		{"1700000010", 9500 * time.Millisecond, true},
		{"1700000000", 0, true},
		{"1600000000", 0, true},
		{"0", 0, true},
		{"1800000000", year, true},
		{"9223372036854775807", year, true},
		{"99999999999999999999", year, true},
		{"-5", 0, false},
		{"17e8", 0, false},
		{"", 0, false},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRateLimitReset(tt.v, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseRateLimitReset(%q) = %s, %v; want %s, %v", tt.v, got, ok, tt.want, tt.wantOK)
		}
	}
	if got, ok := ParseRateLimitReset("10", time.Unix(-1<<62, 0)); !ok || got != year {
		t.Errorf("far-past now: %s, %v", got, ok)
	}
}

func TestServerWait(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tests := []struct {
		name   string
		hdr    http.Header
		want   time.Duration
		wantOK bool
	}{
		{"none", http.Header{}, 0, false},
		{"Retry-After", http.Header{"Retry-After": {" 5 "}}, 5 * time.Second, true},
		{"Retry-After wins", http.Header{"Retry-After": {"5"}, "X-Ratelimit-Reset": {"1700000100"}}, 5 * time.Second, true},
		{"bad Retry-After falls back", http.Header{"Retry-After": {"nope"}, "X-Ratelimit-Reset": {"1700000100"}}, 100 * time.Second, true},
		{"reset only", http.Header{"X-Ratelimit-Reset": {"1700000002"}}, 2 * time.Second, true},
		{"both bad", http.Header{"Retry-After": {"x"}, "X-Ratelimit-Reset": {"y"}}, 0, false},
	}
	for _, tt := range tests {
		got, ok := ServerWait(tt.hdr, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: ServerWait = %s, %v; want %s, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	c := New(Options{MaxRetries: DefaultMaxRetries})
	d := c.Defaults()
	if d.Retries != DefaultMaxRetries || c.policy.waitMin != DefaultWaitMin || c.policy.waitMax != DefaultWaitMax ||
		d.AttemptTimeout != DefaultAttemptTimeout || c.maxBody != DefaultMaxResponseBytes || c.policy.maxServerWait != DefaultMaxServerWait ||
		c.vendor != "vendor" || c.logger != nil || c.debug || d.Idempotent || d.Header != nil || d.Limiter != nil || d.OnResponse != nil {
		t.Errorf("defaults not applied: %+v", c)
	}
	c = New(Options{MaxRetries: -1, WaitMin: time.Second, WaitMax: time.Millisecond})
	if c.Defaults().Retries != 0 || c.policy.waitMax != time.Second {
		t.Errorf("MaxRetries -1 → %d; WaitMax < WaitMin → %s", c.Defaults().Retries, c.policy.waitMax)
	}
	if _, ok := c.rt.(*http.Transport); !ok || c.jar != nil {
		t.Errorf("default sender: %T, jar client %v; want the pooled *http.Transport", c.rt, c.jar)
	}
	// The caller's client keeps its own settings; only a cookie jar keeps
	// a (copied) client in the path, without its timeout or redirects.
	given := &http.Client{Timeout: time.Second, Jar: nopJar{}}
	c = New(Options{HTTPClient: given})
	if given.Timeout != time.Second || given.CheckRedirect != nil || c.jar == given || c.jar == nil ||
		c.jar.Timeout != 0 || c.jar.CheckRedirect == nil || c.jar.Transport != http.DefaultTransport {
		t.Errorf("jar client %+v from %+v", c.jar, given)
	}
}

// nopJar is a cookie jar that keeps nothing.
type nopJar struct{}

func (nopJar) SetCookies(*url.URL, []*http.Cookie) {}
func (nopJar) Cookies(*url.URL) []*http.Cookie     { return nil }
