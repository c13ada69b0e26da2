package sunshineparticipants_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

const hookSecret = "whsec-0123456789"

// A batch as the facts' example, with a leave of another conversation and
// a message event between.
const batch = `{"app":{"id":"5ebee0975ac5304b664a12fa"},"webhook":{"id":"5f4eaef81e3dcc117c7ba48a","version":"v2"},"events":[` +
	`{"id":"5f74a0d52b5315fc007e798a","createdAt":"2020-09-30T15:14:29.834Z","type":"conversation:join","payload":{"conversation":{"id":"f52b01137aa6c250bc7251fa","type":"sdkGroup"},"user":{"id":"26508c10541a4b0ff472e5e2","externalId":"912382197","authenticated":true}}},` +
	`{"id":"5f74a0d52b5315fc007e798b","createdAt":"2020-09-30T15:14:30Z","type":"conversation:message","payload":{"conversation":{"id":"f52b01137aa6c250bc7251fa"}}},` +
	`{"id":"5f74a0d52b5315fc007e798c","createdAt":"2020-09-30T15:14:31Z","type":"conversation:leave","payload":{"conversation":{"id":"a52b01137aa6c250bc7251fb","type":"sdkGroup"},"user":{"id":"36508c10541a4b0ff472e5e3"}}}]}`

func request(key, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://example.com/webhooks/sunshine", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if key != "" {
		r.Header.Set("X-API-Key", key)
	}
	return r
}

type calls struct {
	events []participants.Event
	fail   string
}

func (c *calls) fn(_ context.Context, e participants.Event) error {
	c.events = append(c.events, e)
	if e.ID == c.fail {
		return errors.New("down")
	}
	return nil
}

func handler(t *testing.T, c *calls) http.Handler {
	t.Helper()
	v, err := sunshine.NewWebhookVerifier(hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	h, err := participants.NewWebhookHandler(sunshineparticipants.NewReceiver(v), c.fn,
		participants.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func serve(h http.Handler, r *http.Request) int {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestReceiverBatch(t *testing.T) {
	c := &calls{}
	h := handler(t, c)
	if code := serve(h, request(hookSecret, batch)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if len(c.events) != 2 {
		t.Fatalf("%d events, want the join and the leave", len(c.events))
	}
	j, l := c.events[0], c.events[1]
	if j.Provider != "sunshine" || j.Kind != participants.ParticipantJoined || j.ConversationID != "f52b01137aa6c250bc7251fa" ||
		j.ID != "5f74a0d52b5315fc007e798a" || j.Participant.ContactID != "26508c10541a4b0ff472e5e2" || j.Participant.ExternalID != "912382197" ||
		j.Participant.ID != "" || j.At.UnixMilli() != 1601478869834 {
		t.Fatalf("join: %+v", j)
	}
	if l.Kind != participants.ParticipantLeft || l.ConversationID != "a52b01137aa6c250bc7251fb" || l.Participant.ContactID != "36508c10541a4b0ff472e5e3" {
		t.Fatalf("leave: %+v", l)
	}
	var we *sunshine.WebhookEvent
	if !l.As(&we) || we.Type != sunshine.WebhookEventTypeConversationLeave {
		t.Fatalf("As: %+v", we)
	}
	// Sunshine's retry of the batch: nothing handled twice.
	if code := serve(h, request(hookSecret, batch)); code != http.StatusOK || len(c.events) != 2 {
		t.Fatalf("redelivery: status %d, %d events", code, len(c.events))
	}
}

// The leave fails: 503 (a status after which Sunshine retries), and the
// retried batch calls the handler with the leave only.
func TestReceiverBatchPartFailed(t *testing.T) {
	c := &calls{fail: "5f74a0d52b5315fc007e798c"}
	h := handler(t, c)
	if code := serve(h, request(hookSecret, batch)); code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", code)
	}
	c.fail = ""
	if code := serve(h, request(hookSecret, batch)); code != http.StatusOK {
		t.Fatalf("retry status %d", code)
	}
	var ids []string
	for _, e := range c.events {
		ids = append(ids, e.ID[len(e.ID)-1:])
	}
	if got := strings.Join(ids, ""); got != "acc" {
		t.Fatalf("handled %s, want a, c (failed), c", got)
	}
}

func TestReceiverRefusals(t *testing.T) {
	c := &calls{}
	h := handler(t, c)
	for _, tc := range []struct {
		name, key, body string
		want            int
	}{
		{"no key", "", batch, http.StatusUnauthorized},
		{"wrong key", "whsec-wrong", batch, http.StatusUnauthorized},
		{"no participant event", hookSecret, strings.Replace(strings.Replace(batch, "conversation:join", "conversation:read", 1), "conversation:leave", "conversation:read", 1), http.StatusOK},
		{"not JSON", hookSecret, "{", http.StatusBadRequest},
	} {
		if code := serve(h, request(tc.key, tc.body)); code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, code, tc.want)
		}
	}
	if len(c.events) != 0 {
		t.Fatalf("the handler was called: %+v", c.events)
	}
	if _, err := sunshineparticipants.NewReceiver(nil).Receive(context.Background(), request(hookSecret, batch)); err == nil {
		t.Fatal("a nil verifier received")
	}
}
