package participantstest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/conversekit/conversekit/participants/participantstest"
)

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
// package, so that it can serve as the Fake of a conformance Fixture. See
// external_test.go in this package for a complete provider of a toy vendor
// that passes RunConformance this way.
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
