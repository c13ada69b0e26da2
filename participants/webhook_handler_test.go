package participants_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// fakeReceiver answers each Receive with the next of its answers.
type fakeReceiver struct {
	mu      sync.Mutex
	answers []receiveAnswer
	calls   int
}

type receiveAnswer struct {
	events []driver.Event
	err    error
	commit func(context.Context) error
	nilDel bool // answer neither a Delivery nor an error
}

func (f *fakeReceiver) Name() string { return "fake" }

func (f *fakeReceiver) Receive(context.Context, *http.Request) (*driver.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.answers[f.calls%len(f.answers)]
	f.calls++
	if a.err != nil || a.nilDel {
		return nil, a.err
	}
	return &driver.Delivery{Events: a.events, Commit: a.commit}, nil
}

func joined(id, conv, participant string) driver.Event {
	return driver.Event{Provider: "fake", Kind: driver.ParticipantJoined, ConversationID: conv, ID: id,
		Participant: driver.Member{Provider: "fake", ID: participant, Phone: "+15558675310"}, At: time.Unix(1_700_000_000, 0), Raw: &payload{id}}
}

type payload struct{ id string }

// eventRecorder is a HandlerFunc that records the events and fails those whose
// ID is in fail.
type eventRecorder struct {
	mu   sync.Mutex
	got  []participants.Event
	fail map[string]bool
}

func (r *eventRecorder) handle(_ context.Context, e participants.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, e)
	if r.fail[e.ID] {
		return errors.New("downstream is down")
	}
	return nil
}

func (r *eventRecorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, e := range r.got {
		ids = append(ids, e.ID)
	}
	return ids
}

func deliver(t *testing.T, h http.Handler) int {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "https://example.com/hook", strings.NewReader("{}")))
	return w.Code
}

func newHandler(t *testing.T, recv driver.Receiver, fn participants.HandlerFunc, opts ...participants.WebhookOption) (*participants.WebhookHandler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	opts = append([]participants.WebhookOption{participants.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}, opts...)
	h, err := participants.NewWebhookHandler(recv, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h, &logs
}

func TestWebhookHandlerCallsOncePerEvent(t *testing.T) {
	batch := []driver.Event{joined("e1", "c1", "p1"), joined("e2", "c1", "p2")}
	recv := &fakeReceiver{answers: []receiveAnswer{{events: batch}}}
	rec := &eventRecorder{}
	h, _ := newHandler(t, recv, rec.handle)
	if code := deliver(t, h); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if code := deliver(t, h); code != http.StatusOK { // the same batch again: duplicates acknowledged
		t.Fatalf("redelivery status %d", code)
	}
	if got := strings.Join(rec.ids(), ","); got != "e1,e2" {
		t.Fatalf("handled %s, want e1,e2 once each", got)
	}
	e := rec.got[0]
	if e.Provider != "fake" || e.Kind != participants.ParticipantJoined || e.ConversationID != "c1" ||
		e.Participant.ID != "p1" || e.Participant.Phone != "+15558675310" || !e.At.Equal(time.Unix(1_700_000_000, 0)) {
		t.Fatalf("event %+v", e)
	}
	var p *payload
	if !e.As(&p) || p.id != "e1" {
		t.Fatalf("As: %v", p)
	}
	var wrong *string
	if e.As(&wrong) {
		t.Fatal("As into the wrong type")
	}
	if e.Kind.String() != "joined" || participants.ParticipantLeft.String() != "left" || participants.ParticipantUpdated.String() != "updated" || participants.EventKind(9).String() != "EventKind(9)" {
		t.Fatal("EventKind.String")
	}
}

// A failure of the user's function answers 503, so that the vendor
// delivers again; the events of the batch handled before it are not
// handled again on that delivery, the failed one is.
func TestWebhookHandlerFailureIsRedelivered(t *testing.T) {
	batch := []driver.Event{joined("e1", "c1", "p1"), joined("e2", "c1", "p2"), joined("e3", "c1", "p3")}
	recv := &fakeReceiver{answers: []receiveAnswer{{events: batch}}}
	rec := &eventRecorder{fail: map[string]bool{"e2": true}}
	h, logs := newHandler(t, recv, rec.handle)
	if code := deliver(t, h); code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", code)
	}
	if !strings.Contains(logs.String(), "the handler failed") || !strings.Contains(logs.String(), "downstream is down") {
		t.Fatalf("logs: %s", logs)
	}
	rec.fail = nil
	if code := deliver(t, h); code != http.StatusOK {
		t.Fatalf("redelivery status %d", code)
	}
	if got := strings.Join(rec.ids(), ","); got != "e1,e2,e2,e3" {
		t.Fatalf("handled %s, want e1,e2 (failed), then e2,e3", got)
	}
}

// failingDeduper fails its claims or releases.
type failingDeduper struct{ claim, release error }

func (d failingDeduper) Claim(context.Context, string) (bool, error) { return d.claim == nil, d.claim }
func (d failingDeduper) Release(context.Context, string) error       { return d.release }

func TestWebhookHandlerDeduperFailures(t *testing.T) {
	recv := &fakeReceiver{answers: []receiveAnswer{{events: []driver.Event{joined("e1", "c1", "p1")}}}}
	rec := &eventRecorder{}
	h, logs := newHandler(t, recv, rec.handle, participants.WithDeduper(failingDeduper{claim: errors.New("redis down")}))
	if code := deliver(t, h); code != http.StatusServiceUnavailable || len(rec.ids()) != 0 {
		t.Fatalf("status %d, handled %v; want 503 and nothing handled", code, rec.ids())
	}
	if !strings.Contains(logs.String(), "the Deduper failed") {
		t.Fatalf("logs: %s", logs)
	}
	rec = &eventRecorder{fail: map[string]bool{"e1": true}}
	h, logs = newHandler(t, recv, rec.handle, participants.WithDeduper(failingDeduper{release: errors.New("redis gone")}))
	if code := deliver(t, h); code != http.StatusServiceUnavailable {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(logs.String(), "could not release") || !strings.Contains(logs.String(), "redis gone") {
		t.Fatalf("logs: %s", logs)
	}
}

func TestWebhookHandlerRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"bad signature", &apierror.WebhookError{Vendor: "fake", Kind: apierror.ErrWebhookSignature}, http.StatusUnauthorized},
		{"missing header", &apierror.WebhookError{Vendor: "fake", Kind: apierror.ErrWebhookMissingHeader}, http.StatusUnauthorized},
		{"stale", &apierror.WebhookError{Vendor: "fake", Kind: apierror.ErrWebhookStale}, http.StatusUnauthorized},
		{"too large", &apierror.WebhookError{Vendor: "fake", Kind: apierror.ErrWebhookTooLarge}, http.StatusRequestEntityTooLarge},
		{"malformed", &apierror.WebhookError{Vendor: "fake", Kind: apierror.ErrWebhookMalformed}, http.StatusBadRequest},
		{"not about participants", &apierror.WebhookError{Vendor: "fake", Kind: apierror.ErrWebhookUnsupported}, http.StatusOK},
		{"a request of the receiver failed", errors.New("list: 503"), http.StatusServiceUnavailable},
		{"context ended", context.DeadlineExceeded, http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recv := &fakeReceiver{answers: []receiveAnswer{{events: []driver.Event{joined("e1", "c", "p")}, err: tc.err}}}
			rec := &eventRecorder{}
			h, logs := newHandler(t, recv, rec.handle)
			if code := deliver(t, h); code != tc.want {
				t.Fatalf("status %d, want %d", code, tc.want)
			}
			if len(rec.ids()) != 0 {
				t.Fatalf("the handler was called: %v", rec.ids())
			}
			if !strings.Contains(logs.String(), "vendor=fake") {
				t.Fatalf("logs: %s", logs)
			}
		})
	}
}

func TestNewWebhookHandlerRefusesBadInput(t *testing.T) {
	recv := &fakeReceiver{answers: []receiveAnswer{{}}}
	fn := (&eventRecorder{}).handle
	for _, tc := range []struct {
		name  string
		recv  driver.Receiver
		fn    participants.HandlerFunc
		opts  []participants.WebhookOption
		field string
	}{
		{"nil receiver", nil, fn, nil, "recv"},
		{"nil func", recv, nil, nil, "fn"},
		{"nil option", recv, fn, []participants.WebhookOption{nil}, "opts[0]"},
		{"nil deduper", recv, fn, []participants.WebhookOption{participants.WithDeduper(nil)}, "opts[0]"},
		{"nil logger", recv, fn, []participants.WebhookOption{participants.WithDeduper(failingDeduper{}), participants.WithLogger(nil)}, "opts[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := participants.NewWebhookHandler(tc.recv, tc.fn, tc.opts...)
			var perr *participants.Error
			if h != nil || !errors.As(err, &perr) || perr.Code != participants.InvalidArgument || perr.Field != tc.field {
				t.Fatalf("NewWebhookHandler = %v, %v; want InvalidArgument on %s", h, err, tc.field)
			}
		})
	}
}

// Commit is called once every event was handled, not after a failure; a
// failed commit, and a Receiver that returns nothing, are answered 503.
func TestWebhookHandlerCommit(t *testing.T) {
	commits := 0
	var commitErr error
	commit := func(context.Context) error { commits++; return commitErr }
	recv := &fakeReceiver{answers: []receiveAnswer{{events: []driver.Event{joined("e1", "c", "p"), joined("e2", "c", "q")}, commit: commit}}}
	rec := &eventRecorder{fail: map[string]bool{"e2": true}}
	h, logs := newHandler(t, recv, rec.handle)
	if code := deliver(t, h); code != http.StatusServiceUnavailable || commits != 0 {
		t.Fatalf("status %d, %d commits; want 503 and no commit after a failure", code, commits)
	}
	rec.fail = nil
	if code := deliver(t, h); code != http.StatusOK || commits != 1 {
		t.Fatalf("status %d, %d commits; want 200, 1", code, commits)
	}
	commitErr = errors.New("store down")
	if code := deliver(t, h); code != http.StatusServiceUnavailable || commits != 2 {
		t.Fatalf("status %d, %d commits; want 503 after a failed commit", code, commits)
	}
	if !strings.Contains(logs.String(), "could not commit") {
		t.Fatalf("logs: %s", logs)
	}
	// No events at all (a Bird update that changed nobody): still
	// committed.
	recv = &fakeReceiver{answers: []receiveAnswer{{commit: commit}}}
	commitErr = nil
	h, _ = newHandler(t, recv, rec.handle)
	if code := deliver(t, h); code != http.StatusOK || commits != 3 {
		t.Fatalf("status %d, %d commits", code, commits)
	}
	recv = &fakeReceiver{answers: []receiveAnswer{{nilDel: true}}}
	h, _ = newHandler(t, recv, rec.handle)
	if code := deliver(t, h); code != http.StatusServiceUnavailable {
		t.Fatalf("a nil Delivery: status %d", code)
	}
}
