package twilioparticipants_test

import (
	"context"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The helpers of this package's tests, as the participants package's tests
// have them.

var ctx = context.Background()

// lastBody is the body of the last request that reached s.
func lastBody(t *testing.T, s *participantstest.Server) string {
	t.Helper()
	log := s.RequestLog()
	if len(log) == 0 {
		t.Fatal("no request reached the fake")
	}
	return string(log[len(log)-1].Body)
}

// mustAdd adds p, failing t unless the vendor added them.
func mustAdd(t *testing.T, c *participants.Client, conv string, p participants.Participant) *participants.Result {
	t.Helper()
	res, err := c.Add(ctx, conv, p)
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add %+v: %+v, %v", p, res, err)
	}
	return res
}

const (
	twilioProxy  = participantstest.TwilioProxyAddress
	otherProxy   = "+15017122999"
	envTwilioSID = "AC0123456789abcdef0123456789abcdef"
)
