package participants_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// fast are the vendor-client options of every test: short retry waits.
func fast(baseURL string) []option.Option {
	return []option.Option{
		option.WithBaseURL(baseURL),
		option.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		option.WithAttemptTimeout(5 * time.Second),
	}
}

const (
	intercomAdmin        = "781236"
	intercomConversation = "123"
	birdConversation     = "c9c60caa-eaf5-4628-9687-91de4d452bfa"
	twilioConversation   = "CH00000000000000000000000000000001"
	twilioProxy          = "+15017122661"
)

func newIntercomFixture(t *testing.T) (*participantstest.Fixture, *participantstest.IntercomServer) {
	srv := participantstest.NewIntercomServer()
	t.Cleanup(srv.Close)
	srv.SeedAdmin(intercomAdmin)
	srv.SeedConversation(intercomConversation)
	client := func(token string) *participants.Client {
		ic, err := intercom.New(token, fast(srv.URL())...)
		if err != nil {
			t.Fatal(err)
		}
		return participants.New(participants.Intercom(ic, participants.IntercomOptions{AdminID: intercomAdmin}))
	}
	return &participantstest.Fixture{
		Client:              client(srv.Token()),
		BadAuth:             client("wrong-token"),
		Conversation:        intercomConversation,
		MissingConversation: "999999",
		Person: func(i int) participants.Participant {
			return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
		},
		Count: func(c string) int { return len(srv.Customers(c)) },
		Fake:  srv,
		Caps:  participantstest.Capabilities{ID: true, ExternalID: true, Email: true},
	}, srv
}

func newBirdFixture(t *testing.T) (*participantstest.Fixture, *participantstest.BirdServer) {
	srv := participantstest.NewBirdServer()
	t.Cleanup(srv.Close)
	srv.SeedConversation(birdConversation)
	client := func(key string) *participants.Client {
		bc, err := bird.New(key, fast(srv.URL())...)
		if err != nil {
			t.Fatal(err)
		}
		return participants.New(participants.Bird(bc, participants.BirdOptions{WorkspaceID: srv.WorkspaceID()}))
	}
	return &participantstest.Fixture{
		Client:              client(srv.AccessKey()),
		BadAuth:             client("wrong-key"),
		Conversation:        birdConversation,
		MissingConversation: "00000000-0000-4000-8000-000000000000",
		Person: func(i int) participants.Participant {
			return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
		},
		Count: func(c string) int { return len(srv.Participants(c)) },
		Fake:  srv,
		Caps: participantstest.Capabilities{ReportsOutcome: true, ID: true, Email: true, Phone: true,
			Identifier: true, Status: true},
	}, srv
}

func newTwilioFixture(t *testing.T) (*participantstest.Fixture, *participantstest.TwilioServer) {
	srv := participantstest.NewTwilioServer()
	t.Cleanup(srv.Close)
	srv.SeedConversation(twilioConversation, "support-42")
	client := func(token string) *participants.Client {
		tc, err := twilio.New(srv.AccountSID(), token, fast(srv.URL())...)
		if err != nil {
			t.Fatal(err)
		}
		return participants.New(participants.Twilio(tc, participants.TwilioOptions{ProxyAddress: twilioProxy}))
	}
	return &participantstest.Fixture{
		Client:              client(srv.AuthToken()),
		BadAuth:             client("wrong-token"),
		Conversation:        twilioConversation,
		MissingConversation: "CH0000000000000000000000000000dead",
		Person: func(i int) participants.Participant {
			return participants.Participant{Phone: fmt.Sprintf("+1555867%04d", i)}
		},
		Count: func(c string) int { return len(srv.Participants(c)) },
		Fake:  srv,
		Caps: participantstest.Capabilities{ReportsOutcome: true, ExternalID: true, Phone: true,
			Identifier: true, Attributes: true},
	}, srv
}

func TestConformance(t *testing.T) {
	for _, h := range []participantstest.Harness{
		{Name: "intercom", New: func(t *testing.T) *participantstest.Fixture { f, _ := newIntercomFixture(t); return f }},
		{Name: "bird", New: func(t *testing.T) *participantstest.Fixture { f, _ := newBirdFixture(t); return f }},
		{Name: "twilio", New: func(t *testing.T) *participantstest.Fixture { f, _ := newTwilioFixture(t); return f }},
	} {
		t.Run(h.Name, func(t *testing.T) { participantstest.RunConformance(t, h) })
	}
}
