package bird_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/conversekit/conversekit/bird"
)

// An http.Handler that receives Bird's conversation events: it verifies
// each request (signature and replay window), then decodes it. Bird sends
// no participant event: a conversation.updated is the cue to list the
// conversation's participants and compare with what was known.
func ExampleWebhookVerifier() {
	verifier, err := bird.NewWebhookVerifier("the subscription's signingKey",
		bird.WithPublicURL("https://hooks.example.com/bird"), // the subscription's url
		bird.WithReplayWindow(2*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := verifier.Verify(r)
		if err != nil {
			fmt.Println("refused, stale:", errors.Is(err, bird.ErrWebhookStale))
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		ev, err := bird.DecodeWebhook(body)
		switch {
		case errors.Is(err, bird.ErrWebhookUnsupported):
			return // 200
		case err != nil:
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		fmt.Println(ev.Event, ev.Payload.ID, ev.Payload.ActiveParticipantCount, r.Header.Get(bird.RequestIDHeader))
	})

	body := `{"service":"conversations","event":"conversation.updated","payload":{"id":"badbf15c-bad3-4bf3-9223-6b7f414f9770","activeParticipantCount":2}}`
	for _, age := range []time.Duration{0, time.Hour} {
		ts := strconv.FormatInt(time.Now().Add(-age).Unix(), 10)
		r := httptest.NewRequest(http.MethodPost, "http://10.0.0.7:8080/bird", strings.NewReader(body))
		r.Header.Set("messagebird-request-id", "7f1c3b5e")
		r.Header.Set("messagebird-request-timestamp", ts)
		r.Header.Set("messagebird-signature", birdSignature("the subscription's signingKey", ts, "https://hooks.example.com/bird", body))
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// conversation.updated badbf15c-bad3-4bf3-9223-6b7f414f9770 2 7f1c3b5e
	// 200
	// refused, stale: true
	// 403
}

// birdSignature signs as Bird does: HMAC-SHA256 of the timestamp, the URL
// and the SHA-256 of the body, separated by newlines.
func birdSignature(key, ts, url, body string) string {
	sum := sha256.Sum256([]byte(body))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(ts + "\n" + url + "\n"))
	mac.Write(sum[:])
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
