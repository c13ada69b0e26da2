package option_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// The same options configure a client and, as trailing arguments, one call:
// here a retry budget and a per-attempt timeout for the client, a header,
// five retries and the response's details for one call. An option that only
// a client can have is refused on a call before any request, naming it.
func Example() {
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()
	conversation := fake.SeedConversation("", "support")

	tw, err := twilio.New(fake.AccountSID(), fake.AuthToken(),
		option.WithBaseURL(fake.URL()),
		option.WithMaxRetries(2),
		option.WithAttemptTimeout(10*time.Second),
		option.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// One call: two 503s, then success; this call may retry 5 times, and
	// WithIdempotent lets it retry a POST on 5xx.
	fake.InjectFaults(participantstest.Fault{Status: http.StatusServiceUnavailable}, participantstest.Fault{Status: http.StatusServiceUnavailable})
	var resp option.Response
	p, err := tw.CreateParticipant(ctx, conversation, twilio.CreateParticipantParams{Identity: "ada"},
		option.WithHeader("X-Trace", "import-42"),
		option.WithMaxRetries(5),
		option.WithIdempotent(),
		option.WithResponseInto(&resp))
	if err != nil {
		log.Fatal(err)
	}
	reqs := fake.RequestLog()
	fmt.Println(p.Identity, resp.StatusCode, resp.Attempts, reqs[len(reqs)-1].Header.Get("X-Trace"))

	// A client-only option on a call: refused, nothing sent.
	before := fake.Requests()
	_, err = tw.CreateParticipant(ctx, conversation, twilio.CreateParticipantParams{Identity: "grace"},
		option.WithBaseURL("https://example.com"))
	var pe *twilio.ParamError
	fmt.Println(errors.As(err, &pe), pe.Field, fake.Requests()-before)
	// Output:
	// ada 201 3 import-42
	// true option.WithBaseURL 0
}
