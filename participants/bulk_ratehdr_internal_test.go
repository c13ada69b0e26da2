package participants

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/internal/transport"
)

// The transport tells the adaptive limiter of the quotas it sees.
var _ transport.QuotaObserver = (*adaptiveLimiter)(nil)

// quotaState is the published quota the limiter follows and its pace.
func quotaState(a *adaptiveLimiter) (left int, reset time.Time, pace rate.Limit, burst int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.quotaLeft, a.quotaReset, a.quota.Limit(), a.quota.Burst()
}

// The Remaining of the window are spread until its Reset, with a small
// burst, instead of the learned limit; none remaining holds until Reset.
func TestQuotaPacesTheRemainingUntilReset(t *testing.T) {
	a, c := testAdaptive(t)
	reset := c.t.Add(2 * time.Second)
	a.ObserveQuota(167, 100, reset)
	left, r, pace, burst := quotaState(a)
	if left != 100 || !r.Equal(reset) || !near(float64(pace), 50) || burst != adaptiveQuotaBurst {
		t.Fatalf("left %d, reset %v, pace %v, burst %d; want 100 until %v at 50/s, burst %d", left, r, pace, burst, reset, adaptiveQuotaBurst)
	}
	if lim, until := a.pace(); lim != a.quota || !until.Equal(reset) {
		t.Fatalf("pace() = %p, %v; want the quota's limiter, until %v", lim, until, reset)
	}
	if a.limit() != rate.Inf {
		t.Fatalf("learned limit %v", a.limit())
	}
	// Few left: the burst never passes them.
	c.t = c.t.Add(time.Second)
	a.ObserveQuota(167, 2, reset)
	if _, _, pace, burst := quotaState(a); !near(float64(pace), 2) || burst != 2 {
		t.Fatalf("pace %v, burst %d; want 2/s, burst 2", pace, burst)
	}
	// None left: hold until Reset.
	a.ObserveQuota(167, 0, reset)
	if lim, hold := a.pace(); lim != nil || !hold.Equal(reset) {
		t.Fatalf("pace() = %p, %v; want a hold until %v", lim, hold, reset)
	}
	if _, _, _, burst := quotaState(a); burst != 1 {
		t.Fatalf("burst %d with none left", burst)
	}
	// At Reset the window refills: the learned limit applies again.
	c.t = reset
	if lim, hold := a.pace(); lim != a.lim || !hold.IsZero() {
		t.Fatalf("pace() at Reset = %p, %v; want the learned limiter", lim, hold)
	}
}

// Responses arrive out of order: only a lower Remaining for the same Reset,
// or a later Reset, changes the pace.
func TestQuotaLowestRemainingPerReset(t *testing.T) {
	a, c := testAdaptive(t)
	reset := c.t.Add(2 * time.Second)
	a.ObserveQuota(0, 100, reset)
	c.t = c.t.Add(500 * time.Millisecond)
	a.ObserveQuota(0, 120, reset) // older
	a.ObserveQuota(0, 100, reset) // no lower
	if left, _, pace, _ := quotaState(a); left != 100 || !near(float64(pace), 50) {
		t.Fatalf("left %d, pace %v after stale observations; want 100 at 50/s", left, pace)
	}
	a.ObserveQuota(0, 60, reset)
	if left, _, pace, _ := quotaState(a); left != 60 || !near(float64(pace), 40) {
		t.Fatalf("left %d, pace %v; want 60 over 1.5s, 40/s", left, pace)
	}
	// A later window wins, whatever its Remaining...
	next := reset.Add(time.Second)
	a.ObserveQuota(0, 250, next)
	if left, r, pace, _ := quotaState(a); left != 250 || !r.Equal(next) || !near(float64(pace), 100) {
		t.Fatalf("left %d until %v, pace %v; want 250 until %v, 100/s", left, r, pace, next)
	}
	// ... and a response of the window before it changes nothing.
	a.ObserveQuota(0, 5, reset)
	if left, r, _, _ := quotaState(a); left != 250 || !r.Equal(next) {
		t.Fatalf("left %d until %v after an older window's response", left, r)
	}
}

// adaptiveWorkers is the most attempts in flight of testAdaptive's limiter.
const adaptiveWorkers = DefaultConcurrency

// The attempts let through and not answered yet are not in the vendor's
// Remaining: they are taken from it, at most as many as there are workers.
func TestQuotaCountsTheAttemptsInFlight(t *testing.T) {
	a, c := testAdaptive(t)
	reset := c.t.Add(time.Second)
	waits(t, a, 3)
	a.ObserveQuota(0, 20, reset) // 2 more in flight
	if left, _, pace, _ := quotaState(a); left != 18 || !near(float64(pace), 18) {
		t.Fatalf("left %d at %v/s; want 18", left, pace)
	}
	a.ObserveQuota(0, 19, reset) // 1 in flight: 18, no lower
	if left, _, _, _ := quotaState(a); left != 18 {
		t.Fatalf("left %d; want 18", left)
	}
	a.ObserveQuota(0, 17, reset) // none in flight
	if left, _, _, _ := quotaState(a); left != 17 {
		t.Fatalf("left %d; want 17", left)
	}
	// More answers than attempts (none in flight) take nothing.
	a.ObserveQuota(0, 16, reset)
	if left, _, _, _ := quotaState(a); left != 16 {
		t.Fatalf("left %d; want 16", left)
	}
	// Attempts lost without an answer count as in flight, at most one per
	// worker, and not for ever.
	a.workers = 5
	c.t = reset // the window lapsed: no wait on its pace
	waits(t, a, 20)
	next := reset.Add(time.Second)
	a.ObserveQuota(0, 15, next)
	if left, _, _, _ := quotaState(a); left != 10 {
		t.Fatalf("left %d; want 15 less 5 in flight", left)
	}
	a.ObserveQuota(0, 9, next)
	if left, _, _, _ := quotaState(a); left != 5 {
		t.Fatalf("left %d; want 9 less 4 in flight", left)
	}
	// Never below none.
	c.t = next
	waits(t, a, 5)
	a.ObserveQuota(0, 2, next.Add(time.Second))
	if left, _, _, _ := quotaState(a); left != 0 {
		t.Fatalf("left %d; want 0", left)
	}
}

// A Reset that is not in the future announces nothing to follow.
func TestQuotaPastResetIgnored(t *testing.T) {
	a, c := testAdaptive(t)
	a.ObserveQuota(100, 0, c.t)
	a.ObserveQuota(100, 0, c.t.Add(-time.Second))
	if left, r, pace, _ := quotaState(a); left != 0 || !r.IsZero() || pace != rate.Inf {
		t.Fatalf("left %d until %v at %v after past Resets", left, r, pace)
	}
	if lim, hold := a.pace(); lim != a.lim || !hold.IsZero() {
		t.Fatalf("pace() = %p, %v; want the learned limiter", lim, hold)
	}
}

// A 429 while the quota is in force lowers nothing: the headers say what
// is left. Once it has lapsed, 429s teach as before.
func TestQuota429TeachesNothingWhileInForce(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 100)
	reset := c.t.Add(time.Second)
	a.ObserveQuota(100, 50, reset)
	waits(t, a, 4) // the quota's burst: no wait in real time
	if err := a.Pause(context.Background(), reset); err != nil {
		t.Fatal(err)
	}
	if a.limit() != rate.Inf || !a.pausedUntil.IsZero() {
		t.Fatalf("learned limit %v, paused until %v after a 429 within the quota", a.limit(), a.pausedUntil)
	}
	if _, _, pace, _ := quotaState(a); !near(float64(pace), 50-adaptiveWorkers) {
		t.Fatalf("quota pace %v; want 50 less %d in flight, a second", pace, adaptiveWorkers)
	}
	c.t = reset.Add(time.Second) // the quota's attempts out of the measure's two seconds
	waits(t, a, 40)
	if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := float64(a.limit()); !near(got, adaptiveMargin*40) {
		t.Fatalf("learned limit %v after the quota lapsed; want the margin of 40", got)
	}
}

// In time, the attempts of a window are spread until its Reset: one every
// (reset-now)/remaining, the last at Reset. After a pause, a small burst
// goes at once.
func TestQuotaWaitSpreadsTheRemaining(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newAdaptiveLimiter()
		start := time.Now()
		a.ObserveQuota(0, 10, start.Add(time.Second))
		var at []time.Duration
		for range 10 {
			if err := a.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			at = append(at, time.Since(start))
		}
		for i, d := range at {
			want := time.Duration(i+1) * 100 * time.Millisecond
			if d < want-time.Millisecond || d > want+time.Millisecond {
				t.Errorf("attempt %d at %v, want %v", i, d, want)
			}
		}

		// 10 for 10s: one a second, after a pause of 7s up to 4 at once.
		a = newAdaptiveLimiter()
		start = time.Now()
		a.ObserveQuota(0, 10, start.Add(10*time.Second))
		time.Sleep(7 * time.Second)
		for range adaptiveQuotaBurst + 1 {
			if err := a.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if d := time.Since(start); d != 8*time.Second {
			t.Errorf("%d attempts after a 7s pause took until %v; want %d at once and one at 8s", adaptiveQuotaBurst+1, d, adaptiveQuotaBurst)
		}
	})
}

// With none remaining, attempts wait for Reset, then go as the learned
// limit lets them (none learned: at once) until a response tells more.
func TestQuotaWaitHoldsUntilReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newAdaptiveLimiter()
		start := time.Now()
		a.ObserveQuota(0, 0, start.Add(300*time.Millisecond))
		for i := range 3 {
			if err := a.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d != 300*time.Millisecond {
				t.Fatalf("attempt %d at %v, want at the Reset, 300ms", i, d)
			}
		}
		// A later window announced during a hold paces the held attempts:
		// its one left goes at its reset.
		start = time.Now()
		a.ObserveQuota(0, 0, start.Add(time.Second))
		time.AfterFunc(200*time.Millisecond, func() { a.ObserveQuota(0, 1, start.Add(2*time.Second)) })
		if err := a.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Fatalf("attempt at %v, want at the later window's reset, 2s", d)
		}
		if left, _, _, _ := quotaState(a); left != 1 {
			t.Fatalf("left %d, want the later window's 1", left)
		}
	})
}

// No attempt waits for the quota's pace past its window's reset, when the
// window refills: 8 attempts on 2 left for a second go one at 0.5s and 7
// at the reset, not one every half second until 4s.
func TestQuotaWaitNeverPastReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newAdaptiveLimiter()
		start := time.Now()
		a.ObserveQuota(0, 2, start.Add(time.Second))
		at := make(chan time.Duration, 8)
		for range 8 {
			go func() {
				if err := a.Wait(context.Background()); err != nil {
					t.Error(err)
				}
				at <- time.Since(start)
			}()
		}
		counts := map[time.Duration]int{}
		for range 8 {
			counts[<-at]++
		}
		if len(counts) != 2 || counts[500*time.Millisecond] != 1 || counts[time.Second] != 7 {
			t.Errorf("attempts at %v; want 1 at 0.5s and 7 at 1s", counts)
		}
		// The next window's pace owes nothing to the waits of this one
		// (all 8 answered).
		for range 7 {
			a.ObserveQuota(0, 0, start.Add(time.Second)) // a window gone
		}
		a.ObserveQuota(0, 10, start.Add(2*time.Second))
		now := time.Now()
		if err := a.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(now); d != 100*time.Millisecond {
			t.Errorf("the new window's first attempt at %v; want 100ms", d)
		}
	})
}

// An attempt that waited its turn finds the quota run out meanwhile, by
// the attempts let through or by a response: it holds until reset.
func TestQuotaWaitTakesFromWhatIsLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newAdaptiveLimiter()
		start := time.Now()
		reset := start.Add(time.Second)
		a.ObserveQuota(0, 4, reset)
		time.Sleep(800 * time.Millisecond) // 3 turns saved up
		a.ObserveQuota(0, 2, reset)        // 2 left, 10 a second
		var at []time.Duration
		for range 3 {
			if err := a.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			at = append(at, time.Since(start))
		}
		if at[0] != 800*time.Millisecond || at[1] != 800*time.Millisecond || at[2] != time.Second {
			t.Errorf("attempts at %v; want 2 at 0.8s and the third at the reset, 1s", at)
		}

		// 3 a second: the second's turn comes at 0.67s, after a response
		// said none is left.
		a = newAdaptiveLimiter()
		start = time.Now()
		reset = start.Add(time.Second)
		a.ObserveQuota(0, 3, reset)
		time.AfterFunc(500*time.Millisecond, func() { a.ObserveQuota(0, 0, reset) })
		if err := a.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := a.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("second attempt at %v; want at the reset, 1s", d)
		}
	})
}

// A hold or a pace that would pass the deadline is refused at once; a hold
// ends with its context.
func TestQuotaWaitRefusals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newAdaptiveLimiter()
		start := time.Now()
		a.ObserveQuota(0, 0, start.Add(2*time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := a.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || time.Since(start) != 0 {
			t.Errorf("Wait = %v after %v; want DeadlineExceeded at once", err, time.Since(start))
		}
		ctx, cancel = context.WithCancel(context.Background())
		time.AfterFunc(500*time.Millisecond, cancel)
		if err := a.Wait(ctx); !errors.Is(err, context.Canceled) || time.Since(start) != 500*time.Millisecond {
			t.Errorf("Wait = %v after %v; want Canceled at 500ms", err, time.Since(start))
		}

		// Two left in 10s: one every 5s. The refused wait gives its turn
		// back.
		now := time.Now()
		a.ObserveQuota(0, 2, now.Add(10*time.Second))
		ctx, cancel = context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := a.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || time.Since(now) != 0 {
			t.Errorf("Wait = %v after %v; want DeadlineExceeded at once", err, time.Since(now))
		}
		if err := a.Wait(context.Background()); err != nil || time.Since(now) != 5*time.Second {
			t.Errorf("Wait = %v after %v; want nil at 5s", err, time.Since(now))
		}
	})
}

// The adaptive limiter of a bulk add counts one attempt in flight at most
// per worker.
func TestBulkAdaptiveLimiterKnowsTheWorkers(t *testing.T) {
	p := &recordingProvider{}
	New(p).AddMany(context.Background(), "conv", []Participant{{Email: "a@example.com"}}, WithConcurrency(3))
	a, ok := limiterOf(t, p.opts[0]).(*adaptiveLimiter)
	if !ok {
		t.Fatalf("limiter %T", limiterOf(t, p.opts[0]))
	}
	if a.workers != 3 {
		t.Fatalf("%d workers; want 3", a.workers)
	}
}
