package bird_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// fakeBird answers like Bird: 201 for a new participant, 200 when the
// contact is already there, 404 for an unknown conversation.
func fakeBird() *httptest.Server {
	present := false
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/workspaces/a1405560-c8d3-4b1a-877d-3f449ad95352/conversations/c9c60caa-eaf5-4628-9687-91de4d452bfa/participants" {
			w.Header().Set("X-Request-Id", "req-1")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"code":"ResourceNotFound","message":"Conversation not found"}`)
			return
		}
		if present {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusCreated)
		}
		present = true
		io.WriteString(w, `{"id":"3954d22c-96f7-4bc3-817b-67b4d903ed90","type":"contact","status":"active",`+
			`"contact":{"identifierKey":"emailaddress","identifierValue":"john.doe@bird.com","platformAddress":"john.doe@bird.com"}}`)
	}))
}

func ExampleClient_AddParticipant() {
	srv := fakeBird()
	defer srv.Close()

	c, err := bird.New("my-access-key", option.WithBaseURL(srv.URL)) // omit WithBaseURL for https://api.bird.com
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	body := bird.ContactByIdentifier("emailaddress", "john.doe@bird.com")
	for range 2 {
		res, err := c.AddParticipant(ctx, "a1405560-c8d3-4b1a-877d-3f449ad95352", "c9c60caa-eaf5-4628-9687-91de4d452bfa", body)
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Participant.ID, res.Participant.Status, "created:", res.Created)
	}
	// Output:
	// 3954d22c-96f7-4bc3-817b-67b4d903ed90 active created: true
	// 3954d22c-96f7-4bc3-817b-67b4d903ed90 active created: false
}

func ExampleAPIError() {
	srv := fakeBird()
	defer srv.Close()

	c, err := bird.New("my-access-key", option.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	_, err = c.AddParticipant(context.Background(), "a1405560-c8d3-4b1a-877d-3f449ad95352", "00000000-0000-0000-0000-000000000000",
		bird.UserParticipant("3f2a9c1e-user"))
	var apiErr *bird.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
	}
	fmt.Println(err)
	// Output:
	// 404 ResourceNotFound req-1
	// bird: HTTP 404 Not Found: ResourceNotFound: Conversation not found [request req-1]
}

func ExampleContactByIdentifier() {
	body := bird.ContactByIdentifier("phonenumber", "+31612345678",
		bird.WithStatus(bird.ParticipantStatusInvited),
		bird.WithPlatformAddressSelector("identifiers.phonenumber"))
	fmt.Println(body)
	fmt.Println(bird.UserParticipant("").Validate())
	// Output:
	// {"type":"contact","status":"invited","contact":{"identifierKey":"phonenumber","identifierValue":"+31612345678","platformAddressSelector":"identifiers.phonenumber"}}
	// bird: invalid body.id: must not be empty
}

// A bad argument is a *bird.ParamError, returned before any request.
func ExampleParamError() {
	c, err := bird.New("my-access-key")
	if err != nil {
		panic(err)
	}
	_, err = c.GetParticipant(context.Background(), "my-workspace", "2f8a84a4-7d3a-4bd3-b4f2-5b2e0d3e6f01", "p1")
	var pe *bird.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field, "-", pe.Reason)
	}
	// Output:
	// workspaceID - "my-workspace" is not a UUID
}

func ExampleClient_AllParticipants() {
	fake := participantstest.NewBirdServer() // a stateful fake of Bird
	defer fake.Close()
	conv := fake.SeedConversation("")
	c, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ws := fake.WorkspaceID()
	for _, email := range []string{"ada@example.com", "bob@example.com", "cy@example.com"} {
		if _, err := c.AddParticipant(ctx, ws, conv, bird.ContactByIdentifier("emailaddress", email)); err != nil {
			panic(err)
		}
	}
	// Two per page: the second page is fetched when the loop gets there.
	for p, err := range c.AllParticipants(ctx, ws, conv, &bird.ListParticipantsParams{Limit: 2}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(p.Contact.IdentifierValue, p.Status)
	}
	fmt.Println(fake.Requests()-3, "list requests")
	// Output:
	// ada@example.com active
	// bob@example.com active
	// cy@example.com active
	// 2 list requests
}

func ExampleClient_UpdateParticipantByIdentifier() {
	fake := participantstest.NewBirdServer()
	defer fake.Close()
	conv := fake.SeedConversation("")
	c, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ws := fake.WorkspaceID()
	if _, err := c.AddParticipant(ctx, ws, conv, bird.ContactByIdentifier("emailaddress", "ada@example.com")); err != nil {
		panic(err)
	}
	p, err := c.UpdateParticipantByIdentifier(ctx, ws, conv, "emailaddress", "ada@example.com",
		bird.ParticipantUpdate{Status: bird.ParticipantStatusInvited})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Contact.IdentifierValue, p.Status)

	// An empty update is refused before any request.
	_, err = c.UpdateParticipant(ctx, ws, conv, p.ID, bird.ParticipantUpdate{})
	fmt.Println(err)
	// Output:
	// ada@example.com invited
	// bird: invalid update: empty: Bird needs at least one property (Status)
}
