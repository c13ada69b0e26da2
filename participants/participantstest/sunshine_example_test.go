package participantstest_test

import (
	"context"
	"fmt"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The whole lifecycle on the Sunshine fake: Sunshine joins only users of
// the app, so the test seeds one first. Add reads the participants before
// it joins, which the request log shows.
func ExampleNewSunshineParticipants() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.done()

	c, fake := participantstest.NewSunshineParticipants(t)
	fake.SeedUser("user-42")
	ctx := context.Background()
	ada := participants.Participant{ExternalID: "user-42"}
	conv := participantstest.SunshineConversationID

	for range 2 {
		res, err := c.Add(ctx, conv, ada)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("add:", res.Outcome)
	}
	for m, err := range c.List(ctx, conv) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("member:", m.ExternalID)
	}
	for range 2 {
		res, err := c.Remove(ctx, conv, ada)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("remove:", res.Outcome)
	}
	for _, r := range fake.RequestLog() {
		fmt.Println(r.Method, r.Path[len("/v2/apps/"+fake.AppID()+"/conversations/"+conv):])
	}
	// Output:
	// add: Added
	// add: AlreadyPresent
	// member: user-42
	// remove: Removed
	// remove: AlreadyAbsent
	// GET /participants
	// POST /join
	// GET /participants
	// GET /participants
	// POST /leave
	// POST /leave
}
