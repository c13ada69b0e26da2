package apierror

import (
	"context"
	"errors"
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
