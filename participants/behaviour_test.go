package participants_test

// Behaviour that mutation testing (issue 13) found unchecked: Twilio's
// duplicate lookup among many participants, the status-to-code table and
// the refusals that must come before any request.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

const otherProxy = "+15017122999"

// twilioWithProxy is a participants Client on srv whose Phone participants
// talk to proxy.
func twilioWithProxy(t *testing.T, srv *participantstest.TwilioServer, proxy string, opts ...option.Option) *participants.Client {
	t.Helper()
	tc, err := twilio.New(srv.AccountSID(), srv.AuthToken(), append(fast(srv.URL()), opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: proxy}))
}

func mustAdd(t *testing.T, c *participants.Client, conv string, p participants.Participant) *participants.Result {
	t.Helper()
	res, err := c.Add(ctx, conv, p)
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add %+v: %+v, %v", p, res, err)
	}
	return res
}

// fill adds n chat participants with identities prefix-000, prefix-001, ...
func fill(t *testing.T, c *participants.Client, conv, prefix string, n int) {
	t.Helper()
	for i := range n {
		mustAdd(t, c, conv, participants.Participant{ExternalID: fmt.Sprintf("%s-%03d", prefix, i)})
	}
}

// Adding a chat identity that is already in the conversation (Twilio 50433)
// answers AlreadyPresent with that participant, wherever it is in the list:
// after other people, after SMS participants without identity, on the
// second page of 100.
func TestTwilioDuplicateIdentityAmongMany(t *testing.T) {
	f, srv := newTwilioFixture(t)
	conv := f.Conversation
	mustAdd(t, f.Client, conv, participants.Participant{ExternalID: "alice"})
	mustAdd(t, f.Client, conv, participants.Participant{Phone: "+15550000001"})
	fill(t, f.Client, conv, "person", 110)
	ada := mustAdd(t, f.Client, conv, participants.Participant{ExternalID: "ada"})
	mustAdd(t, f.Client, conv, participants.Participant{ExternalID: "bob"})

	got, err := f.Client.Add(ctx, conv, participants.Participant{ExternalID: "ada"})
	if err != nil || got.Outcome != participants.AlreadyPresent || got.ID != ada.ID {
		t.Fatalf("ada again: %+v, %v; want AlreadyPresent %s", got, err, ada.ID)
	}
	var tp *twilio.Participant
	if !got.As(&tp) || tp.Identity != "ada" {
		t.Errorf("As(*twilio.Participant) = %+v", tp)
	}
	// The first of them too.
	got, err = f.Client.Add(ctx, conv, participants.Participant{ExternalID: "alice"})
	if err != nil || got.Outcome != participants.AlreadyPresent {
		t.Fatalf("alice again: %+v, %v", got, err)
	}
	if n := len(srv.Participants(conv)); n != 114 {
		t.Errorf("%d participants, want 114", n)
	}
}

// Adding an address already bound here with this proxy (Twilio 50416)
// answers AlreadyPresent with that participant, even when the same address
// with another proxy comes first and the participant is on the second page.
func TestTwilioDuplicateBindingAmongMany(t *testing.T) {
	f, srv := newTwilioFixture(t)
	conv := f.Conversation
	const phone = "+15558675310"
	other := twilioWithProxy(t, srv, otherProxy)
	decoy := mustAdd(t, other, conv, participants.Participant{Phone: phone})
	mustAdd(t, f.Client, conv, participants.Participant{ExternalID: "alice"})
	fill(t, f.Client, conv, "person", 105)
	mine := mustAdd(t, f.Client, conv, participants.Participant{Phone: phone})
	if mine.ID == decoy.ID {
		t.Fatal("the fake merged two bindings")
	}

	got, err := f.Client.Add(ctx, conv, participants.Participant{Phone: phone})
	if err != nil || got.Outcome != participants.AlreadyPresent || got.ID != mine.ID {
		t.Fatalf("same address and proxy again: %+v, %v; want AlreadyPresent %s (not the other proxy's %s)", got, err, mine.ID, decoy.ID)
	}
	// And through the other proxy, its own participant.
	got, err = other.Add(ctx, conv, participants.Participant{Phone: phone})
	if err != nil || got.Outcome != participants.AlreadyPresent || got.ID != decoy.ID {
		t.Fatalf("other proxy again: %+v, %v; want AlreadyPresent %s", got, err, decoy.ID)
	}
}

// An address bound with this proxy in another conversation (Twilio 50416)
// is AlreadyExists, even when this conversation has the same address with
// another proxy: that participant is not the one asked for.
func TestTwilioBindingElsewhereWithSameAddressHere(t *testing.T) {
	f, srv := newTwilioFixture(t)
	const phone = "+15558675310"
	elsewhere := srv.SeedConversation("CH00000000000000000000000000000002", "")
	mustAdd(t, f.Client, elsewhere, participants.Participant{Phone: phone})
	mustAdd(t, twilioWithProxy(t, srv, otherProxy), f.Conversation, participants.Participant{Phone: phone})
	before := len(srv.Participants(f.Conversation))

	res, err := f.Client.Add(ctx, f.Conversation, participants.Participant{Phone: phone})
	if participants.Code(err) != participants.AlreadyExists || res != nil {
		t.Fatalf("Add = %+v, %v; want AlreadyExists", res, err)
	}
	var pe *participants.Error
	if !errors.As(err, &pe) || pe.Field != "Phone" || !strings.Contains(err.Error(), "another active conversation") ||
		!strings.Contains(err.Error(), phone) || !strings.Contains(err.Error(), twilioProxy) {
		t.Errorf("err = %v, want it to name Phone, the address and the proxy", err)
	}
	var api *twilio.APIError
	if !errors.As(err, &api) || api.Code != "50416" {
		t.Errorf("APIError = %+v", api)
	}
	if n := len(srv.Participants(f.Conversation)); n != before {
		t.Errorf("participants %d → %d", before, n)
	}
}

// A duplicate code for someone the list does not show is AlreadyExists, and
// so is a duplicate whose lookup fails; neither is a success.
func TestTwilioDuplicateNotFoundOrLookupFailed(t *testing.T) {
	dup := func(code string) participantstest.Fault {
		return participantstest.Fault{Status: http.StatusConflict, Body: `{"code":` + code + `,"message":"duplicate","status":409}`}
	}
	for _, code := range []string{"50433", "50437"} {
		t.Run(code+" not in the list", func(t *testing.T) {
			f, srv := newTwilioFixture(t)
			mustAdd(t, f.Client, f.Conversation, participants.Participant{ExternalID: "alice"})
			srv.InjectFaults(dup(code))
			_, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "ada"})
			if participants.Code(err) != participants.AlreadyExists || !strings.Contains(err.Error(), "not in this conversation") {
				t.Errorf("err = %v, want AlreadyExists: not in this conversation", err)
			}
		})
	}
	t.Run("lookup fails", func(t *testing.T) {
		f, srv := newTwilioFixture(t)
		srv.InjectFaults(dup("50433"), participantstest.Fault{Status: http.StatusForbidden, Body: `{"code":20403,"message":"no","status":403}`})
		_, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "ada"})
		// The lookup's failure decides the code; both answers are in the chain.
		if participants.Code(err) != participants.PermissionDenied || !strings.Contains(err.Error(), "looking up the existing participant failed") {
			t.Errorf("err = %v, want PermissionDenied: looking up failed", err)
		}
		var dle *participants.DuplicateLookupError
		var dup, lookup *twilio.APIError
		if !errors.As(err, &dle) || !errors.As(dle.Duplicate, &dup) || dup.Code != "50433" || !errors.As(dle.Lookup, &lookup) || lookup.StatusCode != 403 {
			t.Errorf("the duplicate's and the lookup's APIErrors are not in the chain: %v", err)
		}
	})
	t.Run("other 409 is not looked up", func(t *testing.T) {
		f, srv := newTwilioFixture(t)
		srv.InjectFaults(dup("50999"))
		_, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "ada"})
		if participants.Code(err) != participants.AlreadyExists || srv.Requests() != 1 {
			t.Errorf("err = %v after %d requests, want AlreadyExists after 1", err, srv.Requests())
		}
	})
}

// Every status class has its code: the named rows, 408 with the 5xx, 501
// apart, and any other status Unknown.
func TestStatusCodeTable(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   participants.ErrorCode
	}{
		{301, participants.Unavailable},
		{400, participants.InvalidArgument},
		{401, participants.Unauthenticated},
		{403, participants.PermissionDenied},
		{404, participants.NotFound},
		{405, participants.Unknown},
		{408, participants.Unavailable},
		{409, participants.AlreadyExists},
		{410, participants.Unknown},
		{418, participants.Unknown},
		{422, participants.InvalidArgument},
		{429, participants.RateLimited},
		{499, participants.Unknown},
		{500, participants.Unavailable},
		{501, participants.Unimplemented},
		{502, participants.Unavailable},
		{503, participants.Unavailable},
		{504, participants.Unavailable},
		{599, participants.Unavailable},
	} {
		err := error(&intercom.APIError{Vendor: "intercom", StatusCode: tc.status})
		if got := participants.Code(err); got != tc.want {
			t.Errorf("Code(%d) = %v, want %v", tc.status, got, tc.want)
		}
		wrapped := driver.WrapError("intercom", err)
		if got := participants.Code(wrapped); got != tc.want || !errors.Is(wrapped, err) {
			t.Errorf("Code(WrapError(%d)) = %v, want %v", tc.status, got, tc.want)
		}
	}
}

// The same through each vendor's fake: 408 is retried and then Unavailable;
// 410 and 418 are Unknown and not retried.
func TestVendorOtherStatusesMapToCodes(t *testing.T) {
	for _, tc := range []struct {
		status   int
		want     participants.ErrorCode
		attempts int
	}{
		{408, participants.Unavailable, 4},
		{410, participants.Unknown, 1},
		{418, participants.Unknown, 1},
	} {
		for name, mk := range map[string]func(*testing.T) *drivertest.Fixture{
			"intercom": func(t *testing.T) *drivertest.Fixture { f, _ := newIntercomFixture(t); return f },
			"bird":     func(t *testing.T) *drivertest.Fixture { f, _ := newBirdFixture(t); return f },
			"twilio":   func(t *testing.T) *drivertest.Fixture { f, _ := newTwilioFixture(t); return f },
		} {
			t.Run(fmt.Sprintf("%s/%d", name, tc.status), func(t *testing.T) {
				f := mk(t)
				faults := make([]participantstest.Fault, 5)
				for i := range faults {
					faults[i] = participantstest.Fault{Status: tc.status, Body: `{}`, Header: http.Header{"Retry-After": {"0"}}}
				}
				f.Fake.InjectFaults(faults...)
				_, err := f.Client.Add(ctx, f.Conversation, f.Person(1))
				if got := participants.Code(err); got != tc.want {
					t.Errorf("Code = %v, want %v (%v)", got, tc.want, err)
				}
				var api *intercom.APIError
				if !errors.As(err, &api) || api.StatusCode != tc.status {
					t.Errorf("APIError = %+v", api)
				}
				if n := f.Fake.Requests(); n != tc.attempts {
					t.Errorf("%d requests, want %d", n, tc.attempts)
				}
			})
		}
	}
}

// Twilio cannot add a team member or a bot: Kind user and bot are refused
// as Unimplemented, naming Kind, before any request; Kind contact is the
// default and is added.
func TestTwilioRefusesKindUserAndBot(t *testing.T) {
	f, srv := newTwilioFixture(t)
	for _, k := range []participants.Kind{participants.KindUser, participants.KindBot} {
		_, err := f.Client.Add(ctx, f.Conversation, participants.Participant{Kind: k, ID: "MB00000000000000000000000000000001", ExternalID: "ada"})
		var pe *participants.Error
		if participants.Code(err) != participants.Unimplemented || !errors.As(err, &pe) || pe.Field != "Kind" || pe.Provider != "twilio" {
			t.Errorf("Kind %q: %v, want Unimplemented naming Kind", k, err)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent for refused kinds", n)
	}
	res, err := f.Client.Add(ctx, f.Conversation, participants.Participant{Kind: participants.KindContact, ExternalID: "ada"})
	if err != nil || res.Outcome != participants.Added || res.Kind != participants.KindContact {
		t.Errorf("Kind contact: %+v, %v", res, err)
	}
}

// An attempt cut off by its per-attempt timeout is Unavailable (the vendor
// was too slow), not DeadlineExceeded: the caller's context is still live.
// The timeouts pass on virtual time (testing/synctest), the clients reaching
// the fakes in memory.
func TestAttemptTimeoutIsUnavailable(t *testing.T) {
	short := []option.Option{option.WithAttemptTimeout(100 * time.Millisecond), option.WithMaxRetries(1)}
	for name, mk := range map[string]func(t *testing.T) (*participants.Client, *participantstest.Server, string, participants.Participant){
		"twilio": func(t *testing.T) (*participants.Client, *participantstest.Server, string, participants.Participant) {
			srv := participantstest.NewTwilioServer()
			t.Cleanup(srv.Close)
			conv := srv.SeedConversation(twilioConversation, "")
			tc := must(twilio.New(srv.AccountSID(), srv.AuthToken(), srv.InMemoryClientOptions(short...)...))(t)
			return participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy})),
				srv.Server, conv, participants.Participant{ExternalID: "ada"}
		},
		"bird": func(t *testing.T) (*participants.Client, *participantstest.Server, string, participants.Participant) {
			srv := participantstest.NewBirdServer()
			t.Cleanup(srv.Close)
			srv.SeedConversation(birdConversation)
			bc := must(bird.New(srv.AccessKey(), srv.InMemoryClientOptions(short...)...))(t)
			return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: srv.WorkspaceID()})),
				srv.Server, birdConversation, participants.Participant{Email: "ada@example.com"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, srv, conv, p := mk(t)
				srv.InjectFaults(participantstest.Fault{Delay: 20 * time.Second}, participantstest.Fault{Delay: 20 * time.Second})
				cctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				_, err := c.Add(cctx, conv, p)
				if got := participants.Code(err); got != participants.Unavailable {
					t.Errorf("Code = %v, want Unavailable (%v)", got, err)
				}
				var ate *transport.AttemptTimeoutError
				if !errors.As(err, &ate) || errors.Is(err, context.DeadlineExceeded) || cctx.Err() != nil {
					t.Errorf("err = %v, ctx.Err() = %v; want an attempt timeout with the caller's context live", err, cctx.Err())
				}
				if !errors.Is(err, participants.ErrUnavailable) {
					t.Errorf("errors.Is(err, ErrUnavailable) = false for %v", err)
				}
			})
		})
	}
}
