package participants_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/intercom"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// quotaEmails is n participants by email, from bulkq<from>@example.com on.
func quotaEmails(from, n int) []participants.Participant {
	ps := make([]participants.Participant, n)
	for i := range ps {
		ps[i] = participants.Participant{Email: fmt.Sprintf("bulkq%d@example.com", from+i)}
	}
	return ps
}

// Against Intercom, which announces its quota on every response, a bulk
// add without a configured limit follows X-RateLimit-Remaining and -Reset:
// four windows' worth of participants are all added without a single 429
// (learning from 429s instead would take at least one: the 8 workers start
// unlimited), within 5 % of the minimum time. The fake is reached in
// memory, on virtual time (testing/synctest), where its windows start on
// whole seconds: its Reset, rounded up to the second, is exact.
func TestAddManyFollowsIntercomQuota(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit, n = 50, 200
		fake := participantstest.NewIntercomServer()
		defer fake.Close()
		fake.SeedAdmin(participantstest.IntercomAdminID)
		conv := fake.SeedConversation(participantstest.IntercomConversationID)
		ic := must(intercom.New(fake.Token(), fake.InMemoryClientOptions()...))(t)
		c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: participantstest.IntercomAdminID}))
		fake.SetRateLimit(limit, time.Second)
		start := time.Now()
		for i, r := range c.AddMany(context.Background(), conv, quotaEmails(0, n)) {
			if r.Err != nil {
				t.Errorf("#%d: %v", i, r.Err)
			}
		}
		took, minimum := time.Since(start), time.Duration(n/limit)*time.Second
		log := fake.RequestLog()
		limited := 0
		for _, r := range log {
			if r.RateLimited {
				limited++
			}
		}
		if limited != 0 || len(log) != n {
			t.Errorf("%d requests, %d answered 429; want %d requests and no 429", len(log), limited, n)
		}
		if got := len(fake.Customers(conv)); got != n {
			t.Errorf("%d customers in the conversation, want %d", got, n)
		}
		if took > minimum*105/100 {
			t.Errorf("took %v; want at most 5 %% over the minimum, %v", took, minimum)
		}
		t.Logf("%d participants at %d a second in %v (virtual)", n, limit, took)
	})
}

// BenchmarkAddManyAdaptiveHeaders adds n participants against a fake
// Intercom that lets 500 requests a second through (one-second windows;
// 429 with Retry-After: 1 beyond) and announces it on every response with
// X-RateLimit-Limit, -Remaining and -Reset: no WithRateLimit, the bulk add
// follows the headers. It reports the ratio of the wall time to the
// minimum (n/500 s) and the share of requests answered 429. The fake's
// Reset is its window's end rounded up to the second, up to a second
// later than the window really ends, which the client cannot see: the
// attempts are spread over that longer time. Default n is 200 (CI); the
// figures of issue 12:
//
//	CONVERSEKIT_BULK_N=2000 go test -run '^$' -bench AddManyAdaptive -benchtime 1x ./participants/
func BenchmarkAddManyAdaptiveHeaders(b *testing.B) {
	const limit = 500
	n := envInt("CONVERSEKIT_BULK_N", 200)
	b.Run(strconv.Itoa(limit)+"rps", func(b *testing.B) {
		c, srv := participantstest.NewIntercomParticipants(b)
		benchAddManyLimited(b, c, srv.Server, participantstest.IntercomConversationID, quotaEmails, n, limit)
	})
}
