package participants

import (
	"errors"
	"fmt"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/participants/driver"
)

// ErrorCode is the portable kind of a failure, whatever the vendor. Code
// reads it from an error. Its values are those of driver.ErrorCode, in
// which a provider gives the code of its own errors.
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
}

func (e *Error) Error() string {
	s := e.Provider + ": " + e.Code.String()
	if e.Field != "" {
		s += ": " + e.Field
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && !driver.ErrInMessage(e.Message, e.Err) {
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
// participants *Error (or of a provider's *driver.Error), Canceled or
// DeadlineExceeded for context errors, the code of the status of an error
// of this module's vendor clients (intercom, bird, twilio, sunshine) used
// directly, InvalidArgument for their refusals of a path parameter,
// Unavailable for transport errors, and Unknown otherwise.
func Code(err error) ErrorCode {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrorCode(driver.Code(err))
}

// errorf returns an *Error of the Client's own refusals.
func errorf(code ErrorCode, provider, field, format string, args ...any) *Error {
	return &Error{Code: code, Provider: provider, Field: field, Message: fmt.Sprintf(format, args...)}
}

// wrapError returns err as an *Error of provider with the code Code(err)
// gives, keeping err in the chain; an *Error as it is, a *driver.Error
// converted.
func wrapError(provider string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var de *driver.Error
	if errors.As(err, &de) {
		return fromDriver(provider, err, de)
	}
	dw := driver.WrapError(provider, err).(*driver.Error)
	return fromDriver(provider, dw, dw)
}

// fromDriver is the *Error of err, whose chain holds de: de's code,
// provider, field and message with de's Err in the chain when err is de,
// else de's code with err in the chain. A *driver.DuplicateLookupError
// under de becomes a *DuplicateLookupError.
func fromDriver(provider string, err error, de *driver.Error) *Error {
	p := de.Provider
	if p == "" {
		p = provider
	}
	if err != error(de) {
		return &Error{Code: ErrorCode(de.Code), Provider: p, Err: err}
	}
	inner := de.Err
	if dl, ok := inner.(*driver.DuplicateLookupError); ok {
		inner = &DuplicateLookupError{Duplicate: dl.Duplicate, Lookup: dl.Lookup}
	}
	return &Error{Code: ErrorCode(de.Code), Provider: p, Field: de.Field, Message: de.Message, Err: inner}
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

// DuplicateLookupError is the error of an Add that the vendor refused as a
// duplicate (Bird 409, Twilio 50433/50437/50416) and whose lookup of the
// existing participant then failed: whether the person is in the
// conversation is not known. The code of the *Error that holds it is the
// lookup's (Unavailable, Canceled, DeadlineExceeded, ...), never
// AlreadyExists; errors.Is and errors.As reach both errors, the lookup's
// first. (A provider returns a driver.DuplicateLookupError, which the
// Client turns into this.)
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
