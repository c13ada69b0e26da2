package observe_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/conversekit/conversekit/observe"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// printer is an Observer that prints what it is told: a program would
// count, log or trace instead.
type printer struct{}

func (printer) StartCall(ctx context.Context, c observe.Call) (context.Context, observe.CallObserver) {
	fmt.Printf("call %s %s\n", c.Vendor, c.Method)
	return ctx, callPrinter{}
}

type callPrinter struct{}

func (callPrinter) StartAttempt(ctx context.Context, n int) context.Context { return ctx }

func (callPrinter) EndAttempt(_ context.Context, a observe.Attempt) {
	fmt.Printf("  attempt %d: %d\n", a.Number, a.StatusCode)
}

func (callPrinter) Wait(_ context.Context, w observe.Wait) {
	fmt.Printf("  wait %s before attempt %d (rate limit: %t)\n", w.Kind, w.Attempt, w.Kind.RateLimit())
}

func (callPrinter) EndCall(_ context.Context, e observe.CallEnd) {
	fmt.Printf("  end: %d after %d attempts, %d waits, error %v\n", e.StatusCode, e.Attempts, e.Waits, e.Err)
}

// An Observer of a Twilio client whose first request is answered 429 with
// Retry-After: 0 (a fake Twilio, in memory).
func Example() {
	fake := participantstest.NewTwilioServer()
	defer fake.Close()
	conv := fake.SeedConversation("", "support-42")
	fake.InjectFaults(participantstest.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}},
		Body: `{"code": 20429, "message": "Too Many Requests", "status": 429}`})
	c, err := twilio.New(fake.AccountSID(), fake.AuthToken(), fake.InMemoryClientOptions(option.WithObserver(printer{}))...)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.CreateParticipant(context.Background(), conv, twilio.CreateParticipantParams{Identity: "alice"}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// call twilio POST
	//   attempt 1: 429
	//   wait retry_after before attempt 2 (rate limit: true)
	//   attempt 2: 201
	//   end: 201 after 2 attempts, 1 waits, error <nil>
}
