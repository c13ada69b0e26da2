package apierror

import "fmt"

// LimiterError is the error, in the chain of a call's error, of an attempt
// that the client's rate limiter (option.WithLimiter) refused to let
// through: the request was not sent, and the call was not retried.
// option.LimiterError is this type. A limiter's refusal because of the
// context (its Wait returned while ctx was done) is the context's error
// instead, not a LimiterError.
type LimiterError struct {
	// Err is what the limiter's Wait returned. For a *rate.Limiter of
	// golang.org/x/time/rate, whose only refusal is a wait that would pass
	// the context deadline, it also wraps context.DeadlineExceeded.
	Err error
}

// Error implements error.
func (e *LimiterError) Error() string {
	return fmt.Sprintf("rate limiter refused the attempt (not sent): %v", e.Err)
}

// Unwrap returns the limiter's error, Err.
func (e *LimiterError) Unwrap() error { return e.Err }
