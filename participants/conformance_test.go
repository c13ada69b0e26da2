package participants_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// fast are the vendor-client options of a test against a server that is not
// a participantstest fake (a fake gives them as its ClientOptions): short
// retry waits.
func fast(baseURL string) []option.Option {
	return []option.Option{
		option.WithBaseURL(baseURL),
		option.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		option.WithAttemptTimeout(5 * time.Second),
	}
}

// The IDs the participantstest helpers seed, as the tests of this package
// name them.
const (
	intercomAdmin        = participantstest.IntercomAdminID
	intercomConversation = participantstest.IntercomConversationID
	birdConversation     = participantstest.BirdConversationID
	twilioConversation   = participantstest.TwilioConversationSID
	twilioProxy          = participantstest.TwilioProxyAddress
)

func newIntercomFixture(t *testing.T) (*drivertest.Fixture, *participantstest.IntercomServer) {
	c, srv := participantstest.NewIntercomParticipants(t)
	bad, err := intercom.New("wrong-token", srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return &drivertest.Fixture{
		Client:              c,
		BadAuth:             participants.New(intercomparticipants.New(bad, intercomparticipants.Options{AdminID: intercomAdmin})),
		Conversation:        intercomConversation,
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

func newBirdFixture(t *testing.T) (*drivertest.Fixture, *participantstest.BirdServer) {
	c, srv := participantstest.NewBirdParticipants(t)
	bad, err := bird.New("wrong-key", srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return &drivertest.Fixture{
		Client:              c,
		BadAuth:             participants.New(birdparticipants.New(bad, birdparticipants.Options{WorkspaceID: srv.WorkspaceID()})),
		Conversation:        birdConversation,
		MissingConversation: "00000000-0000-4000-8000-000000000000",
		Person: func(i int) participants.Participant {
			return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
		},
		Count: func(c string) int { return len(srv.Participants(c)) },
		Fake:  srv,
		Caps: drivertest.Capabilities{ReportsOutcome: true, ID: true, Email: true, Phone: true,
			Identifier: true, Status: true,
			Pages: true, Lookup: drivertest.Identities{ID: true, Email: true, Phone: true, Identifier: true},
			// Bird updates the status alone; the fake adds as active.
			Update: participants.Update{Status: participants.StatusInvited}},
		Updated: func(m *participants.Member, u participants.Update) bool { return m.Status == u.Status },
	}, srv
}

func newTwilioFixture(t *testing.T) (*drivertest.Fixture, *participantstest.TwilioServer) {
	c, srv := participantstest.NewTwilioParticipants(t)
	bad, err := twilio.New(srv.AccountSID(), "wrong-token", srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return &drivertest.Fixture{
		Client:              c,
		BadAuth:             participants.New(twilioparticipants.New(bad, twilioparticipants.Options{ProxyAddress: twilioProxy})),
		Conversation:        twilioConversation,
		MissingConversation: "CH0000000000000000000000000000dead",
		Person: func(i int) participants.Participant {
			return participants.Participant{Phone: fmt.Sprintf("+1555867%04d", i)}
		},
		Count: func(c string) int { return len(srv.Participants(c)) },
		Fake:  srv,
		Caps: drivertest.Capabilities{ReportsOutcome: true, ExternalID: true, Phone: true,
			Identifier: true, Attributes: true,
			Pages: true,
			// Get and Remove also find a participant by an Identifier
			// without Key (a binding address such as "rcs:+1..."), but
			// the suite's Identifier carries a Key (another vendor's
			// identifierKey), which Twilio refuses.
			Lookup: drivertest.Identities{ExternalID: true, Phone: true},
			// Twilio updates the role and the attributes; participants
			// have no status.
			Update: participants.Update{Role: "RL0123456789abcdef0123456789abcdef", Attributes: json.RawMessage(`{"tier":"gold"}`)}},
		Updated: twilioUpdated,
	}, srv
}

// newIntercomConformance is the Intercom harness: its conversation starts
// with one customer of its own (the one who opened it), as every Intercom
// conversation has. Intercom refuses to detach the last customer, so the
// lifecycle rules add and remove people beside that one.
func newIntercomConformance(t *testing.T) *drivertest.Fixture {
	f, srv := newIntercomFixture(t)
	opener := srv.SeedContact(participantstest.IntercomContact{UserID: "opener", Email: "opener@example.com"})
	if _, err := f.Client.Add(context.Background(), f.Conversation, participants.Participant{ID: opener.ID}); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	return f
}

func TestConformance(t *testing.T) {
	for _, h := range []drivertest.Harness{
		{Name: "intercom", New: newIntercomConformance, Events: &drivertest.Events{
			Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
				return participantstest.SubscribeIntercom(t, f.Fake.(*participantstest.IntercomServer), url, w)
			},
		}},
		{Name: "bird", New: func(t *testing.T) *drivertest.Fixture { f, _ := newBirdFixture(t); return f }, Events: &drivertest.Events{
			Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
				return participantstest.SubscribeBird(t, f.Fake.(*participantstest.BirdServer), url, w)
			},
		}},
		{Name: "twilio", New: func(t *testing.T) *drivertest.Fixture { f, _ := newTwilioFixture(t); return f }, Events: &drivertest.Events{
			Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
				return participantstest.SubscribeTwilio(t, f.Fake.(*participantstest.TwilioServer), url, w)
			},
			Options: []participants.Option{twilioparticipants.WithWebhooks(true)},
		}},
	} {
		t.Run(h.Name, func(t *testing.T) { drivertest.RunConformanceTests(t, h) })
	}
}

// twilioUpdated reports whether the Twilio participant behind m has the
// role and the attributes u sets.
func twilioUpdated(m *participants.Member, u participants.Update) bool {
	var tp *twilio.Participant
	if !m.As(&tp) {
		return false
	}
	var got, want any
	if json.Unmarshal([]byte(tp.Attributes), &got) != nil || json.Unmarshal(u.Attributes, &want) != nil {
		return false
	}
	return tp.RoleSID == u.Role && reflect.DeepEqual(got, want)
}
