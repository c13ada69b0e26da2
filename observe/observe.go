// Package observe is the call-level hook of conversekit's vendor clients:
// an Observer given to a constructor (option.WithObserver) is told when each
// call starts, when each of its attempts starts and ends, of every wait
// that held the call back (the client's shared 429 pause, a rate limiter,
// the backoff or the vendor's Retry-After before a retry) and when the call
// ends, with its final status, attempts, total wait and error.
//
// It is what tracing and metrics are built on without the core module
// depending on them: module github.com/conversekit/conversekit/contrib/otel
// turns it into OpenTelemetry spans and metrics; a program may write its own
// for its metrics or logs. A client without an Observer pays nothing for it.
//
// The calls of one client run at once: an Observer is called from many
// goroutines, a CallObserver from the goroutine of its call only, in order
// (the Waits before an attempt, its StartAttempt and EndAttempt, the Waits
// before the next, ..., EndCall once, last). The methods run on the call's
// path: they must not block.
package observe

import (
	"context"
	"time"
)

// Observer is told of every call of a client.
type Observer interface {
	// StartCall is called once when a call begins, before anything is
	// checked or sent. The context it returns replaces ctx for the rest of
	// the call (the limiter's Wait, every attempt, the middleware and the
	// HTTP transport see it): it must be ctx or derived from it, for
	// example with a span added; a context that is not derived from ctx
	// loses the caller's cancellation. The CallObserver it returns is told
	// of the rest of the call; nil leaves the call unobserved.
	StartCall(ctx context.Context, call Call) (context.Context, CallObserver)
}

// CallObserver is told of one call, from the goroutine of the call.
type CallObserver interface {
	// StartAttempt is called before attempt n (1 for the first) is sent,
	// after the waits that held it back. The context it returns is the
	// attempt's (its request's context, bounded by the per-attempt
	// timeout): it must be ctx or derived from it. EndAttempt follows with
	// the context returned.
	StartAttempt(ctx context.Context, n int) context.Context
	// EndAttempt is called when the attempt has ended: its response read
	// or its transport error known.
	EndAttempt(ctx context.Context, a Attempt)
	// Wait is called when a wait of the call has ended. A shared pause or
	// a limiter wait is reported when it lasted at least a millisecond or
	// failed (a limiter with room answers in microseconds, which is no
	// wait); a wait before a retry is always reported.
	Wait(ctx context.Context, w Wait)
	// EndCall is called once when the call ends, on success and on error
	// alike, with the context StartCall returned.
	EndCall(ctx context.Context, end CallEnd)
}

// Call is what a call is, when it starts.
type Call struct {
	// Vendor is the vendor of the client: "intercom", "bird", "twilio",
	// "sunshine".
	Vendor string
	// Operation names the operation with its route, such as
	// "POST /conversations/{id}/customers" (low cardinality: no IDs), when
	// the vendor method gave it; "" when it did not.
	Operation string
	// Method is the HTTP method.
	Method string
	// Host is the host (and port, when the URL has one) the call is sent
	// to.
	Host string
	// Path is the URL path as sent, IDs included, with the client's
	// secrets redacted.
	Path string
}

// Attempt is what one attempt gave.
type Attempt struct {
	// Number is the attempt's number, 1 for the first.
	Number int
	// StatusCode is the status of the attempt's response; 0 when none came
	// (a transport error).
	StatusCode int
	// Err is the attempt's error: the *apierror.Error of a non-2xx
	// response, or the transport error; nil for a 2xx response.
	Err error
}

// WaitKind says what held a call back.
type WaitKind string

// The kinds of wait.
const (
	// WaitPause is the client's shared pause: an earlier 429 of any call
	// of the client asked to wait, and every attempt waits until then.
	WaitPause WaitKind = "pause"
	// WaitLimiter is a wait on the client's or the call's rate limiter
	// (option.WithLimiter).
	WaitLimiter WaitKind = "limiter"
	// WaitRetryAfter is the wait before a retry that the vendor asked for
	// (Retry-After, or X-RateLimit-Reset on a 429).
	WaitRetryAfter WaitKind = "retry_after"
	// WaitBackoff is the exponential backoff before a retry when the
	// vendor asked for no wait.
	WaitBackoff WaitKind = "backoff"
)

// RateLimit reports whether the wait is one of rate limiting: a shared
// pause, a limiter wait, or a wait the vendor asked for (backoff is not).
func (k WaitKind) RateLimit() bool { return k != WaitBackoff }

// Wait is one wait that held a call back.
type Wait struct {
	// Kind says what the call waited for.
	Kind WaitKind
	// Attempt is the number of the attempt the wait held back (1 for the
	// first): a wait before a retry holds back the retry.
	Attempt int
	// Duration is how long the call waited.
	Duration time.Duration
	// Err is why the wait failed (the context ended, the limiter refused,
	// the pause passes the context's deadline); nil when it ended as
	// planned.
	Err error
}

// CallEnd is how a call ended.
type CallEnd struct {
	// StatusCode is the status of the final response; 0 when none came.
	StatusCode int
	// Attempts is how many attempts were sent: 0 when the call ended
	// before the first (a context already done, a limiter that refused),
	// and Attempts-1 retries otherwise.
	Attempts int
	// Waits is how many waits Wait was told of, and Waited their total
	// duration.
	Waits  int
	Waited time.Duration
	// Err is the call's error, as the operation returns it; nil on
	// success.
	Err error
}
