package participants_test

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

// Per-call options of the vendor client reach every request of one Add.
func ExampleWithRequestOptions() {
	fake := participantstest.NewBirdServer() // stands in for https://api.bird.com
	defer fake.Close()
	conversation := fake.SeedConversation("c9c60caa-eaf5-4628-9687-91de4d452bfa")

	bc, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}))

	var resp option.Response
	res, err := c.Add(context.Background(), conversation, participants.Participant{Email: "ada@example.com"},
		participants.WithRequestOptions(
			option.WithHeader("X-Trace", "trace-1"),
			option.WithMaxRetries(1),
			option.WithResponseInto(&resp)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Outcome, resp.StatusCode, resp.Attempts)
	fmt.Println("X-Trace on the wire:", fake.RequestLog()[0].Header.Get("X-Trace"))

	_, err = c.Add(context.Background(), conversation, participants.Participant{Email: "bob@example.com"},
		participants.WithRequestOptions(option.WithBaseURL("https://api.bird.com")))
	fmt.Println(participants.Code(err), fake.Requests())
	// Output:
	// Added 201 1
	// X-Trace on the wire: trace-1
	// InvalidArgument 1
}
