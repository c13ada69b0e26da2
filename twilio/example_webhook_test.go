package twilio_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/conversekit/conversekit/twilio"
)

// An http.Handler that receives Twilio Conversations participant webhooks:
// it verifies each request, then decodes it. A bad signature is refused
// without looking at the body; a pre-action event is answered 200, which
// lets the action happen.
func ExampleWebhookVerifier() {
	verifier, err := twilio.NewWebhookVerifier("your_auth_token",
		// The URL configured in Twilio, when a proxy sits in front of this server.
		twilio.WithPublicURL("https://hooks.example.com/twilio"))
	if err != nil {
		log.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, err := verifier.Verify(r)
		switch {
		case errors.Is(err, twilio.ErrWebhookTooLarge):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			fmt.Println("refused:", err)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		ev, err := twilio.DecodeWebhook(payload)
		switch {
		case errors.Is(err, twilio.ErrWebhookUnsupported):
			fmt.Println("ignored:", err)
			return // 200
		case err != nil:
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		fmt.Println(ev.EventType, ev.ConversationSID, ev.ParticipantSID, ev.MessagingBindingAddress)
	})

	// What Twilio sends (here signed by hand), as the proxy passes it on.
	form := url.Values{
		"EventType":                {"onParticipantAdded"},
		"ConversationSid":          {"CH00000000000000000000000000000001"},
		"ParticipantSid":           {"MB00000000000000000000000000000001"},
		"MessagingBinding.Address": {"+15558675310"},
	}
	for _, token := range []string{"your_auth_token", "a forger's guess"} {
		r := httptest.NewRequest(http.MethodPost, "http://10.0.0.7:8080/twilio", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Twilio-Signature", twilioSignature(token, "https://hooks.example.com/twilio", form))
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// onParticipantAdded CH00000000000000000000000000000001 MB00000000000000000000000000000001 +15558675310
	// 200
	// refused: twilio webhook: bad signature: X-Twilio-Signature: does not match the URL and parameters
	// 403
}

// twilioSignature signs as Twilio does: the URL, then each parameter name
// in sorted order followed by its value (url.Values.Encode sorts the names).
func twilioSignature(token, u string, form url.Values) string {
	s := u
	for _, kv := range strings.Split(form.Encode(), "&") {
		k, v, _ := strings.Cut(kv, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		s += k + v
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
