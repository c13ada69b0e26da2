package twilioparticipants_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// The conformance suite against the stateful Twilio fake, here too so that
// this package's own tests hold the provider to every rule of the driver
// contract (the participants package runs it as well, with its facade
// tests).
func TestTwilioConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{Name: "twilio", New: func(t *testing.T) *drivertest.Fixture {
		c, srv := participantstest.NewTwilioParticipants(t)
		bad, err := twilio.New(srv.AccountSID(), "wrong-token", srv.ClientOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		return &drivertest.Fixture{
			Client:              c,
			BadAuth:             participants.New(twilioparticipants.New(bad, twilioparticipants.Options{ProxyAddress: participantstest.TwilioProxyAddress})),
			Conversation:        participantstest.TwilioConversationSID,
			MissingConversation: "CH0000000000000000000000000000dead",
			Person: func(i int) participants.Participant {
				return participants.Participant{Phone: fmt.Sprintf("+1555867%04d", i)}
			},
			Count: func(c string) int { return len(srv.Participants(c)) },
			Fake:  srv,
			Caps: drivertest.Capabilities{ReportsOutcome: true, ExternalID: true, Phone: true,
				Identifier: true, Attributes: true, Pages: true,
				Lookup: drivertest.Identities{ExternalID: true, Phone: true},
				Update: participants.Update{Role: "RL0123456789abcdef0123456789abcdef", Attributes: json.RawMessage(`{"tier":"gold"}`)}},
			Updated: func(m *participants.Member, u participants.Update) bool {
				var tp *twilio.Participant
				if !m.As(&tp) {
					return false
				}
				var got, want any
				if json.Unmarshal([]byte(tp.Attributes), &got) != nil || json.Unmarshal(u.Attributes, &want) != nil {
					return false
				}
				return tp.RoleSID == u.Role && reflect.DeepEqual(got, want)
			},
		}
	}, Events: twilioEvents})
}

// twilioEvents connects the conformance fixtures to the fake's webhooks.
var twilioEvents = &drivertest.Events{
	Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
		return participantstest.SubscribeTwilio(t, f.Fake.(*participantstest.TwilioServer), url, w)
	},
	// Twilio sends webhooks for REST changes only when asked.
	Options: []participants.Option{twilioparticipants.WithWebhooks(true)},
}
