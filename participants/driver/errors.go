package driver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
)

// ErrorCode is the portable kind of a failure. Its values are those of
// participants.ErrorCode, to which the Client converts it.
type ErrorCode int

// Error codes; see participants.ErrorCode for what each means.
const (
	OK ErrorCode = iota
	Unknown
	NotFound
	AlreadyExists
	InvalidArgument
	Unimplemented
	Unauthenticated
	PermissionDenied
	RateLimited
	Unavailable
	Canceled
	DeadlineExceeded
	FailedPrecondition
)

var codeNames = [...]string{
	OK: "OK", Unknown: "Unknown", NotFound: "NotFound", AlreadyExists: "AlreadyExists",
	InvalidArgument: "InvalidArgument", Unimplemented: "Unimplemented",
	Unauthenticated: "Unauthenticated", PermissionDenied: "PermissionDenied",
	RateLimited: "RateLimited", Unavailable: "Unavailable", Canceled: "Canceled",
	DeadlineExceeded: "DeadlineExceeded", FailedPrecondition: "FailedPrecondition",
}

func (c ErrorCode) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("ErrorCode(%d)", int(c))
}

// Error is a provider's error with its portable code. The Client turns it
// into a participants.Error with the same fields and chain.
type Error struct {
	// Code is the portable kind of failure.
	Code ErrorCode
	// Provider is the vendor name.
	Provider string
	// Field names the offending Participant field or option, if any.
	Field string
	// Message says what went wrong.
	Message string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	s := e.Provider + ": " + e.Code.String()
	if e.Field != "" {
		s += ": " + e.Field
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && !ErrInMessage(e.Message, e.Err) {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ErrInMessage reports whether message already says what err says: err is
// a refused path parameter whose reason is message (WrapError makes such
// an *Error), so that Error() names the vendor once.
func ErrInMessage(message string, err error) bool {
	pe, ok := err.(*pathparam.Error)
	return ok && message != "" && pe.Reason == message
}

// Errorf returns an *Error of provider about field, for a refusal.
func Errorf(code ErrorCode, provider, field, format string, args ...any) *Error {
	return &Error{Code: code, Provider: provider, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Code returns the code of err: OK for nil, the code of an *Error in its
// chain, else Classify(err).
func Code(err error) ErrorCode {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Classify(err)
}

// WrapError returns err as an *Error of provider, keeping err in the chain,
// with the code Code(err) gives: an *Error is returned as it is; context
// errors are Canceled or DeadlineExceeded; errors of this module's vendor
// clients get the code of their status (a refused path parameter is
// InvalidArgument naming it), transport errors Unavailable; any other
// error is Unknown.
func WrapError(provider string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var pe *pathparam.Error
	if errors.As(err, &pe) {
		return &Error{Code: InvalidArgument, Provider: provider, Field: pe.Field, Message: pe.Reason, Err: err}
	}
	return &Error{Code: Classify(err), Provider: provider, Err: err}
}

// WrapFields is WrapError for a provider whose vendor client names its
// arguments differently from the user: the Field of a refused path
// parameter becomes the name the user set (names maps vendor-client field
// names to the user's, e.g. "workspaceID" → "birdparticipants.Options.WorkspaceID").
func WrapFields(provider string, err error, names map[string]string) error {
	w := WrapError(provider, err)
	if e, ok := w.(*Error); ok && ErrInMessage(e.Message, e.Err) {
		if n, ok := names[e.Field]; ok {
			e.Field = n
		}
	}
	return w
}

// Classify returns the portable code of an error of this module's vendor
// clients (intercom, bird, twilio, sunshine), for Provider.ErrorCode:
// Canceled and DeadlineExceeded for context errors, the code of an
// *APIError's status (Unknown for a 404 that is not the vendor's),
// InvalidArgument for a refused path parameter, Unavailable for transport
// errors, Unknown otherwise.
func Classify(err error) ErrorCode {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	}
	var api *apierror.Error
	if errors.As(err, &api) {
		if api.Misrouted() {
			// A 404 from a server that does not answer as the vendor
			// would (a wrong base URL): nothing says what is missing.
			return Unknown
		}
		return codeForStatus(api.StatusCode)
	}
	var pe *pathparam.Error
	if errors.As(err, &pe) {
		return InvalidArgument
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		return Unavailable
	}
	return Unknown
}

func codeForStatus(status int) ErrorCode {
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return InvalidArgument
	case status == http.StatusUnauthorized:
		return Unauthenticated
	case status == http.StatusForbidden:
		return PermissionDenied
	case status == http.StatusNotFound:
		return NotFound
	case status == http.StatusConflict:
		return AlreadyExists
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status == http.StatusNotImplemented:
		return Unimplemented
	case status == http.StatusRequestTimeout || status >= 500:
		return Unavailable
	case status >= 300 && status <= 399:
		return Unavailable // a redirect, not followed: the call did not happen
	}
	return Unknown
}

// DuplicateLookupError is the error of an Add that the vendor refused as a
// duplicate and whose lookup of the existing participant then failed. The
// Client turns it into a participants.DuplicateLookupError.
type DuplicateLookupError struct {
	// Duplicate is the vendor's duplicate answer (an *APIError).
	Duplicate error
	// Lookup is the error of the lookup that followed.
	Lookup error
}

func (e *DuplicateLookupError) Error() string {
	return "looking up the existing participant failed: " + e.Lookup.Error() + " (after the duplicate answer: " + e.Duplicate.Error() + ")"
}

// Unwrap returns the lookup's error and the duplicate answer.
func (e *DuplicateLookupError) Unwrap() []error { return []error{e.Lookup, e.Duplicate} }

// DuplicateLookupFailed is the *Error of a duplicate answer dup whose
// lookup failed with lookup: the lookup's code, both errors in the chain.
func DuplicateLookupFailed(provider string, dup, lookup error) *Error {
	return &Error{Code: Code(WrapError(provider, lookup)), Provider: provider, Err: &DuplicateLookupError{Duplicate: dup, Lookup: lookup}}
}
