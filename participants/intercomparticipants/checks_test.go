package intercomparticipants_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The Intercom provider's failed checks; the Intercom rows of the fault
// matrix stay with the matrix in package participants.

// cancelOnGET cancels the call's context when a GET reaches it (the
// checking read), and fails that request as a cancelled one.
type cancelOnGET struct {
	cancel context.CancelFunc
	gets   *atomic.Int32
}

func (c cancelOnGET) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet {
		c.gets.Add(1)
		c.cancel()
		return nil, context.Canceled
	}
	return http.DefaultTransport.RoundTrip(r)
}

// A failed check keeps its error: every read that settles or prepares an
// Intercom write ends the call with the read's own code when it fails (503:
// Unavailable; cancelled: Canceled, errors.Is context.Canceled), never
// NotFound, AlreadyAbsent, FailedPrecondition or an attach sent anyway.
func TestIntercomFailedCheckKeepsItsError(t *testing.T) {
	detach404 := participantstest.Fault{Method: http.MethodDelete, Status: 404, Body: intercomUserNotFound}
	detach422 := participantstest.Fault{Method: http.MethodDelete, Status: 422, Body: intercomLastCustomer}
	read503 := repeatFault(4, participantstest.Fault{Method: http.MethodGet, Status: 503, Body: `{}`})
	for _, tt := range []struct {
		name   string
		o      intercomparticipants.Options
		faults []participantstest.Fault
		call   func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error)
		sent   []string // the requests that reach the fake
	}{
		{"Remove by ID: the read after a 404", intercomparticipants.Options{}, []participantstest.Fault{detach404},
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
			}, []string{"DELETE"}},
		{"Remove by ID: the read after a 422 last customer", intercomparticipants.Options{}, []participantstest.Fault{detach422},
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
			}, []string{"DELETE"}},
		{"Remove by ExternalID: the lookup", intercomparticipants.Options{}, nil,
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ExternalID: "ext-bob"})
			}, nil},
		{"Remove with several identities: the lookup", intercomparticipants.Options{}, nil,
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID, ExternalID: "ext-bob"})
			}, nil},
		{"Add with ReportOutcome: the read before the attach", intercomparticipants.Options{ReportOutcome: true}, nil,
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Add(ctx, icConv, participants.Participant{ID: f.lead.ID})
			}, nil},
	} {
		t.Run(tt.name+"/503", func(t *testing.T) {
			f := newICLife(t, tt.o)
			f.fake.InjectFaults(append(tt.faults, read503...)...)
			res, err := tt.call(ctx, f.c, f)
			if res != nil {
				t.Errorf("result = %+v", res)
			}
			intercomWantCode(t, err, participants.Unavailable, "")
			var api *intercom.APIError
			if !errors.As(err, &api) || api.StatusCode != 503 {
				t.Errorf("err = %v, want the read's 503", err)
			}
			f.wantRequests(t, append(tt.sent, "GET", "GET", "GET", "GET")...)
			if got := f.customerIDs(); len(got) != 2 {
				t.Errorf("customers = %v", got)
			}
		})
		t.Run(tt.name+"/cancelled", func(t *testing.T) {
			f := newICLife(t, tt.o)
			f.fake.InjectFaults(tt.faults...)
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var gets atomic.Int32
			vc, err := intercom.New(f.fake.Token(), f.fake.ClientOptions(option.WithHTTPClient(&http.Client{Transport: cancelOnGET{cancel, &gets}}))...)
			if err != nil {
				t.Fatal(err)
			}
			o := tt.o
			o.AdminID = intercomAdmin
			c := participants.New(intercomparticipants.New(vc, o))
			res, err := tt.call(cctx, c, f)
			if res != nil {
				t.Errorf("result = %+v", res)
			}
			intercomWantCode(t, err, participants.Canceled, "")
			if !errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
			}
			if gets.Load() != 1 {
				t.Errorf("%d reads, want 1", gets.Load())
			}
			f.wantRequests(t, tt.sent...)
			if got := f.customerIDs(); len(got) != 2 {
				t.Errorf("customers = %v", got)
			}
		})
	}
}

// The Intercom adapter's own messages never quote a value Intercom
// supplied: a fake whose contact ID is the access token (a vendor that
// echoes the credential) shows it in no Error() of the paths that name the
// contact found by an ExternalID lookup.
func TestIntercomMessagesHideEchoedCredential(t *testing.T) {
	const token = "tok-9f8e7d6c5b4a39281706f5e4"
	for _, tt := range []struct {
		name   string
		faults func(id string) []participantstest.Fault
		code   participants.ErrorCode
	}{
		{"detach answered with the contact still listed", func(id string) []participantstest.Fault {
			return []participantstest.Fault{{Method: http.MethodDelete, Status: 200, Body: `{"customers":[{"type":"user","id":"` + id + `"}]}`}}
		}, participants.Unknown},
		{"detach of the last customer", func(string) []participantstest.Fault {
			return []participantstest.Fault{{Method: http.MethodDelete, Status: 422, Body: intercomLastCustomer}}
		}, participants.FailedPrecondition},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := participantstest.NewIntercomServer(participantstest.WithIntercomToken(token))
			t.Cleanup(fake.Close)
			fake.SeedAdmin(intercomAdmin)
			echo := fake.SeedContact(participantstest.IntercomContact{ID: token, UserID: "ext-echo"})
			fake.SeedConversation(icConv, echo.ID)
			vc, err := intercom.New(token, fake.ClientOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			c := participants.New(intercomparticipants.New(vc, intercomparticipants.Options{AdminID: intercomAdmin}))
			fake.InjectFaults(tt.faults(echo.ID)...)
			_, err = c.Remove(ctx, icConv, participants.Participant{ExternalID: "ext-echo"})
			if participants.Code(err) != tt.code {
				t.Fatalf("err = %v, want %v", err, tt.code)
			}
			if msg := err.Error(); strings.Contains(msg, token) || !strings.Contains(msg, `ExternalID "ext-echo"`) {
				t.Errorf("Error() = %q: quotes the credential, or not the caller's ExternalID", msg)
			}
		})
	}
}

// repeatFault is n copies of f.
func repeatFault(n int, f participantstest.Fault) []participantstest.Fault {
	out := make([]participantstest.Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// Intercom's error bodies for a detach: the contact is not on the
// conversation; it is the last customer.
const (
	intercomUserNotFound = `{"type":"error.list","errors":[{"code":"not_found","message":"User Not Found"}]}`
	intercomLastCustomer = `{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Removing the last customer is not allowed"}]}`
)
