package birdparticipants_test

import (
	"context"
	"fmt"
	"log"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The Bird provider works in one workspace; its options set a default
// status for the participants it adds.
func ExampleNew() {
	fake := participantstest.NewBirdServer() // stands in for https://api.bird.com
	defer fake.Close()

	bc, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{
		WorkspaceID: fake.WorkspaceID(),
		Status:      participants.StatusInvited,
	}))

	res, err := c.Add(context.Background(), fake.SeedConversation(""),
		participants.Participant{Phone: "+31612345678", Channel: participants.ChannelWhatsApp})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Outcome, res.Kind, res.Status)
	// Output:
	// Added contact invited
}
