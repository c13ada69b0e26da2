package participants_test

import (
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// Intercom's attach takes one customer: a Participant with several
// identities is refused before any request, naming them all; Use chooses
// the one sent.
func TestIntercomAddSeveralIdentities(t *testing.T) {
	ic, srv := participantstest.NewIntercom(t)
	srv.SeedConversation("555")
	alice := srv.SeedContact(participantstest.IntercomContact{UserID: "ext-alice", Email: "alice@example.com"})
	c := participants.New(participants.Intercom(ic, participants.IntercomOptions{AdminID: intercomAdmin}))
	direct := participants.Intercom(ic, participants.IntercomOptions{AdminID: intercomAdmin})
	for _, tt := range []struct {
		p     participants.Participant
		field string
	}{
		{participants.Participant{ID: alice.ID, ExternalID: "ext-alice"}, "ID, ExternalID"},
		{participants.Participant{ID: alice.ID, Email: "alice@example.com"}, "ID, Email"},
		{participants.Participant{ExternalID: "ext-alice", Email: "alice@example.com"}, "ExternalID, Email"},
		{participants.Participant{ID: alice.ID, ExternalID: "ext-alice", Email: "alice@example.com"}, "ID, ExternalID, Email"},
		{participants.Participant{Email: "alice@example.com", Phone: "+15558675310"}, "Email, Phone"},
	} {
		before := srv.Requests()
		for _, add := range []func() error{
			func() error { _, err := c.Add(ctx, "555", tt.p); return err },
			func() error { _, err := direct.Add(ctx, "555", tt.p, participants.CallOptions{}); return err },
		} {
			pe := intercomWantCode(t, add(), participants.InvalidArgument, tt.field)
			if pe != nil && !strings.Contains(pe.Message, "intercom_user_id, user_id or email") || !strings.Contains(pe.Message, "Participant.Use") {
				t.Errorf("message = %q", pe.Message)
			}
		}
		if srv.Requests() != before {
			t.Errorf("%+v: a request was sent", tt.p)
		}
	}
	if n := len(srv.Customers("555")); n != 0 {
		t.Fatalf("customers = %d", n)
	}

	for _, tt := range []struct {
		use  participants.IdentityField
		body string
	}{
		{participants.UseID, `{"admin_id":"781236","customer":{"intercom_user_id":"` + alice.ID + `"}}`},
		{participants.UseExternalID, `{"admin_id":"781236","customer":{"user_id":"ext-alice"}}`},
		{participants.UseEmail, `{"admin_id":"781236","customer":{"email":"alice@example.com"}}`},
	} {
		p := participants.Participant{ID: alice.ID, ExternalID: "ext-alice", Email: "alice@example.com", Use: tt.use}
		if _, err := c.Add(ctx, "555", p); err != nil {
			t.Fatalf("Use %s: %v", tt.use, err)
		}
		if got := lastBody(t, srv.Server); got != tt.body {
			t.Errorf("Use %s: body = %s, want %s", tt.use, got, tt.body)
		}
		// A Provider called directly applies Use too.
		if _, err := direct.Add(ctx, "555", p, participants.CallOptions{}); err != nil {
			t.Fatalf("direct Use %s: %v", tt.use, err)
		}
		if got := lastBody(t, srv.Server); got != tt.body {
			t.Errorf("direct Use %s: body = %s, want %s", tt.use, got, tt.body)
		}
	}
}

// The acting contact is named by one identity too, and carries nothing
// else: what it cannot send is refused, naming the field, unsent.
func TestIntercomActingContactIdentities(t *testing.T) {
	ic, srv := participantstest.NewIntercom(t)
	actor := srv.SeedContact(participantstest.IntercomContact{UserID: "actor-1", Email: "actor@example.com"})
	srv.SeedConversation("555", actor.ID)
	add := func(a participants.Participant) error {
		c := participants.New(participants.Intercom(ic, participants.IntercomOptions{ActingContact: &a}))
		_, err := c.Add(ctx, "555", participants.Participant{Email: "friend@example.com"})
		return err
	}
	for _, tt := range []struct {
		actor participants.Participant
		field string
	}{
		{participants.Participant{ID: actor.ID, ExternalID: "actor-1"}, "IntercomOptions.ActingContact.ID, ExternalID"},
		{participants.Participant{ExternalID: "actor-1", Email: "actor@example.com"}, "IntercomOptions.ActingContact.ExternalID, Email"},
		{participants.Participant{ExternalID: "actor-1", Phone: "+15558675310"}, "IntercomOptions.ActingContact.Phone"},
		{participants.Participant{ExternalID: "actor-1", Identifier: participants.Identifier{Key: "k", Value: "v"}}, "IntercomOptions.ActingContact.Identifier"},
		{participants.Participant{ExternalID: "actor-1", Attributes: []byte(`{}`)}, "IntercomOptions.ActingContact.Attributes"},
		{participants.Participant{ExternalID: "actor-1", Status: participants.StatusActive}, "IntercomOptions.ActingContact.Status"},
		{participants.Participant{Kind: participants.KindUser, ID: actor.ID}, "IntercomOptions.ActingContact.Kind"},
		{participants.Participant{ExternalID: "actor-1", ParticipantID: actor.ID}, "IntercomOptions.ActingContact.ParticipantID"},
		{participants.Participant{ExternalID: "actor-1", Use: participants.UseEmail}, "IntercomOptions.ActingContact.Use"},
		{participants.Participant{}, "IntercomOptions.ActingContact"},
	} {
		before := srv.Requests()
		intercomWantCode(t, add(tt.actor), participants.InvalidArgument, tt.field)
		if srv.Requests() != before {
			t.Errorf("%+v: a request was sent", tt.actor)
		}
	}
	if err := add(participants.Participant{ID: actor.ID, ExternalID: "actor-1", Email: "actor@example.com", Use: participants.UseExternalID}); err != nil {
		t.Fatal(err)
	}
	if got, want := lastBody(t, srv.Server), `{"customer":{"email":"friend@example.com"},"user_id":"actor-1"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

// A Provider called directly applies Use in Get and Remove as the Client
// does: the identity chosen finds the contact, not the first set.
func TestIntercomProviderUse(t *testing.T) {
	f := newICLife(t, participants.IntercomOptions{})
	p := participants.Intercom(f.vc, participants.IntercomOptions{AdminID: intercomAdmin})
	pt := participants.Participant{ID: f.alice.ID, ExternalID: "ext-bob", Use: participants.UseExternalID}
	m, err := p.Get(ctx, icConv, pt, participants.CallOptions{})
	if err != nil || m.ID != f.bob.ID {
		t.Fatalf("Get = %+v, %v; want bob", m, err)
	}
	res, err := p.Remove(ctx, icConv, pt, participants.CallOptions{})
	if err != nil || res.ID != f.bob.ID || res.Outcome != participants.Removed {
		t.Fatalf("Remove = %+v, %v; want bob removed", res, err)
	}
	f.wantRequests(t, "GET", "GET", "DELETE")
	pt.Use = participants.UseEmail
	if _, err := p.Get(ctx, icConv, pt, participants.CallOptions{}); participants.Code(err) != participants.InvalidArgument {
		t.Errorf("Get with Use naming an empty identity: %v", err)
	}
	f.wantRequests(t)
}
