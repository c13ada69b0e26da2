package participants

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

// ErrorCode is the portable kind of a failure, whatever the vendor. Code
// reads it from an error, and a Provider gives it for its own errors
// (Provider.ErrorCode).
type ErrorCode int

// Error codes returned by Code.
const (
	// OK is the code of a nil error.
	OK ErrorCode = iota
	// Unknown is any error that fits no other code.
	Unknown
	// NotFound: the conversation, contact or participant does not exist.
	NotFound
	// AlreadyExists: the vendor refused a duplicate that is not this
	// participant in this conversation (for example a Twilio address bound to
	// another active conversation).
	AlreadyExists
	// InvalidArgument: bad input, found before any request or reported by
	// the vendor (400, 422).
	InvalidArgument
	// Unimplemented: the vendor cannot express what was asked (a phone
	// number on Intercom, an email on Twilio, ...).
	Unimplemented
	// Unauthenticated: bad credentials (401).
	Unauthenticated
	// PermissionDenied: the credentials may not do this (403).
	PermissionDenied
	// RateLimited: the vendor answered 429 beyond the retry budget or the
	// deadline.
	RateLimited
	// Unavailable: the vendor failed (5xx), could not be reached, lost the
	// connection before its whole answer arrived, or answered with a
	// redirect (3xx), which is never followed.
	Unavailable
	// Canceled: the context was canceled.
	Canceled
	// DeadlineExceeded: the context deadline passed.
	DeadlineExceeded
	// FailedPrecondition: the vendor refused because of the conversation's
	// state, not the caller's input: Intercom keeps a conversation's last
	// customer (422 "Removing the last customer is not allowed"), Bird may
	// refuse to remove a participant (403 "Deleting this participant is
	// not allowed"). Retrying the same call does not help; change the
	// conversation first (add another customer, ...).
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

// Sentinels for errors.Is: errors.Is(err, participants.ErrNotFound) holds
// exactly when Code(err) == NotFound.
var (
	ErrNotFound           error = &sentinel{NotFound}
	ErrAlreadyExists      error = &sentinel{AlreadyExists}
	ErrInvalidArgument    error = &sentinel{InvalidArgument}
	ErrUnimplemented      error = &sentinel{Unimplemented}
	ErrUnauthenticated    error = &sentinel{Unauthenticated}
	ErrPermissionDenied   error = &sentinel{PermissionDenied}
	ErrRateLimited        error = &sentinel{RateLimited}
	ErrUnavailable        error = &sentinel{Unavailable}
	ErrFailedPrecondition error = &sentinel{FailedPrecondition}
)

type sentinel struct{ code ErrorCode }

func (s *sentinel) Error() string { return "participants: " + s.code.String() }

// Error is the error every Client call returns. The vendor's *APIError, a
// context error or a transport error stays in the chain for errors.As and
// errors.Is.
type Error struct {
	// Code is the portable kind of failure.
	Code ErrorCode
	// Provider is the vendor: "intercom", "bird", "twilio", "sunshine", ...
	Provider string
	// Field names the offending Participant field or option, if any.
	Field string
	// Message says what went wrong.
	Message string
	// Err is the underlying error, if any.
	Err error

	// errInMessage is set when Message already says what Err says (a
	// *pathparam.Error's reason), so that Error() names the vendor once.
	errInMessage bool
}

func (e *Error) Error() string {
	s := e.Provider + ": " + e.Code.String()
	if e.Field != "" {
		s += ": " + e.Field
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && !e.errInMessage {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e's code.
func (e *Error) Is(target error) bool {
	s, ok := target.(*sentinel)
	return ok && s.code == e.Code
}

// Code returns the portable code of err: OK for nil, the code of a
// participants *Error, Canceled or DeadlineExceeded for context errors, the
// code of the status of an error of this module's vendor clients (intercom,
// bird, twilio) used directly, InvalidArgument for their refusals of a path
// parameter, Unavailable for transport errors, and Unknown otherwise.
func Code(err error) ErrorCode {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return classify(err)
}

// Errorf returns an *Error for a Provider implementation.
func Errorf(code ErrorCode, provider, field, format string, args ...any) *Error {
	return &Error{Code: code, Provider: provider, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns err as an *Error of provider, keeping err in the chain,
// with the code Code(err) gives: an *Error is returned as it is; context
// errors are Canceled or DeadlineExceeded; errors of this module's vendor
// clients (intercom, bird, twilio, sunshine) get the code of their status, and
// transport errors Unavailable; any other error is Unknown.
//
// A Provider need not call it: the Client wraps whatever error Add returns,
// asking Provider.ErrorCode for the code of errors it does not know. It is
// for Provider implementations that build their errors over this module's
// vendor clients, or that want an *Error at hand (with Errorf for errors of
// their own).
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
		return &Error{Code: InvalidArgument, Provider: provider, Field: pe.Field, Message: pe.Reason, Err: err, errInMessage: err == error(pe)}
	}
	return &Error{Code: classify(err), Provider: provider, Err: err}
}

func classify(err error) ErrorCode {
	switch {
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

// notMisrouted returns err, or, when e (err's *Error) says NotFound over a
// vendor 404 that is Misrouted (its body is not the vendor's error shape:
// a wrong base URL), an Unknown *Error of that 404 alone, so that neither
// the code nor the message claims that anything is missing.
func notMisrouted(err error, e *Error) error {
	var api *apierror.Error
	if e.Code != NotFound || !errors.As(err, &api) || !api.Misrouted() {
		return err
	}
	return &Error{Code: Unknown, Provider: e.Provider, Err: api}
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

// wrapFields is WrapError for an adapter whose vendor client names its
// arguments differently from the facade: the Field of a bad-argument error
// becomes the name the facade's caller set (names maps vendor-client field
// names to facade names, e.g. "workspaceID" → "BirdOptions.WorkspaceID").
func wrapFields(provider string, err error, names map[string]string) error {
	w := WrapError(provider, err)
	if e, ok := w.(*Error); ok && e.errInMessage {
		if n, ok := names[e.Field]; ok {
			e.Field = n
		}
	}
	return w
}

// DuplicateLookupError is the error of an Add that the vendor refused as a
// duplicate (Bird 409, Twilio 50433/50437/50416) and whose lookup of the
// existing participant then failed: whether the person is in the
// conversation is not known. The code of the *Error that holds it is the
// lookup's (Unavailable, Canceled, DeadlineExceeded, ...), never
// AlreadyExists; errors.Is and errors.As reach both errors, the lookup's
// first.
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

// duplicateLookupFailed is the *Error of a duplicate answer dup whose
// lookup failed with lookup: the lookup's code, both errors in the chain.
func duplicateLookupFailed(provider string, dup, lookup error) *Error {
	return &Error{Code: Code(WrapError(provider, lookup)), Provider: provider, Err: &DuplicateLookupError{Duplicate: dup, Lookup: lookup}}
}
