package participants_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/twilio"
)

// stub is a Provider whose Add returns err (and res) and whose ErrorCode
// returns code, recording what it was asked to classify.
type stub struct {
	res   *participants.Result
	err   error
	code  participants.ErrorCode
	asked []error
}

func (s *stub) Name() string { return "stub" }

func (s *stub) Add(context.Context, string, participants.Participant, participants.CallOptions) (*participants.Result, error) {
	return s.res, s.err
}

func (s *stub) List(context.Context, string, string, participants.CallOptions) (*participants.Page, error) {
	return nil, s.err
}

func (s *stub) Get(context.Context, string, participants.Participant, participants.CallOptions) (*participants.Member, error) {
	return nil, s.err
}

func (s *stub) Remove(context.Context, string, participants.Participant, participants.CallOptions) (*participants.Result, error) {
	return s.res, s.err
}

func (s *stub) ErrorCode(err error) participants.ErrorCode {
	s.asked = append(s.asked, err)
	return s.code
}

// errVendor is an error of a vendor client written outside this module.
var errVendor = errors.New("toy vendor: 418 teapot")

// addWith calls Add on a Client over s.
func addWith(t *testing.T, s *stub) (*participants.Result, error) {
	t.Helper()
	return participants.New(s).Add(context.Background(), "conv-1", participants.Participant{Email: "ada@example.com"})
}

// TestClientAsksProviderErrorCode: an error that is neither an *Error nor a
// context error gets the code the Provider gives, the Provider's name, and
// stays in the chain.
func TestClientAsksProviderErrorCode(t *testing.T) {
	for _, code := range []participants.ErrorCode{participants.PermissionDenied, participants.NotFound, participants.Unavailable} {
		t.Run(code.String(), func(t *testing.T) {
			wrapped := fmt.Errorf("add: %w", errVendor)
			s := &stub{err: wrapped, code: code}
			res, err := addWith(t, s)
			if res != nil {
				t.Errorf("res = %v, want nil", res)
			}
			if got := participants.Code(err); got != code {
				t.Errorf("Code(err) = %v, want %v (%v)", got, code, err)
			}
			var pe *participants.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %T, want *participants.Error", err)
			}
			if pe.Provider != "stub" || pe.Err != wrapped || pe.Field != "" || pe.Message != "" {
				t.Errorf("err = %+v", pe)
			}
			if !errors.Is(err, errVendor) {
				t.Error("the provider's error is not in the chain")
			}
			if len(s.asked) != 1 || s.asked[0] != wrapped {
				t.Errorf("ErrorCode asked about %v, want [%v]", s.asked, wrapped)
			}
			if got, want := err.Error(), "stub: "+code.String()+": add: toy vendor: 418 teapot"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		})
	}
}

// TestClientErrorCodeOKIsUnknown: a Provider that calls an error OK gets
// Unknown, never a non-nil error with code OK.
func TestClientErrorCodeOKIsUnknown(t *testing.T) {
	s := &stub{err: errVendor, code: participants.OK}
	_, err := addWith(t, s)
	if got := participants.Code(err); got != participants.Unknown {
		t.Errorf("Code(err) = %v, want Unknown", got)
	}
	if len(s.asked) != 1 {
		t.Errorf("ErrorCode asked %d times, want 1", len(s.asked))
	}
}

// TestClientDecidesContextErrors: context errors are Canceled or
// DeadlineExceeded whatever the Provider's ErrorCode says, and it is not
// asked.
func TestClientDecidesContextErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want participants.ErrorCode
	}{
		{context.Canceled, participants.Canceled},
		{fmt.Errorf("post: %w", context.Canceled), participants.Canceled},
		{context.DeadlineExceeded, participants.DeadlineExceeded},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), participants.DeadlineExceeded},
	} {
		t.Run(c.err.Error(), func(t *testing.T) {
			s := &stub{err: c.err, code: participants.Unavailable}
			_, err := addWith(t, s)
			if got := participants.Code(err); got != c.want {
				t.Errorf("Code(err) = %v, want %v", got, c.want)
			}
			var pe *participants.Error
			if !errors.As(err, &pe) || pe.Provider != "stub" || pe.Err != c.err {
				t.Errorf("err = %#v, want an *Error of stub with Err %v", err, c.err)
			}
			if len(s.asked) != 0 {
				t.Errorf("ErrorCode asked about %v, want never", s.asked)
			}
		})
	}
}

// TestClientPassesProviderErrors: an *Error (also wrapped) is returned as it
// is, without asking ErrorCode.
func TestClientPassesProviderErrors(t *testing.T) {
	own := participants.Errorf(participants.AlreadyExists, "stub", "Email", "taken")
	for _, in := range []error{own, fmt.Errorf("context: %w", own)} {
		s := &stub{err: in, code: participants.Unavailable}
		_, err := addWith(t, s)
		if err != in {
			t.Errorf("err = %v, want %v as it is", err, in)
		}
		if len(s.asked) != 0 {
			t.Errorf("ErrorCode asked about %v, want never", s.asked)
		}
	}
}

// TestClientNeitherResultNorError: a Provider that returns neither is an
// Unknown *Error of the Provider, without asking ErrorCode.
func TestClientNeitherResultNorError(t *testing.T) {
	s := &stub{code: participants.Unavailable}
	res, err := addWith(t, s)
	var pe *participants.Error
	if res != nil || !errors.As(err, &pe) || pe.Code != participants.Unknown || pe.Provider != "stub" || pe.Err != nil {
		t.Fatalf("Add = %v, %#v; want an Unknown *Error of stub", res, err)
	}
	if got, want := err.Error(), "stub: Unknown: the provider returned neither a result nor an error"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if len(s.asked) != 0 {
		t.Errorf("ErrorCode asked about %v, want never", s.asked)
	}
}

// TestClientReturnsProviderResult: a Result is returned as it is.
func TestClientReturnsProviderResult(t *testing.T) {
	want := participants.NewResult("stub", "p-1", participants.KindContact, "", participants.Added, nil)
	res, err := addWith(t, &stub{res: want})
	if err != nil || res != want {
		t.Errorf("Add = %v, %v; want %v, nil", res, err, want)
	}
}

// TestAdaptersErrorCode: the three adapters classify their vendor client's
// errors as Code does.
func TestAdaptersErrorCode(t *testing.T) {
	providers := []participants.Provider{
		participants.Intercom(nil, participants.IntercomOptions{}),
		participants.Bird(nil, participants.BirdOptions{}),
		participants.Twilio(nil, participants.TwilioOptions{}),
	}
	bc, err := bird.New("key")
	if err != nil {
		t.Fatal(err)
	}
	_, pathErr := bc.AddParticipant(context.Background(), "not-a-uuid", "c9c60caa-eaf5-4628-9687-91de4d452bfa", bird.ContactByID("x"))
	if pathErr == nil {
		t.Fatal("AddParticipant with a bad workspace ID succeeded")
	}
	for _, c := range []struct {
		err  error
		want participants.ErrorCode
	}{
		{&intercom.APIError{StatusCode: http.StatusNotFound}, participants.NotFound},
		{&bird.APIError{StatusCode: http.StatusUnauthorized}, participants.Unauthenticated},
		{fmt.Errorf("x: %w", &twilio.APIError{StatusCode: http.StatusTooManyRequests}), participants.RateLimited},
		{&twilio.APIError{StatusCode: http.StatusBadGateway}, participants.Unavailable},
		{pathErr, participants.InvalidArgument},
		{errVendor, participants.Unknown},
	} {
		for _, p := range providers {
			if got := p.ErrorCode(c.err); got != c.want {
				t.Errorf("%s.ErrorCode(%v) = %v, want %v", p.Name(), c.err, got, c.want)
			}
		}
		if got := participants.Code(c.err); got != c.want {
			t.Errorf("Code(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
