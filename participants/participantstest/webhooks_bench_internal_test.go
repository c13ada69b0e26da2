package participantstest

import (
	"context"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

// BenchmarkSubscriptionDelivery measures a Sunshine join from the fake's
// queue to the user's function, through a loopback request, the verifier,
// the decoder and the WebhookHandler's de-duplication: one op is one
// event, delivered alone or in batches of 10.
//
//	go test ./participants/participantstest -run '^$' -bench SubscriptionDelivery -benchmem
func BenchmarkSubscriptionDelivery(b *testing.B) {
	for _, batch := range []int{1, 10} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) {
			fake := NewSunshineServer()
			defer fake.Close()
			v, err := sunshine.NewWebhookVerifier("bench-secret")
			if err != nil {
				b.Fatal(err)
			}
			var handled atomic.Int64
			h, err := participants.NewWebhookHandler(sunshineparticipants.NewReceiver(v), func(context.Context, participants.Event) error {
				handled.Add(1)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			sub := fake.Subscribe(srv.URL, Webhooks{Secret: "bench-secret", Batch: batch})
			user := SunshineUser{ID: "5f74a0d52b5315fc007e7980", ExternalID: "ada"}
			data := sunshineHookData{conversation: "5f74a0d52b5315fc007e7981", conversationType: "sdkGroup", user: user}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				fake.hooks.emit(hookEvent{kind: "conversation:join", data: data})
				if (i+1)%batch == 0 {
					if err := sub.Flush(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := sub.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if int(handled.Load()) != b.N {
				b.Fatalf("%d events handled, want %d", handled.Load(), b.N)
			}
		})
	}
}
