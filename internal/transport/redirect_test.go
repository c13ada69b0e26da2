package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

// sink is a server that must never be reached: it records what reaches it.
type sink struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string // method, Authorization and body of each request
}

func newSink(t *testing.T, tls bool) *sink {
	s := &sink{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.hits = append(s.hits, r.Method+" "+r.Header.Get("Authorization")+" "+string(b))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"someone-else","items":[]}`)
	})
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *sink) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hits...)
}

// TestRedirectsNotFollowed: a 3xx answer to a request is the answer. It is
// never followed, whatever the status, the target, the client the caller
// passed; the credentials and the body reach nobody but the first server.
func TestRedirectsNotFollowed(t *testing.T) {
	const secret = "Bearer tok-9f2c-redirect"
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, target := range []string{"other port", "https to http", "other host"} {
			for _, client := range []string{"pooled", "HTTPClient", "Doer *http.Client"} {
				t.Run(fmt.Sprintf("%d %s %s", status, target, client), func(t *testing.T) {
					to := newSink(t, false)
					loc := to.URL + "/v1/participants"
					if target == "other host" {
						loc = strings.Replace(loc, "127.0.0.1", "localhost", 1)
					}
					var first atomic.Int32
					h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						io.Copy(io.Discard, r.Body)
						first.Add(1)
						w.Header().Set("Location", loc)
						w.WriteHeader(status)
					})
					var from *httptest.Server
					if target == "https to http" {
						from = httptest.NewTLSServer(h)
					} else {
						from = httptest.NewServer(h)
					}
					defer from.Close()

					o := Options{MaxRetries: DefaultMaxRetries, Vendor: "acme", Header: http.Header{"Authorization": {secret}}, WaitMin: time.Millisecond, WaitMax: time.Millisecond}
					var given *http.Client
					switch client {
					case "pooled":
						if target == "https to http" {
							// the pooled transport does not trust the test CA:
							// use the server's client as the transport only.
							o.HTTPClient = &http.Client{Transport: from.Client().Transport}
						}
					case "HTTPClient":
						given = &http.Client{Transport: from.Client().Transport}
						o.HTTPClient = given
					case "Doer *http.Client":
						given = &http.Client{Transport: from.Client().Transport}
						o.Doer = given
					}
					c := New(o)
					req, _ := http.NewRequest(http.MethodPost, from.URL+"/v1/participants", strings.NewReader(`{"attributes":"private"}`))
					resp, err := c.Do(context.Background(), req, idem(c))
					if err == nil {
						resp.Body.Close()
						t.Fatalf("a %d came back as success (status %d)", status, resp.StatusCode)
					}
					var apiErr *apierror.Error
					if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
						t.Fatalf("err = %v, want the %d as an *apierror.Error", err, status)
					}
					if got := apiErr.Header.Get("Location"); got != loc {
						t.Errorf("Location = %q, want %q kept", got, loc)
					}
					if !strings.Contains(err.Error(), "redirects are not followed") || !strings.Contains(err.Error(), loc) {
						t.Errorf("Error() = %q, want it to say the redirect to %s is not followed", err, loc)
					}
					if n := first.Load(); n != 1 {
						t.Errorf("first server saw %d requests, want 1 (a redirect is not retried)", n)
					}
					if hits := to.seen(); len(hits) != 0 {
						t.Errorf("the redirect target was reached: %q", hits)
					}
					if given != nil && given.CheckRedirect != nil {
						t.Error("New modified the caller's client")
					}
				})
			}
		}
	}
}

// TestDoerThatFollowsRedirects: a Doer that follows a redirect by itself
// (not an *http.Client, so New cannot stop it) gives a *RedirectError, not
// the answer of the other URL, and the call is not retried.
func TestDoerThatFollowsRedirects(t *testing.T) {
	to := newSink(t, false)
	var first atomic.Int32
	from := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first.Add(1)
		http.Redirect(w, r, to.URL+"/list", http.StatusFound)
	}))
	defer from.Close()
	std := &http.Client{} // follows redirects
	c := New(Options{MaxRetries: DefaultMaxRetries, Doer: doerFunc(std.Do), WaitMin: time.Millisecond, WaitMax: time.Millisecond})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, from.URL+"/add", strings.NewReader("x"))
	resp, err := c.Do(req.Context(), req, idem(c))
	if err == nil {
		resp.Body.Close()
		t.Fatal("the answer of the redirect target came back as success")
	}
	var re *RedirectError
	if !errors.As(err, &re) || !strings.HasSuffix(re.To, "/list") || !strings.Contains(err.Error(), "redirects are not followed") {
		t.Errorf("err = %v, want a *RedirectError to /list", err)
	}
	if first.Load() != 1 {
		t.Errorf("first server saw %d requests, want 1", first.Load())
	}
}

// TestSharedPausePastDeadline: when another call's 429 paused the client
// for longer than a call's deadline, that call returns at once with the
// rate-limited *apierror.Error and what is left of the wait, sending
// nothing; a call without a deadline waits the pause out.
func TestSharedPausePastDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int32
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			if hits.Add(1) == 1 {
				resp := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"message":"slow down"}`)
				resp.Header.Set("Retry-After", "1")
				return resp, nil
			}
			return httpmock.NewStringResponse(http.StatusOK, "ok"), nil
		})
		c := New(Options{MaxRetries: DefaultMaxRetries, Vendor: "acme", HTTPClient: &http.Client{Transport: mock}, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
		get := func(ctx context.Context) (*http.Response, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
			return c.Do(req.Context(), req, c.Defaults())
		}

		// The first call's own 429 asks for 1s, past its 200ms deadline: it
		// ends at once, and the client is paused for 1s.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := get(ctx)
		cancel()
		var apiErr *apierror.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
			t.Fatalf("first call: err = %v, want its 429", err)
		}

		// A second call with a 300ms deadline cannot outlast the pause.
		ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		_, err = get(ctx)
		elapsed := time.Since(start)
		cancel()
		apiErr = nil
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
			t.Fatalf("second call: err = %v, want a rate-limited *apierror.Error", err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("second call: err = %v, want no deadline error: it returns before its deadline", err)
		}
		if elapsed > 150*time.Millisecond {
			t.Errorf("second call took %s, want at once", elapsed)
		}
		if apiErr.RetryAfter < 300*time.Millisecond || apiErr.RetryAfter > time.Second {
			t.Errorf("RetryAfter = %s, want what is left of the 1s pause", apiErr.RetryAfter)
		}
		if apiErr.Attempts != 0 || !strings.Contains(apiErr.Reason, "passes the context deadline") {
			t.Errorf("Attempts = %d, Reason = %q; want 0 and a reason", apiErr.Attempts, apiErr.Reason)
		}
		if h := hits.Load(); h != 1 {
			t.Errorf("server saw %d requests, want only the first call's", h)
		}

		// A call without a deadline waits the pause out, then succeeds.
		start = time.Now()
		resp, err := get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Errorf("third call took %s: it did not wait for the pause", d)
		}
	})
}

// TestGiantResponseHeader: an 8 MiB response header is refused by the
// pooled transport after MaxResponseHeaderBytes, with bounded allocation.
func TestGiantResponseHeader(t *testing.T) {
	big := strings.Repeat("a", 8<<20)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("X-Filler", big)
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := New(Options{Vendor: "acme"})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req.Context(), req, c.Defaults())
	runtime.ReadMemStats(&after)
	if err == nil {
		resp.Body.Close()
		t.Fatal("an 8 MiB header was accepted")
	}
	if !strings.Contains(err.Error(), "exceeded") {
		t.Errorf("err = %v, want the header limit", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d KiB for one call with an 8 MiB header", alloc>>10)
	}
}
