package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// idem is c's default settings, marked idempotent.
func idem(c *Client) Settings {
	s := c.Defaults()
	s.Idempotent = true
	return s
}

// with is c's default settings changed by f.
func with(c *Client, f func(*Settings)) Settings {
	s := c.Defaults()
	f(&s)
	return s
}

// postWith posts "x" to testURL through c with s.
func postWith(t *testing.T, c *Client, s Settings) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, testURL, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(context.Background(), req, s)
}

func TestSettingsHeader(t *testing.T) {
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Header: http.Header{"X-Static": {"s"}, "X-Both": {"static"}}}, step{status: 200, body: "ok"})
	resp, err := postWith(t, c, with(c, func(s *Settings) { s.Header = http.Header{"X-Call": {"c"}, "X-Both": {"call"}} }))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	resp, err = postWith(t, c, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	first, second := rec.headers[0], rec.headers[1]
	if first.Get("X-Call") != "c" || first.Get("X-Both") != "call" || first.Get("X-Static") != "s" {
		t.Errorf("first call headers = %v, want the call's header added and replacing the static one", first)
	}
	if second.Get("X-Call") != "" || second.Get("X-Both") != "static" {
		t.Errorf("second call headers = %v: a call's header leaked into the next call", second)
	}
}

// Retries is the call's budget, 0 meaning none, whatever the client's;
// Options.MaxRetries is the budget of Defaults, with the same encoding.
func TestSettingsRetries(t *testing.T) {
	same := func(s Settings) int { return s.Retries }
	tests := []struct {
		name   string
		client int // Options.MaxRetries
		call   func(client Settings) int
		want   int
	}{
		{"client default budget", DefaultMaxRetries, same, DefaultMaxRetries + 1},
		{"client 1", 1, same, 2},
		{"client none", 0, same, 1},
		{"client negative is none", -1, same, 1},
		{"call none", DefaultMaxRetries, func(Settings) int { return 0 }, 1},
		{"call negative is none", DefaultMaxRetries, func(Settings) int { return -1 }, 1},
		{"call 5 over client 1", 1, func(Settings) int { return 5 }, 6},
		{"call 2 under client default", DefaultMaxRetries, func(Settings) int { return 2 }, 3},
		{"call over the ceiling", DefaultMaxRetries, func(Settings) int { return 1000 }, MaxRetriesCeiling + 1},
		{"client over the ceiling", 1000, same, MaxRetriesCeiling + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, virtual(func(t *testing.T) {
			c, _, rec := mockClient(t, Options{MaxRetries: tt.client, WaitMin: time.Microsecond, WaitMax: time.Microsecond}, step{status: 429, body: "{}"})
			var info Response
			_, err := postWith(t, c, with(c, func(s *Settings) { s.Retries = tt.call(c.Defaults()); s.OnResponse = into(&info) }))
			var api *apierror.Error
			if !errors.As(err, &api) || api.StatusCode != 429 {
				t.Fatalf("err = %v, want the 429", err)
			}
			if n := rec.n(); n != tt.want || api.Attempts != tt.want || info.Attempts != tt.want {
				t.Errorf("attempts = %d (APIError %d, Response %d), want %d", n, api.Attempts, info.Attempts, tt.want)
			}
		}))
	}
}

func TestSettingsIdempotent(t *testing.T) {
	for _, idempotent := range []bool{false, true} {
		c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 503, body: "{}"}, step{status: 200, body: "ok"})
		resp, err := postWith(t, c, with(c, func(s *Settings) { s.Idempotent = idempotent }))
		if idempotent {
			if err != nil {
				t.Fatalf("idempotent: %v", err)
			}
			drain(t, resp)
			if rec.n() != 2 {
				t.Errorf("idempotent: attempts = %d, want 2", rec.n())
			}
			continue
		}
		if err == nil || rec.n() != 1 {
			t.Errorf("not idempotent: err = %v after %d attempts, want the 503 after 1", err, rec.n())
		}
	}
}

func TestSettingsAttemptTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int32
		c := New(Options{HTTPClient: &http.Client{Transport: stallMock(&hits)}, AttemptTimeout: 20 * time.Second})
		req, _ := http.NewRequest(http.MethodGet, stallURL+"/headers", nil)
		start := time.Now()
		_, err := c.Do(context.Background(), req, with(c, func(s *Settings) { s.AttemptTimeout = 100 * time.Millisecond }))
		var ate *AttemptTimeoutError
		if !errors.As(err, &ate) || ate.Limit != 100*time.Millisecond {
			t.Errorf("err = %v, want the call's 100ms attempt timeout", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %s: the call's attempt timeout was not used", d)
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})
}

// AttemptTimeout 0 bounds an attempt by the context alone.
func TestSettingsNoAttemptTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := New(Options{HTTPClient: &http.Client{Transport: stallMock(nil)}, AttemptTimeout: 100 * time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		req, _ := http.NewRequest(http.MethodGet, stallURL+"/headers", nil)
		start := time.Now()
		_, err := c.Do(ctx, req, with(c, func(s *Settings) { s.AttemptTimeout = 0 }))
		var ate *AttemptTimeoutError
		if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ate) {
			t.Errorf("err = %v, want the context's deadline", err)
		}
		if d := time.Since(start); d != time.Hour {
			t.Errorf("took %s, want the context's hour", d)
		}
	})
}

func TestSettingsOnResponse(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 429, hdr: []string{"Retry-After", "0"}}, step{status: 201, body: "ok", hdr: []string{"X-Request-Id", "req-2"}})
		var info Response
		resp, err := postWith(t, c, with(c, func(s *Settings) { s.OnResponse = into(&info) }))
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		if info.StatusCode != 201 || info.Header.Get("X-Request-Id") != "req-2" || info.Attempts != 2 {
			t.Errorf("Response = %+v, want the final 201 with its request ID after 2 attempts", info)
		}
	})
	t.Run("API error", func(t *testing.T) {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 404, body: "{}", hdr: []string{"X-Request-Id", "req-404"}})
		var info Response
		_, err := postWith(t, c, with(c, func(s *Settings) { s.OnResponse = into(&info) }))
		if err == nil || info.StatusCode != 404 || info.Header.Get("X-Request-Id") != "req-404" || info.Attempts != 1 {
			t.Errorf("err = %v, Response = %+v; want the 404 with its request ID", err, info)
		}
	})
	t.Run("no response", func(t *testing.T) {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{err: resetErr()})
		info := Response{StatusCode: -1}
		_, err := postWith(t, c, with(c, func(s *Settings) { s.OnResponse = into(&info) }))
		if err == nil || info.StatusCode != 0 || info.Header != nil || info.Attempts != 1 {
			t.Errorf("err = %v, Response = %+v; want no status and 1 attempt", err, info)
		}
	})
}

// into returns a Settings.OnResponse that stores the final response in *r.
func into(r *Response) func(Response) { return func(v Response) { *r = v } }
