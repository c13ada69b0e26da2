package driver_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/participants/driver"
)

// ErrorCode.String names every code, OK included, and formats any other
// value (one the Client would never produce) without panicking.
func TestErrorCodeString(t *testing.T) {
	for c, want := range map[driver.ErrorCode]string{
		driver.OK: "OK", driver.Unknown: "Unknown", driver.NotFound: "NotFound",
		driver.AlreadyExists: "AlreadyExists", driver.InvalidArgument: "InvalidArgument",
		driver.Unimplemented: "Unimplemented", driver.Unauthenticated: "Unauthenticated",
		driver.PermissionDenied: "PermissionDenied", driver.RateLimited: "RateLimited",
		driver.Unavailable: "Unavailable", driver.Canceled: "Canceled",
		driver.DeadlineExceeded: "DeadlineExceeded", driver.FailedPrecondition: "FailedPrecondition",
		driver.FailedPrecondition + 1: fmt.Sprintf("ErrorCode(%d)", int(driver.FailedPrecondition)+1),
		-1:                            "ErrorCode(-1)",
	} {
		if got := c.String(); got != want {
			t.Errorf("ErrorCode(%d).String() = %q, want %q", int(c), got, want)
		}
	}
}

// Classify gives an *APIError the code of its HTTP status, as the
// participants.ErrorCode documentation lists them: 400 and 422 are
// InvalidArgument, 401 Unauthenticated, 403 PermissionDenied, 404 NotFound,
// 409 AlreadyExists, 429 RateLimited, 501 Unimplemented; 408, every other
// 5xx and a redirect (3xx, never followed) Unavailable; any other status
// Unknown.
func TestClassifyStatus(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   driver.ErrorCode
	}{
		{400, driver.InvalidArgument}, {422, driver.InvalidArgument},
		{401, driver.Unauthenticated}, {403, driver.PermissionDenied},
		{404, driver.NotFound}, {409, driver.AlreadyExists},
		{429, driver.RateLimited}, {501, driver.Unimplemented},
		{408, driver.Unavailable},
		{500, driver.Unavailable}, {502, driver.Unavailable}, {503, driver.Unavailable}, {504, driver.Unavailable}, {599, driver.Unavailable},
		{300, driver.Unavailable}, {301, driver.Unavailable}, {302, driver.Unavailable}, {307, driver.Unavailable}, {399, driver.Unavailable},
		{402, driver.Unknown}, {405, driver.Unknown}, {410, driver.Unknown}, {412, driver.Unknown}, {499, driver.Unknown},
		{200, driver.Unknown}, {299, driver.Unknown},
	} {
		err := &apierror.Error{Vendor: "twilio", StatusCode: tt.status}
		if got := driver.Classify(err); got != tt.want {
			t.Errorf("Classify(%d) = %v, want %v", tt.status, got, tt.want)
		}
		// Wrapped, as a provider may return it, and through Code and WrapError.
		wrapped := fmt.Errorf("adding: %w", err)
		if got := driver.Classify(wrapped); got != tt.want {
			t.Errorf("Classify(wrapped %d) = %v, want %v", tt.status, got, tt.want)
		}
		if got := driver.Code(wrapped); got != tt.want {
			t.Errorf("Code(wrapped %d) = %v, want %v", tt.status, got, tt.want)
		}
		var e *driver.Error
		if w := driver.WrapError("twilio", wrapped); !errors.As(w, &e) || e.Code != tt.want || e.Provider != "twilio" || !errors.Is(w, err) {
			t.Errorf("WrapError(%d) = %#v, want code %v over the vendor's error", tt.status, w, tt.want)
		}
	}
}

// A 404 from a server that does not answer as the vendor would says
// nothing about what is missing: Unknown, not NotFound.
func TestClassifyMisrouted404(t *testing.T) {
	err := &apierror.Error{Vendor: "bird", StatusCode: 404, UnknownShape: true}
	if got := driver.Classify(err); got != driver.Unknown {
		t.Errorf("Classify(misrouted 404) = %v, want Unknown", got)
	}
	// UnknownShape alone changes nothing for another status.
	if got := driver.Classify(&apierror.Error{Vendor: "bird", StatusCode: 503, UnknownShape: true}); got != driver.Unavailable {
		t.Errorf("Classify(503 of unknown shape) = %v, want Unavailable", got)
	}
}

// Classify of errors that are not *APIErrors: context errors, a refused
// path parameter, transport errors (a *url.Error as net/http returns, or
// a bare net.Error), anything else Unknown.
func TestClassifyOtherErrors(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	for _, tt := range []struct {
		name string
		err  error
		want driver.ErrorCode
	}{
		{"nil", nil, driver.OK},
		{"canceled", context.Canceled, driver.Canceled},
		{"wrapped canceled", fmt.Errorf("x: %w", context.Canceled), driver.Canceled},
		{"deadline", context.DeadlineExceeded, driver.DeadlineExceeded},
		{"wrapped deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), driver.DeadlineExceeded},
		{"path parameter", &apierror.ParamError{Vendor: "bird", Field: "workspaceID", Reason: "bad"}, driver.InvalidArgument},
		{"url error", &url.Error{Op: "Post", URL: "https://api.example.com", Err: errors.New("EOF")}, driver.Unavailable},
		{"net error", opErr, driver.Unavailable},
		{"wrapped net error", fmt.Errorf("sending: %w", opErr), driver.Unavailable},
		{"dns error", &net.DNSError{Err: "no such host", Name: "api.example.com"}, driver.Unavailable},
		{"other", errors.New("boom"), driver.Unknown},
	} {
		if got := driver.Classify(tt.err); got != tt.want {
			t.Errorf("%s: Classify = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Code prefers the code of an *Error in the chain over Classify.
func TestCodeOfAnError(t *testing.T) {
	e := driver.Errorf(driver.FailedPrecondition, "intercom", "", "last customer")
	e.Err = &apierror.Error{Vendor: "intercom", StatusCode: 422}
	if got := driver.Code(fmt.Errorf("removing: %w", e)); got != driver.FailedPrecondition {
		t.Errorf("Code = %v, want the *Error's FailedPrecondition", got)
	}
	if got := driver.Code(nil); got != driver.OK {
		t.Errorf("Code(nil) = %v, want OK", got)
	}
}

// WrapError: nil stays nil, an *Error is returned as it is, anything else
// is an *Error of the provider with the error in its chain.
func TestWrapError(t *testing.T) {
	if driver.WrapError("bird", nil) != nil {
		t.Error("WrapError(nil) != nil")
	}
	own := driver.Errorf(driver.Unimplemented, "bird", "Phone", "no phone")
	wrapped := fmt.Errorf("ctx: %w", own)
	if got := driver.WrapError("bird", wrapped); got != wrapped {
		t.Errorf("WrapError(wrapped *Error) = %v, want it as it is", got)
	}
	var e *driver.Error
	if got := driver.WrapError("bird", context.Canceled); !errors.As(got, &e) || e.Code != driver.Canceled || e.Provider != "bird" || !errors.Is(got, context.Canceled) {
		t.Errorf("WrapError(context.Canceled) = %#v", got)
	}
}

// Errorf builds a refusal; Error() names provider, code, field and message.
func TestErrorfAndError(t *testing.T) {
	e := driver.Errorf(driver.InvalidArgument, "twilio", "Phone", "%q is not E.164", "123")
	if e.Code != driver.InvalidArgument || e.Provider != "twilio" || e.Field != "Phone" || e.Message != `"123" is not E.164` || e.Err != nil {
		t.Fatalf("Errorf = %#v", e)
	}
	if got, want := e.Error(), `twilio: InvalidArgument: Phone: "123" is not E.164`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	inner := errors.New("vendor said no")
	e2 := &driver.Error{Code: driver.Unknown, Provider: "bird", Err: inner}
	if got, want := e2.Error(), "bird: Unknown: vendor said no"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e2, inner) {
		t.Error("the *Error does not unwrap to its Err")
	}
}

// DuplicateLookupFailed takes the lookup's code and keeps both errors in
// the chain.
func TestDuplicateLookupFailed(t *testing.T) {
	dup := &apierror.Error{Vendor: "twilio", StatusCode: 409}
	lookup := &apierror.Error{Vendor: "twilio", StatusCode: 503}
	e := driver.DuplicateLookupFailed("twilio", dup, lookup)
	if e.Code != driver.Unavailable || e.Provider != "twilio" {
		t.Errorf("DuplicateLookupFailed = %#v, want the lookup's Unavailable", e)
	}
	var dle *driver.DuplicateLookupError
	if !errors.As(e, &dle) || !errors.Is(e, dup) || !errors.Is(e, lookup) {
		t.Errorf("chain of %v lacks an error", e)
	}
}
