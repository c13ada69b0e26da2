package participants

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The adaptive limit of a bulk add without WithRateLimit or WithLimiter
// (adaptiveLimiter).
const (
	// adaptiveMargin is the share of the measured rate kept after a 429.
	adaptiveMargin = 0.95
	// adaptiveGrowth is how much the rate grows each second without a 429.
	adaptiveGrowth = 0.002
	// adaptiveMinSamples is the fewest attempts in the second before a 429
	// that make a measure: below, the 429 pause alone handles the limit.
	adaptiveMinSamples = 20
	// adaptiveBuckets split the second of measure into 10ms buckets.
	adaptiveBuckets = 100
	adaptiveBucket  = time.Second / adaptiveBuckets
)

// adaptiveLimiter learns a bulk add's rate from the vendor's 429s, for
// vendors that do not publish their limit. It lets attempts through without
// limit until the first 429 that asks for a wait; then it limits them to
// adaptiveMargin of the attempts sent in the second before that 429 (the
// rate the vendor let through, measured) and grows that limit by
// adaptiveGrowth a second while no 429 comes. It is one AddEach's limiter,
// given to each Add's requests with option.WithLimiter, so that the
// transport waits on it before every attempt and tells it of every 429
// pause (Pause). Memory is constant: a count per 10ms bucket of the last
// second.
type adaptiveLimiter struct {
	mu    sync.Mutex
	lim   *rate.Limiter
	count [adaptiveBuckets]int
	// epoch is the bucket number (Unix time / adaptiveBucket) of the
	// newest bucket in count.
	epoch int64
	// pausedUntil is the end of the last 429 pause: a 429 before then is
	// the same event, not another decrease.
	pausedUntil time.Time
	// grown is when the limit last grew (or was set).
	grown time.Time
	now   func() time.Time
}

func newAdaptiveLimiter() *adaptiveLimiter {
	return &adaptiveLimiter{lim: rate.NewLimiter(rate.Inf, 1), now: time.Now}
}

// Wait waits for the limit, then counts the attempt. A wait that would pass
// ctx's deadline is refused at once with an error that wraps
// context.DeadlineExceeded.
func (a *adaptiveLimiter) Wait(ctx context.Context) error {
	a.grow()
	if err := a.lim.Wait(ctx); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("%w: the learned rate limit would delay the attempt past it (%v)", context.DeadlineExceeded, err)
	}
	a.mu.Lock()
	a.advance(a.now())
	a.count[a.epoch%adaptiveBuckets]++
	a.mu.Unlock()
	return nil
}

// advance moves the buckets to now, emptying those that left the second.
// a.mu is held.
func (a *adaptiveLimiter) advance(now time.Time) {
	e := now.UnixNano() / int64(adaptiveBucket)
	if e <= a.epoch {
		return
	}
	if e-a.epoch >= adaptiveBuckets {
		a.count = [adaptiveBuckets]int{}
	} else {
		for b := a.epoch + 1; b <= e; b++ {
			a.count[b%adaptiveBuckets] = 0
		}
	}
	a.epoch = e
}

// grow raises a learned limit by adaptiveGrowth for each whole second since
// it last grew, outside 429 pauses.
func (a *adaptiveLimiter) grow() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.lim.Limit() == rate.Inf {
		return
	}
	now := a.now()
	secs := int(now.Sub(a.grown) / time.Second)
	if secs < 1 || now.Before(a.pausedUntil) {
		return
	}
	a.lim.SetLimit(a.lim.Limit() * rate.Limit(math.Pow(1+adaptiveGrowth, float64(secs))))
	a.grown = a.grown.Add(time.Duration(secs) * time.Second)
}

// Pause is told by the transport that the vendor answered 429 and asked
// to wait until until: the first 429 of a pause sets the limit to
// adaptiveMargin of the attempts of the second before it, never higher
// than the limit already learned.
func (a *adaptiveLimiter) Pause(_ context.Context, until time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if now.Before(a.pausedUntil) {
		if until.After(a.pausedUntil) {
			a.pausedUntil = until
		}
		return nil
	}
	a.pausedUntil, a.grown = until, until
	a.advance(now)
	sent := 0
	for _, n := range a.count {
		sent += n
	}
	if sent < adaptiveMinSamples {
		return nil
	}
	r := rate.Limit(adaptiveMargin * float64(sent))
	if r < a.lim.Limit() {
		a.lim.SetLimit(r)
	}
	return nil
}

// limit returns the limit learned so far: rate.Inf before any.
func (a *adaptiveLimiter) limit() rate.Limit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lim.Limit()
}
