package transport

import (
	"net/http"
	"time"
)

// MaxRetriesCeiling bounds any retry budget, a client's or a call's.
const MaxRetriesCeiling = 100

// Settings are the settings of one call, handed to Client.Do as a value:
// nothing of a call travels in its context, which carries cancellation and
// the deadline only. The vendor clients start from Client.Defaults and
// apply the call's options; every field means what it says, with no
// "unset" value.
type Settings struct {
	// Header is set on the request after the client's static headers,
	// replacing a static header of the same name.
	Header http.Header
	// Retries is how many times the call is retried after its first
	// attempt: 0 means no retry. It is clipped to 0..MaxRetriesCeiling.
	Retries int
	// AttemptTimeout bounds each attempt, response body included; 0 means
	// no bound but the context's.
	AttemptTimeout time.Duration
	// Idempotent marks the call safe to repeat: 408, 5xx and transport
	// errors after the request was sent are retried too.
	Idempotent bool
	// OnResponse, when set, is called once when the call ends, on success
	// and on error alike, with its final response.
	OnResponse func(Response)
	// Limiter, when set, is waited on before every attempt of the call,
	// after the client's, and told of its 429 pauses and announced quotas
	// as Options.Limiter is (limiter.go).
	Limiter Limiter
	// Middleware wraps the sending of every attempt of the call, the first
	// outermost (middleware.go); Options.Middleware comes first in
	// Defaults.
	Middleware []Middleware
	// Operation names the call's operation with its route, such as
	// "POST /conversations/{id}/customers", for Options.Observer
	// (observe.Call.Operation); "" when the vendor method does not name it.
	Operation string
}

// Response is what a call's final response said, for the caller to keep:
// request IDs, rate-limit headers.
type Response struct {
	// StatusCode is the status of the final response; 0 when none came.
	StatusCode int
	// Header is the final response's header (nil when none came).
	Header http.Header
	// Attempts is how many attempts were sent.
	Attempts int
}

// retries is s's retry budget, clipped to 0..MaxRetriesCeiling.
func (s *Settings) retries() int { return min(max(s.Retries, 0), MaxRetriesCeiling) }
