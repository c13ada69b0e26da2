package transport

// Behaviour that mutation testing (issue 13) found unchecked: each test
// states what the transport promises, so that breaking it fails a test.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
)

// declaredClient answers GET testURL with a 200 whose body is size bytes of
// 'a' and whose declared Content-Length is declared.
func declaredClient(t *testing.T, size, declared int64, o Options) (*Client, *lazyBody) {
	t.Helper()
	body := &lazyBody{left: size}
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder("GET", testURL, func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: body, ContentLength: declared, Request: r}, nil
	})
	o.HTTPClient = &http.Client{Transport: mock}
	return New(o), body
}

// On a real connection too: a server announcing 1 MiB to a 1 KiB cap.
func TestSuccessBodyCapDeclaredLengthOverHTTP(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1048576")
		w.Write(bytes.Repeat([]byte("b"), size))
	}))
	defer srv.Close()
	c := New(Options{MaxRetries: DefaultMaxRetries, MaxResponseBytes: 1 << 10, HTTPClient: srv.Client()})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err == nil {
		resp.Body.Close()
		t.Fatal("a body announced over the cap came back as success")
	}
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("err = %v, want ErrBodyTooLarge", err)
	}
}

// debugRecords runs one POST with a text/plain body through a client that
// logs attempts, and returns the whole log.
func debugRun(t *testing.T, red Redaction, reqBody, respBody, respCT string) string {
	t.Helper()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: red},
		step{status: 200, body: respBody, hdr: []string{"Content-Type", respCT}})
	req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(reqBody))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, resp); got != respBody {
		t.Errorf("the caller read %q, want %q", got, respBody)
	}
	return buf.String()
}

// A JSON body is redacted by its JSON keys whatever Content-Type it is sent
// or answered with (Twilio's attributes are JSON text in forms and in
// text/plain echoes alike).
func TestDebugRedactsJSONUnderOtherContentType(t *testing.T) {
	red := Redaction{JSONKeys: []string{"Attributes"}}
	for _, tc := range []struct{ name, req, resp, ct string }{
		{"object", `{"attributes":"req-ssn-5521"}`, `{"sid":"MB1","ATTRIBUTES":{"x":"resp-ssn-7734"}}`, "text/plain"},
		{"array, leading space", "  \n[{\"attributes\":\"req-ssn-5521\"}]", "\t[{\"a\":{\"Attributes\":\"resp-ssn-7734\"}}]", "text/plain; charset=utf-8"},
		{"no content type", `{"attributes":"req-ssn-5521"}`, `{"attributes":"resp-ssn-7734"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := debugRun(t, red, tc.req, tc.resp, tc.ct)
			for _, leak := range []string{"req-ssn-5521", "resp-ssn-7734"} {
				if strings.Contains(out, leak) {
					t.Errorf("log holds %q:\n%s", leak, out)
				}
			}
			if !strings.Contains(out, Redacted) {
				t.Errorf("no redaction in the log:\n%s", out)
			}
		})
	}
	// Text that is not JSON is shown as it is, blank included.
	out := debugRun(t, red, "   ", "attributes are fine here", "text/plain")
	if !strings.Contains(out, "attributes are fine here") {
		t.Errorf("plain text body not shown:\n%s", out)
	}
}

// A secret that contains another secret is removed whole, whichever order
// the secrets are given in: no tail of the longer one is left.
func TestDebugRedactsNestedSecrets(t *testing.T) {
	const inner, outer = "INNER7731", "head-INNER7731-tail-Q9"
	for _, secrets := range [][]string{{inner, outer}, {outer, inner}} {
		body := "token=" + outer + " and " + inner
		var buf bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: Redaction{Secrets: secrets}},
			step{status: 200, body: body, hdr: []string{"Content-Type", "text/plain", "X-Echo", outer}})
		req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(body))
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		out := buf.String()
		for _, leak := range []string{inner, "head-", "-tail-Q9", "tail"} {
			if strings.Contains(out, leak) {
				t.Errorf("secrets %q: log holds %q:\n%s", secrets, leak, out)
			}
		}
		recs := records(t, &buf)
		var got []string
		for _, r := range recs {
			if r["msg"] == "conversekit attempt" {
				got = append(got, r["request_body"].(string), r["response_body"].(string))
			}
		}
		want := "token=" + Redacted + " and " + Redacted
		if len(got) != 2 || got[0] != want || got[1] != want {
			t.Errorf("secrets %q: bodies = %q, want %q twice", secrets, got, want)
		}
	}
}

// An attempt cut off by its own timeout, waiting for the headers or reading
// the body, fails with *AttemptTimeoutError while the caller's context is
// still live; it is not the caller's context.DeadlineExceeded.
func TestAttemptTimeoutIsNotTheCallersDeadline(t *testing.T) {
	t.Parallel()
	newClient := func() *Client {
		return New(Options{HTTPClient: &http.Client{Transport: stallMock(nil)}, AttemptTimeout: 150 * time.Millisecond})
	}
	check := func(t *testing.T, ctx context.Context, err error) {
		t.Helper()
		var ate *AttemptTimeoutError
		if !errors.As(err, &ate) || ate.Limit != 150*time.Millisecond {
			t.Errorf("err = %v (%T), want *AttemptTimeoutError of 150ms", err, err)
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, is a context error", err)
		}
		if ctx.Err() != nil {
			t.Errorf("the caller's context ended: %v", ctx.Err())
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err = %v, want a net.Error timeout", err)
		}
	}
	t.Run("headers", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/headers", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if resp != nil {
			resp.Body.Close()
			t.Fatal("got a response")
		}
		check(t, ctx, err)
	}))
	t.Run("body", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/body", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err == nil {
			resp.Body.Close()
			t.Fatal("a stalled 2xx body came back as success")
		}
		var bre *BodyReadError
		if !errors.As(err, &bre) || bre.Status != 200 {
			t.Errorf("err = %v, want a *BodyReadError of the 200", err)
		}
		check(t, ctx, err)
	}))
}

// When the caller's deadline comes first, the error is the caller's
// context.DeadlineExceeded, not an attempt timeout.
func TestCallersDeadlineIsNotAnAttemptTimeout(t *testing.T) {
	t.Parallel()
	newClient := func() *Client {
		return New(Options{HTTPClient: &http.Client{Transport: stallMock(nil)}, AttemptTimeout: time.Minute})
	}
	check := func(t *testing.T, ctx context.Context, err error) {
		t.Helper()
		var ate *AttemptTimeoutError
		if errors.As(err, &ate) {
			t.Errorf("err = %v, want the caller's deadline, not an attempt timeout", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != context.DeadlineExceeded {
			t.Errorf("err = %v, ctx.Err() = %v; want both context.DeadlineExceeded", err, ctx.Err())
		}
	}
	t.Run("headers", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/headers", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if resp != nil {
			resp.Body.Close()
			t.Fatal("got a response")
		}
		check(t, ctx, err)
	}))
	t.Run("body", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/body", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err == nil {
			resp.Body.Close()
			t.Fatal("a stalled 2xx body came back as success")
		}
		check(t, ctx, err)
	}))
}

// The defaults, as values: what a zero Options means.
func TestDefaultValues(t *testing.T) {
	c := New(Options{MaxRetries: DefaultMaxRetries})
	at := c.Defaults().AttemptTimeout
	if c.Defaults().Retries != 3 || c.policy.waitMin != 500*time.Millisecond || c.policy.waitMax != 30*time.Second ||
		at != 30*time.Second || c.maxBody != 4<<20 || c.policy.maxServerWait != 2*time.Minute {
		t.Errorf("defaults: retries %d, wait %s..%s, attempt timeout %s, body cap %d, server wait %s",
			c.Defaults().Retries, c.policy.waitMin, c.policy.waitMax, at, c.maxBody, c.policy.maxServerWait)
	}
	if DefaultMaxRetries != 3 || DefaultWaitMin != 500*time.Millisecond || DefaultWaitMax != 30*time.Second ||
		DefaultAttemptTimeout != 30*time.Second || DefaultMaxServerWait != 2*time.Minute || DefaultMaxResponseBytes != 4<<20 ||
		MaxRetriesCeiling != 100 {
		t.Error("documented defaults changed")
	}
	// Negative means the default too, except MaxRetries (zero or negative:
	// none, as in Settings.Retries).
	c = New(Options{MaxRetries: -1, AttemptTimeout: -1, WaitMin: -1, WaitMax: -1, MaxServerWait: -1, MaxResponseBytes: -1})
	at = c.Defaults().AttemptTimeout
	if c.Defaults().Retries != 0 || c.policy.waitMin != 500*time.Millisecond || c.policy.waitMax != 30*time.Second ||
		at != 30*time.Second || c.maxBody != 4<<20 || c.policy.maxServerWait != 2*time.Minute {
		t.Errorf("negative options: retries %d, wait %s..%s, attempt timeout %s, body cap %d, server wait %s",
			c.Defaults().Retries, c.policy.waitMin, c.policy.waitMax, at, c.maxBody, c.policy.maxServerWait)
	}
	if c = New(Options{}); c.Defaults().Retries != 0 {
		t.Errorf("Options{} retries %d times, want 0: zero means none", c.Defaults().Retries)
	}
	// WaitMax equal to WaitMin stays.
	c = New(Options{WaitMin: time.Second, WaitMax: time.Second})
	if c.policy.waitMin != time.Second || c.policy.waitMax != time.Second {
		t.Errorf("WaitMin = WaitMax = 1s gave %s..%s", c.policy.waitMin, c.policy.waitMax)
	}
}

// With default options, a retried 503 waits at least half of the 500ms
// minimum backoff before the next attempt.
func TestDefaultWaitsObserved(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		var mu sync.Mutex
		var at []time.Time
		steps := map[string][]int{"/503": {503, 200}}
		mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			at = append(at, time.Now())
			s := steps[r.URL.Path]
			status := s[0]
			steps[r.URL.Path] = s[1:]
			return httpmock.NewStringResponse(status, "{}"), nil
		})
		c := New(Options{MaxRetries: DefaultMaxRetries, HTTPClient: &http.Client{Transport: mock}})

		get := func(path string) {
			t.Helper()
			at = nil
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.example.test"+path, nil)
			resp, err := c.Do(req.Context(), req, idem(c))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			resp.Body.Close()
		}
		get("/503")
		if len(at) != 2 {
			t.Fatalf("503: %d attempts, want 2", len(at))
		}
		if gap := at[1].Sub(at[0]); gap < 240*time.Millisecond {
			t.Errorf("503: the retry came %s after the first attempt, want at least 250ms", gap)
		}
	})
}
