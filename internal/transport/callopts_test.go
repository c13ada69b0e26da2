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

// idem returns ctx carrying CallOptions that mark the call idempotent.
func idemCtx(ctx context.Context) context.Context {
	return WithCallOptions(ctx, &CallOptions{Idempotent: true})
}

func postWith(t *testing.T, c *Client, o *CallOptions) (*http.Response, error) {
	t.Helper()
	ctx := context.Background()
	if o != nil {
		ctx = WithCallOptions(ctx, o)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, testURL, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req)
}

func TestCallOptionsHeader(t *testing.T) {
	c, _, rec := mockClient(t, Options{Header: http.Header{"X-Static": {"s"}, "X-Both": {"static"}}}, step{status: 200, body: "ok"})
	resp, err := postWith(t, c, &CallOptions{Header: http.Header{"X-Call": {"c"}, "X-Both": {"call"}}})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	resp, err = postWith(t, c, nil)
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

func TestCallOptionsMaxRetries(t *testing.T) {
	tests := []struct {
		name   string
		client int
		call   int
		want   int
	}{
		{"client default", 0, 0, DefaultMaxRetries + 1},
		{"client 1", 1, 0, 2},
		{"call none", 0, -1, 1},
		{"call 5 over client 1", 1, 5, 6},
		{"call 2 under client default", 0, 2, 3},
		{"call over the ceiling", 0, 1000, maxRetriesCeiling + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, virtual(func(t *testing.T) {
			c, _, rec := mockClient(t, Options{MaxRetries: tt.client, WaitMin: time.Microsecond, WaitMax: time.Microsecond}, step{status: 429, body: "{}"})
			var info Response
			_, err := postWith(t, c, &CallOptions{MaxRetries: tt.call, OnResponse: into(&info)})
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

func TestCallOptionsIdempotent(t *testing.T) {
	for _, idem := range []bool{false, true} {
		c, _, rec := mockClient(t, Options{}, step{status: 503, body: "{}"}, step{status: 200, body: "ok"})
		resp, err := postWith(t, c, &CallOptions{Idempotent: idem})
		if idem {
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

func TestCallOptionsAttemptTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int32
		c := New(Options{HTTPClient: &http.Client{Transport: stallMock(&hits)}, AttemptTimeout: 20 * time.Second, MaxRetries: -1})
		ctx := WithCallOptions(context.Background(), &CallOptions{AttemptTimeout: 100 * time.Millisecond})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/headers", nil)
		start := time.Now()
		_, err := c.Do(req)
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

func TestCallOptionsResponse(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		c, _, _ := mockClient(t, Options{}, step{status: 429, hdr: []string{"Retry-After", "0"}}, step{status: 201, body: "ok", hdr: []string{"X-Request-Id", "req-2"}})
		var info Response
		resp, err := postWith(t, c, &CallOptions{OnResponse: into(&info)})
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		if info.StatusCode != 201 || info.Header.Get("X-Request-Id") != "req-2" || info.Attempts != 2 {
			t.Errorf("Response = %+v, want the final 201 with its request ID after 2 attempts", info)
		}
	})
	t.Run("API error", func(t *testing.T) {
		c, _, _ := mockClient(t, Options{}, step{status: 404, body: "{}", hdr: []string{"X-Request-Id", "req-404"}})
		var info Response
		_, err := postWith(t, c, &CallOptions{OnResponse: into(&info)})
		if err == nil || info.StatusCode != 404 || info.Header.Get("X-Request-Id") != "req-404" || info.Attempts != 1 {
			t.Errorf("err = %v, Response = %+v; want the 404 with its request ID", err, info)
		}
	})
	t.Run("no response", func(t *testing.T) {
		c, _, _ := mockClient(t, Options{MaxRetries: -1}, step{err: resetErr()})
		info := Response{StatusCode: -1}
		_, err := postWith(t, c, &CallOptions{OnResponse: into(&info)})
		if err == nil || info.StatusCode != 0 || info.Header != nil || info.Attempts != 1 {
			t.Errorf("err = %v, Response = %+v; want no status and 1 attempt", err, info)
		}
	})
}

// into returns a CallOptions.OnResponse that stores the final response in *r.
func into(r *Response) func(Response) { return func(v Response) { *r = v } }
