package transport

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"
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

// LimiterError is the error of an attempt that the Client's Limiter refused
// to let through: the request was not sent, and the call is not retried.
type LimiterError struct {
	// Err is what the limiter's Wait returned.
	Err error
}

func (e *LimiterError) Error() string {
	return fmt.Sprintf("rate limiter refused the attempt (not sent): %v", e.Err)
}

// Unwrap returns the limiter's error.
func (e *LimiterError) Unwrap() error { return e.Err }

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
