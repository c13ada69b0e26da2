package participantstest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// exampleT stands in for the *testing.T that a test passes to the helpers:
// an Example has none. done runs the cleanups, as the end of a test does.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()           {}
func (t *exampleT) Cleanup(f func())  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// The fakes need no testing.T: start one, seed it, point a client at URL().
func ExampleNewBirdServer() {
	bird := participantstest.NewBirdServer()
	defer bird.Close()
	conv := bird.SeedConversation("")

	body := `{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"john.doe@bird.com"}}`
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost,
			bird.URL()+"/workspaces/"+bird.WorkspaceID()+"/conversations/"+conv+"/participants",
			strings.NewReader(body))
		req.Header.Set("Authorization", "AccessKey "+bird.AccessKey())
		req.Header.Set("Content-Type", "application/json")
		res, err := bird.Client().Do(req)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
		fmt.Println(res.StatusCode)
	}
	p := bird.Participants(conv)
	fmt.Println(len(p), p[0].Contact.PlatformAddress)
	// Output:
	// 201
	// 200
	// 1 john.doe@bird.com
}

// A CommitThenDrop fault makes the vendor do the work but lose the answer;
// the retry then meets Twilio's duplicate error instead of a second
// participant.
func ExampleFault_commitThenDrop() {
	tw := participantstest.NewTwilioServer()
	defer tw.Close()
	conv := tw.SeedConversation("", "support")
	tw.InjectFaults(participantstest.Fault{CommitThenDrop: true})

	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, tw.URL()+"/v1/Conversations/support/Participants",
			strings.NewReader(url.Values{"Identity": {"alice"}}.Encode()))
		req.SetBasicAuth(tw.AccountSID(), tw.AuthToken())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := tw.Client().Do(req)
		if err != nil {
			fmt.Println("transport error")
			continue
		}
		res.Body.Close()
		fmt.Println(res.StatusCode)
	}
	fmt.Println(len(tw.Participants(conv)))
	// Output:
	// transport error
	// 409
	// 1
}

// NewServer gives a fake of any vendor, written as a plain http.Handler,
// the fault injection, request log and rate limit of the fakes of this
// package, so that it can serve as the Fake of a drivertest.Fixture. See
// participants/drivertest/external_test.go for a complete provider of a toy
// vendor that passes drivertest.RunConformanceTests this way.
func ExampleNewServer() {
	vendor := http.NewServeMux()
	vendor.HandleFunc("PUT /conversations/{id}/members/{email}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	fake := participantstest.NewServer(vendor)
	defer fake.Close()
	fake.InjectFaults(participantstest.Fault{Status: http.StatusServiceUnavailable})

	for range 2 {
		req, _ := http.NewRequest(http.MethodPut, fake.URL()+"/conversations/c1/members/ada@example.com", nil)
		res, err := fake.Client().Do(req)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
		fmt.Println(res.StatusCode)
	}
	fmt.Println(fake.Requests(), "requests")
	// Output:
	// 503
	// 201
	// 2 requests
}

// A test gets a Twilio client and its fake in one line, with retry waits of
// milliseconds: four 503s and the fifth attempt take a few milliseconds, not
// the 7.5 s of the default waits. Options given to NewTwilio win over the
// helper's (here one more retry than the default three).
func ExampleNewTwilio() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.done()

	tc, fake := participantstest.NewTwilio(t, option.WithMaxRetries(4))
	unavailable := participantstest.Fault{Status: http.StatusServiceUnavailable}
	fake.InjectFaults(unavailable, unavailable, unavailable, unavailable)

	page, err := tc.ListParticipants(context.Background(), participantstest.TwilioConversationSID, nil)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(len(page.Participants), "participants after", fake.Requests(), "attempts")
	// Output:
	// 0 participants after 5 attempts
}

// Fault injection by status: the fake answers the first attempt 503 and the
// retry adds the participant. The request log shows each attempt.
func ExampleNewBirdParticipants() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.done()

	c, fake := participantstest.NewBirdParticipants(t)
	fake.InjectFaults(participantstest.Fault{Status: http.StatusServiceUnavailable})

	res, err := c.Add(context.Background(), participantstest.BirdConversationID, participants.Participant{Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range fake.RequestLog() {
		answer := "served"
		if r.Fault != nil {
			answer = fmt.Sprint(r.Fault.Status)
		}
		fmt.Println("attempt", i+1, r.Method, answer)
	}
	fmt.Println(res.Outcome, len(fake.Participants(participantstest.BirdConversationID)))
	// Output:
	// attempt 1 POST 503
	// attempt 2 POST served
	// Added 1
}
