package participants_test

import (
	"context"
	"fmt"
	"log"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// List fetches the participants page by page as the loop asks for them;
// breaking out of the loop stops the fetching.
func ExampleClient_List() {
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()
	conversation := fake.SeedConversation("", "support")

	tw, err := twilio.New(fake.AccountSID(), fake.AuthToken(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{ProxyAddress: "+15017122661"}))
	ctx := context.Background()
	for _, p := range []participants.Participant{{ExternalID: "ada"}, {ExternalID: "grace"}, {Phone: "+15558675310"}} {
		if _, err := c.Add(ctx, conversation, p); err != nil {
			log.Fatal(err)
		}
	}

	for m, err := range c.List(ctx, conversation, participants.WithPageSize(2)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %q %q\n", m.Provider, m.ExternalID, m.Phone)
	}
	fmt.Println(fake.Requests()-3, "list requests for 3 participants in pages of 2")
	// Output:
	// twilio "ada" ""
	// twilio "grace" ""
	// twilio "" "+15558675310"
	// 2 list requests for 3 participants in pages of 2
}

// Remove has ensure semantics: someone no longer there is success,
// AlreadyAbsent; a missing conversation is NotFound, never AlreadyAbsent.
func ExampleClient_Remove() {
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()
	conversation := fake.SeedConversation("", "support")

	tw, err := twilio.New(fake.AccountSID(), fake.AuthToken(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{ProxyAddress: "+15017122661"}))
	ctx := context.Background()
	added, err := c.Add(ctx, conversation, participants.Participant{ExternalID: "ada"})
	if err != nil {
		log.Fatal(err)
	}

	ada := participants.Participant{ParticipantID: added.ID} // or by the identity Add took: {ExternalID: "ada"}
	for i := 0; i < 2; i++ {
		res, err := c.Remove(ctx, conversation, ada)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Provider, res.Outcome)
	}
	_, err = c.Remove(ctx, "CH0000000000000000000000000000dead", ada)
	fmt.Println(participants.Code(err))
	// Output:
	// twilio Removed
	// twilio AlreadyAbsent
	// NotFound
}
