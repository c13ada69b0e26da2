package participants_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

var ctx = context.Background()

// lastBody returns the body of the last request the fake received.
func lastBody(t *testing.T, s *participantstest.Server) string {
	t.Helper()
	log := s.RequestLog()
	if len(log) == 0 {
		t.Fatal("no request reached the fake")
	}
	return string(log[len(log)-1].Body)
}

func TestIntercomAdminAndOverride(t *testing.T) {
	f, srv := newIntercomFixture(t)
	srv.SeedAdmin("999")
	c := srv.SeedContact(participantstest.IntercomContact{UserID: "u-1", Email: "u1@example.com"})

	res, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != c.ID || res.Outcome != participants.Unreported || res.Kind != participants.KindContact {
		t.Errorf("result = %+v", res)
	}
	if got, want := lastBody(t, srv.Server), `{"admin_id":"781236","customer":{"intercom_user_id":"`+c.ID+`"}}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	var list *intercom.CustomersList
	if !res.As(&list) || len(list.Customers) != 1 || list.Customers[0].ID != c.ID {
		t.Errorf("As(*intercom.CustomersList) = %v, %+v", res.As(&list), list)
	}

	if _, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "u-1"}, intercomparticipants.WithAdmin("999")); err != nil {
		t.Fatal(err)
	}
	if got, want := lastBody(t, srv.Server), `{"admin_id":"999","customer":{"user_id":"u-1"}}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if n := len(srv.Customers(f.Conversation)); n != 1 {
		t.Errorf("customers = %d, want 1", n)
	}

	_, err = f.Client.Add(ctx, f.Conversation, participants.Participant{Email: "x@example.com"}, intercomparticipants.WithAdmin("404404"))
	if participants.Code(err) != participants.NotFound {
		t.Errorf("unknown admin: Code = %v (%v), want NotFound", participants.Code(err), err)
	}
}

func TestIntercomContactActing(t *testing.T) {
	ic, srv := participantstest.NewIntercom(t)
	actor := srv.SeedContact(participantstest.IntercomContact{UserID: "actor-1", Email: "actor@example.com"})
	srv.SeedConversation("555", actor.ID)
	c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{
		ActingContact: &participants.Participant{ExternalID: "actor-1"},
	}))
	if _, err := c.Add(ctx, "555", participants.Participant{Email: "friend@example.com"}); err != nil {
		t.Fatal(err)
	}
	if got, want := lastBody(t, srv.Server), `{"customer":{"email":"friend@example.com"},"user_id":"actor-1"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if n := len(srv.Customers("555")); n != 2 {
		t.Errorf("customers = %d, want 2", n)
	}

	none := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{}))
	before := srv.Requests()
	_, err := none.Add(ctx, "555", participants.Participant{Email: "friend@example.com"})
	var pe *participants.Error
	if participants.Code(err) != participants.InvalidArgument || !errors.As(err, &pe) || pe.Field != "intercomparticipants.Options.AdminID" {
		t.Errorf("no actor: %v", err)
	}
	if srv.Requests() != before {
		t.Error("a request was sent without an actor")
	}
}

func TestBirdMapping(t *testing.T) {
	f, srv := newBirdFixture(t)
	user := srv.SeedUser("0e8a1c9e-8d0b-4a8e-9d5c-2a7f8b1c0d11")
	flow := srv.SeedFlow("6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
	contact := srv.SeedContact(participantstest.BirdContact{Identifiers: []participantstest.BirdIdentifier{{Key: "phonenumber", Value: "+31612345678"}}})
	bc, err := bird.New(srv.AccessKey(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	withSelector := participants.New(birdparticipants.New(bc, birdparticipants.Options{
		WorkspaceID: srv.WorkspaceID(), Status: participants.StatusInvited, PlatformAddressSelector: "identifiers.phonenumber",
	}))
	for _, tc := range []struct {
		name string
		c    *participants.Client
		p    participants.Participant
		body string
		kind participants.Kind
	}{
		{"user", f.Client, participants.Participant{Kind: participants.KindUser, ID: user}, `{"type":"user","id":"` + user + `"}`, participants.KindUser},
		{"flow", f.Client, participants.Participant{Kind: participants.KindBot, ID: flow}, `{"type":"flow","id":"` + flow + `"}`, participants.KindBot},
		{"contact by id", withSelector, participants.Participant{ID: contact.ID}, `{"type":"contact","id":"` + contact.ID + `","status":"invited","contact":{"platformAddressSelector":"identifiers.phonenumber"}}`, participants.KindContact},
		{"email", f.Client, participants.Participant{ExternalID: "crm-7", Email: "ada@example.com", Use: participants.UseEmail, Status: participants.StatusPending}, `{"type":"contact","status":"pending","contact":{"identifierKey":"emailaddress","identifierValue":"ada@example.com"}}`, participants.KindContact},
		{"phone", f.Client, participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp}, `{"type":"contact","contact":{"identifierKey":"phonenumber","identifierValue":"+15558675310"}}`, participants.KindContact},
		{"identifier", f.Client, participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "12345"}}, `{"type":"contact","contact":{"identifierKey":"facebookid-1","identifierValue":"12345"}}`, participants.KindContact},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.c.Add(ctx, f.Conversation, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if got := lastBody(t, srv.Server); got != tc.body {
				t.Errorf("body = %s\nwant   %s", got, tc.body)
			}
			if res.Outcome != participants.Added || res.Kind != tc.kind || res.ID == "" {
				t.Errorf("result = %+v", res)
			}
			var bp *bird.Participant
			if !res.As(&bp) || bp.ID != res.ID {
				t.Errorf("As(*bird.Participant) failed: %+v", bp)
			}
		})
	}
}

func TestBird409ResolvedByIdentifier(t *testing.T) {
	f, srv := newBirdFixture(t)
	srv.SetDuplicateStatus(http.StatusConflict)
	p := participants.Participant{Email: "dup@example.com"}
	first, err := f.Client.Add(ctx, f.Conversation, p)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.Client.Add(ctx, f.Conversation, p)
	if err != nil {
		t.Fatalf("409 not resolved: %v", err)
	}
	if second.Outcome != participants.AlreadyPresent || second.ID != first.ID {
		t.Errorf("second = %+v, first ID %s", second, first.ID)
	}
	log := srv.RequestLog()
	if last := log[len(log)-1]; last.Method != http.MethodGet || !strings.Contains(last.Path, "/participants/emailaddress/dup@example.com") {
		t.Errorf("last request = %s %s, want the get-by-identifier lookup", last.Method, last.Path)
	}

	contact := srv.SeedContact(participantstest.BirdContact{})
	if _, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ID: contact.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.Client.Add(ctx, f.Conversation, participants.Participant{ID: contact.ID})
	if participants.Code(err) != participants.AlreadyExists || !errors.Is(err, participants.ErrAlreadyExists) {
		t.Errorf("409 by ID: %v, want AlreadyExists", err)
	}
}

func TestTwilioMapping(t *testing.T) {
	f, srv := newTwilioFixture(t)
	tc, err := twilio.New(srv.AccountSID(), srv.AuthToken(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	const role = "RL00000000000000000000000000000001"
	hooked := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy, WebhookEnabled: true}))

	res, err := hooked.Add(ctx, f.Conversation, participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp, Attributes: json.RawMessage(`{"tier":"gold"}`)},
		twilioparticipants.WithRole(role))
	if err != nil {
		t.Fatal(err)
	}
	want := "Attributes=%7B%22tier%22%3A%22gold%22%7D&MessagingBinding.Address=whatsapp%3A%2B15558675310&MessagingBinding.ProxyAddress=whatsapp%3A%2B15017122661&RoleSid=" + role
	if got := lastBody(t, srv.Server); got != want {
		t.Errorf("body = %s\nwant   %s", got, want)
	}
	if !srv.WebhookEnabled(res.ID) {
		t.Error("X-Twilio-Webhook-Enabled not sent")
	}
	var tp *twilio.Participant
	if !res.As(&tp) || tp.SID != res.ID || !strings.HasPrefix(res.ID, "MB") {
		t.Errorf("As(*twilio.Participant): %+v", tp)
	}

	// By unique name, chat identity; BeforeAdd sees and may change the body.
	res, err = f.Client.Add(ctx, "support-42", participants.Participant{ExternalID: "ada"}, participants.BeforeAdd(func(body any) error {
		p, ok := body.(*twilio.CreateParticipantParams)
		if !ok {
			t.Errorf("BeforeAdd body is %T", body)
			return nil
		}
		p.DateCreated = time.Date(2015, 12, 16, 22, 18, 37, 0, time.UTC)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lastBody(t, srv.Server), "DateCreated=2015-12-16T22%3A18%3A37Z&Identity=ada"; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if res.Outcome != participants.Added {
		t.Errorf("outcome = %v", res.Outcome)
	}
}

func TestTwilioDuplicates(t *testing.T) {
	f, srv := newTwilioFixture(t)
	other := srv.SeedConversation("CH00000000000000000000000000000002", "")

	// 50433: same identity in this conversation.
	first, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "ada"})
	if err != nil || again.Outcome != participants.AlreadyPresent || again.ID != first.ID {
		t.Fatalf("50433: %+v, %v; want AlreadyPresent %s", again, err, first.ID)
	}

	// 50416 for an address in this conversation: AlreadyPresent.
	phone := participants.Participant{Phone: "+15558675310"}
	first, err = f.Client.Add(ctx, f.Conversation, phone)
	if err != nil {
		t.Fatal(err)
	}
	again, err = f.Client.Add(ctx, f.Conversation, phone)
	if err != nil || again.Outcome != participants.AlreadyPresent || again.ID != first.ID {
		t.Fatalf("50416 same conversation: %+v, %v", again, err)
	}

	// 50416 for an address bound to another conversation: AlreadyExists.
	_, err = f.Client.Add(ctx, other, phone)
	if participants.Code(err) != participants.AlreadyExists || !strings.Contains(err.Error(), "another active conversation") {
		t.Fatalf("50416 other conversation: %v", err)
	}
	var api *twilio.APIError
	if !errors.As(err, &api) || api.Code != "50416" {
		t.Errorf("APIError not reachable: %v", err)
	}
	if n := len(srv.Participants(other)); n != 0 {
		t.Errorf("other conversation has %d participants", n)
	}

	// The duplicate status may be 400 instead of 409: classified by code.
	srv.SetDuplicateStatus(http.StatusBadRequest)
	again, err = f.Client.Add(ctx, f.Conversation, participants.Participant{ExternalID: "ada"})
	if err != nil || again.Outcome != participants.AlreadyPresent {
		t.Fatalf("50433 as 400: %+v, %v", again, err)
	}
}

// vendorErrorBody is an error body in each vendor's own shape, with a
// message and no code an adapter branches on.
var vendorErrorBody = map[string]string{
	"intercom": `{"type":"error.list","request_id":null,"errors":[{"message":"injected"}]}`,
	"bird":     `{"message":"injected"}`,
	"twilio":   `{"message":"injected","more_info":"https://www.twilio.com/docs/errors"}`,
}

func TestVendorErrorsMapToCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   participants.ErrorCode
	}{
		{400, participants.InvalidArgument},
		{422, participants.InvalidArgument},
		{401, participants.Unauthenticated},
		{403, participants.PermissionDenied},
		{404, participants.NotFound},
		{429, participants.RateLimited},
		{500, participants.Unavailable},
		{503, participants.Unavailable},
	} {
		for name, mk := range map[string]func(*testing.T) *drivertest.Fixture{
			"intercom": func(t *testing.T) *drivertest.Fixture { f, _ := newIntercomFixture(t); return f },
			"bird":     func(t *testing.T) *drivertest.Fixture { f, _ := newBirdFixture(t); return f },
			"twilio":   func(t *testing.T) *drivertest.Fixture { f, _ := newTwilioFixture(t); return f },
		} {
			t.Run(name+"/"+http.StatusText(tc.status), func(t *testing.T) {
				f := mk(t)
				faults := make([]participantstest.Fault, 5)
				for i := range faults {
					faults[i] = participantstest.Fault{Status: tc.status, Body: vendorErrorBody[name], Header: http.Header{"Retry-After": {"0"}}}
				}
				f.Fake.InjectFaults(faults...)
				_, err := f.Client.Add(ctx, f.Conversation, f.Person(1))
				if got := participants.Code(err); got != tc.want {
					t.Errorf("Code = %v, want %v (%v)", got, tc.want, err)
				}
				var api *intercom.APIError // one type for all vendors
				if !errors.As(err, &api) || api.StatusCode != tc.status || api.Vendor != name {
					t.Errorf("APIError = %+v", api)
				}
			})
		}
	}
}

// What a vendor cannot express is refused as such even when the context is
// already done; a request that could be sent gets the context error and is
// not sent.
func TestRefusalBeforeContextError(t *testing.T) {
	f, srv := newIntercomFixture(t)
	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err := f.Client.Add(done, f.Conversation, participants.Participant{Phone: "+15558675310"})
	if participants.Code(err) != participants.Unimplemented {
		t.Errorf("phone on Intercom with a done context: %v, want Unimplemented", err)
	}
	_, err = f.Client.Add(done, f.Conversation, participants.Participant{Email: "ada@example.com"})
	if participants.Code(err) != participants.Canceled || !errors.Is(err, context.Canceled) {
		t.Errorf("email with a done context: %v, want Canceled", err)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
