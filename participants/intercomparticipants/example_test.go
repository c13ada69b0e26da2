package intercomparticipants_test

import (
	"context"
	"fmt"
	"log"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The Intercom provider attaches contacts as an admin. Intercom does not say
// whether a contact was new, so a success is Unreported; a phone number it
// cannot match on fails before any request.
func ExampleNew() {
	fake := participantstest.NewIntercomServer() // stands in for https://api.intercom.io
	defer fake.Close()
	fake.SeedAdmin("781236")
	conversation := fake.SeedConversation("")

	ic, err := intercom.New(fake.Token(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "781236"}))

	res, err := c.Add(context.Background(), conversation, participants.Participant{Email: "ada@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Outcome, len(fake.Customers(conversation)))
	_, err = c.Add(context.Background(), conversation, participants.Participant{Phone: "+15558675310"})
	fmt.Println(participants.Code(err))
	// Output:
	// Unreported 1
	// Unimplemented
}
