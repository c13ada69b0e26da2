package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/apierror"
)

// Limiter is consulted before every attempt of a Client (Options.Limiter),
// first or retry, after the Client's own 429 pause: the attempt is sent
// when Wait returns nil. A *rate.Limiter of golang.org/x/time/rate is one;
// a limiter shared by several processes (module contrib/redislimit) is
// another. The limiter stands for one quota, a vendor account's: give each
// vendor account its own.
//
// Wait must return when ctx ends, and should return at once with an error
// rather than wait past ctx's deadline. An error other than ctx's stops the
// call unsent and unretried, as a *LimiterError.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Pauser is a Limiter that also shares the vendor's 429 pauses: when a
// response of the Client is a 429 that asks for a wait (Retry-After or
// X-RateLimit-Reset), the Client calls Pause with the end of that wait, so
// that the limiter can hold back the attempts of every process sharing it
// until then. The Client's own pause holds back its attempts whatever
// Pause does; an error of Pause is ignored (the limiter is expected to log
// or remember it).
type Pauser interface {
	Limiter
	Pause(ctx context.Context, until time.Time) error
}

// QuotaObserver is a Limiter that also follows the quota a vendor publishes
// on its responses, as Intercom does on every authenticated one:
// X-RateLimit-Limit (the requests of a window), X-RateLimit-Remaining (those
// left in the current window) and X-RateLimit-Reset (the Unix second at
// which the window refills). After each attempt whose response carries a
// well-formed X-RateLimit-Remaining and X-RateLimit-Reset, whatever its
// status, the Client calls ObserveQuota with
//   - limit: X-RateLimit-Limit, or 0 when it is absent or malformed;
//   - remaining: X-RateLimit-Remaining, at most limit when limit is known
//     and at most MaxQuota;
//   - reset: X-RateLimit-Reset, moved into [now, now+MaxServerWait] (a
//     reset in the past is now).
//
// A response without both headers, or with a malformed or negative one, is
// not observed; it is never an error of the call. Calls that run at once
// answer out of order: a remaining may be older than one observed before.
// ObserveQuota must not block.
type QuotaObserver interface {
	Limiter
	ObserveQuota(limit, remaining int, reset time.Time)
}

// MaxQuota bounds the limit and remaining a QuotaObserver is told of.
const MaxQuota = 1_000_000

// observeQuota tells the limiters among ls that are QuotaObservers of the
// quota h announces, if it announces one.
func observeQuota(h http.Header, maxWait time.Duration, ls ...Limiter) {
	var (
		perWindow, remaining int
		reset                time.Time
		parsed               bool
	)
	for _, l := range ls {
		o, ok := l.(QuotaObserver)
		if !ok {
			continue
		}
		if !parsed {
			if perWindow, remaining, reset, ok = parseQuota(h, time.Now(), maxWait); !ok {
				return
			}
			parsed = true
		}
		o.ObserveQuota(perWindow, remaining, reset)
	}
}

// parseQuota reads X-RateLimit-Limit, -Remaining and -Reset as
// QuotaObserver says; ok is false when Remaining or Reset is unusable.
func parseQuota(h http.Header, now time.Time, maxWait time.Duration) (perWindow, remaining int, reset time.Time, ok bool) {
	remaining, ok = parseCount(h.Get("X-RateLimit-Remaining"))
	if !ok {
		return 0, 0, time.Time{}, false
	}
	wait, ok := ParseRateLimitReset(strings.TrimSpace(h.Get("X-RateLimit-Reset")), now)
	if !ok {
		return 0, 0, time.Time{}, false
	}
	perWindow, _ = parseCount(h.Get("X-RateLimit-Limit")) // 0 when unusable
	if perWindow > 0 {
		remaining = min(remaining, perWindow)
	}
	return perWindow, remaining, now.Add(min(wait, maxWait)), true
}

// parseCount parses a count of requests, clipped to MaxQuota; ok is false
// when v is not a number or is negative.
func parseCount(v string) (int, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || n < 0 {
		return 0, false
	}
	return int(min(n, MaxQuota)), true
}

// LimiterError is the public apierror.LimiterError: the error of an attempt
// that the Client's Limiter refused to let through. The request was not
// sent, and the call is not retried.
type LimiterError = apierror.LimiterError

// limit waits on l for one attempt of ctx. A context error is returned as
// it is; any other error as a *LimiterError.
func limit(ctx context.Context, l Limiter) error {
	err := l.Wait(ctx)
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if _, ok := l.(*rate.Limiter); ok {
		// Its only refusal with a burst of at least 1: the wait would pass
		// the deadline.
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return &LimiterError{Err: err}
}

// sharePause tells l, when it is a Pauser, that the vendor asked to wait
// until t. It does not wait longer than pauseShareTimeout for the limiter.
func sharePause(ctx context.Context, l Limiter, t time.Time) {
	p, ok := l.(Pauser)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pauseShareTimeout)
	defer cancel()
	_ = p.Pause(ctx, t)
}

// pauseShareTimeout bounds the Pause call of a 429.
const pauseShareTimeout = time.Second
