package sunshine_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/sunshine"
)

// Join a user to a group conversation, list the participants, and leave.
// The fake from participantstest stands in for Sunshine; against the real
// API, use option.WithBaseURL(sunshine.USBaseURL), EUBaseURL or the URL of
// sunshine.ZendeskURL.
func Example() {
	fake := participantstest.NewSunshineServer()
	defer fake.Close()
	conv := fake.SeedConversation("029c31f25a21b47effd7be90", "sdkGroup")
	fake.SeedUser("user-42")

	c, err := sunshine.New(fake.KeyID(), fake.Secret(), option.WithBaseURL(fake.URL()), option.WithHTTPClient(fake.Client()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	p, err := c.JoinConversation(ctx, fake.AppID(), conv, sunshine.JoinByExternalID("user-42"))
	if err != nil {
		panic(err)
	}
	fmt.Println("joined:", p.UserExternalID)

	for lp, err := range c.AllParticipants(ctx, fake.AppID(), conv, nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println("participant:", lp.ID == p.ID, lp.UserExternalID)
	}

	if err := c.LeaveConversation(ctx, fake.AppID(), conv, sunshine.LeaveByParticipantID(p.ID)); err != nil {
		panic(err)
	}
	err = c.LeaveConversation(ctx, fake.AppID(), conv, sunshine.LeaveByParticipantID(p.ID))
	var api *sunshine.APIError
	if errors.As(err, &api) {
		fmt.Println("again:", api.StatusCode, api.Code, api.Message)
	}
	// Output:
	// joined: user-42
	// participant: true user-42
	// again: 404 not_found User is not a member of the conversation
}

func ExampleZendeskURL() {
	u, err := sunshine.ZendeskURL("acme")
	fmt.Println(u, err)
	_, err = sunshine.ZendeskURL("acme.zendesk.com")
	fmt.Println(err)
	// Output:
	// https://acme.zendesk.com/sc <nil>
	// sunshine: invalid subdomain: "acme.zendesk.com" is not a Zendesk subdomain (lower-case letters, digits and inner hyphens, at most 63)
}

func ExampleLeaveBody() {
	fmt.Println(sunshine.LeaveByExternalID("user-42"))
	fmt.Println(sunshine.LeaveByParticipantID(""))
	fmt.Println(sunshine.LeaveBody{})
	// Output:
	// {"userExternalId":"user-42"}
	// invalid sunshine body: sunshine: invalid body.participantId: must not be empty
	// invalid sunshine body: sunshine: invalid body: unset: build it with LeaveByUserID, LeaveByExternalID or LeaveByParticipantID
}
