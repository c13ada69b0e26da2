package participantstest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

// A fake subscribed to a server that runs participants.WebhookHandler: the
// join and the leave made through the Client arrive signed, each delivered
// twice (Duplicates), and reach the handler's function once.
func ExampleSunshineServer_Subscribe() {
	ctx := context.Background()
	fake := participantstest.NewSunshineServer()
	defer fake.Close()
	conv := fake.SeedConversation("", "sdkGroup")
	fake.EnsureUser("ada")

	// The receiving side, as in production: verify, de-duplicate, handle.
	v, err := sunshine.NewWebhookVerifier("webhook-secret")
	if err != nil {
		panic(err)
	}
	h, err := participants.NewWebhookHandler(sunshineparticipants.NewReceiver(v), func(_ context.Context, e participants.Event) error {
		fmt.Println(e.Kind, e.Participant.ExternalID)
		return nil
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	sub := fake.Subscribe(srv.URL+"/webhooks/sunshine", participantstest.Webhooks{Secret: "webhook-secret", Duplicates: 1})

	sc, err := sunshine.New(fake.KeyID(), fake.Secret(), fake.ClientOptions()...)
	if err != nil {
		panic(err)
	}
	c := participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: fake.AppID()}))
	if _, err := c.Add(ctx, conv, participants.Participant{ExternalID: "ada"}); err != nil {
		panic(err)
	}
	if _, err := c.Remove(ctx, conv, participants.Participant{ExternalID: "ada"}); err != nil {
		panic(err)
	}
	if err := sub.Flush(ctx); err != nil {
		panic(err)
	}
	for _, a := range sub.Attempts() {
		fmt.Println("delivery", a.Delivery, "answered", a.Status, "duplicate:", a.Duplicate)
	}
	// Output:
	// joined ada
	// left ada
	// delivery 1 answered 200 duplicate: false
	// delivery 1 answered 200 duplicate: true
	// delivery 2 answered 200 duplicate: false
	// delivery 2 answered 200 duplicate: true
}
