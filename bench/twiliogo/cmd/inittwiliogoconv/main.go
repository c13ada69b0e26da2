// Command inittwiliogoconv is the leanest twilio-go counterpart of
// initours: it imports only twilio-go's client package and conversations v1
// (not the root package, which holds every service) and makes the
// conversations service, sending nothing. The init benchmark of
// bench/twiliogo runs it with GODEBUG=inittrace=1 to time the Go init of
// such a program.
package main

import (
	"os"

	"github.com/twilio/twilio-go/client"
	conversationsv1 "github.com/twilio/twilio-go/rest/conversations/v1"
)

func main() {
	conv := conversationsv1.NewApiServiceWithClient(&client.Client{
		Credentials: client.NewCredentials("AC00000000000000000000000000000001", "0123456789abcdef0123456789abcdef"),
	})
	if conv == nil {
		os.Exit(1)
	}
}
