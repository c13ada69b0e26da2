package participants_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/conversekit/conversekit/participants"
)

// Every result of AddMany and AddEach names the participant it is for, on
// every path: success, refusal before the request, a failed setup, a
// context that ended, a limiter that refused.
func TestBulkResultCarriesItsParticipant(t *testing.T) {
	ps := emails(0, 9)
	ps[2].Email = "not-an-email"                  // refused before any request
	ps[5].Attributes = json.RawMessage(`{"a":1}`) // Bird carries no attributes
	check := func(name string, i int, r participants.BulkResult) {
		t.Helper()
		if !reflect.DeepEqual(r.Participant, ps[i]) {
			t.Errorf("%s #%d: result for %+v, want %+v", name, i, r.Participant, ps[i])
		}
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := map[string]struct {
		ctx  context.Context
		opts []participants.BulkOption
		code participants.ErrorCode // of the valid participants; OK: success
	}{
		"added":          {context.Background(), nil, participants.OK},
		"bad option":     {context.Background(), []participants.BulkOption{participants.WithConcurrency(0)}, participants.InvalidArgument},
		"context ended":  {canceled, nil, participants.Canceled},
		"limiter refuse": {context.Background(), []participants.BulkOption{participants.WithLimiter(&refusingLimiter{err: errors.New("down")})}, participants.Unavailable},
	}
	for name, tc := range cases {
		c := echoClient(t, &echoRT{})
		for i, r := range c.AddMany(tc.ctx, birdConversation, ps, append(tc.opts, participants.WithConcurrency(3))...) {
			check(name+" AddMany", i, r)
			if want := tc.code; i != 2 && i != 5 && participants.Code(r.Err) != want {
				t.Errorf("%s AddMany #%d: %v, want %v", name, i, r.Err, want)
			}
		}
		n := 0
		for i, r := range c.AddEach(tc.ctx, birdConversation, func(yield func(participants.Participant) bool) {
			for _, p := range ps {
				if !yield(p) {
					return
				}
			}
		}, append(tc.opts, participants.WithConcurrency(3))...) {
			check(name+" AddEach", i, r)
			n++
		}
		if n != len(ps) {
			t.Errorf("%s: %d results for %d", name, n, len(ps))
		}
	}
}
