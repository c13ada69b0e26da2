package transport

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// countingLimiter counts its waits and refuses those from refuseFrom on
// (0: none) with err; it notes every pause.
type countingLimiter struct {
	waits      atomic.Int32
	refuseFrom int32
	err        error

	mu      sync.Mutex
	pauses  []time.Time
	ctxErrs []error     // the Pause context's error during Pause
	dls     []time.Time // its deadline
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	n := l.waits.Add(1)
	if l.refuseFrom > 0 && n >= l.refuseFrom {
		return l.err
	}
	return nil
}

type pausingLimiter struct{ countingLimiter }

func (l *pausingLimiter) Pause(ctx context.Context, until time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pauses = append(l.pauses, until)
	dl, _ := ctx.Deadline()
	l.ctxErrs = append(l.ctxErrs, ctx.Err())
	l.dls = append(l.dls, dl)
	return errors.New("pause not stored") // ignored by the Client
}

func (l *pausingLimiter) pausesSeen() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.pauses...)
}

// The limiter is waited on before every attempt, retries included.
func TestLimiterBeforeEveryAttempt(t *testing.T) {
	l := &countingLimiter{}
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: l},
		step{status: 429, hdr: []string{"Retry-After", "0"}},
		step{status: 429},
		step{status: 200, body: "ok"})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if drain(t, resp) != "ok" || rec.n() != 3 || l.waits.Load() != 3 {
		t.Errorf("%d attempts, %d waits; want 3 of each", rec.n(), l.waits.Load())
	}
}

// A refusal of the limiter sends nothing and is not retried, even on a
// call marked idempotent; the error says so and keeps the limiter's.
func TestLimiterRefusalStopsTheCallUnsent(t *testing.T) {
	down := errors.New("redis: connection refused")
	l := &countingLimiter{refuseFrom: 1, err: down}
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: l}, step{status: 200, body: "ok"})
	ctx := context.Background()
	resp, err := doGetWith(ctx, c, idem(c))
	var le *LimiterError
	var ue *url.Error
	if resp != nil || !errors.As(err, &le) || le.Err != down || !errors.Is(err, down) || !errors.As(err, &ue) {
		t.Fatalf("Do = %v, %v; want a *LimiterError around the limiter's error", resp, err)
	}
	if rec.n() != 0 || l.waits.Load() != 1 {
		t.Errorf("%d attempts, %d waits; want none sent and one wait", rec.n(), l.waits.Load())
	}
	if got := le.Error(); got != "rate limiter refused the attempt (not sent): redis: connection refused" {
		t.Errorf("Error() = %q", got)
	}
	// A refusal of a retry ends the call there.
	l2 := &countingLimiter{refuseFrom: 2, err: down}
	c, _, rec = mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: l2}, step{status: 429, hdr: []string{"Retry-After", "0"}}, step{status: 200})
	if _, err := doGet(ctx, c); !errors.As(err, &le) || rec.n() != 1 || l2.waits.Load() != 2 {
		t.Errorf("Do = %v after %d attempts, %d waits; want the refusal of the second", err, rec.n(), l2.waits.Load())
	}
}

// A limiter that returns because the context ended gives the context's
// error, not a *LimiterError.
func TestLimiterContextEnd(t *testing.T) {
	l := rate.NewLimiter(rate.Every(time.Hour), 1)
	l.Allow() // the next token is an hour away
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: l}, step{status: 200})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := doGet(ctx, c); !errors.Is(err, context.Canceled) {
		t.Errorf("Do on a done context = %v", err)
	}
	// A *rate.Limiter refuses at once a wait past the deadline: that is
	// DeadlineExceeded in the chain, with the limiter's refusal.
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err := doGet(ctx, c)
	var le *LimiterError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &le) || ctx.Err() != nil {
		t.Errorf("Do = %v; want DeadlineExceeded from the limiter, before the deadline", err)
	}
	if time.Since(start) > 10*time.Second || rec.n() != 0 {
		t.Errorf("waited %v, %d attempts", time.Since(start), rec.n())
	}
	// Any other limiter's refusal is not made a DeadlineExceeded.
	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: &countingLimiter{refuseFrom: 1, err: errors.New("no")}}, step{status: 200})
	if _, err := doGet(ctx, c); errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &le) {
		t.Errorf("Do = %v", err)
	}
	// A limiter that returns the context's error while the context is
	// live is still a refusal.
	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: &countingLimiter{refuseFrom: 1, err: context.Canceled}}, step{status: 200})
	if _, err := doGet(context.Background(), c); !errors.As(err, &le) {
		t.Errorf("Do = %v; want a *LimiterError", err)
	}
}

// A 429 that asks for a wait is told to a Pauser, with the end of the wait,
// on a context that the caller's end does not cancel and that has its own
// short deadline; other responses are not.
func TestLimiterSharesThe429Pause(t *testing.T) {
	l := &pausingLimiter{}
	c, _, _ := mockClient(t, Options{Limiter: l}, step{status: 429, hdr: []string{"Retry-After", "7"}})
	before := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := doGet(ctx, c)
	after := time.Now()
	cancel()
	if err == nil {
		t.Fatal("no error")
	}
	p := l.pausesSeen()
	if len(p) != 1 || p[0].Before(before.Add(7*time.Second)) || p[0].After(after.Add(7*time.Second)) {
		t.Fatalf("pauses %v; want one, 7s after the 429", p)
	}
	if l.ctxErrs[0] != nil || l.dls[0].IsZero() || l.dls[0].After(after.Add(pauseShareTimeout)) {
		t.Errorf("the Pause context: err %v, deadline %v", l.ctxErrs[0], l.dls[0])
	}
	// The caller's context may be done (its deadline passed during the
	// attempt): the pause is shared all the same.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	l2 := &pausingLimiter{}
	at := time.Now().Add(time.Second)
	sharePause(done, l2, at)
	if p := l2.pausesSeen(); len(p) != 1 || !p[0].Equal(at) || l2.ctxErrs[0] != nil {
		t.Errorf("sharePause on a done context: %v, %v", p, l2.ctxErrs)
	}
	// No wait asked, or not a 429: nothing to share.
	for _, s := range []step{{status: 429}, {status: 503, hdr: []string{"Retry-After", "7"}}, {status: 200}} {
		l := &pausingLimiter{}
		c, _, _ := mockClient(t, Options{Limiter: l}, s)
		resp, _ := doGetWith(context.Background(), c, idem(c))
		if resp != nil {
			resp.Body.Close()
		}
		if p := l.pausesSeen(); len(p) != 0 {
			t.Errorf("status %d: pauses %v", s.status, p)
		}
	}
}

// Without a Limiter, a 429 pause still works as before (no Pauser to call).
func TestNoLimiterNoPauseShare(t *testing.T) {
	c, _, rec := mockClient(t, Options{}, step{status: 429, hdr: []string{"Retry-After", "0"}})
	if _, err := doGet(context.Background(), c); err == nil || rec.n() != 1 {
		t.Errorf("Do = %v after %d attempts", err, rec.n())
	}
	sharePause(context.Background(), &countingLimiter{}, time.Now()) // not a Pauser: nothing happens
}

// A call's own limiter (Settings.Limiter) is waited on before each of
// its attempts after the client's, and told of its 429 pauses; a refusal
// stops the call unsent.
func TestCallLimiter(t *testing.T) {
	client := &pausingLimiter{}
	call := &pausingLimiter{}
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: client},
		step{status: 429, hdr: []string{"Retry-After", "0"}},
		step{status: 200, body: "ok"})
	resp, err := doGetWith(context.Background(), c, with(c, func(s *Settings) { s.Limiter = call }))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if rec.n() != 2 || client.waits.Load() != 2 || call.waits.Load() != 2 {
		t.Errorf("%d attempts, %d client waits, %d call waits; want 2 each", rec.n(), client.waits.Load(), call.waits.Load())
	}
	if len(client.pausesSeen()) != 1 || len(call.pausesSeen()) != 1 {
		t.Errorf("pauses: client %v, call %v; want one each", client.pausesSeen(), call.pausesSeen())
	}
	// Without a client limiter, the call's alone; a refusal sends nothing.
	refusing := &countingLimiter{refuseFrom: 1, err: errors.New("no")}
	c, _, rec = mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 200})
	var le *LimiterError
	if _, err := doGetWith(context.Background(), c, with(c, func(s *Settings) { s.Limiter = refusing })); !errors.As(err, &le) || rec.n() != 0 {
		t.Errorf("Do = %v after %d attempts", err, rec.n())
	}
	// The client's refusal comes first: the call's limiter is not asked.
	call2 := &countingLimiter{}
	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: &countingLimiter{refuseFrom: 1, err: errors.New("no")}}, step{status: 200})
	if _, err := doGetWith(context.Background(), c, with(c, func(s *Settings) { s.Limiter = call2 })); !errors.As(err, &le) || call2.waits.Load() != 0 {
		t.Errorf("Do = %v, call limiter waits %d", err, call2.waits.Load())
	}
}

// An attempt the client's 429 pause stops is not taken to the limiters.
func TestPausedAttemptSkipsTheLimiters(t *testing.T) {
	client := &countingLimiter{}
	call := &countingLimiter{}
	c, _, rec := mockClient(t, Options{Limiter: client}, step{status: 429, hdr: []string{"Retry-After", "5"}})
	if _, err := doGet(context.Background(), c); err == nil {
		t.Fatal("no error for the 429")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := doGetWith(ctx, c, with(c, func(s *Settings) { s.Limiter = call }))
	if err == nil || ctx.Err() != nil {
		t.Fatalf("Do = %v (ctx %v); want the pause's refusal before the deadline", err, ctx.Err())
	}
	if rec.n() != 1 || client.waits.Load() != 1 || call.waits.Load() != 0 {
		t.Errorf("%d attempts, %d client waits, %d call waits; want 1, 1, 0", rec.n(), client.waits.Load(), call.waits.Load())
	}
}
