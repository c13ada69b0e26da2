package participants_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// stub is a Provider whose Add returns err (and res) and whose ErrorCode
// returns code, recording what it was asked to classify.
type stub struct {
	res   *driver.Result
	err   error
	code  driver.ErrorCode
	asked []error
}

func (s *stub) Name() string { return "stub" }

func (s *stub) Add(context.Context, string, driver.Participant, driver.CallOptions) (*driver.Result, error) {
	return s.res, s.err
}

func (s *stub) List(context.Context, string, string, driver.CallOptions) (*driver.Page, error) {
	return nil, s.err
}

func (s *stub) Get(context.Context, string, driver.Participant, driver.CallOptions) (*driver.Member, error) {
	return nil, s.err
}

func (s *stub) Remove(context.Context, string, driver.Participant, driver.CallOptions) (*driver.Result, error) {
	return s.res, s.err
}

func (s *stub) ErrorCode(err error) driver.ErrorCode {
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
			s := &stub{err: wrapped, code: driver.ErrorCode(code)}
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
	s := &stub{err: errVendor, code: driver.OK}
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
			s := &stub{err: c.err, code: driver.Unavailable}
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

// TestClientPassesProviderErrors: a *driver.Error (also wrapped) keeps its
// code, provider and words, and stays reachable, without asking ErrorCode.
func TestClientPassesProviderErrors(t *testing.T) {
	own := driver.Errorf(driver.AlreadyExists, "stub", "Email", "taken")
	for _, in := range []error{own, fmt.Errorf("context: %w", own)} {
		s := &stub{err: in, code: driver.Unavailable}
		_, err := addWith(t, s)
		var pe *participants.Error
		if !errors.As(err, &pe) || pe.Code != participants.AlreadyExists || pe.Provider != "stub" || !strings.HasSuffix(err.Error(), in.Error()) {
			t.Errorf("err = %v, want %v with its code", err, in)
		}
		if in == error(own) && (pe.Field != "Email" || pe.Message != "taken") {
			t.Errorf("err = %+v, want the provider's field and message", pe)
		}
		if in != error(own) && !errors.Is(err, in) {
			t.Errorf("err = %v: the provider's wrapped error is not in the chain", err)
		}
		if len(s.asked) != 0 {
			t.Errorf("ErrorCode asked about %v, want never", s.asked)
		}
	}
}

// TestClientNeitherResultNorError: a Provider that returns neither is an
// Unknown *Error of the Provider, without asking ErrorCode.
func TestClientNeitherResultNorError(t *testing.T) {
	s := &stub{code: driver.Unavailable}
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

// TestClientReturnsProviderResult: a Result says what the provider's says.
func TestClientReturnsProviderResult(t *testing.T) {
	raw := &struct{ n int }{1}
	want := driver.NewResult("stub", "p-1", driver.KindContact, driver.StatusActive, driver.Added, raw)
	res, err := addWith(t, &stub{res: want})
	var got *struct{ n int }
	if err != nil || res.Provider != want.Provider || res.ID != want.ID || string(res.Kind) != string(want.Kind) ||
		string(res.Status) != string(want.Status) || int(res.Outcome) != int(want.Outcome) || !res.As(&got) || got != raw {
		t.Errorf("Add = %v, %v; want %v, nil", res, err, want)
	}
}

// TestAdaptersErrorCode: the three adapters classify their vendor client's
// errors as Code does.
func TestAdaptersErrorCode(t *testing.T) {
	providers := []driver.Provider{
		intercomparticipants.New(nil, intercomparticipants.Options{}),
		birdparticipants.New(nil, birdparticipants.Options{}),
		twilioparticipants.New(nil, twilioparticipants.Options{}),
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
			if got := participants.ErrorCode(p.ErrorCode(c.err)); got != c.want {
				t.Errorf("%s.ErrorCode(%v) = %v, want %v", p.Name(), c.err, got, c.want)
			}
		}
		if got := participants.Code(c.err); got != c.want {
			t.Errorf("Code(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
