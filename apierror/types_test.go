package apierror

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParamError(t *testing.T) {
	inner := errors.New("inner")
	e := &ParamError{Vendor: "bird", Field: "option.WithBaseURL", Reason: "not absolute", Err: inner}
	if got, want := e.Error(), "bird: invalid option.WithBaseURL: not absolute"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, inner) || e.Unwrap() != inner {
		t.Error("Unwrap does not reach Err")
	}
	e.Vendor = ""
	if got, want := e.Error(), "invalid option.WithBaseURL: not absolute"; got != want {
		t.Errorf("Error() without a vendor = %q, want %q", got, want)
	}
}

func TestLimiterError(t *testing.T) {
	e := &LimiterError{Err: context.DeadlineExceeded}
	if got, want := e.Error(), "rate limiter refused the attempt (not sent): context deadline exceeded"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, context.DeadlineExceeded) {
		t.Error("Unwrap does not reach Err")
	}
}

func TestSuccessBodyError(t *testing.T) {
	var nilErr *SuccessBodyError
	if got := nilErr.Error(); got != "<nil>" {
		t.Errorf("nil Error() = %q", got)
	}
	e := &SuccessBodyError{Vendor: "twilio", Op: "POST /v1/Conversations/{sid}/Participants", StatusCode: 201, Missing: "a participant SID"}
	want := "twilio: POST /v1/Conversations/{sid}/Participants: 2xx without a participant SID (HTTP 201)"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Reason = strings.Repeat("r", 300)
	got := e.Error()
	if !strings.HasPrefix(got, strings.TrimSuffix(want, ")")+": rrr") || !strings.HasSuffix(got, ")") || len(got) > len(want)+2+200+3 {
		t.Errorf("Error() with a long reason = %q (%d bytes): want it clipped to 200 bytes", got, len(got))
	}
}

// Misrouted is a 404 whose body is not the vendor's error shape, and only
// that; its message names the host when it is known.
func TestMisrouted(t *testing.T) {
	var nilErr *Error
	if nilErr.Misrouted() {
		t.Error("a nil *Error is Misrouted")
	}
	for _, tc := range []struct {
		status  int
		unknown bool
		want    bool
	}{{404, true, true}, {404, false, false}, {500, true, false}, {403, true, false}} {
		e := &Error{Vendor: "twilio", StatusCode: tc.status, UnknownShape: tc.unknown}
		if got := e.Misrouted(); got != tc.want {
			t.Errorf("HTTP %d, UnknownShape %v: Misrouted() = %v, want %v", tc.status, tc.unknown, got, tc.want)
		}
		if got := strings.Contains(e.Error(), "does not answer as twilio would"); got != tc.want {
			t.Errorf("HTTP %d, UnknownShape %v: Error() = %q", tc.status, tc.unknown, e.Error())
		}
	}
	e := &Error{Vendor: "twilio", StatusCode: 404, UnknownShape: true}
	const tail = ": not a twilio error: the server%s does not answer as twilio would (check option.WithBaseURL)"
	if got, want := e.Error(), "twilio: HTTP 404 Not Found"+fmt.Sprintf(tail, ""); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Host = "example.com"
	if got, want := e.Error(), "twilio: HTTP 404 Not Found"+fmt.Sprintf(tail, " at example.com"); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
