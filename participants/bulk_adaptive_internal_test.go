package participants

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/participants/driver"
)

// clock is a settable time for the adaptive limiter's measure.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func testAdaptive(t *testing.T) (*adaptiveLimiter, *clock) {
	t.Helper()
	c := &clock{t: time.Unix(1_700_000_000, 0)} // on a bucket boundary
	a := newAdaptiveLimiter()
	a.now = c.now
	return a, c
}

// waits makes n attempts at the clock's time.
func waits(t *testing.T, a *adaptiveLimiter, n int) {
	t.Helper()
	for range n {
		if err := a.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAdaptiveNoLimitUntilA429(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 1000) // no limit: 1000 at once
	if a.limit() != rate.Inf {
		t.Fatalf("limit %v before any 429", a.limit())
	}
	c.t = c.t.Add(3 * time.Second)
	a.grow() // nothing to grow
	if a.limit() != rate.Inf {
		t.Fatalf("limit %v", a.limit())
	}
}

func TestAdaptiveLearnsFromTheSecondBeforeThe429(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 50)
	c.t = c.t.Add(600 * time.Millisecond)
	waits(t, a, 50)
	c.t = c.t.Add(300 * time.Millisecond)
	if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := float64(a.limit()); !near(got, adaptiveMargin*100) {
		t.Fatalf("limit %v after 100 attempts in the second before, want margin x 100", got)
	}
	// Another 429 of the same pause is the same event.
	c.t = c.t.Add(500 * time.Millisecond)
	if err := a.Pause(context.Background(), c.t.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if !near(float64(a.limit()), adaptiveMargin*100) || !a.pausedUntil.Equal(c.t.Add(2*time.Second)) {
		t.Fatalf("limit %v, paused until %v", a.limit(), a.pausedUntil)
	}
	// A 429 inside the pause asking less does not shorten it.
	if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if !a.pausedUntil.Equal(c.t.Add(2 * time.Second)) {
		t.Fatalf("paused until %v: shortened", a.pausedUntil)
	}
}

// The waits after a limit is learned are spaced by rate.Limiter on the
// clock of a testing/synctest bubble: virtual time, no real wait.
func TestAdaptiveOldBucketsLeaveTheMeasure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The measure is the busiest second that ended in the last one:
		// at 1.0s, the second of buckets 0..99 counts.
		a, c := testAdaptive(t)
		waits(t, a, 60) // bucket 0
		c.t = c.t.Add(500 * time.Millisecond)
		waits(t, a, 40) // bucket 50
		c.t = c.t.Add(500 * time.Millisecond)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); !near(got, adaptiveMargin*100) {
			t.Fatalf("limit %v; want the margin of the 100 of the busiest second", got)
		}
		// At 2.0s bucket 0 is out (the seconds of the measure end in
		// buckets 101..200): the busiest holds bucket 50 only.
		a, c = testAdaptive(t)
		waits(t, a, 60)
		c.t = c.t.Add(500 * time.Millisecond)
		waits(t, a, 40)
		c.t = c.t.Add(1500 * time.Millisecond)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); !near(got, adaptiveMargin*40) {
			t.Fatalf("limit %v; want the margin of the 40 of the busiest second", got)
		}
		// Long after, everything is out: too few samples, the limit stays.
		c.t = c.t.Add(10 * time.Second)
		waits(t, a, 19)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); got < adaptiveMargin*40 {
			t.Fatalf("limit %v after a 429 with 19 samples", got)
		}
	})
}

func TestAdaptiveFewSamplesLeaveItToThePause(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, adaptiveMinSamples-1)
	if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if a.limit() != rate.Inf || !a.pausedUntil.Equal(c.t.Add(time.Second)) {
		t.Fatalf("limit %v, paused until %v", a.limit(), a.pausedUntil)
	}
	// Exactly the minimum is a measure.
	c.t = c.t.Add(2 * time.Second)
	waits(t, a, adaptiveMinSamples)
	if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := float64(a.limit()); !near(got, adaptiveMargin*adaptiveMinSamples) {
		t.Fatalf("limit %v", got)
	}
}

// The limiter's waits pass on virtual time (testing/synctest).
func TestAdaptiveNeverRaisedByA429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, c := testAdaptive(t)
		a.lim.SetLimit(1000) // as if learned before
		a.lim.SetBurst(1000)
		a.grown = c.t
		waits(t, a, 40)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); !near(got, adaptiveMargin*40) {
			t.Fatalf("limit %v", got)
		}
		c.t = c.t.Add(2 * time.Second)
		waits(t, a, 30) // spaced by the learned limit, on the bubble's clock
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); !near(got, adaptiveMargin*30) {
			t.Fatalf("limit %v; want the lower measure", got)
		}
		c.t = c.t.Add(2 * time.Second)
		waits(t, a, 35)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		// (It grew for the second after the last pause, no more.)
		if got := float64(a.limit()); !near(got, adaptiveMargin*30*(1+adaptiveGrowth)) {
			t.Fatalf("limit %v; a higher measure must not raise it", got)
		}
	})
}

func TestAdaptiveGrowsWithoutA429(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 100)
	until := c.t.Add(time.Second)
	if err := a.Pause(context.Background(), until); err != nil {
		t.Fatal(err)
	}
	// During the pause, and less than a second after it: no growth.
	c.t = until.Add(-time.Millisecond)
	a.grow()
	c.t = until.Add(999 * time.Millisecond)
	a.grow()
	if !near(float64(a.limit()), adaptiveMargin*100) {
		t.Fatalf("limit %v", a.limit())
	}
	// 2.5s after the pause: two seconds of growth, the half counts later.
	c.t = until.Add(2500 * time.Millisecond)
	a.grow()
	want := adaptiveMargin * 100 * (1 + adaptiveGrowth) * (1 + adaptiveGrowth)
	if got := float64(a.limit()); !near(got, want) {
		t.Fatalf("limit %v, want %v", got, want)
	}
	c.t = until.Add(3000 * time.Millisecond)
	a.grow()
	want *= 1 + adaptiveGrowth
	if got := float64(a.limit()); !near(got, want) {
		t.Fatalf("limit %v, want %v", got, want)
	}
	// Wait grows it too.
	c.t = until.Add(4000 * time.Millisecond)
	a.lim.SetBurst(100)
	waits(t, a, 1)
	want *= 1 + adaptiveGrowth
	if got := float64(a.limit()); !near(got, want) {
		t.Fatalf("limit %v, want %v", got, want)
	}
}

func TestAdaptiveWaitRefusals(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 20)
	if err := a.Pause(context.Background(), c.t); err != nil { // 19/s
		t.Fatal(err)
	}
	a.lim.SetLimit(0.5) // one every two seconds
	a.grown = c.t
	waits(t, a, 1) // the burst
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := a.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("Wait = %v; want DeadlineExceeded at once", err)
	}
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if err := a.Wait(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a done context = %v", err)
	}
}

func TestAdaptiveAdvanceInOrder(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 5)
	e := a.epoch
	c.t = c.t.Add(-50 * time.Millisecond) // a clock that goes back: no change
	waits(t, a, 5)
	if a.epoch != e || a.count[e%adaptiveHistory] != 10 {
		t.Errorf("epoch %d (was %d), count %d", a.epoch, e, a.count[e%adaptiveHistory])
	}
	c.t = c.t.Add(80 * time.Millisecond) // 3 buckets on
	waits(t, a, 1)
	if a.epoch != e+3 || a.count[(e+3)%adaptiveHistory] != 1 || a.count[e%adaptiveHistory] != 10 {
		t.Errorf("epoch %d, counts %d and %d", a.epoch-e, a.count[(e+3)%adaptiveHistory], a.count[e%adaptiveHistory])
	}
	c.t = c.t.Add(1990 * time.Millisecond) // 199 more: bucket e+3 stays, e goes
	waits(t, a, 1)
	if a.count[e%adaptiveHistory] != 0 || a.count[(e+3)%adaptiveHistory] != 1 {
		t.Errorf("counts %d and %d", a.count[e%adaptiveHistory], a.count[(e+3)%adaptiveHistory])
	}
	c.t = c.t.Add(2 * time.Second) // exactly 200 buckets on: all out
	waits(t, a, 1)
	total := 0
	for _, n := range a.count {
		total += n
	}
	if total != 1 {
		t.Errorf("%d attempts counted after two full seconds", total)
	}
}

// recordingProvider keeps the CallOptions of each Add.
type recordingProvider struct {
	stubProvider
	mu   sync.Mutex
	opts []driver.CallOptions
}

func (p *recordingProvider) Add(ctx context.Context, conv string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opts = append(p.opts, o)
	return p.stubProvider.Add(ctx, conv, pt, o)
}

// limiterOf is the per-call limiter the Add's request options set.
func limiterOf(t *testing.T, o driver.CallOptions) Limiter {
	t.Helper()
	var s clientopt.Settings
	for _, ro := range o.RequestOptions {
		if err := ro.Apply(&s); err != nil {
			t.Fatal(err)
		}
	}
	return s.Limiter
}

// Without a limit, every Add of one bulk add gets the same adaptive
// limiter; with one, or WithoutAdaptiveLimit, none.
func TestBulkAddsGetOneAdaptiveLimiter(t *testing.T) {
	ps := []Participant{{Email: "a@example.com"}, {Email: "b@example.com"}, {Email: "c@example.com"}}
	for name, tc := range map[string]struct {
		opts     []BulkOption
		adaptive bool
	}{
		"default":       {nil, true},
		"with add opts": {[]BulkOption{WithAddOptions(WithRequestOptions())}, true},
		"rate limit":    {[]BulkOption{WithRateLimit(1000, 10)}, false},
		"limiter":       {[]BulkOption{WithLimiter(rate.NewLimiter(rate.Inf, 1))}, false},
		"without":       {[]BulkOption{WithoutAdaptiveLimit()}, false},
	} {
		p := &recordingProvider{}
		for i, r := range New(p).AddMany(context.Background(), "conv", ps, tc.opts...) {
			if r.Err != nil {
				t.Fatalf("%s #%d: %v", name, i, r.Err)
			}
		}
		var first Limiter
		for i, o := range p.opts {
			l := limiterOf(t, o)
			if _, ok := l.(*adaptiveLimiter); ok != tc.adaptive {
				t.Errorf("%s: Add %d has limiter %T", name, i, l)
			}
			if i == 0 {
				first = l
			} else if l != first {
				t.Errorf("%s: Add %d has another limiter", name, i)
			}
		}
		if len(p.opts) != len(ps) {
			t.Errorf("%s: %d Adds", name, len(p.opts))
		}
	}
	// Two bulk adds learn apart.
	p := &recordingProvider{}
	c := New(p)
	c.AddMany(context.Background(), "conv", ps[:1])
	c.AddMany(context.Background(), "conv", ps[:1])
	if limiterOf(t, p.opts[0]) == limiterOf(t, p.opts[1]) {
		t.Error("two bulk adds share one adaptive limiter")
	}
}

// A pause that later 429s extended holds the growth back even when more
// than a second has passed since the limit was set.
func TestAdaptiveNoGrowthDuringAnExtendedPause(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 100)
	until := c.t.Add(time.Second)
	if err := a.Pause(context.Background(), until); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(500 * time.Millisecond)
	if err := a.Pause(context.Background(), until.Add(5*time.Second)); err != nil { // same event, longer
		t.Fatal(err)
	}
	c.t = until.Add(2500 * time.Millisecond) // 2s after the limit was set, still paused
	a.grow()
	if got := float64(a.limit()); !near(got, adaptiveMargin*100) {
		t.Fatalf("limit %v grew during the pause", got)
	}
}

// A 429 that asks for no wait is no limit hit while such 429s answer less
// than adaptiveZeroWaitShare of the last second's attempts: the learned
// limit stays (and none is learned before one); from that share on it is
// cut once, to the margin of the attempts that went through.
func TestAdaptiveZeroWait429s(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 100)
	for range 24 { // 24 % of the second's attempts
		if err := a.Pause(context.Background(), c.t); err != nil {
			t.Fatal(err)
		}
	}
	if a.limit() != rate.Inf {
		t.Fatalf("limit %v after sporadic zero-wait 429s", a.limit())
	}
	if err := a.Pause(context.Background(), c.t.Add(-time.Millisecond)); err != nil { // the 25th
		t.Fatal(err)
	}
	if got := float64(a.limit()); !near(got, adaptiveMargin*75) {
		t.Fatalf("limit %v at 25 %% zero-wait 429s; want the margin of the 75 let through", got)
	}
	// The next ones within the second are the same event.
	for range 50 {
		if err := a.Pause(context.Background(), c.t); err != nil {
			t.Fatal(err)
		}
	}
	if got := float64(a.limit()); !near(got, adaptiveMargin*75) {
		t.Fatalf("limit %v: cut again within the second", got)
	}
	// A learned limit is not lowered by sporadic ones either.
	c.t = c.t.Add(5 * time.Second)
	a.lim.SetLimit(1e9) // no wait in the attempts below
	a.lim.SetBurst(1000)
	a.grown, a.cut = c.t, c.t
	waits(t, a, 100)
	for range 10 {
		if err := a.Pause(context.Background(), c.t); err != nil {
			t.Fatal(err)
		}
	}
	if a.limit() != 1e9 {
		t.Fatalf("limit %v after 10 %% zero-wait 429s", a.limit())
	}
	// Too few attempts to measure: nothing.
	c.t = c.t.Add(5 * time.Second)
	waits(t, a, adaptiveMinSamples-1)
	for range adaptiveMinSamples {
		if err := a.Pause(context.Background(), c.t); err != nil {
			t.Fatal(err)
		}
	}
	if a.limit() < 1e9 {
		t.Fatalf("limit %v after zero-wait 429s with %d samples", a.limit(), adaptiveMinSamples-1)
	}
}

// After adaptiveHold seconds without a 429 the growth doubles every second
// up to adaptiveMaxGrowth, but stops at adaptiveHeadroom times the
// attempts of the last second.
func TestAdaptiveProbesAfterTheHold(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, 100)
	until := c.t.Add(time.Second)
	if err := a.Pause(context.Background(), until); err != nil {
		t.Fatal(err)
	}
	want := adaptiveMargin * 100.0
	for k := 1; k <= adaptiveHold; k++ {
		want *= 1 + adaptiveGrowth
	}
	c.t = until.Add(adaptiveHold * time.Second)
	a.grow()
	if got := float64(a.limit()); !near(got, want) {
		t.Fatalf("limit %v after the hold, want %v", got, want)
	}
	// The probe: 2, 4, 8 ... times adaptiveGrowth, capped, while the
	// workers keep up with it.
	for n := 1; n <= 12; n++ {
		c.t = c.t.Add(10 * time.Millisecond)
		sent(a, c, int(want)) // the attempts of the second
		c.t = c.t.Add(990 * time.Millisecond)
		a.grow()
		want *= 1 + min(adaptiveGrowth*float64(int(1)<<n), adaptiveMaxGrowth)
		if got := float64(a.limit()); !near(got, want) {
			t.Fatalf("probe second %d: limit %v, want %v", n, got, want)
		}
	}
	if want < 5*adaptiveMargin*100 { // 100/s to 500/s within the 12 s
		t.Fatalf("limit %v: the probe grows too slowly", want)
	}
	// Attempts that do not use the limit stop its growth: at most twice
	// the last second's, never lower.
	c.t = c.t.Add(10 * time.Millisecond)
	sent(a, c, int(want/10))
	c.t = c.t.Add(990 * time.Millisecond)
	a.grow()
	if got, cap := float64(a.limit()), adaptiveHeadroom*float64(int(want/10)); got != want {
		t.Fatalf("limit %v, want %v held (cap %v)", got, want, cap)
	}
	held := a.limit()
	c.t = c.t.Add(500 * time.Millisecond)
	a.grow() // less than a second: nothing
	c.t = c.t.Add(600 * time.Millisecond)
	a.grow()
	if a.limit() != held {
		t.Fatalf("limit %v grew from %v without attempts to show for it", a.limit(), held)
	}
}

// sent counts n attempts at the clock's time, as Wait does, without
// waiting on the learned limit.
func sent(a *adaptiveLimiter, c *clock, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.advance(c.t)
	a.count[a.epoch%adaptiveHistory] += n
}

// An isolated 429 that answers a second within what the vendor accepted
// when the limit was learned is arrival jitter: it cuts nothing, while
// 429s that follow each other closely, or a second beyond that measure,
// cut as usual (issue 18: cuts no longer compound at the limit).
func TestAdaptiveIsolated429IsJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, c := testAdaptive(t)
		a.lim.SetBurst(1000)
		waits(t, a, 100)
		c.t = c.t.Add(900 * time.Millisecond)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		learned := float64(a.limit())
		if !near(learned, adaptiveMargin*100) {
			t.Fatalf("limit %v, want margin x 100", learned)
		}
		// Ten seconds on, a second of 98 attempts (under the 100 the
		// vendor accepted) is answered 429: jitter, no cut.
		c.t = c.t.Add(10 * time.Second)
		a.grow()
		before := float64(a.limit())
		waits(t, a, 98)
		c.t = c.t.Add(500 * time.Millisecond)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); got < before {
			t.Fatalf("limit %v after an isolated 429, was %v: cut", got, before)
		}
		// Another 429 two seconds later: no longer isolated, it cuts.
		c.t = c.t.Add(2 * time.Second)
		waits(t, a, 98)
		c.t = c.t.Add(500 * time.Millisecond)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); !near(got, adaptiveMargin*98) {
			t.Fatalf("limit %v after close 429s, want margin x 98", got)
		}
		// Long after, a second beyond what the vendor accepted (a probe
		// past the limit) cuts too.
		a.lim.SetLimit(200)
		c.t = c.t.Add(30 * time.Second)
		waits(t, a, 150)
		c.t = c.t.Add(500 * time.Millisecond)
		if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := float64(a.limit()); !near(got, adaptiveMargin*150) {
			t.Fatalf("limit %v after a 429 beyond the measure, want margin x 150", got)
		}
	})
}

// The bounds of an isolated 429: exactly adaptiveIsolated after the last
// one and exactly the measure of the last cut is still jitter; a moment
// sooner, or one attempt more, is a hit.
func TestAdaptiveIsolatedBounds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
		sent  int
		cut   bool
	}{
		{"at the bounds", adaptiveIsolated, 100, false},
		{"sooner", adaptiveIsolated - adaptiveBucket, 100, true},
		{"one more", adaptiveIsolated, 101, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				a, c := testAdaptive(t)
				a.lim.SetBurst(1000)
				waits(t, a, 100)
				c.t = c.t.Add(900 * time.Millisecond)
				if err := a.Pause(context.Background(), c.t); err != nil { // a 429 that asks a wait until now: a zero wait
					t.Fatal(err)
				}
				// A real hit: a wait of a second.
				if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
				if a.measured != 100 {
					t.Fatalf("measured %d, want 100", a.measured)
				}
				hit := c.t
				// The next second's attempts, then a 429 tc.after the hit,
				// with nothing newer grown into the limit.
				c.t = hit.Add(tc.after - 500*time.Millisecond)
				a.lim.SetLimit(1000)
				waits(t, a, tc.sent)
				c.t = hit.Add(tc.after)
				a.grown = c.t
				before := a.limit()
				if err := a.Pause(context.Background(), c.t.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
				if cut := a.limit() < before; cut != tc.cut {
					t.Errorf("cut %v (limit %v, was %v), want %v", cut, a.limit(), before, tc.cut)
				}
			})
		})
	}
}
