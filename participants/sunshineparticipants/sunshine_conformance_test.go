package sunshineparticipants_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

// newSunshineFixture is the Sunshine fixture of RunConformanceTests: Person(i)
// is the user with externalId "person-<i>", created on the fake when first
// named (Sunshine joins only existing users).
func newSunshineFixture(t *testing.T) (*drivertest.Fixture, *participantstest.SunshineServer) {
	c, srv := participantstest.NewSunshineParticipants(t)
	bad, err := sunshine.New(srv.KeyID(), "wrong-secret", srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return &drivertest.Fixture{
		Client:              c,
		BadAuth:             participants.New(sunshineparticipants.New(bad, sunshineparticipants.Options{AppID: srv.AppID()})),
		Conversation:        participantstest.SunshineConversationID,
		MissingConversation: "000000000000000000000000",
		Person: func(i int) participants.Participant {
			ext := fmt.Sprintf("person-%d", i)
			srv.EnsureUser(ext)
			return participants.Participant{ExternalID: ext}
		},
		Count: func(c string) int { return len(srv.Participants(c)) },
		Fake:  srv,
		Caps: drivertest.Capabilities{ReportsOutcome: true, ID: true, ExternalID: true,
			Pages: true, Lookup: drivertest.Identities{ID: true, ExternalID: true},
			AddMethod: http.MethodPost, RemoveMethod: http.MethodPost},
	}, srv
}

func TestSunshineConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		Name: "sunshine",
		New:  func(t *testing.T) *drivertest.Fixture { f, _ := newSunshineFixture(t); return f },
		Events: &drivertest.Events{
			Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
				return participantstest.SubscribeSunshine(t, f.Fake.(*participantstest.SunshineServer), url, w)
			},
		},
	})
}
