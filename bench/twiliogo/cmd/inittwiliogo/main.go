// Command inittwiliogo is the twilio-go counterpart of initours, as
// twilio-go's README starts a program: it imports twilio-go's REST client
// (the root package, which holds every service) and conversations v1 and
// makes a client, sending nothing. The init benchmark of bench/twiliogo runs
// it with GODEBUG=inittrace=1 to time the Go init of such a program.
package main

import (
	"os"

	"github.com/twilio/twilio-go"
	conversationsv1 "github.com/twilio/twilio-go/rest/conversations/v1"
)

func main() {
	rest := twilio.NewRestClientWithParams(twilio.ClientParams{
		Username: "AC00000000000000000000000000000001",
		Password: "0123456789abcdef0123456789abcdef",
	})
	var conv *conversationsv1.ApiService = rest.ConversationsV1
	if conv == nil {
		os.Exit(1)
	}
}
