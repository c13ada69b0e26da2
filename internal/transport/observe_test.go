package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/observe"
)

// ctxKey marks the contexts the recording observer derives.
type ctxKey string

// eventLog is an observe.Observer that writes every event it is told of as
// a line, and derives the call's and each attempt's context with a value
// that the test checks downstream.
type eventLog struct {
	mu     sync.Mutex
	lines  []string
	ignore bool // StartCall returns a nil CallObserver
}

func (l *eventLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *eventLog) got() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *eventLog) StartCall(ctx context.Context, c observe.Call) (context.Context, observe.CallObserver) {
	l.add("start %s|%s|%s|%s|%s", c.Vendor, c.Operation, c.Method, c.Host, c.Path)
	ctx = context.WithValue(ctx, ctxKey("call"), "call")
	if l.ignore {
		return ctx, nil
	}
	return ctx, callLog{l}
}

type callLog struct{ l *eventLog }

func (c callLog) StartAttempt(ctx context.Context, n int) context.Context {
	c.l.add("attempt %d call=%v", n, ctx.Value(ctxKey("call")))
	return context.WithValue(ctx, ctxKey("attempt"), n)
}

func (c callLog) EndAttempt(ctx context.Context, a observe.Attempt) {
	c.l.add("attempt %d ended ctx=%v: %d %s", a.Number, ctx.Value(ctxKey("attempt")), a.StatusCode, errKind(a.Err))
}

func (c callLog) Wait(ctx context.Context, w observe.Wait) {
	c.l.add("wait %s before %d call=%v: %s %s", w.Kind, w.Attempt, ctx.Value(ctxKey("call")), w.Duration, errKind(w.Err))
}

func (c callLog) EndCall(ctx context.Context, e observe.CallEnd) {
	c.l.add("end call=%v: %d after %d attempts, %d waits %s: %s", ctx.Value(ctxKey("call")), e.StatusCode, e.Attempts, e.Waits, e.Waited, errKind(e.Err))
}

// errKind names err by what a test checks of it: nil, the status of an
// *apierror.Error, or its type and the context error or limiter error in
// its chain.
func errKind(err error) string {
	var api *apierror.Error
	var le *LimiterError
	var ps *pauseStop
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &le):
		return "limiter refused"
	case errors.As(err, &ps):
		return "pause passes deadline"
	case errors.As(err, &api):
		return fmt.Sprintf("api %d", api.StatusCode)
	}
	return "error " + err.Error()
}

// observed returns a client on steps with an eventLog as its Observer.
func observed(t *testing.T, o Options, steps ...step) (*Client, *eventLog) {
	t.Helper()
	l := &eventLog{}
	o.Observer = l
	o.Redact = Redaction{Secrets: []string{"42"}}
	c, _, _ := mockClient(t, o, steps...)
	return c, l
}

// get gets testURL through c as operation "GET /things/{id}" with s.
func get(ctx context.Context, c *Client, s Settings) (*http.Response, error) {
	s.Operation = "GET /things/{id}"
	return doGetWith(ctx, c, s)
}

func checkLog(t *testing.T, l *eventLog, want ...string) {
	t.Helper()
	if got := l.got(); got != strings.Join(want, "\n") {
		t.Errorf("observed:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

const startLine = "start acme|GET /things/{id}|GET|api.example.test|/v1/things/[redacted]"

// TestObserverRetries follows a call through a 429 with Retry-After, a 503
// with backoff and a 200: every event with its exact values (virtual time).
func TestObserverRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme", MaxRetries: 3, WaitMin: time.Nanosecond, WaitMax: time.Nanosecond},
			step{status: 429, hdr: []string{"Retry-After", "2"}}, step{status: 503}, step{status: 200, body: "ok"})
		s := c.Defaults()
		s.Idempotent = true
		s.Middleware = []Middleware{func(r *http.Request, n int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			if v := r.Context().Value(ctxKey("attempt")); v != n {
				t.Errorf("attempt %d request context carries attempt %v", n, v)
			}
			return next(r)
		}}
		resp, err := get(context.Background(), c, s)
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		checkLog(t, l, startLine,
			"attempt 1 call=call", "attempt 1 ended ctx=1: 429 api 429",
			"wait retry_after before 2 call=call: 2s ok",
			"attempt 2 call=call", "attempt 2 ended ctx=2: 503 api 503",
			"wait backoff before 3 call=call: 1ns ok",
			"attempt 3 call=call", "attempt 3 ended ctx=3: 200 ok",
			"end call=call: 200 after 3 attempts, 2 waits 2.000000001s: ok")
	})
}

// TestObserverFailures follows calls that end in error: the final status
// of an *apierror.Error, a transport error, a context done before the call
// or during a retry wait, a body that cannot be read.
func TestObserverFailures(t *testing.T) {
	t.Run("404", virtual(func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme"}, step{status: 404})
		if _, err := get(context.Background(), c, c.Defaults()); err == nil {
			t.Fatal("no error")
		}
		checkLog(t, l, startLine, "attempt 1 call=call", "attempt 1 ended ctx=1: 404 api 404",
			"end call=call: 404 after 1 attempts, 0 waits 0s: api 404")
	}))
	t.Run("transport error", virtual(func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme", MaxRetries: 0}, step{err: errors.New("boom")})
		if _, err := get(context.Background(), c, c.Defaults()); err == nil {
			t.Fatal("no error")
		}
		checkLog(t, l, startLine, "attempt 1 call=call",
			`attempt 1 ended ctx=1: 0 error Get "https://api.example.test/v1/things/42": boom`,
			`end call=call: 0 after 1 attempts, 0 waits 0s: error acme: GET https://api.example.test/v1/things/42: Get "https://api.example.test/v1/things/42": boom`)
	}))
	t.Run("context done before", virtual(func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme"}, step{status: 200})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := get(ctx, c, c.Defaults()); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		checkLog(t, l, startLine, "end call=call: 0 after 0 attempts, 0 waits 0s: canceled")
	}))
	t.Run("context done in the retry wait", virtual(func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme", MaxRetries: 1}, step{status: 429, hdr: []string{"Retry-After", "10"}})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(3*time.Second, cancel)
		if _, err := get(ctx, c, c.Defaults()); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		checkLog(t, l, startLine, "attempt 1 call=call", "attempt 1 ended ctx=1: 429 api 429",
			"wait retry_after before 2 call=call: 3s canceled",
			"end call=call: 429 after 1 attempts, 1 waits 3s: canceled")
	}))
	t.Run("unreadable body", virtual(func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme"}, step{status: 200})
		req, err := http.NewRequest(http.MethodPost, testURL, io.NopCloser(failingReader{}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Do(context.Background(), req, Settings{Operation: "GET /things/{id}"}); err == nil {
			t.Fatal("no error")
		}
		checkLog(t, l, "start acme|GET /things/{id}|POST|api.example.test|/v1/things/[redacted]",
			"end call=call: 0 after 0 attempts, 0 waits 0s: error acme: POST https://api.example.test/v1/things/42: reading request body: unreadable")
	}))
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("unreadable") }

// sleepLimiter waits d, then returns err.
type sleepLimiter struct {
	d   time.Duration
	err error
}

func (l sleepLimiter) Wait(ctx context.Context) error {
	if v := ctx.Value(ctxKey("call")); v != "call" {
		return fmt.Errorf("the limiter got a context without the observer's value (%v)", v)
	}
	time.Sleep(l.d)
	return l.err
}

// TestObserverLimiterWaits checks which limiter waits are reported: from
// 1 ms (minLoggedWait) on, or when the limiter refuses.
func TestObserverLimiterWaits(t *testing.T) {
	tests := []struct {
		name string
		l    sleepLimiter
		want []string
	}{
		{"under 1ms", sleepLimiter{d: time.Millisecond - time.Nanosecond}, []string{
			startLine, "attempt 1 call=call", "attempt 1 ended ctx=1: 200 ok",
			"end call=call: 200 after 1 attempts, 0 waits 0s: ok"}},
		{"1ms", sleepLimiter{d: time.Millisecond}, []string{
			startLine, "wait limiter before 1 call=call: 1ms ok", "attempt 1 call=call", "attempt 1 ended ctx=1: 200 ok",
			"end call=call: 200 after 1 attempts, 1 waits 1ms: ok"}},
		{"refused at once", sleepLimiter{err: errors.New("no")}, []string{
			startLine, "wait limiter before 1 call=call: 0s limiter refused",
			"end call=call: 0 after 0 attempts, 1 waits 0s: limiter refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, virtual(func(t *testing.T) {
			c, l := observed(t, Options{Vendor: "acme", Limiter: tt.l}, step{status: 200})
			resp, err := get(context.Background(), c, c.Defaults())
			if err == nil {
				drain(t, resp)
			}
			checkLog(t, l, tt.want...)
		}))
	}
}

// TestObserverPause checks the shared pause as the calls after a 429 see
// it: waited, or refused at once when it passes the context's deadline.
func TestObserverPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme", MaxRetries: 0},
			step{status: 429, hdr: []string{"Retry-After", "3"}}, step{status: 200})
		if _, err := get(context.Background(), c, c.Defaults()); err == nil {
			t.Fatal("the 429 is no error")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := get(ctx, c, c.Defaults()); err == nil {
			t.Fatal("a pause past the deadline is no error")
		}
		resp, err := get(context.Background(), c, c.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		checkLog(t, l,
			startLine, "attempt 1 call=call", "attempt 1 ended ctx=1: 429 api 429",
			"end call=call: 429 after 1 attempts, 0 waits 0s: api 429",
			startLine, "wait pause before 1 call=call: 0s pause passes deadline",
			"end call=call: 429 after 0 attempts, 1 waits 0s: api 429",
			startLine, "wait pause before 1 call=call: 3s ok", "attempt 1 call=call", "attempt 1 ended ctx=1: 200 ok",
			"end call=call: 200 after 1 attempts, 1 waits 3s: ok")
	})
}

// TestObserverDeclines checks a call the Observer leaves alone (a nil
// CallObserver): it runs as without one, with the context StartCall gave.
func TestObserverDeclines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, l := observed(t, Options{Vendor: "acme", MaxRetries: 1}, step{status: 429, hdr: []string{"Retry-After", "1"}}, step{status: 200})
		l.ignore = true
		s := c.Defaults()
		s.Middleware = []Middleware{func(r *http.Request, n int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			if v := r.Context().Value(ctxKey("call")); v != "call" {
				t.Errorf("attempt %d request context carries call %v", n, v)
			}
			return next(r)
		}}
		resp, err := get(context.Background(), c, s)
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		checkLog(t, l, startLine)
	})
}
