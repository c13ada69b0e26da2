package transport

// Helpers for the tests that run on virtual time (testing/synctest): their
// waits (Retry-After, backoff, attempt timeouts, pauses) pass at once, so the
// package's tests, which mutation testing runs once per mutant, cost no
// wall time for them. Time in a bubble advances only when every goroutine of
// the bubble is durably blocked, which holds for the in-memory transports
// below and not for real sockets: a test on virtual time talks to httpmock.

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
)

const stallURL = "https://api.example.test"

// stallMock returns an in-memory transport that, until the attempt's
// context ends, sends nothing back for /headers (stallHeaders), and for
// /body a 200 whose body stalls (stalledBody): what a stalled server does.
// hits, when not nil, counts the requests.
func stallMock(hits *atomic.Int32) *httpmock.MockTransport {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if hits != nil {
			hits.Add(1)
		}
		if r.URL.Path == "/body" {
			return stalledBody(r), nil
		}
		return stallHeaders(r)
	})
	return mock
}

// stallHeaders answers r with nothing until r's context ends, and then with
// its error, as a transport does.
func stallHeaders(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// stalledBody is a 200 to r with a Content-Length of 100 whose body is
// "partial" and then nothing until r's context ends.
func stalledBody(r *http.Request) *http.Response {
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Length": {"100"}},
		ContentLength: 100, Request: r,
		Body: &stallBody{r: strings.NewReader("partial"), ctx: r.Context()},
	}
}

// stallBody reads r, then blocks until ctx ends and fails with its error, as
// the body of a real response does when its request's context ends.
type stallBody struct {
	r   io.Reader
	ctx context.Context
}

func (b *stallBody) Read(p []byte) (int, error) {
	if n, err := b.r.Read(p); err != io.EOF {
		return n, err
	}
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (b *stallBody) Close() error { return nil }

// virtual returns a test function that runs f in a synctest bubble, on
// virtual time: t.Run("name", virtual(func(t *testing.T) { ... })).
func virtual(f func(*testing.T)) func(*testing.T) {
	return func(t *testing.T) { synctest.Test(t, f) }
}

// bubbleStart is the time every synctest bubble starts at, midnight UTC
// 2000-01-01 (testing/synctest documents it): the time a test table written
// outside the bubble uses for an absolute header such as X-RateLimit-Reset.
var bubbleStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// TestBubbleStart checks bubbleStart.
func TestBubbleStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if now := time.Now(); !now.Equal(bubbleStart) {
			t.Fatalf("a bubble starts at %s, want %s", now, bubbleStart)
		}
	})
}
