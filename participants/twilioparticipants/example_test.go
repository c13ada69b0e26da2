package twilioparticipants_test

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

// The Twilio provider adds an SMS or WhatsApp participant that the proxy
// address (a number of the account) talks to.
func ExampleNew() {
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()
	conversation := fake.SeedConversation("", "support")

	tw, err := twilio.New(fake.AccountSID(), fake.AuthToken(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{ProxyAddress: "+15017122661"}))

	p := participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp}
	if _, err := c.Add(context.Background(), "support", p); err != nil {
		log.Fatal(err)
	}
	res, err := c.Add(context.Background(), "support", p)
	if err != nil {
		log.Fatal(err)
	}
	b := fake.Participants(conversation)[0].MessagingBinding
	fmt.Println(res.Outcome, b.Address, b.ProxyAddress)
	// Output:
	// AlreadyPresent whatsapp:+15558675310 whatsapp:+15017122661
}
