package birdparticipants_test

import (
	"fmt"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The conformance suite against the stateful Bird fake, here too so that
// this package's own tests hold the provider to every rule of the driver
// contract (the participants package runs it as well, with its facade
// tests).
func TestBirdConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{Name: "bird", New: func(t *testing.T) *drivertest.Fixture {
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
				Update: participants.Update{Status: participants.StatusInvited}},
			Updated: func(m *participants.Member, u participants.Update) bool { return m.Status == u.Status },
		}
	}, Events: &drivertest.Events{
		Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
			return participantstest.SubscribeBird(t, f.Fake.(*participantstest.BirdServer), url, w)
		},
	}})
}
