package intercomparticipants_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The helpers of this package's tests, as the participants package's tests
// have them.

var ctx = context.Background()

// lastBody is the body of the last request that reached s.
func lastBody(t *testing.T, s *participantstest.Server) string {
	t.Helper()
	log := s.RequestLog()
	if len(log) == 0 {
		t.Fatal("no request reached the fake")
	}
	return string(log[len(log)-1].Body)
}

// mustAdd adds p, failing t unless the vendor added them.
func mustAdd(t *testing.T, c *participants.Client, conv string, p participants.Participant) *participants.Result {
	t.Helper()
	res, err := c.Add(ctx, conv, p)
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add %+v: %+v, %v", p, res, err)
	}
	return res
}

const intercomAdmin = participantstest.IntercomAdminID

// asDriver is p as the driver.Participant a provider gets (without Use,
// which the Client applies).
func asDriver(p participants.Participant) driver.Participant {
	return driver.Participant{Kind: driver.Kind(p.Kind), ID: p.ID, ExternalID: p.ExternalID, Email: p.Email, Phone: p.Phone,
		Channel: driver.Channel(p.Channel), Identifier: driver.Identifier(p.Identifier), Attributes: p.Attributes,
		Status: driver.Status(p.Status), ParticipantID: p.ParticipantID}
}

// onlyIdentity is p with its Use identity alone, as the Client hands it to
// a provider.
func onlyIdentity(p participants.Participant) participants.Participant {
	q := participants.Participant{Kind: p.Kind, Attributes: p.Attributes, Status: p.Status, ParticipantID: p.ParticipantID}
	switch p.Use {
	case participants.UseID:
		q.ID = p.ID
	case participants.UseExternalID:
		q.ExternalID, q.Kind = p.ExternalID, ""
	case participants.UseEmail:
		q.Email, q.Kind = p.Email, ""
	case participants.UsePhone:
		q.Phone, q.Channel, q.Kind = p.Phone, p.Channel, ""
	case participants.UseIdentifier:
		q.Identifier, q.Kind = p.Identifier, ""
	default:
		return p
	}
	return q
}

// newIntercomFixture is the conformance fixture of the Intercom provider
// over a fresh fake.
func newIntercomFixture(t *testing.T) (*drivertest.Fixture, *participantstest.IntercomServer) {
	c, srv := participantstest.NewIntercomParticipants(t)
	bad, err := intercom.New("wrong-token", srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return &drivertest.Fixture{
		Client:              c,
		BadAuth:             participants.New(intercomparticipants.New(bad, intercomparticipants.Options{AdminID: intercomAdmin})),
		Conversation:        participantstest.IntercomConversationID,
		MissingConversation: "999999",
		Person: func(i int) participants.Participant {
			return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
		},
		Count: func(c string) int { return len(srv.Customers(c)) },
		Fake:  srv,
		// Intercom lists a conversation's contacts in one read (no pages)
		// and finds a contact on it by ID or ExternalID, not by email.
		Caps: drivertest.Capabilities{ID: true, ExternalID: true, Email: true,
			Lookup: drivertest.Identities{ID: true, ExternalID: true}},
	}, srv
}

// newIntercomConformance is newIntercomFixture with a first customer on
// the conversation, whom Intercom keeps: Remove of the others can succeed.
func newIntercomConformance(t *testing.T) *drivertest.Fixture {
	f, srv := newIntercomFixture(t)
	opener := srv.SeedContact(participantstest.IntercomContact{UserID: "opener", Email: "opener@example.com"})
	if _, err := f.Client.Add(context.Background(), f.Conversation, participants.Participant{ID: opener.ID}); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	return f
}
