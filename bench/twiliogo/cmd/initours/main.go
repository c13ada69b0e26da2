// Command initours is a Twilio-only conversekit program reduced to its
// start: it imports twilio, twilioparticipants and participants and makes a
// participants.Client, sending nothing. The init benchmark of bench/twiliogo
// runs it with GODEBUG=inittrace=1 to time the Go init of such a program.
package main

import (
	"fmt"
	"os"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

func main() {
	tc, err := twilio.New("AC00000000000000000000000000000001", "0123456789abcdef0123456789abcdef")
	if err != nil {
		fmt.Fprintln(os.Stderr, "initours:", err)
		os.Exit(1)
	}
	pc := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: "+15017122661"}))
	if pc == nil {
		os.Exit(1)
	}
}
