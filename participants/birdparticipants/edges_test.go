package birdparticipants_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The edges that the behaviour tests do not reach (found by mutation
// testing): the answers of Add after a 409, the Kind checks, Update by a
// contact's ID.

func birdClient(t *testing.T) (*participants.Client, *participantstest.BirdServer) {
	t.Helper()
	c, srv := participantstest.NewBirdParticipants(t)
	return c, srv
}

// conflict is Bird's 409 to the next POST, state unchanged.
var conflict = participantstest.Fault{Method: http.MethodPost, Status: http.StatusConflict, Body: `{"code":"Conflict","message":"participant already exists"}`}

func TestBirdAddKinds(t *testing.T) {
	c, _ := birdClient(t)
	if _, err := c.Add(ctx, birdConversation, participants.Participant{Kind: participants.KindContact, Email: "ada@example.com"}); err != nil {
		t.Fatalf("an explicit contact by email: %v", err)
	}
	_, err := c.Add(ctx, birdConversation, participants.Participant{Kind: participants.KindUser, Email: "bob@example.com"})
	if code := participants.Code(err); code != participants.Unimplemented && code != participants.InvalidArgument {
		t.Fatalf("a user by email: %v, want a refusal", err)
	}
}

// A 409 to an add by identifier is settled by looking the identifier up:
// found here, AlreadyPresent; answered 404, AlreadyExists (Bird holds it
// elsewhere); a lookup that fails, its own code; a 409 to an add by ID,
// which has no identifier to look up, AlreadyExists.
func TestBirdAddAfterA409(t *testing.T) {
	t.Run("found", func(t *testing.T) {
		c, srv := birdClient(t)
		first := mustAdd(t, c, birdConversation, participants.Participant{Email: "ada@example.com"})
		srv.InjectFaults(conflict)
		res, err := c.Add(ctx, birdConversation, participants.Participant{Email: "ada@example.com"})
		if err != nil || res.Outcome != participants.AlreadyPresent || res.ID != first.ID {
			t.Fatalf("Add = %+v, %v; want AlreadyPresent %s", res, err, first.ID)
		}
	})
	t.Run("elsewhere", func(t *testing.T) {
		c, srv := birdClient(t)
		srv.InjectFaults(conflict)
		_, err := c.Add(ctx, birdConversation, participants.Participant{Email: "ada@example.com"})
		if participants.Code(err) != participants.AlreadyExists || !strings.Contains(err.Error(), "no participant of this conversation") {
			t.Fatalf("err = %v, want AlreadyExists", err)
		}
	})
	t.Run("lookup fails", func(t *testing.T) {
		c, srv := birdClient(t)
		faults := []participantstest.Fault{conflict}
		for range 10 {
			faults = append(faults, participantstest.Fault{Method: http.MethodGet, Status: http.StatusServiceUnavailable})
		}
		srv.InjectFaults(faults...)
		_, err := c.Add(ctx, birdConversation, participants.Participant{Email: "ada@example.com"})
		if participants.Code(err) != participants.Unavailable {
			t.Fatalf("err = %v (code %v), want Unavailable from the lookup", err, participants.Code(err))
		}
	})
	t.Run("lookup dropped", func(t *testing.T) {
		c, srv := birdClient(t)
		faults := []participantstest.Fault{conflict}
		for range 10 {
			faults = append(faults, participantstest.Fault{Method: http.MethodGet, Drop: true})
		}
		srv.InjectFaults(faults...)
		_, err := c.Add(ctx, birdConversation, participants.Participant{Email: "ada@example.com"})
		if participants.Code(err) == participants.AlreadyExists || err == nil {
			t.Fatalf("err = %v: a lookup that never answered proved nothing", err)
		}
	})
	t.Run("by ID", func(t *testing.T) {
		c, srv := birdClient(t)
		contact := srv.SeedContact(participantstest.BirdContact{Identifiers: []participantstest.BirdIdentifier{{Key: "emailaddress", Value: "ada@example.com"}}})
		srv.InjectFaults(conflict)
		_, err := c.Add(ctx, birdConversation, participants.Participant{ID: contact.ID})
		if participants.Code(err) != participants.AlreadyExists || !strings.Contains(err.Error(), "no identifier") {
			t.Fatalf("err = %v, want AlreadyExists: nothing to look up", err)
		}
	})
}

// Update by the contact's ID finds the participant first; a contact who is
// not in the conversation is NotFound, nothing updated.
func TestBirdUpdateByContactID(t *testing.T) {
	c, srv := birdClient(t)
	contact := srv.SeedContact(participantstest.BirdContact{Identifiers: []participantstest.BirdIdentifier{{Key: "emailaddress", Value: "ada@example.com"}}})
	absent := srv.SeedContact(participantstest.BirdContact{Identifiers: []participantstest.BirdIdentifier{{Key: "emailaddress", Value: "bob@example.com"}}})
	mustAdd(t, c, birdConversation, participants.Participant{ID: contact.ID})
	res, err := c.Update(ctx, birdConversation, participants.Participant{ID: contact.ID}, participants.Update{Status: participants.StatusInvited})
	if err != nil || res.Outcome != participants.Updated {
		t.Fatalf("Update = %+v, %v", res, err)
	}
	m, err := c.Get(ctx, birdConversation, participants.Participant{ID: contact.ID})
	if err != nil || m.Status != participants.StatusInvited {
		t.Fatalf("Get after Update = %+v, %v", m, err)
	}
	// The contact named as a user is not that participant: the lookup
	// checks its type before anything is updated.
	before := len(srv.RequestLog())
	if _, err := c.Update(ctx, birdConversation, participants.Participant{Kind: participants.KindUser, ID: contact.ID}, participants.Update{Status: participants.StatusActive}); err == nil {
		t.Fatal("a contact updated as a user")
	}
	for _, r := range srv.RequestLog()[before:] {
		if r.Method == http.MethodPatch {
			t.Fatalf("a contact named as a user was patched: %s %s", r.Method, r.Path)
		}
	}
	_, err = c.Update(ctx, birdConversation, participants.Participant{ID: absent.ID}, participants.Update{Status: participants.StatusInvited})
	var pe *participants.Error
	if participants.Code(err) != participants.NotFound || !errors.As(err, &pe) {
		t.Fatalf("Update of an absent contact = %v, want NotFound", err)
	}
}
