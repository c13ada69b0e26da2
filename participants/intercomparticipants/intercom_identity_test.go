package intercomparticipants_test

import (
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// Intercom's attach takes one customer: a Participant with several
// identities is refused before any request, naming them all; Use chooses
// the one sent.
func TestIntercomAddSeveralIdentities(t *testing.T) {
	ic, srv := participantstest.NewIntercom(t)
	srv.SeedConversation("555")
	alice := srv.SeedContact(participantstest.IntercomContact{UserID: "ext-alice", Email: "alice@example.com"})
	c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin}))
	direct := intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin})
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
			func() error { _, err := direct.Add(ctx, "555", asDriver(tt.p), driver.CallOptions{}); return err },
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
		// A Provider called directly gets the chosen identity alone, as
		// the Client hands it over (driver.Participant has no Use).
		if _, err := direct.Add(ctx, "555", asDriver(onlyIdentity(p)), driver.CallOptions{}); err != nil {
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
		c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{ActingContact: &a}))
		_, err := c.Add(ctx, "555", participants.Participant{Email: "friend@example.com"})
		return err
	}
	for _, tt := range []struct {
		actor participants.Participant
		field string
	}{
		{participants.Participant{ID: actor.ID, ExternalID: "actor-1"}, "intercomparticipants.Options.ActingContact.ID, ExternalID"},
		{participants.Participant{ExternalID: "actor-1", Email: "actor@example.com"}, "intercomparticipants.Options.ActingContact.ExternalID, Email"},
		{participants.Participant{ExternalID: "actor-1", Phone: "+15558675310"}, "intercomparticipants.Options.ActingContact.Phone"},
		{participants.Participant{ExternalID: "actor-1", Identifier: participants.Identifier{Key: "k", Value: "v"}}, "intercomparticipants.Options.ActingContact.Identifier"},
		{participants.Participant{ExternalID: "actor-1", Attributes: []byte(`{}`)}, "intercomparticipants.Options.ActingContact.Attributes"},
		{participants.Participant{ExternalID: "actor-1", Status: participants.StatusActive}, "intercomparticipants.Options.ActingContact.Status"},
		{participants.Participant{Kind: participants.KindUser, ID: actor.ID}, "intercomparticipants.Options.ActingContact.Kind"},
		{participants.Participant{ExternalID: "actor-1", ParticipantID: actor.ID}, "intercomparticipants.Options.ActingContact.ParticipantID"},
		{participants.Participant{ExternalID: "actor-1", Use: participants.UseEmail}, "intercomparticipants.Options.ActingContact.Use"},
		{participants.Participant{}, "intercomparticipants.Options.ActingContact"},
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

// Use in Get and Remove: the identity chosen finds the contact, not the
// first set. (The Client applies Use; the driver.Participant a provider
// gets has the chosen identity alone.)
func TestIntercomProviderUse(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	p := participants.New(intercomparticipants.New(f.vc, intercomparticipants.Options{AdminID: intercomAdmin}))
	// ExternalID and Email are both set; Use chooses ExternalID, which
	// finds bob (Email is not reported by the read, so it contradicts
	// nothing).
	pt := participants.Participant{ExternalID: "ext-bob", Email: "alice@example.com", Use: participants.UseExternalID}
	m, err := p.Get(ctx, icConv, pt)
	if err != nil || m.ID != f.bob.ID {
		t.Fatalf("Get = %+v, %v; want bob", m, err)
	}
	res, err := p.Remove(ctx, icConv, pt)
	if err != nil || res.ID != f.bob.ID || res.Outcome != participants.Removed {
		t.Fatalf("Remove = %+v, %v; want bob removed", res, err)
	}
	f.wantRequests(t, "GET", "GET", "DELETE")
	pt = participants.Participant{ID: f.alice.ID, ExternalID: "ext-bob", Use: participants.UseEmail}
	if _, err := p.Get(ctx, icConv, pt); participants.Code(err) != participants.InvalidArgument {
		t.Errorf("Get with Use naming an empty identity: %v", err)
	}
	f.wantRequests(t)
}
