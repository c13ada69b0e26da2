package participants

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// DefaultConcurrency is how many Adds AddMany runs at once unless
// WithConcurrency says otherwise.
const DefaultConcurrency = 8

// BulkResult is the outcome of one participant of AddMany: exactly one of
// Result and Err is set.
type BulkResult struct {
	// Result is what Add returned on success.
	Result *Result
	// Err is what Add returned on failure (an *Error; see Code), or the
	// context error, wrapped in an *Error, for a participant that was never
	// sent because the context ended first.
	Err error
}

// BulkOption configures AddMany.
type BulkOption func(*bulkOptions) error

type bulkOptions struct {
	concurrency int
	limiter     *rate.Limiter
	add         []AddOption
}

// WithConcurrency sets how many Adds run at once (default
// DefaultConcurrency). n must be at least 1.
func WithConcurrency(n int) BulkOption {
	return func(o *bulkOptions) error {
		if n < 1 {
			return fmt.Errorf("WithConcurrency(%d): need at least 1", n)
		}
		o.concurrency = n
		return nil
	}
}

// WithRateLimit starts at most perSecond Adds a second, with bursts of at
// most burst (at least 1), so that a bulk add stays under the vendor's rate
// limit instead of running into 429s. perSecond must be positive.
func WithRateLimit(perSecond float64, burst int) BulkOption {
	return func(o *bulkOptions) error {
		if !(perSecond > 0) || burst < 1 {
			return fmt.Errorf("WithRateLimit(%v, %d): need perSecond > 0 and burst >= 1", perSecond, burst)
		}
		o.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
		return nil
	}
}

// WithLimiter takes one token of l before each Add, so that several AddMany
// calls (or other code) can share one budget. It replaces WithRateLimit.
func WithLimiter(l *rate.Limiter) BulkOption {
	return func(o *bulkOptions) error {
		if l == nil {
			return errors.New("WithLimiter: nil limiter")
		}
		o.limiter = l
		return nil
	}
}

// WithAddOptions passes opts to every Add of AddMany.
func WithAddOptions(opts ...AddOption) BulkOption {
	return func(o *bulkOptions) error {
		o.add = append(o.add, opts...)
		return nil
	}
}

// AddMany adds every participant of ps to the conversation conversationID,
// running at most WithConcurrency Adds at once and, with WithRateLimit or
// WithLimiter, starting them no faster than the limit allows. Each Add is
// exactly Client.Add: the same validation, ensure semantics, error codes
// and retries.
//
// It returns one BulkResult per participant, in the order of ps. A failed
// participant (bad input, a vendor error) does not stop the others. When ctx
// ends, the Adds in flight end with the context error and the participants
// not yet started are not sent: their Err is an *Error with code Canceled
// or DeadlineExceeded and the context error in its chain.
//
// # Rate limits
//
// The vendor's rate limit is shared by every request made with the same
// credentials, so the pause it asks for is shared too: when a request of
// this Client is answered 429 with Retry-After (or Intercom's
// X-RateLimit-Reset), the vendor client holds back every request it has
// not yet sent (those of the other AddMany workers included) until that
// time, instead of each worker discovering the limit with its own 429. Use
// WithRateLimit a little under the vendor's limit to avoid the 429s
// altogether.
//
// An invalid BulkOption fails every participant with InvalidArgument and
// sends nothing.
func (c *Client) AddMany(ctx context.Context, conversationID string, ps []Participant, opts ...BulkOption) []BulkResult {
	results := make([]BulkResult, len(ps))
	if len(ps) == 0 {
		return results
	}
	if err := c.check(); err != nil {
		for i := range results {
			results[i].Err = err
		}
		return results
	}
	o := bulkOptions{concurrency: DefaultConcurrency}
	for _, opt := range opts {
		var err error
		if opt == nil {
			err = errors.New("nil BulkOption")
		} else {
			err = opt(&o)
		}
		if err != nil {
			e := Errorf(InvalidArgument, c.Provider(), "opts", "%v", err)
			for i := range results {
				results[i].Err = e
			}
			return results
		}
	}
	if ctx == nil {
		e := Errorf(InvalidArgument, c.Provider(), "ctx", "nil context")
		for i := range results {
			results[i].Err = e
		}
		return results
	}

	workers := min(o.concurrency, len(ps))
	var next atomic.Int64 // the index of the next participant to take
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ps) {
					return
				}
				results[i] = c.addOne(ctx, conversationID, &ps[i], &o)
			}
		})
	}
	wg.Wait()
	return results
}

// addOne waits for the rate limit, then adds one participant.
func (c *Client) addOne(ctx context.Context, conversationID string, p *Participant, o *bulkOptions) BulkResult {
	if err := ctx.Err(); err != nil {
		return BulkResult{Err: WrapError(c.Provider(), err)}
	}
	if o.limiter != nil {
		if err := o.limiter.Wait(ctx); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return BulkResult{Err: WrapError(c.Provider(), ctxErr)}
			}
			// The limiter refuses a wait that would pass the deadline.
			return BulkResult{Err: &Error{Code: DeadlineExceeded, Provider: c.Provider(),
				Message: "the rate limit would delay the call past the context deadline", Err: context.DeadlineExceeded}}
		}
	}
	res, err := c.Add(ctx, conversationID, *p, o.add...)
	return BulkResult{Result: res, Err: err}
}
