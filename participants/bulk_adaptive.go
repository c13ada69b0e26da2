package participants

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The adaptive limit of a bulk add without WithRateLimit or WithLimiter
// (adaptiveLimiter).
const (
	// adaptiveMargin is the share of the measured rate kept after a 429.
	adaptiveMargin = 0.97
	// adaptiveGrowth is how much the rate grows each second without a 429
	// during the adaptiveHold seconds after a cut: slowly, to hug the limit
	// just found.
	adaptiveGrowth = 0.001
	// adaptiveHold is how many seconds without a 429 after a cut the rate
	// grows by adaptiveGrowth; from then on the growth of each second is
	// twice that of the second before (a probe for a limit that rose), up
	// to adaptiveMaxGrowth.
	adaptiveHold = 20
	// adaptiveMaxGrowth caps the growth of one second of the probe.
	adaptiveMaxGrowth = 0.5
	// adaptiveHeadroom caps the growth of the probe at this many times the
	// attempts of the last second: a limit the attempts do not reach is no evidence,
	// and growing it further would only delay the next measure.
	adaptiveHeadroom = 2
	// adaptiveMinSamples is the fewest attempts in the second before a 429
	// that make a measure: below, the 429 pause alone handles the limit.
	adaptiveMinSamples = 20
	// adaptiveZeroWaitShare is the share of the last second's attempts that
	// 429s asking for no wait must reach to show a limit: sporadic ones
	// below it (a vendor's hiccup, another client's burst) cut nothing.
	adaptiveZeroWaitShare = 0.25
	// adaptiveBuckets split a second into 10ms buckets; adaptiveHistory
	// buckets (two seconds) are kept: the measure at a 429 is the busiest
	// second that ended in the last one, so that the second the vendor
	// counted is in it even when its 429 reaches the client late.
	adaptiveBuckets = 100
	adaptiveHistory = 2 * adaptiveBuckets
	adaptiveBucket  = time.Second / adaptiveBuckets
	// adaptiveQuotaBurst is the burst of the pace of a published quota.
	adaptiveQuotaBurst = 4
	// adaptiveIsolated is how long after the last 429 another counts as
	// isolated: one that answers a second in which the attempts stayed
	// within what the vendor accepted when the limit was learned is
	// arrival jitter (requests bunched after a stall), not a lower limit,
	// and cuts nothing; 429s that come more often than this cut as usual.
	adaptiveIsolated = 5 * time.Second
)

// adaptiveLimiter paces a bulk add without a configured limit. It is one
// AddEach's limiter, given to each Add's requests with option.WithLimiter,
// so that the transport waits on it before every attempt, tells it of every
// 429 pause (Pause) and of the quota each response announces
// (ObserveQuota).
//
// Where the vendor publishes its quota (Intercom's X-RateLimit-Remaining
// and -Reset), it follows it: until the window's Reset, the attempts are
// spread evenly so that the Remaining requests (less those in flight) last
// until then (after a pause, up to adaptiveQuotaBurst go at once), none
// waits past Reset, and none goes before Reset when none remain; a 429
// then teaches nothing.
//
// Otherwise it learns the rate from the vendor's 429s: it lets attempts
// through without limit until the first 429 that asks for a wait; then it
// limits them to adaptiveMargin of the attempts sent in the busiest second
// that ended in the last one before that 429 (the rate the vendor let
// through, measured, even when its 429 arrives late), never raising the
// limit at a 429. While no 429 comes, the limit grows by adaptiveGrowth a
// second for adaptiveHold seconds (it hugs the limit just found), then
// faster each second (0.4 %, 0.8 %, ... up to adaptiveMaxGrowth: a probe
// that follows a vendor limit that rose), which stops at adaptiveHeadroom
// times the attempts of the last second. A 429 that asks for no wait
// (Retry-After: 0) is not a limit hit: it cuts the limit only when such
// 429s answered at least adaptiveZeroWaitShare of the last second's
// attempts, to adaptiveMargin of those that went through. Memory is
// constant: counts per 10ms bucket of the last two seconds.
type adaptiveLimiter struct {
	mu sync.Mutex
	// lim is the rate learned from the 429s.
	lim *rate.Limiter
	// quota is the pace of the vendor's published quota, in force until
	// quotaReset; quotaLeft is what is left of it: the lowest estimate
	// seen for that Reset (responses arrive out of order: a higher one is
	// older), less the attempts let through since.
	quota      *rate.Limiter
	quotaReset time.Time
	quotaLeft  int
	// sent counts the attempts let through and answered the quotas
	// observed: sent-answered estimates the attempts in flight, which the
	// vendor's Remaining may not count yet. It is kept within [0, workers],
	// the most that can be in flight (an attempt lost without an answer
	// would otherwise count for ever).
	sent, answered, workers int
	count                   [adaptiveHistory]int
	// zeroWait counts, per bucket as count, the 429s that asked for no
	// wait.
	zeroWait [adaptiveHistory]int
	// epoch is the bucket number (Unix time / adaptiveBucket) of the
	// newest bucket in count.
	epoch int64
	// pausedUntil is the end of the last 429 pause: a 429 before then is
	// the same event, not another decrease.
	pausedUntil time.Time
	// grown is when the limit last grew (or was set); cut is when it was
	// last set by a 429 (the end of its pause), from which the seconds of
	// growth count.
	grown, cut time.Time
	// measured is the busiest second's attempts at the last cut: what the
	// vendor accepted then. lastHit is when the last 429 came.
	measured int
	lastHit  time.Time
	now      func() time.Time
}

func newAdaptiveLimiter() *adaptiveLimiter {
	return &adaptiveLimiter{
		lim:     rate.NewLimiter(rate.Inf, 1),
		quota:   rate.NewLimiter(rate.Inf, 1), // replaced by the first quota
		workers: DefaultConcurrency,
		now:     time.Now,
	}
}

// Wait waits for the limit (the published quota's pace while it is in
// force, else the learned one), then counts the attempt. A wait that would
// pass ctx's deadline is refused at once with an error that wraps
// context.DeadlineExceeded.
func (a *adaptiveLimiter) Wait(ctx context.Context) error {
	a.grow()
	for {
		lim, reset := a.pace()
		switch {
		case lim == nil: // nothing left until reset
			if err := a.holdUntil(ctx, reset); err != nil {
				return err
			}
			continue
		case reset.IsZero():
			if err := lim.Wait(ctx); err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return ctxErr
				}
				return fmt.Errorf("%w: the rate limit would delay the attempt past it (%v)", context.DeadlineExceeded, err)
			}
		default:
			// The quota's pace, but never past its window's reset: the
			// window refills then.
			r := lim.Reserve()
			t := a.now().Add(r.Delay())
			if t.After(reset) {
				t = reset
			}
			if err := a.holdUntil(ctx, t); err != nil {
				r.Cancel()
				return err
			}
		}
		if a.take() {
			return nil
		}
	}
}

// take counts an attempt about to be sent, and takes it from what is left
// of the quota in force; it returns false, counting nothing, when nothing
// is left (the quota ran out while the attempt waited its turn).
func (a *adaptiveLimiter) take() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if now.Before(a.quotaReset) {
		if a.quotaLeft == 0 {
			return false
		}
		a.quotaLeft--
	}
	a.sent++
	a.advance(now)
	a.count[a.epoch%adaptiveHistory]++
	return true
}

// pace returns the limiter of the next attempt: the learned one with a
// zero reset, or the quota's while the vendor's published window lasts,
// with the window's reset; when that window has nothing left, a nil
// limiter and the reset to hold the attempt until.
func (a *adaptiveLimiter) pace() (*rate.Limiter, time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case !a.now().Before(a.quotaReset):
		return a.lim, time.Time{}
	case a.quotaLeft == 0:
		return nil, a.quotaReset
	}
	return a.quota, a.quotaReset
}

// holdUntil waits until t. A t past ctx's deadline is refused at once with
// an error that wraps context.DeadlineExceeded.
func (a *adaptiveLimiter) holdUntil(ctx context.Context, t time.Time) error {
	d := t.Sub(a.now())
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Before(t) {
		return fmt.Errorf("%w: the vendor's announced quota would delay the attempt past it", context.DeadlineExceeded)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// ObserveQuota is told by the transport of the quota a response announced
// (X-RateLimit-Remaining and -Reset; the limit per window is not needed):
// remaining requests until reset, less the attempts still in flight, which
// the vendor may not have counted yet. A window whose Reset has passed, or
// is before the one known, and a left not below the lowest seen for the
// same Reset are stale and change nothing. Otherwise the attempts are
// paced from now on at left/(reset-now) a second.
func (a *adaptiveLimiter) ObserveQuota(_, remaining int, reset time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answered = max(a.answered+1, a.sent-a.workers)
	left := max(remaining-max(a.sent-a.answered, 0), 0)
	now := a.now()
	switch {
	case !reset.After(now), reset.Before(a.quotaReset):
		return
	case reset.Equal(a.quotaReset) && left >= a.quotaLeft:
		return
	}
	pace, burst := rate.Limit(float64(left)/reset.Sub(now).Seconds()), min(adaptiveQuotaBurst, max(left, 1))
	if reset.Equal(a.quotaReset) {
		a.quota.SetLimit(pace)
		a.quota.SetBurst(burst)
	} else {
		// A new window: the waits reserved in the last one are not owed,
		// and the burst is saved from the pace, not added to it, so that
		// no more than left go before reset.
		a.quota = rate.NewLimiter(pace, burst)
		a.quota.AllowN(time.Now(), burst)
	}
	a.quotaReset, a.quotaLeft = reset, left
}

// advance moves the buckets to now, emptying those that left the second.
// a.mu is held.
func (a *adaptiveLimiter) advance(now time.Time) {
	e := now.UnixNano() / int64(adaptiveBucket)
	if e <= a.epoch {
		return
	}
	// The buckets after the last one counted, up to now: all of them after
	// a gap of adaptiveHistory buckets or more. (A counted range, not a
	// walk to e: the loop ends whatever the arithmetic inside it does.)
	for i := range min(e-a.epoch, adaptiveHistory) {
		b := (a.epoch + 1 + i) % adaptiveHistory
		a.count[b], a.zeroWait[b] = 0, 0
	}
	a.epoch = e
}

// grow raises a learned limit for each whole second since it last grew,
// outside 429 pauses: by adaptiveGrowth for the first adaptiveHold seconds
// after the cut, then by twice the growth of the second before, up to
// adaptiveMaxGrowth a second; once probing, never beyond adaptiveHeadroom
// times the attempts of the last second.
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
	k := int(a.grown.Sub(a.cut)/time.Second) + 1 // the k-th second after the cut
	l := float64(a.lim.Limit())
	for i := range secs {
		l *= 1 + growthOf(k+i)
	}
	a.grown = a.grown.Add(time.Duration(secs) * time.Second)
	if k+secs-1 > adaptiveHold { // probing
		a.advance(now)
		if c := adaptiveHeadroom * float64(a.sentLastSecond()); l > c {
			l = max(c, float64(a.lim.Limit())) // no evidence: stop growing, never lower
		}
	}
	a.lim.SetLimit(rate.Limit(l))
}

// growthOf is the growth of the k-th second (from 1) after a cut.
func growthOf(k int) float64 {
	if k <= adaptiveHold {
		return adaptiveGrowth
	}
	n := min(k-adaptiveHold, 16) // past the cap long before 16
	return min(adaptiveGrowth*float64(int(1)<<n), adaptiveMaxGrowth)
}

// sentLastSecond is the attempts counted in the last second. a.mu is held
// and the buckets advanced.
func (a *adaptiveLimiter) sentLastSecond() int {
	return lastSecond(&a.count, a.epoch)
}

// lastSecond sums the adaptiveBuckets buckets of h up to bucket e.
func lastSecond(h *[adaptiveHistory]int, e int64) int {
	n := 0
	for i := range int64(adaptiveBuckets) {
		n += h[(e-i)%adaptiveHistory]
	}
	return n
}

// peakSecond is the most attempts counted in any second that ended in the
// last one (the history of two seconds, summed 100 buckets at a time). a.mu
// is held and the buckets advanced.
func (a *adaptiveLimiter) peakSecond() int {
	sum := lastSecond(&a.count, a.epoch)
	peak := sum
	// The windows ending 1, 2, ... adaptiveBuckets-1 buckets before the
	// last one: each gains the bucket at its start and loses the one after
	// its end.
	for i := range int64(adaptiveBuckets - 1) {
		end := a.epoch - 1 - i
		sum += a.count[(end-adaptiveBuckets+1)%adaptiveHistory] - a.count[(end+1)%adaptiveHistory]
		peak = max(peak, sum)
	}
	return peak
}

// zeroWaitLastSecond is the 429s of the last second that asked for no
// wait. a.mu is held and the buckets advanced.
func (a *adaptiveLimiter) zeroWaitLastSecond() int {
	return lastSecond(&a.zeroWait, a.epoch)
}

// Pause is told by the transport that the vendor answered 429 and asked
// to wait until until: the first 429 of a pause sets the limit to
// adaptiveMargin of the attempts of the busiest second that ended in the
// last one (the vendor's count that the 429 answers may have ended before
// the 429 reached the client), never higher than the limit already
// learned. A 429 that asks for no wait (until not
// after now) is counted, and cuts the limit only when such 429s answered
// at least adaptiveZeroWaitShare of the last second's attempts, to
// adaptiveMargin of the attempts that went through. A 429 that comes
// adaptiveIsolated after the last one and answers a second whose attempts
// stayed within the measure of the last cut is jitter and cuts nothing,
// so that cuts do not compound while the pace hugs the limit. While a published
// quota is in force the 429 changes nothing here: the quota paces the
// attempts, and the transport's pause holds them until the vendor's wait
// is over.
func (a *adaptiveLimiter) Pause(_ context.Context, until time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if now.Before(a.quotaReset) {
		return nil
	}
	if now.Before(a.pausedUntil) {
		if until.After(a.pausedUntil) {
			a.pausedUntil = until
		}
		return nil
	}
	a.advance(now)
	sent := a.peakSecond()
	if !until.After(now) {
		sent = a.sentLastSecond()
		a.zeroWait[a.epoch%adaptiveHistory]++
		rejected := a.zeroWaitLastSecond()
		if sent < adaptiveMinSamples || float64(rejected) < adaptiveZeroWaitShare*float64(sent) {
			return nil // sporadic: no evidence of a limit
		}
		// A good share of a second's attempts refused: a limit the vendor
		// enforces without asking for a wait. One cut a second at most.
		until = now.Add(time.Second)
		sent -= rejected
	}
	isolated := a.measured > 0 && sent <= a.measured && now.Sub(a.lastHit) >= adaptiveIsolated
	a.lastHit = now
	if isolated {
		// Within what the vendor accepted, long after the last 429:
		// jitter. The transport's pause holds the attempts; the limit
		// stays, and so does its growth.
		a.pausedUntil = until
		return nil
	}
	a.pausedUntil, a.grown, a.cut = until, until, until
	if sent < adaptiveMinSamples {
		return nil
	}
	r := rate.Limit(adaptiveMargin * float64(sent))
	if r < a.lim.Limit() {
		a.lim.SetLimit(r)
		a.measured = sent
	}
	return nil
}

// limit returns the limit learned so far: rate.Inf before any.
func (a *adaptiveLimiter) limit() rate.Limit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lim.Limit()
}
