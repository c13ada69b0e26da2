package intercomparticipants_test

import (
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The edges that the behaviour tests do not reach (found by mutation
// testing).

// Kind contact, said explicitly, is the contact an attach takes.
func TestIntercomAddExplicitContactKind(t *testing.T) {
	ic, srv := participantstest.NewIntercom(t)
	who := srv.SeedContact(participantstest.IntercomContact{UserID: "ext-1"})
	srv.SeedConversation("777")
	c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: participantstest.IntercomAdminID}))
	if _, err := c.Add(ctx, "777", participants.Participant{Kind: participants.KindContact, ID: who.ID}); err != nil {
		t.Fatalf("Add of an explicit contact: %v", err)
	}
}

// The acting contact's Use: the identity it names is the one sent, an
// empty one is refused, and a Kind other than contact is identified by
// ID only.
func TestIntercomActingContactUse(t *testing.T) {
	ic, srv := participantstest.NewIntercom(t)
	actor := srv.SeedContact(participantstest.IntercomContact{UserID: "actor-1", Email: "actor@example.com"})
	srv.SeedConversation("556", actor.ID)
	add := func(a participants.Participant) error {
		c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{ActingContact: &a}))
		_, err := c.Add(ctx, "556", participants.Participant{Email: "friend@example.com"})
		return err
	}
	for _, tc := range []struct {
		actor participants.Participant
		body  string // "" when refused
		msg   string // what the refusal says
	}{
		{participants.Participant{ID: actor.ID, ExternalID: "actor-1", Use: participants.UseID}, `"intercom_user_id":"` + actor.ID + `"`, ""},
		{participants.Participant{ExternalID: "actor-1", Email: "actor@example.com", Use: participants.UseEmail}, `"email":"actor@example.com"}`, ""},
		{participants.Participant{ExternalID: "actor-1", Use: participants.UseID}, "", "names ID, which is empty"},
		{participants.Participant{ID: actor.ID, Use: participants.UseEmail}, "", "names Email, which is empty"},
		{participants.Participant{ExternalID: "actor-1", Use: participants.UsePhone}, "", "names Phone, which is empty"},
		{participants.Participant{Kind: participants.KindContact, ExternalID: "actor-1", Use: participants.UseExternalID}, `"user_id":"actor-1"`, ""},
		{participants.Participant{Kind: participants.KindUser, ID: actor.ID, ExternalID: "actor-1", Use: participants.UseExternalID}, "", "is identified by ID"},
	} {
		err := add(tc.actor)
		switch {
		case tc.body == "" && participants.Code(err) != participants.InvalidArgument:
			t.Errorf("%+v: err = %v, want InvalidArgument", tc.actor, err)
		case tc.body == "" && !strings.Contains(err.Error(), tc.msg):
			t.Errorf("%+v: err = %v, want %q", tc.actor, err, tc.msg)
		case tc.body != "" && err != nil:
			t.Errorf("%+v: %v", tc.actor, err)
		case tc.body != "" && !strings.Contains(lastBody(t, srv.Server), tc.body):
			t.Errorf("%+v: body %s, want %s in it", tc.actor, lastBody(t, srv.Server), tc.body)
		}
	}
}

// A notification without created_at has no time: the event's At is zero,
// not 1970.
func TestReceiverWithoutCreatedAt(t *testing.T) {
	c := &calls{}
	h := handler(t, c)
	if code := serve(h, signed(hookSecret, strings.Replace(attachedBody, `"created_at":1711204872,`, "", 1))); code != 200 || len(c.events) != 1 {
		t.Fatalf("status %d, %d events", code, len(c.events))
	}
	if !c.events[0].At.IsZero() {
		t.Fatalf("At = %v, want zero", c.events[0].At)
	}
}
