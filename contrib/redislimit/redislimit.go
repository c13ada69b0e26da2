// Package redislimit is a rate limiter that several processes share through
// Redis, for the conversekit vendor clients (option.WithLimiter) and bulk
// adds (participants.WithLimiter): one vendor account's quota, kept in one
// place, however many pods use the account.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	lim, err := redislimit.New(rdb, "twilio", accountSID, 90) // a little under the vendor's 100/s
//	tw, err := twilio.New(accountSID, authToken, option.WithLimiter(lim))
//
// # How it limits
//
// Before each attempt, Wait asks Redis for a slot of the account's budget
// with GCRA (github.com/go-redis/redis_rate/v10, keyed
// "<prefix>:<vendor>:<account>"): perSecond attempts a second with bursts
// of at most WithBurst, whatever the number of processes, on Redis's
// clock. When one process gets a 429 that asks for a wait (Retry-After,
// X-RateLimit-Reset), its client calls Pause, which stores the end of the
// wait in Redis (key "<prefix>:<vendor>:<account>:pause", expiring with
// PX when the wait ends): until then Wait holds back the attempts of every
// process, not only of the one that was told.
//
// # When Redis fails
//
// Every Redis call is bounded by WithTimeout (default 100ms), so Wait never
// waits on Redis longer than that per call. A Redis error or timeout makes
// Wait return an *Error at once (the client then fails the call unsent,
// code Unavailable in package participants) or, with WithFallback, wait on
// the process-local limiter given instead. After a failure the limiter
// does not call Redis again for WithRetryAfter (default 1s): meanwhile it
// fails or falls back at once.
//
// The go-redis client must have ContextTimeoutEnabled set, so that the
// timeouts reach the socket: New refuses a *redis.Client or
// *redis.ClusterClient without it.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/conversekit/conversekit/option"
)

// Defaults of the options.
const (
	DefaultTimeout    = 100 * time.Millisecond
	DefaultRetryAfter = time.Second
	DefaultPrefix     = "conversekit"
)

// Limiter is one vendor account's rate limit, shared through Redis. It
// implements option.Limiter and option.LimiterPauser, and
// participants.Limiter. It is safe for concurrent use.
type Limiter struct {
	rdb      redis.UniversalClient
	gcra     *redis_rate.Limiter
	limit    redis_rate.Limit
	key      string
	pauseKey string
	timeout  time.Duration
	retry    time.Duration
	fallback option.Limiter

	// turn lets one Wait of this process at a time ask Redis, so that the
	// calls to Redis grow with the processes, not with their goroutines.
	// It is never held while a Wait sleeps.
	turn chan struct{}

	mu      sync.Mutex
	downTil time.Time // Redis is not called before then
	downErr *Error    // the failure that set downTil
	nextAsk time.Time // a Wait learned from Redis not to ask before then
	now     func() time.Time
}

// Option configures New.
type Option func(*Limiter) error

// WithBurst lets up to n attempts through at once after a quiet spell
// (default: a fiftieth of perSecond, at least 1, which is 20ms of the
// budget). In any interval T at most perSecond·T + n attempts go, so keep
// perSecond + n under the vendor's limit per second. A burst of 1 spaces
// the attempts evenly but loses the time each process takes to claim its
// slot through Redis (a Redis round trip or two per attempt). n must be at
// least 1.
func WithBurst(n int) Option {
	return func(l *Limiter) error {
		if n < 1 {
			return fmt.Errorf("WithBurst(%d): need at least 1", n)
		}
		l.limit.Burst = n
		return nil
	}
}

// WithTimeout bounds every Redis call (default 100ms). d must be positive.
func WithTimeout(d time.Duration) Option {
	return func(l *Limiter) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout(%s): need a positive timeout", d)
		}
		l.timeout = d
		return nil
	}
}

// WithRetryAfter is how long after a Redis failure the limiter fails (or
// falls back) without calling Redis (default 1s). d must be positive.
func WithRetryAfter(d time.Duration) Option {
	return func(l *Limiter) error {
		if d <= 0 {
			return fmt.Errorf("WithRetryAfter(%s): need a positive duration", d)
		}
		l.retry = d
		return nil
	}
}

// WithFallback makes Wait wait on fb, a process-local limiter, when Redis
// fails, instead of failing. Give it this process's share of the quota
// (for example rate.NewLimiter(perSecond/processes, 1)): the processes no
// longer coordinate while Redis is down, and the vendor's 429s (whose
// pause each client still keeps for itself) catch the excess.
func WithFallback(fb option.Limiter) Option {
	return func(l *Limiter) error {
		if fb == nil {
			return errors.New("WithFallback: nil limiter")
		}
		l.fallback = fb
		return nil
	}
}

// WithPrefix replaces the "conversekit" prefix of the Redis keys. It must
// not be empty.
func WithPrefix(p string) Option {
	return func(l *Limiter) error {
		if p == "" {
			return errors.New("WithPrefix: empty prefix")
		}
		l.key = p + l.key[strings.IndexByte(l.key, ':'):]
		l.pauseKey = l.key + ":pause"
		return nil
	}
}

// New returns the limiter of the account of vendor ("intercom", "bird",
// "twilio", ...) at perSecond attempts a second across every process that
// uses the same Redis, vendor and account. account is any stable name of
// the credentials' account that is not a secret (Twilio account SID, Bird
// workspace ID, Intercom app ID); it is part of the Redis key.
func New(rdb redis.UniversalClient, vendor, account string, perSecond int, opts ...Option) (*Limiter, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redislimit: nil Redis client")
	case vendor == "" || account == "":
		return nil, fmt.Errorf("redislimit: need a vendor and an account, got %q and %q", vendor, account)
	case perSecond < 1:
		return nil, fmt.Errorf("redislimit: perSecond %d: need at least 1", perSecond)
	}
	if !contextTimeouts(rdb) {
		return nil, errors.New("redislimit: the Redis client must have ContextTimeoutEnabled: true, or the limiter's timeouts do not bound its calls")
	}
	key := DefaultPrefix + ":" + vendor + ":" + account
	l := &Limiter{
		rdb:      rdb,
		gcra:     redis_rate.NewLimiter(rdb),
		limit:    redis_rate.Limit{Rate: perSecond, Burst: max(perSecond/50, 1), Period: time.Second},
		key:      key,
		pauseKey: key + ":pause",
		timeout:  DefaultTimeout,
		retry:    DefaultRetryAfter,
		now:      time.Now,
		turn:     make(chan struct{}, 1),
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("redislimit: nil Option")
		}
		if err := o(l); err != nil {
			return nil, fmt.Errorf("redislimit: %w", err)
		}
	}
	return l, nil
}

// contextTimeouts reports whether rdb applies context deadlines to its
// sockets, when it can tell.
func contextTimeouts(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	}
	return true
}

// Key returns the Redis key of the account's budget; the pause is at Key()
// + ":pause".
func (l *Limiter) Key() string { return l.key }

// Limit returns the budget: attempts a second and burst.
func (l *Limiter) Limit() (perSecond, burst int) { return l.limit.Rate, l.limit.Burst }

// Error is a Redis failure of the limiter: Redis down, slow (past
// WithTimeout) or refusing the command.
type Error struct {
	// Op is what the limiter asked Redis: "rate limit" or "pause".
	Op string
	// Key is the Redis key of the account.
	Key string
	// Err is the Redis client's error (context.DeadlineExceeded for a
	// timeout).
	Err error
	// Limit is the bound of each Redis call (WithTimeout).
	Limit time.Duration
	// Cached is true when Redis was not called: it failed less than
	// WithRetryAfter ago.
	Cached bool
}

func (e *Error) Error() string {
	what := e.Err.Error()
	if e.Timeout() {
		what = fmt.Sprintf("Redis did not answer within %s", e.Limit)
	}
	s := fmt.Sprintf("redislimit: %s for %s: %s", e.Op, e.Key, what)
	if e.Cached {
		s += " (earlier failure; Redis not retried yet)"
	}
	return s
}

// ErrTimeout is the Err of an *Error when a Redis call took longer than
// WithTimeout.
var ErrTimeout = errors.New("redis call timed out")

// Timeout reports whether Redis did not answer in time (WithTimeout).
func (e *Error) Timeout() bool {
	var ne net.Error
	return errors.Is(e.Err, ErrTimeout) || errors.As(e.Err, &ne) && ne.Timeout()
}

// Unwrap returns the Redis client's error.
func (e *Error) Unwrap() error { return e.Err }

// Wait blocks until the account's budget allows one more attempt and no
// shared 429 pause is running, or returns an error: ctx's when it ends; one
// that wraps context.DeadlineExceeded, at once, when the wait would pass
// ctx's deadline; an *Error when Redis fails (or, with WithFallback, what
// the fallback's Wait returns).
//
// The Waits of one Limiter take turns to ask Redis, and a Wait told to
// wait sleeps without its turn: the others sleep until the same time
// without asking Redis, or, when their deadline comes first, return at
// once. Redis is asked about once per slot and process, whatever the
// number of goroutines waiting.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		d, e, err := l.ask(ctx)
		switch {
		case err != nil:
			return err
		case e != nil:
			return l.fail(ctx, e) // outside the turn: the fallback may block
		case d <= 0:
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// ask takes the turn and answers how long to wait before asking again (0:
// the attempt may go): the wait another Wait of this process learned, or
// Redis's answer. It returns a Redis failure as e, and ctx's errors as err.
func (l *Limiter) ask(ctx context.Context) (d time.Duration, e *Error, err error) {
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	}
	defer func() { <-l.turn }()
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	l.mu.Lock()
	now, next := l.now(), l.nextAsk
	l.mu.Unlock()
	if now.Before(next) {
		return next.Sub(now), nil, nil
	}
	if e := l.down(); e != nil {
		return 0, e, nil
	}
	d, err = l.step(ctx)
	if err != nil {
		if ctxErr := ctxDone(ctx); ctxErr != nil {
			return 0, nil, ctxErr // the caller left: not a failure of Redis
		}
		return 0, l.failed("rate limit", err), nil
	}
	// The other Waits sleep until then without asking (a d of 0 sets a
	// time already past: they ask).
	l.mu.Lock()
	l.nextAsk = l.now().Add(d)
	l.mu.Unlock()
	return d, nil, nil
}

// ctxDone is ctx's error, or context.DeadlineExceeded once ctx's deadline
// has passed (a Redis call bounded by that deadline can end a moment
// before ctx reports it).
func ctxDone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// step asks Redis once: the wait before asking again (0: the attempt may
// go), or the Redis client's error.
func (l *Limiter) step(ctx context.Context) (time.Duration, error) {
	rctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	// PTTL in milliseconds as Redis says it: go-redis's Duration overflows
	// past about 292 years and would read such a pause as none.
	ms, err := l.rdb.Do(rctx, "PTTL", l.pauseKey).Int64()
	if err != nil {
		return 0, err
	}
	if ms > 0 {
		return msDuration(ms), nil
	}
	res, err := l.gcra.Allow(rctx, l.key, l.limit)
	if err != nil {
		return 0, err
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	if res.RetryAfter <= 0 {
		// Not allowed, but no usable wait (redis_rate's "-1"): ask again
		// after one slot of the budget, not in a busy loop.
		return l.limit.Period / time.Duration(l.limit.Rate), nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}

// msDuration is ms milliseconds, the longest Duration when more.
func msDuration(ms int64) time.Duration {
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64
	}
	return time.Duration(ms) * time.Millisecond
}

// sleep waits d, or returns at once when ctx's deadline comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(d).After(dl) {
		return fmt.Errorf("%w: the shared rate limit would delay the attempt %s, past the context deadline", context.DeadlineExceeded, d.Round(time.Millisecond))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pauseScript extends the pause key to ARGV[1] milliseconds, never
// shortening it.
var pauseScript = redis.NewScript(`
local cur = redis.call('PTTL', KEYS[1])
if cur < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return cur`)

// Pause holds back every process's attempts until until: the transport
// calls it when the vendor answers 429 with a wait. A pause already longer
// is kept. It returns an *Error when Redis fails (the client ignores it:
// its own pause still holds).
func (l *Limiter) Pause(ctx context.Context, until time.Time) error {
	ms := time.Until(until).Milliseconds()
	if ms <= 0 {
		return nil
	}
	if e := l.down(); e != nil {
		return e
	}
	rctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	if err := pauseScript.Run(rctx, l.rdb, []string{l.pauseKey}, ms).Err(); err != nil {
		return l.failed("pause", err)
	}
	return nil
}

// failed records a Redis failure and returns its *Error.
func (l *Limiter) failed(op string, err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) {
		// The timeout of the Redis call, not the caller's deadline: keep
		// context.DeadlineExceeded out of the chain.
		err = ErrTimeout
	}
	e := &Error{Op: op, Key: l.key, Err: err, Limit: l.timeout}
	l.mu.Lock()
	l.downTil, l.downErr = l.now().Add(l.retry), e
	l.mu.Unlock()
	return e
}

// down returns the recent Redis failure, marked Cached, while Redis is not
// to be called.
func (l *Limiter) down() *Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.downErr == nil || !l.now().Before(l.downTil) {
		return nil
	}
	cp := *l.downErr
	cp.Cached = true
	return &cp
}

// fail is Wait's answer to a Redis failure: the fallback's wait, or e.
func (l *Limiter) fail(ctx context.Context, e *Error) error {
	if l.fallback != nil {
		return l.fallback.Wait(ctx)
	}
	return e
}

var (
	_ option.Limiter       = (*Limiter)(nil)
	_ option.LimiterPauser = (*Limiter)(nil)
)
