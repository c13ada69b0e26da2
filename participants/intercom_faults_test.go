package participants_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

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
		o      participants.IntercomOptions
		faults []participantstest.Fault
		call   func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error)
		sent   []string // the requests that reach the fake
	}{
		{"Remove by ID: the read after a 404", participants.IntercomOptions{}, []participantstest.Fault{detach404},
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
			}, []string{"DELETE"}},
		{"Remove by ID: the read after a 422 last customer", participants.IntercomOptions{}, []participantstest.Fault{detach422},
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
			}, []string{"DELETE"}},
		{"Remove by ExternalID: the lookup", participants.IntercomOptions{}, nil,
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ExternalID: "ext-bob"})
			}, nil},
		{"Remove with several identities: the lookup", participants.IntercomOptions{}, nil,
			func(ctx context.Context, c *participants.Client, f *icLife) (*participants.Result, error) {
				return c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID, ExternalID: "ext-bob"})
			}, nil},
		{"Add with ReportOutcome: the read before the attach", participants.IntercomOptions{ReportOutcome: true}, nil,
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
			c := participants.New(participants.Intercom(vc, o))
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
