package intercom_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/conversekit/conversekit/intercom"
)

// An http.Handler that receives Intercom's contact attached and detached
// notifications: it verifies each request, then decodes it. Never answer
// 410 (Intercom then disables the subscription); a ping or another topic
// is answered 200.
func ExampleWebhookVerifier() {
	verifier, err := intercom.NewWebhookVerifier("your_client_secret")
	if err != nil {
		log.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := verifier.Verify(r)
		if err != nil {
			fmt.Println("refused:", err)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		ev, err := intercom.DecodeWebhook(body)
		switch {
		case errors.Is(err, intercom.ErrWebhookUnsupported):
			return // 200
		case err != nil:
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		fmt.Println(ev.ID, ev.Topic, ev.ConversationID(), ev.ContactID())
	})

	body := `{"type":"notification_event","id":"notif_1","topic":"conversation.contact.attached","app_id":"abc123",` +
		`"data":{"type":"notification_event_data","item":{"conversation":{"id":"1886"},"contact":{"type":"contact","id":"65446e1aaf142d1550cfd6d7"}}}}`
	for _, secret := range []string{"your_client_secret", "a forger's guess"} {
		mac := hmac.New(sha1.New, []byte(secret))
		mac.Write([]byte(body))
		r := httptest.NewRequest(http.MethodPost, "/intercom", strings.NewReader(body))
		r.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// notif_1 conversation.contact.attached 1886 65446e1aaf142d1550cfd6d7
	// 200
	// refused: intercom webhook: bad signature: X-Hub-Signature: does not match the body
	// 403
}
