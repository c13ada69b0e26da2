package participants_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// Update changes a participant's role and attributes on Twilio; on a
// vendor that cannot update a participant (Intercom) it is Unimplemented,
// before any request.
func ExampleClient_Update() {
	ctx := context.Background()
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()
	fake.SeedConversation("", "support")

	tw, err := twilio.New(fake.AccountSID(), fake.AuthToken(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{}))
	added, err := c.Add(ctx, "support", participants.Participant{ExternalID: "ada"})
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.Update(ctx, "support", participants.Participant{ParticipantID: added.ID}, participants.Update{
		Role:       "RL0123456789abcdef0123456789abcdef",
		Attributes: json.RawMessage(`{"tier":"gold"}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	var tp *twilio.Participant
	if res.As(&tp) {
		fmt.Println(res.Outcome, tp.RoleSID, tp.Attributes)
	}

	icFake := participantstest.NewIntercomServer()
	defer icFake.Close()
	ic, err := intercom.New(icFake.Token(), option.WithBaseURL(icFake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	onIntercom := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "781236"}))
	_, err = onIntercom.Update(ctx, "123", participants.Participant{Email: "ada@example.com"}, participants.Update{Status: participants.StatusActive})
	fmt.Println(participants.Code(err), icFake.Requests())
	// Output:
	// Updated RL0123456789abcdef0123456789abcdef {"tier":"gold"}
	// Unimplemented 0
}
