package participants_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// Adding the same person twice is success: Bird says whether it was new.
func ExampleClient_Add() {
	fake := participantstest.NewBirdServer() // stands in for https://api.bird.com
	defer fake.Close()
	conversation := fake.SeedConversation("c9c60caa-eaf5-4628-9687-91de4d452bfa")

	bc, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}))

	ada := participants.Participant{Email: "ada@example.com"}
	for i := 0; i < 2; i++ {
		res, err := c.Add(context.Background(), conversation, ada)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Provider, res.Outcome, res.Kind, res.Status)
	}
	// Output:
	// bird Added contact active
	// bird AlreadyPresent contact active
}

// Errors carry one portable code, and the vendor's *APIError stays
// reachable.
func ExampleCode() {
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()

	tw, err := twilio.New(fake.AccountSID(), fake.AuthToken(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{ProxyAddress: "+15017122661"}))

	_, err = c.Add(context.Background(), "CH00000000000000000000000000000404", participants.Participant{Phone: "+15558675310"})
	fmt.Println(participants.Code(err), errors.Is(err, participants.ErrNotFound))
	var apiErr *twilio.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}

	// What the vendor cannot express fails before any request.
	sent := fake.Requests()
	_, err = c.Add(context.Background(), "CH00000000000000000000000000000404", participants.Participant{Email: "ada@example.com"})
	fmt.Println(participants.Code(err), fake.Requests()-sent)
	// Output:
	// NotFound true
	// 404 20404
	// Unimplemented 0
}

// Result.As reaches the vendor's decoded response; BeforeAdd reaches the
// vendor request body.
func ExampleResult_As() {
	fake := participantstest.NewIntercomServer() // stands in for https://api.intercom.io
	defer fake.Close()
	fake.SeedAdmin("781236")
	fake.SeedConversation("123")

	ic, err := intercom.New(fake.Token(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "781236"}))

	res, err := c.Add(context.Background(), "123", participants.Participant{Email: "ada@example.com"},
		participants.BeforeAdd(func(body any) error {
			b, _ := body.(*intercom.AttachContactBody).MarshalJSON()
			fmt.Println(string(b))
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}
	var list *intercom.CustomersList
	if res.As(&list) {
		fmt.Println(res.Outcome, len(list.Customers), list.Customers[0].Type)
	}
	// Output:
	// {"admin_id":"781236","customer":{"email":"ada@example.com"}}
	// Unreported 1 lead
}

// AddMany adds many people at once and reports each one in the order given;
// a refused participant does not stop the others.
func ExampleClient_AddMany() {
	fake := participantstest.NewBirdServer() // stands in for https://api.bird.com
	defer fake.Close()
	people := []participants.Participant{
		{Email: "ada@example.com"}, {Email: "grace@example.com"}, {Email: "not an email"}, {Email: "ada@example.com"},
	}

	bc, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}))
	// One at a time, so that the output is in order; the default is 8 at once.
	results := c.AddMany(context.Background(), fake.SeedConversation(""), people, participants.WithConcurrency(1))
	for _, r := range results { // each result carries the participant it is for
		if r.Err != nil {
			fmt.Println(r.Participant.Email, participants.Code(r.Err))
			continue
		}
		fmt.Println(r.Participant.Email, r.Result.Outcome)
	}
	// Output:
	// ada@example.com Added
	// grace@example.com Added
	// not an email InvalidArgument
	// ada@example.com AlreadyPresent
}
