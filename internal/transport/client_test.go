package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

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

// The pooled transport keeps idle connections for 90s, many per host.
func TestPooledTransportValues(t *testing.T) {
	tr := pooledTransport()
	if tr.IdleConnTimeout != 90*time.Second || tr.MaxIdleConns != 256 || tr.MaxIdleConnsPerHost != 128 {
		t.Errorf("pool: idle %s, max idle %d, per host %d", tr.IdleConnTimeout, tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}
}

// A Doer may answer with a request of its own (the one it sent): the
// error of its non-2xx response is built whole whatever that request's
// GetBody does, and the hidden values are removed when GetBody gives the body.
func TestDoerOwnRequest(t *testing.T) {
	const sent = `{"attributes":"own-secret-3"}`
	for _, tc := range []struct {
		name    string
		getBody func() (io.ReadCloser, error)
		want    string
	}{
		{"no GetBody", nil, "bad own-secret-3"},
		{"nil body", func() (io.ReadCloser, error) { return nil, nil }, "bad own-secret-3"},
		{"GetBody fails", func() (io.ReadCloser, error) { return nil, errors.New("gone") }, "bad own-secret-3"},
		{"GetBody gives the body", func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(sent)), nil }, "bad " + Redacted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{
				Redact: Redaction{JSONKeys: []string{"attributes"}}, DecodeError: copyBodyDecoder,
				Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
					own, _ := http.NewRequest(r.Method, r.URL.String(), nil)
					own.GetBody = tc.getBody
					resp := httpmock.NewStringResponse(400, "bad own-secret-3")
					resp.Request = own
					return resp, nil
				}),
			})
			req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(sent))
			req.Header.Set("Content-Type", "application/json")
			_, err := c.Do(req.Context(), req, c.Defaults())
			var e *apierror.Error
			if !errors.As(err, &e) || e.StatusCode != 400 || e.Message != tc.want {
				t.Errorf("err = %v, want the 400 with message %q", err, tc.want)
			}
		})
	}
}

// An error from the Doer fails the attempt even when it came with a
// response.
func TestDoerErrorWithResponse(t *testing.T) {
	boom := errors.New("boom")
	c := New(Options{Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, "ok")
		resp.Request = r
		return resp, boom
	})})
	if resp, err := doGet(context.Background(), c); !errors.Is(err, boom) {
		if err == nil {
			resp.Body.Close()
		}
		t.Errorf("err = %v, want the Doer's error", err)
	}
}

// A Doer that followed a redirect by itself is caught when only the URL
// changed (a 307 keeps the method) and when only the method did (a 303 to
// the same URL).
func TestDoerRedirectOneSideChanged(t *testing.T) {
	for _, tc := range []struct{ method, url string }{
		{http.MethodPost, "https://api.example.test/v1/elsewhere"},
		{http.MethodGet, testURL},
	} {
		c := New(Options{Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			final, _ := http.NewRequest(tc.method, tc.url, nil)
			resp := httpmock.NewStringResponse(200, "other answer")
			resp.Request = final
			return resp, nil
		})})
		req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader("x"))
		resp, err := c.Do(req.Context(), req, c.Defaults())
		var re *RedirectError
		if !errors.As(err, &re) {
			if err == nil {
				resp.Body.Close()
			}
			t.Errorf("ended at %s %s: err = %v, want a *RedirectError", tc.method, tc.url, err)
		}
	}
}

// A caller's client with a cookie jar keeps it: the cookie the first
// answer sets is sent with the next request.
func TestJarClientKeepsCookies(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Cookie"))
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1"})
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{HTTPClient: &http.Client{Jar: jar}})
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := c.Do(context.Background(), req, c.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
	}
	if len(got) != 2 || got[0] != "" || got[1] != "session=s1" {
		t.Errorf("cookies sent = %q, want none then the jar's", got)
	}
}

// A RoundTripper that breaks its contract fails the attempt as
// http.Client.Do would: no response and no error is an error; a nil body
// is an empty one.
func TestRoundTripperContract(t *testing.T) {
	c := New(Options{HTTPClient: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil })}})
	var ue *url.Error
	if _, err := doGet(context.Background(), c); !errors.As(err, &ue) || !strings.Contains(err.Error(), "returned a nil *Response with a nil error") {
		t.Errorf("nil response: err = %v", err)
	}
	c = New(Options{HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 204, Header: http.Header{}}, nil
	})}})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if b := drain(t, resp); b != "" {
		t.Errorf("nil body read as %q", b)
	}
}

// A TLS client talking to a plain HTTP server gets http.ErrSchemeMismatch,
// as from http.Client.
func TestSchemeMismatch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := New(Options{Vendor: "acme"})
	req, _ := http.NewRequest(http.MethodGet, strings.Replace(srv.URL, "http://", "https://", 1), nil)
	if _, err := c.Do(context.Background(), req, idem(c)); !errors.Is(err, http.ErrSchemeMismatch) {
		t.Errorf("err = %v, want http.ErrSchemeMismatch", err)
	}
}

// A certificate the client does not trust is not retried, even for an
// idempotent call: no attempt can heal it.
func TestUntrustedCertificateNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			hits.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	c := New(Options{Vendor: "acme", MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	_, err := c.Do(context.Background(), req, idem(c))
	var cve *tls.CertificateVerificationError
	if !errors.As(err, &cve) || hits.Load() != 1 {
		t.Errorf("err = %v after %d connections, want the certificate error after 1", err, hits.Load())
	}
}
