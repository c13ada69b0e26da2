package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
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

// A call stopped by another call's 429 pause reports that 429, as the
// vendor sent it (decoded fields included), with what is left of the wait.
func TestPausedErrorCarriesThe429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _, rec := mockClient(t, Options{
			MaxRetries:  DefaultMaxRetries,
			DecodeError: func(e *apierror.Error) { e.Code, e.Message = "rate_limited", string(e.Body) },
		}, step{status: 429, body: "slow down", hdr: []string{"Retry-After", "60"}})
		for i := range 2 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := doGet(ctx, c)
			cancel()
			var e *apierror.Error
			if !errors.As(err, &e) || e.StatusCode != 429 || e.Code != "rate_limited" || e.Message != "slow down" {
				t.Fatalf("call %d: err = %v (%+v), want the vendor's 429", i, err, e)
			}
			if i == 1 && (e.Attempts != 0 || e.RetryAfter <= 50*time.Second || e.RetryAfter > time.Minute || !strings.Contains(e.Reason, "earlier 429")) {
				t.Errorf("paused call: Attempts %d, RetryAfter %s, Reason %q", e.Attempts, e.RetryAfter, e.Reason)
			}
		}
		if n := rec.n(); n != 1 {
			t.Errorf("the vendor saw %d requests, want 1: the second call is held by the pause", n)
		}
	})
}
