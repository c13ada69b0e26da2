package intercomparticipants_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
)

const hookSecret = "client-secret-123"

// The facts' vector: this body, signed with hookSecret, is
// sha1=3e431e3ecf617eb4592799bf35bec94f517d47d6.
const attachedBody = `{"type":"notification_event","id":"notif_1","topic":"conversation.contact.attached","app_id":"abc123","created_at":1711204872,"data":{"type":"notification_event_data","item":{"conversation":{"id":"1886"},"contact":{"type":"contact","id":"65446e1aaf142d1550cfd6d7"}}}}`

func signed(secret, body string) *http.Request {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(body))
	r := httptest.NewRequest(http.MethodPost, "https://example.com/webhooks/intercom", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
	return r
}

type calls struct {
	events []participants.Event
	err    error
}

func (c *calls) fn(_ context.Context, e participants.Event) error {
	c.events = append(c.events, e)
	return c.err
}

func handler(t *testing.T, c *calls) http.Handler {
	t.Helper()
	v, err := intercom.NewWebhookVerifier(hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	h, err := participants.NewWebhookHandler(intercomparticipants.NewReceiver(v), c.fn,
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

func TestReceiverContactAttachedAndDetached(t *testing.T) {
	if got := signed(hookSecret, attachedBody).Header.Get("X-Hub-Signature"); got != "sha1=3e431e3ecf617eb4592799bf35bec94f517d47d6" {
		t.Fatalf("the test's signer gives %s, not the facts' vector", got)
	}
	c := &calls{}
	h := handler(t, c)
	if code := serve(h, signed(hookSecret, attachedBody)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if code := serve(h, signed(hookSecret, attachedBody)); code != http.StatusOK { // Intercom's retry
		t.Fatalf("retry status %d", code)
	}
	detached := strings.NewReplacer(`"notif_1"`, `"notif_2"`, "contact.attached", "contact.detached",
		`"conversation":{"id":"1886"}`, `"conversation":{"model":{"id":1886}}`,
		`"id":"65446e1aaf142d1550cfd6d7"}`, `"id":"65446e1aaf142d1550cfd6d7","external_id":"crm-42","email":"ada@example.com","role":"user"}`).Replace(attachedBody)
	if code := serve(h, signed(hookSecret, detached)); code != http.StatusOK {
		t.Fatalf("detached: status %d", code)
	}
	if len(c.events) != 2 {
		t.Fatalf("%d events, want 2 (the retry is a duplicate)", len(c.events))
	}
	a, d := c.events[0], c.events[1]
	if a.Provider != "intercom" || a.Kind != participants.ParticipantJoined || a.ConversationID != "1886" || a.ID != "notif_1" ||
		a.Participant.ID != "65446e1aaf142d1550cfd6d7" || a.Participant.ContactID != a.Participant.ID || a.At.Unix() != 1711204872 {
		t.Fatalf("attached: %+v", a)
	}
	if d.Kind != participants.ParticipantLeft || d.ConversationID != "1886" || d.Participant.ExternalID != "crm-42" || d.Participant.Email != "ada@example.com" {
		t.Fatalf("detached: %+v", d)
	}
	var n *intercom.NotificationEvent
	if !d.As(&n) || n.Topic != intercom.NotificationTopicContactDetached {
		t.Fatalf("As: %+v", n)
	}
}

func TestReceiverRefusals(t *testing.T) {
	c := &calls{}
	h := handler(t, c)
	if code := serve(h, signed("another-secret", attachedBody)); code != http.StatusUnauthorized {
		t.Errorf("forged: status %d", code)
	}
	tampered := signed(hookSecret, attachedBody)
	tampered.Body = io.NopCloser(strings.NewReader(strings.Replace(attachedBody, "1886", "1887", 1)))
	if code := serve(h, tampered); code != http.StatusUnauthorized {
		t.Errorf("tampered: status %d", code)
	}
	ping := `{"type":"notification_event","id":"notif_p","topic":"ping","app_id":"abc123","created_at":1711204872,"data":{"type":"notification_event_data","item":{"type":"ping","message":"hi"}}}`
	if code := serve(h, signed(hookSecret, ping)); code != http.StatusOK {
		t.Errorf("ping: status %d, want 200", code)
	}
	if len(c.events) != 0 {
		t.Fatalf("the handler was called: %+v", c.events)
	}
	// Without an ID, the event is keyed by what a retry repeats.
	noID := strings.Replace(attachedBody, `"id":"notif_1",`, "", 1)
	c.err = errors.New("down")
	if code := serve(h, signed(hookSecret, noID)); code != http.StatusServiceUnavailable {
		t.Errorf("failing handler: status %d, want 503 (never 410)", code)
	}
	c.err = nil
	if code := serve(h, signed(hookSecret, noID)); code != http.StatusOK || len(c.events) != 2 ||
		c.events[1].ID != "conversation.contact.attached:1886:65446e1aaf142d1550cfd6d7:2024-03-23T14:41:12Z" {
		t.Fatalf("retry: status %d, events %+v", code, c.events)
	}
}

func TestReceiverNilVerifier(t *testing.T) {
	if _, err := intercomparticipants.NewReceiver(nil).Receive(context.Background(), signed(hookSecret, attachedBody)); err == nil {
		t.Fatal("a nil verifier received")
	}
}
