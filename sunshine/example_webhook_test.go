package sunshine_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/conversekit/conversekit/sunshine"
)

// An http.Handler that receives Sunshine Conversations webhooks: it
// verifies each request, then decodes the batch of events it carries.
// Sunshine stops retrying after 400, 401, 403, 404 or 406: answer those
// only for requests that must never come again, and a fault of your own
// with 5xx or 429.
func ExampleWebhookVerifier() {
	verifier, err := sunshine.NewWebhookVerifier("the webhook's secret")
	if err != nil {
		log.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := verifier.Verify(r)
		switch {
		case errors.Is(err, sunshine.ErrWebhookTooLarge):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			fmt.Println("refused:", err)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		batch, err := sunshine.DecodeWebhook(body)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		for _, e := range batch.ParticipantEvents() {
			fmt.Println(e.ID, e.Type, e.Payload.Conversation.ID, e.Payload.User.ID)
		}
	})

	body := `{"app":{"id":"5ebee0975ac5304b664a12fa"},"webhook":{"id":"5f4eaef81e3dcc117c7ba48a","version":"v2"},"events":[` +
		`{"id":"ev1","type":"conversation:join","payload":{"conversation":{"id":"conv1","type":"sdkGroup"},"user":{"id":"user1"}}},` +
		`{"id":"ev2","type":"conversation:message","payload":{"conversation":{"id":"conv1"}}},` +
		`{"id":"ev3","type":"conversation:leave","payload":{"conversation":{"id":"conv2","type":"sdkGroup"},"user":{"id":"user2"}}}]}`
	for _, key := range []string{"the webhook's secret", "a forger's guess"} {
		r := httptest.NewRequest(http.MethodPost, "/sunshine", strings.NewReader(body))
		r.Header.Set("X-API-Key", key)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// ev1 conversation:join conv1 user1
	// ev3 conversation:leave conv2 user2
	// 200
	// refused: sunshine webhook: bad signature: X-API-Key: is not the webhook's secret
	// 401
}
