package birdparticipants_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

const (
	signingKey = "secureSigningKey"
	hookURL    = "https://example.com/webhooks/bird"
)

// signedEvent is Bird's POST of a conversation event, signed as Bird
// signs: HMAC-SHA256 of the timestamp, the URL and the body's SHA-256,
// base64.
func signedEvent(event, conv string) *http.Request {
	body := `{"service":"conversations","event":"` + event + `","payload":{"id":"` + conv + `","status":"active","updatedAt":"2026-12-07T10:00:00Z"}}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sum := sha256.Sum256([]byte(body))
	mac := hmac.New(sha256.New, []byte(signingKey))
	mac.Write([]byte(ts + "\n" + hookURL + "\n"))
	mac.Write(sum[:])
	r := httptest.NewRequest(http.MethodPost, hookURL, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("messagebird-request-timestamp", ts)
	r.Header.Set("messagebird-signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return r
}

type birdHook struct {
	srv  *participantstest.BirdServer
	c    *participants.Client
	h    http.Handler
	mu   sync.Mutex
	got  []participants.Event
	fail bool
}

func newBirdHook(t *testing.T, store birdparticipants.SnapshotStore) *birdHook {
	t.Helper()
	srv := participantstest.NewBirdServer()
	t.Cleanup(srv.Close)
	srv.SeedConversation(birdConversation)
	bc, err := bird.New(srv.AccessKey(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	p := birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: srv.WorkspaceID()})
	v, err := bird.NewWebhookVerifier(signingKey, bird.WithPublicURL(hookURL))
	if err != nil {
		t.Fatal(err)
	}
	recv, err := birdparticipants.NewReceiver(v, p, birdparticipants.ReceiverOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	b := &birdHook{srv: srv, c: participants.New(p)}
	b.h, err = participants.NewWebhookHandler(recv, func(_ context.Context, e participants.Event) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.got = append(b.got, e)
		if b.fail {
			return errors.New("down")
		}
		return nil
	}, participants.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *birdHook) deliver(t *testing.T, event string) int {
	t.Helper()
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, signedEvent(event, birdConversation))
	return w.Code
}

func (b *birdHook) events() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var s []string
	for _, e := range b.got {
		who := e.Participant.Email
		if who == "" {
			who = e.Participant.ID
		}
		s = append(s, e.Kind.String()+" "+who)
	}
	return strings.Join(s, ", ")
}

func TestBirdReceiverDerivesJoinsAndLeaves(t *testing.T) {
	b := newBirdHook(t, nil)
	ada := mustAdd(t, b.c, birdConversation, participants.Participant{Email: "ada@example.com"})
	// First sight of the conversation: no event (who joined before is
	// unknown), the snapshot is stored.
	if code := b.deliver(t, "conversation.updated"); code != http.StatusOK || b.events() != "" {
		t.Fatalf("first sight: status %d, events %q", code, b.events())
	}
	requests := len(b.srv.RequestLog())
	mustAdd(t, b.c, birdConversation, participants.Participant{Email: "bob@example.com"})
	if _, err := b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: ada.ID}); err != nil {
		t.Fatal(err)
	}
	if code := b.deliver(t, "conversation.updated"); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if got, want := b.events(), "joined bob@example.com, left "+ada.ID; got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	// The cost: the add, the remove (and its lookups), then one list of the
	// participants for the delivery.
	if n := len(b.srv.RequestLog()) - requests; n > 4 {
		t.Errorf("%d requests between the deliveries", n)
	}
	e := b.got[0]
	var we *bird.WebhookEvent
	if e.Provider != "bird" || e.ConversationID != birdConversation || e.At.IsZero() || !e.As(&we) || !e.Participant.As(new(*bird.Participant)) {
		t.Fatalf("event %+v", e)
	}
	// Nothing changed: no event.
	if code := b.deliver(t, "conversation.updated"); code != http.StatusOK || len(b.got) != 2 {
		t.Fatalf("unchanged: status %d, events %q", code, b.events())
	}
	// The conversation deleted: everyone known leaves.
	if code := b.deliver(t, "conversation.deleted"); code != http.StatusOK || !strings.HasPrefix(b.events()[len("joined bob@example.com, left "+ada.ID):], ", left ") {
		t.Fatalf("deleted: status %d, events %q", code, b.events())
	}
}

// A handler that fails: 503, the snapshot is not stored, and Bird's next
// delivery yields the same events (the same IDs), handled then.
func TestBirdReceiverFailedDeliveryYieldsTheEventsAgain(t *testing.T) {
	b := newBirdHook(t, nil)
	if code := b.deliver(t, "conversation.updated"); code != http.StatusOK {
		t.Fatal(code)
	}
	mustAdd(t, b.c, birdConversation, participants.Participant{Email: "ada@example.com"})
	b.fail = true
	if code := b.deliver(t, "conversation.updated"); code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", code)
	}
	b.fail = false
	if code := b.deliver(t, "conversation.updated"); code != http.StatusOK {
		t.Fatalf("redelivery status %d", code)
	}
	if got := b.events(); got != "joined ada@example.com, joined ada@example.com" || b.got[0].ID != b.got[1].ID {
		t.Fatalf("events %q (IDs %s, %s): want the join again with its ID", got, b.got[0].ID, b.got[1].ID)
	}
}

// conversation.created compares with nobody: everyone listed joined.
func TestBirdReceiverCreated(t *testing.T) {
	b := newBirdHook(t, nil)
	mustAdd(t, b.c, birdConversation, participants.Participant{Email: "ada@example.com"})
	if code := b.deliver(t, "conversation.created"); code != http.StatusOK || b.events() != "joined ada@example.com" {
		t.Fatalf("status %d, events %q", code, b.events())
	}
}

func TestBirdReceiverRefusals(t *testing.T) {
	b := newBirdHook(t, nil)
	forged := signedEvent("conversation.updated", birdConversation)
	forged.Header.Set("messagebird-signature", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, forged)
	if w.Code != http.StatusUnauthorized || len(b.srv.RequestLog()) != 0 {
		t.Fatalf("forged: status %d, %d requests to Bird", w.Code, len(b.srv.RequestLog()))
	}
	// A list that fails: 503, Bird delivers again.
	faults := make([]participantstest.Fault, 20) // more than the retries
	for i := range faults {
		faults[i] = participantstest.Fault{Status: http.StatusServiceUnavailable}
	}
	b.srv.InjectFaults(faults...)
	if code := b.deliver(t, "conversation.updated"); code != http.StatusServiceUnavailable {
		t.Fatalf("list failing: status %d", code)
	}
	bc, _ := bird.New("k")
	v, _ := bird.NewWebhookVerifier(signingKey)
	if _, err := birdparticipants.NewReceiver(nil, birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: "w"}), birdparticipants.ReceiverOptions{}); err == nil {
		t.Error("a nil verifier accepted")
	}
	if _, err := birdparticipants.NewReceiver(v, nil, birdparticipants.ReceiverOptions{}); err == nil {
		t.Error("a nil provider accepted")
	}
}

func TestMemorySnapshotStore(t *testing.T) {
	s, err := birdparticipants.NewMemorySnapshotStore(2)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1_700_000_000, 0)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Store(ctx, "a", birdparticipants.Snapshot{At: t0, IDs: []string{"1"}}))
	must(s.Store(ctx, "a", birdparticipants.Snapshot{At: t0.Add(-time.Second), IDs: []string{"old"}})) // late: ignored
	if got, ok, _ := s.Load(ctx, "a"); !ok || strings.Join(got.IDs, ",") != "1" || !got.At.Equal(t0) {
		t.Fatalf("a = %+v, %v", got, ok)
	}
	must(s.Store(ctx, "b", birdparticipants.Snapshot{At: t0}))
	must(s.Store(ctx, "a", birdparticipants.Snapshot{At: t0.Add(time.Second), IDs: []string{"2"}})) // a is the newest
	must(s.Store(ctx, "c", birdparticipants.Snapshot{At: t0}))                                      // evicts b
	if _, ok, _ := s.Load(ctx, "b"); ok {
		t.Fatal("b was not evicted")
	}
	if got, ok, _ := s.Load(ctx, "a"); !ok || strings.Join(got.IDs, ",") != "2" {
		t.Fatalf("a = %+v, %v", got, ok)
	}
	if _, err := birdparticipants.NewMemorySnapshotStore(-1); err == nil {
		t.Fatal("a negative capacity accepted")
	}
}
