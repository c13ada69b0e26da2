package drivertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The event rules of RunConformanceTests: a participant added and removed
// through the Client is received from the vendor's webhooks, through
// participants.NewWebhookHandler and the provider's Receiver, as exactly
// one joined and one left event, whatever the delivery faults.

// Events connects the Fixtures of a Harness to the webhooks of their
// fakes, for the event cases of RunConformanceTests ("Events/...").
type Events struct {
	// Subscribe subscribes f's fake to url with the delivery settings w
	// (participantstest.Webhooks: duplicates, lost answers, reordering,
	// batches, forged copies) and returns the subscription and the
	// provider's Receiver of its deliveries, verifying them with the
	// subscription's secret: participantstest.SubscribeTwilio and its
	// siblings do both.
	Subscribe func(t *testing.T, f *Fixture, url string, w participantstest.Webhooks) (Deliveries, driver.Receiver)
	// Options are given to every Add and Remove of the event cases: those
	// that make the vendor send its webhooks for them (Twilio:
	// twilioparticipants.WithWebhooks(true)).
	Options []participants.Option
}

// Deliveries is a fake's subscription to a URL, as
// *participantstest.Subscription is.
type Deliveries interface {
	// Flush sends what is held and waits until every delivery queued so
	// far succeeded or gave up.
	Flush(ctx context.Context) error
	// Attempts returns every request sent so far.
	Attempts() []participantstest.Attempt
	// Close stops the deliveries.
	Close()
}

// runEventCases registers the event cases.
func runEventCases(run func(string, func(*testing.T, Harness, *Fixture))) {
	run("Events/Once", eventCase(participantstest.Webhooks{}, false))
	run("Events/Duplicates", eventCase(participantstest.Webhooks{Duplicates: 2}, false))
	run("Events/LostAnswers", eventCase(participantstest.Webhooks{FailFirst: 1}, false))
	run("Events/HandlerFailsOnce", eventCase(participantstest.Webhooks{}, true))
	run("Events/Reorder", eventCase(participantstest.Webhooks{Reorder: true}, false))
	run("Events/Batch", eventCase(participantstest.Webhooks{Batch: 4}, false))
	run("Events/Forged", eventCase(participantstest.Webhooks{Forge: true}, false))
}

// eventRecorder is the HandlerFunc of the event cases.
type eventRecorder struct {
	mu     sync.Mutex
	events []participants.Event
	calls  int
	// failOnce makes the first call with each event ID fail.
	failOnce bool
	failed   map[string]bool
}

func (r *eventRecorder) handle(_ context.Context, e participants.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.failOnce && !r.failed[e.ID] {
		r.failed[e.ID] = true
		return errors.New("the handler fails the first time")
	}
	r.events = append(r.events, e)
	return nil
}

func (r *eventRecorder) take() []participants.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// receiveEvents serves the handler of recv's deliveries on loopback and
// returns its URL; the server closes when the test ends.
func receiveEvents(t *testing.T, rec *eventRecorder) (string, func(driver.Receiver)) {
	t.Helper()
	var (
		mu sync.Mutex
		h  http.Handler
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hh := h
		mu.Unlock()
		if hh == nil {
			http.Error(w, "no receiver yet", http.StatusServiceUnavailable)
			return
		}
		hh.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	set := func(recv driver.Receiver) {
		d, err := participants.NewMemoryDeduper(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		wh, err := participants.NewWebhookHandler(recv, rec.handle, participants.WithDeduper(d),
			participants.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			t.Fatalf("NewWebhookHandler: %v", err)
		}
		mu.Lock()
		h = wh
		mu.Unlock()
	}
	return srv.URL + "/webhooks", set
}

// eventCase: one person added first (so that a Receiver that derives
// events from the participants it lists, as Bird's, has seen the
// conversation), then two people added and removed through the Client,
// with w's delivery faults: each of the two is received as exactly one
// joined and one left event of this provider and conversation, and no
// other event is; no forged delivery is accepted.
func eventCase(w participantstest.Webhooks, handlerFails bool) func(*testing.T, Harness, *Fixture) {
	return func(t *testing.T, h Harness, f *Fixture) {
		rec := &eventRecorder{failOnce: handlerFails, failed: map[string]bool{}}
		url, setReceiver := receiveEvents(t, rec)
		sub, recv := h.Events.Subscribe(t, f, url, w)
		t.Cleanup(sub.Close) // before the receiving server closes
		setReceiver(recv)
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		flush := func(when string) {
			t.Helper()
			if err := sub.Flush(cctx); err != nil {
				t.Fatalf("Flush %s: %v", when, err)
			}
		}
		add := func(i int) *participants.Member {
			t.Helper()
			before := mustList(t, f, f.Conversation)
			if _, err := f.Client.Add(cctx, f.Conversation, f.Person(i), h.Events.Options...); err != nil {
				t.Fatalf("Add %d: %v", i, err)
			}
			for _, m := range mustList(t, f, f.Conversation) {
				if !slices.ContainsFunc(before, func(b *participants.Member) bool { return b.ID == m.ID }) {
					return m
				}
			}
			t.Fatalf("List shows no new participant after Add %d", i)
			return nil
		}

		add(70)
		flush("after the first add")
		rec.take()
		people := []*participants.Member{add(71), add(72)}
		flush("after the adds")
		for _, m := range people {
			if _, err := f.Client.Remove(cctx, f.Conversation, m.Participant(), h.Events.Options...); err != nil {
				t.Fatalf("Remove %s: %v", m.ID, err)
			}
		}
		flush("after the removes")

		events := rec.take()
		var lines []string
		for _, e := range events {
			lines = append(lines, fmt.Sprintf("%s %s %+v (event %s)", e.Kind, e.ConversationID, e.Participant, e.ID))
		}
		detail := strings.Join(lines, "\n\t")
		for _, e := range events {
			if e.Provider != h.Name || e.ConversationID != f.Conversation {
				t.Errorf("event of provider %q, conversation %q, want %q, %q", e.Provider, e.ConversationID, h.Name, f.Conversation)
			}
			if strings.Contains(fmt.Sprint(e.Participant), participantstest.ForgedParticipant) || strings.Contains(e.ConversationID, participantstest.ForgedParticipant) {
				t.Errorf("a forged delivery reached the handler: %+v", e)
			}
		}
		for _, m := range people {
			for _, kind := range []participants.EventKind{participants.ParticipantJoined, participants.ParticipantLeft} {
				n := 0
				for _, e := range events {
					if e.Kind == kind && sameMember(&e.Participant, m) {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d %s events of %s, want exactly 1; received:\n\t%s", n, kind, m, detail)
				}
			}
		}
		if len(events) != 2*len(people) {
			t.Errorf("%d events received, want %d:\n\t%s", len(events), 2*len(people), detail)
		}
		attempts := sub.Attempts()
		forged, duplicates := 0, 0
		for _, a := range attempts {
			switch {
			case a.Forged:
				forged++
				if a.Status != http.StatusUnauthorized {
					t.Errorf("a forged delivery was answered %d, want 401", a.Status)
				}
			case a.Duplicate:
				duplicates++
			}
		}
		if w.Forge && forged == 0 {
			t.Error("Webhooks.Forge sent no forged delivery")
		}
		if w.Duplicates > 0 && duplicates == 0 {
			t.Error("Webhooks.Duplicates sent no duplicate")
		}
		if handlerFails && rec.calls <= len(events) {
			t.Errorf("the handler was called %d times for %d events: the failed calls were not delivered again", rec.calls, len(events))
		}
	}
}

// sameMember reports whether an event's participant is the listed
// member m: the same participant ID, or the same contact (Sunshine's
// events name the user, not the participant).
func sameMember(e *participants.Member, m *participants.Member) bool {
	return e.ID != "" && e.ID == m.ID || e.ContactID != "" && e.ContactID == m.ContactID
}
