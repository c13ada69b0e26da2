package participants

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// The boundaries of the learned limit's arithmetic that the behaviour
// tests in bulk_adaptive_internal_test.go do not reach.

// grow catches up on many seconds at once (no attempt came for a while):
// each second grows by its own rate, the hold's first and then the probe's,
// and the probe's headroom applies as soon as any of those seconds probes.
func TestAdaptiveGrowsManySecondsAtOnce(t *testing.T) {
	const secs = adaptiveHold + 5
	for _, tc := range []struct {
		name string
		last int // attempts in the last second before the grow
	}{
		{"with the attempts to show for it", 100},
		{"without", 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, c := testAdaptive(t)
			waits(t, a, 100)
			until := c.t.Add(time.Second)
			if err := a.Pause(context.Background(), until); err != nil {
				t.Fatal(err)
			}
			learned := float64(a.limit())
			want := learned
			for k := 1; k <= secs; k++ {
				want *= 1 + growthOf(k)
			}
			if growthOf(secs) <= adaptiveGrowth {
				t.Fatalf("second %d does not probe: the case tests nothing", secs)
			}
			c.t = until.Add(secs*time.Second - 500*time.Millisecond)
			sent(a, c, tc.last)
			c.t = until.Add(secs * time.Second)
			a.grow()
			if cap := adaptiveHeadroom * float64(tc.last); want > cap {
				want = max(cap, learned)
			}
			if got := float64(a.limit()); !near(got, want) {
				t.Fatalf("limit %v after %d seconds at once, want %v", got, secs, want)
			}
		})
	}
}

// peakSecond is the most attempts in any window of adaptiveBuckets buckets
// that ended in the last second, on any history of counts.
func TestAdaptivePeakSecondIsTheBusiestWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 2026))
	for trial := range 500 {
		a, _ := testAdaptive(t)
		a.epoch = 170_000_000_000 + int64(r.IntN(adaptiveHistory))
		for i := range a.count {
			if r.IntN(4) == 0 { // sparse, so that windows differ
				a.count[i] = r.IntN(50)
			}
		}
		want := 0
		for end := a.epoch; end > a.epoch-adaptiveBuckets; end-- {
			sum := 0
			for b := end - adaptiveBuckets + 1; b <= end; b++ {
				sum += a.count[b%adaptiveHistory]
			}
			want = max(want, sum)
		}
		if got := a.peakSecond(); got != want {
			t.Fatalf("trial %d: peakSecond %d, want %d", trial, got, want)
		}
	}
}

// Zero-wait 429s that show a limit on a second too small to measure cut
// nothing, but they are that second's event: more zero-wait 429s within
// it cut nothing either, however many attempts come.
func TestAdaptiveZeroWaitTooFewToMeasure(t *testing.T) {
	a, c := testAdaptive(t)
	waits(t, a, adaptiveMinSamples)
	for range adaptiveMinSamples / 4 { // 25 %: a limit, 15 let through
		if err := a.Pause(context.Background(), c.t); err != nil {
			t.Fatal(err)
		}
	}
	if a.limit() != rate.Inf {
		t.Fatalf("limit %v from %d attempts let through", a.limit(), adaptiveMinSamples-adaptiveMinSamples/4)
	}
	c.t = c.t.Add(100 * time.Millisecond)
	waits(t, a, 100)
	for range 40 {
		if err := a.Pause(context.Background(), c.t); err != nil {
			t.Fatal(err)
		}
	}
	if a.limit() != rate.Inf {
		t.Fatalf("limit %v: cut again within the second of the first event", a.limit())
	}
}
