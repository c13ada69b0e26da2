package participants

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"

	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/option"
)

// DefaultConcurrency is how many Adds AddMany runs at once unless
// WithConcurrency says otherwise.
const DefaultConcurrency = 8

// BulkResult is the outcome of one participant of AddMany or AddEach:
// exactly one of Result and Err is set, and Participant is the participant
// it is for.
type BulkResult struct {
	// Participant is the participant this result is for, as read from the
	// input (a copy: Attributes shares its bytes with the input's), so that
	// a consumer of AddEach can report a failure without keeping the input.
	// It is set on every result, failures before any request included.
	Participant Participant
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
	limiter     Limiter
	fixed       bool // WithoutAdaptiveLimit
	add         []Option
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

// Limiter is what WithLimiter waits on before each Add: a *rate.Limiter
// of golang.org/x/time/rate, or a limiter shared by several processes such
// as the Redis-backed one of module
// github.com/conversekit/conversekit/contrib/redislimit. It is the same
// interface as option.Limiter, which a vendor client consults before each
// attempt (option.WithLimiter).
type Limiter = option.Limiter

// WithLimiter waits on l before each Add, so that several AddMany calls (or
// other code, or other processes) can share one budget. It replaces
// WithRateLimit. An error of l other than the context's fails that
// participant unsent: DeadlineExceeded for a *rate.Limiter (it refuses a
// wait that would pass the deadline), else Unavailable with l's error in
// the chain. To limit every attempt, retries included, rather than every
// Add, give the limiter to the vendor client with option.WithLimiter.
func WithLimiter(l Limiter) BulkOption {
	return func(o *bulkOptions) error {
		if rl, ok := l.(*rate.Limiter); l == nil || ok && rl == nil {
			return errors.New("WithLimiter: nil limiter")
		}
		o.limiter = l
		return nil
	}
}

// WithoutAdaptiveLimit turns off the limit a bulk add follows or learns
// when neither WithRateLimit nor WithLimiter is given (the quota the vendor
// announces in X-RateLimit-Remaining and -Reset, or the rate measured at
// its 429s): the Adds then start as fast as WithConcurrency lets them, and
// only the vendor client's 429 pause holds them back.
func WithoutAdaptiveLimit() BulkOption {
	return func(o *bulkOptions) error {
		o.fixed = true
		return nil
	}
}

// WithAddOptions passes opts to every Add of AddMany.
func WithAddOptions(opts ...Option) BulkOption {
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
// AddMany holds every result until it returns; AddEach streams them, in
// memory that does not grow with the input.
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
// Without WithRateLimit or WithLimiter (or WithoutAdaptiveLimit), the bulk
// add adapts to the vendor. Where the vendor announces its quota on its
// responses (Intercom: X-RateLimit-Remaining and X-RateLimit-Reset), the
// attempts follow it: the requests left in the current window, less those
// still in flight, are spread evenly until the window's reset (none waits
// past it), and none is sent from the moment nothing is left until the
// reset; the lowest Remaining seen for a window counts, as responses
// arrive out of order.
// Otherwise (Bird, Twilio, Sunshine) the bulk add learns the limit: its
// Adds start as fast as WithConcurrency lets them until the first 429 that
// asks for a wait; from then on their attempts are spaced at 97 % of the
// rate the vendor let through (the most attempts in a second that ended
// within the second before that 429, so that a 429 that arrives late still
// measures the vendor's window), measured again (never raised) at each
// later one. While no 429 comes, the rate
// grows by 0.1 % a second for 20 seconds, hugging the limit just found,
// then probes for a limit that rose: the growth doubles each second
// (0.2 %, 0.4 %, ... up to 50 % a second) but stops at twice the attempts
// actually made. A 429 that asks for no wait (Retry-After: 0) is no limit
// hit: it slows nothing unless such 429s answer a quarter or more of a
// second's attempts (then the rate is cut to 97 % of those let through,
// once a second). A 429 with fewer than 20 attempts in the second before
// it, or while an announced quota is in force, teaches nothing: the pause
// alone handles it. The limit applies through the
// vendor client's per-call option.WithLimiter, so a Provider of your own
// that ignores CallOptions.RequestOptions is not limited.
//
// An invalid BulkOption fails every participant with InvalidArgument and
// sends nothing.
func (c *Client) AddMany(ctx context.Context, conversationID string, ps []Participant, opts ...BulkOption) []BulkResult {
	results := make([]BulkResult, len(ps))
	for i, r := range c.AddEach(ctx, conversationID, slices.Values(ps), opts...) {
		results[i] = r
	}
	return results
}

// AddEach is AddMany for an input of any size: it reads the participants
// from ps as workers become free and yields each one's result with its
// index in ps (0 for the first participant ps yields) as soon as its Add
// ends, so in the order the Adds complete, not the order of ps. Memory does
// not grow with the input: at most WithConcurrency participants are read
// ahead of their results, whatever the length of ps.
//
// Every participant ps yields gets exactly one result, with the same rules
// as AddMany: a failure does not stop the others; once ctx has ended, the
// participants still read from ps are not sent and get an *Error with code
// Canceled or DeadlineExceeded (break out of the loop to stop reading ps);
// an invalid BulkOption, a nil ctx or a Client without a Provider fails
// every participant with InvalidArgument and sends nothing.
//
// Nothing starts until the sequence is ranged over. Breaking out of the
// loop cancels the Adds in flight (their participants may or may not have
// been added: Add has ensure semantics, so adding them again is safe),
// stops reading ps and returns once every worker has ended: no goroutine
// outlives the loop. A panic of ps is raised again in the goroutine ranging
// over the sequence, after the workers have ended.
//
// ps is read by one worker at a time, never concurrently, but not always
// from the same goroutine.
//
//	for i, r := range c.AddEach(ctx, conv, participantsFromCSV(f)) {
//		if r.Err != nil {
//			log.Printf("row %d (%s): %v", i+1, r.Participant.Email, r.Err)
//		}
//	}
func (c *Client) AddEach(ctx context.Context, conversationID string, ps iter.Seq[Participant], opts ...BulkOption) iter.Seq2[int, BulkResult] {
	return func(yield func(int, BulkResult) bool) {
		if ps == nil {
			return
		}
		o, err := c.bulkOptions(ctx, opts)
		if err != nil {
			i := 0
			for p := range ps {
				if !yield(i, BulkResult{Participant: p, Err: err}) {
					return
				}
				i++
			}
			return
		}
		if o.limiter == nil && !o.fixed {
			// No limit given: follow the vendor's announced quota, or learn
			// the limit from its 429s, per attempt.
			a := newAdaptiveLimiter()
			a.workers = o.concurrency // the most attempts in flight
			o.add = append(o.add[:len(o.add):len(o.add)], WithRequestOptions(option.WithLimiter(a)))
		}
		c.addEach(ctx, conversationID, ps, &o, yield)
	}
}

// bulkOptions checks the Client, opts and ctx, and returns the options of a
// bulk add, or the error that fails every participant.
func (c *Client) bulkOptions(ctx context.Context, opts []BulkOption) (bulkOptions, error) {
	if err := c.check(); err != nil {
		return bulkOptions{}, err
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
			return bulkOptions{}, errorf(InvalidArgument, c.Provider(), "opts", "%v", err)
		}
	}
	if ctx == nil {
		return bulkOptions{}, errorf(InvalidArgument, c.Provider(), "ctx", "nil context")
	}
	return o, nil
}

// indexed is one participant's result on its way to the consumer.
type indexed struct {
	i   int
	res BulkResult
}

// addEach runs the workers of AddEach and yields their results.
func (c *Client) addEach(parent context.Context, conversationID string, ps iter.Seq[Participant], o *bulkOptions, yield func(int, BulkResult) bool) {
	// ctx ends the Adds in flight when the consumer stops; the results of
	// Adds that the parent context ended are reported with its error.
	ctx, cancel := context.WithCancel(parent)
	next, stop := iter.Pull(ps)
	var (
		mu       sync.Mutex // guards next, read and the fields below
		read     int        // how many participants were read from ps
		done     bool       // ps is exhausted, panicked, or the consumer left
		panicked any        // what ps panicked with, if it did
		didPanic bool
	)
	// take reads the next participant and its index; ok is false when
	// there are no more to take.
	take := func() (p Participant, i int, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return p, 0, false
		}
		defer func() {
			if r := recover(); r != nil {
				// The participants already read still get their results;
				// the panic is raised again once they have.
				panicked, didPanic, done = r, true, true
				ok = false
			}
		}()
		p, ok = next()
		if !ok {
			done = true
			return p, 0, false
		}
		i = read
		read++
		return p, i, true
	}

	results := make(chan indexed) // unbuffered: a worker holds its participant until the consumer takes its result
	quit := make(chan struct{})   // closed when the consumer stops
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for {
				p, i, ok := take()
				if !ok {
					return
				}
				r := c.addOne(ctx, parent, conversationID, &p, o)
				select {
				case results <- indexed{i, r}:
				case <-quit:
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	defer func() {
		// The consumer returned, broke out or panicked: stop the workers
		// and the reading, and wait for them before returning.
		mu.Lock()
		done = true
		mu.Unlock()
		cancel()
		close(quit)
		for range results { // closed once every worker has returned
		}
		stop()
		if didPanic { // every worker has returned: no data race on it
			panic(panicked)
		}
	}()
	for r := range results {
		if !yield(r.i, r.res) {
			return
		}
	}
}

// addOne waits for the rate limit, then adds one participant. parent is the
// caller's context, whose error is the one reported for a participant not
// sent; ctx is the context of the Add.
func (c *Client) addOne(ctx, parent context.Context, conversationID string, p *Participant, o *bulkOptions) BulkResult {
	if err := parent.Err(); err != nil {
		return BulkResult{Participant: *p, Err: wrapError(c.Provider(), err)}
	}
	if o.limiter != nil {
		if err := o.limiter.Wait(ctx); err != nil {
			if ctxErr := parent.Err(); ctxErr != nil {
				return BulkResult{Participant: *p, Err: wrapError(c.Provider(), ctxErr)}
			}
			if _, ok := o.limiter.(*rate.Limiter); ok {
				// It refuses a wait that would pass the deadline.
				return BulkResult{Participant: *p, Err: &Error{Code: DeadlineExceeded, Provider: c.Provider(),
					Message: "the rate limit would delay the call past the context deadline", Err: context.DeadlineExceeded}}
			}
			return BulkResult{Participant: *p, Err: &Error{Code: Unavailable, Provider: c.Provider(), Field: "WithLimiter",
				Message: "the limiter refused the call", Err: err}}
		}
	}
	res, err := c.Add(ctx, conversationID, *p, o.add...)
	return BulkResult{Participant: *p, Result: res, Err: err}
}
