package participants_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// The delivery rows of the fault matrix: what a vendor's webhook delivery
// suffers on the way (duplicates, lost answers, reordering, batches, forged
// copies, a handler that fails), and what the user's HandlerFunc must see:
// every join and leave exactly once, and never a forged one.

// deliveryCase is one row.
type deliveryCase struct {
	name string
	w    participantstest.Webhooks
	// fail makes the HandlerFunc fail: "once" the first call of each
	// event, "always" every call.
	fail string
	// wrongSecret makes the receiver verify with another secret than the
	// fake signs with.
	wrongSecret bool
	// events is how many events the HandlerFunc must have handled.
	events int
}

var deliveryMatrix = []deliveryCase{
	{name: "clean", events: 4},
	{name: "every delivery 3 more times", w: participantstest.Webhooks{Duplicates: 3}, events: 4},
	{name: "first answer lost", w: participantstest.Webhooks{FailFirst: 1}, events: 4},
	{name: "every answer lost", w: participantstest.Webhooks{FailFirst: 100}, events: 4},
	{name: "handler fails once", fail: "once", events: 4},
	{name: "handler always fails", fail: "always", events: 0},
	{name: "reordered", w: participantstest.Webhooks{Reorder: true}, events: 4},
	{name: "batched by 4", w: participantstest.Webhooks{Batch: 4}, events: 4},
	{name: "forged copies", w: participantstest.Webhooks{Forge: true}, events: 4},
	{name: "all of them", w: participantstest.Webhooks{Forge: true, Duplicates: 2, FailFirst: 1, Reorder: true, Batch: 4}, events: 4},
	{name: "receiver with a wrong secret", wrongSecret: true, events: 0},
}

// deliveryEnv is one vendor's fake, Client and subscription.
type deliveryEnv struct {
	client *participants.Client
	conv   string
	person func(i int) participants.Participant
	opts   []participants.Option
	sub    *participantstest.Subscription
}

func newDeliveryEnv(t *testing.T, vendor, url string, w participantstest.Webhooks, wrong bool) (*deliveryEnv, driver.Receiver) {
	e := &deliveryEnv{person: func(i int) participants.Participant {
		return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
	}}
	var recv driver.Receiver
	switch vendor {
	case "intercom":
		c, fake := participantstest.NewIntercomParticipants(t)
		keep := fake.SeedContact(participantstest.IntercomContact{Email: "keep@example.com"})
		if _, err := c.Add(t.Context(), participantstest.IntercomConversationID, participants.Participant{ID: keep.ID}); err != nil {
			t.Fatal(err)
		}
		e.client, e.conv = c, participantstest.IntercomConversationID
		// Intercom removes by ID or user_id: contacts with a user_id.
		seeded := map[string]bool{}
		e.person = func(i int) participants.Participant {
			ext := fmt.Sprintf("person-%d", i)
			if !seeded[ext] {
				seeded[ext] = true
				fake.SeedContact(participantstest.IntercomContact{UserID: ext})
			}
			return participants.Participant{ExternalID: ext}
		}
		e.sub, recv = participantstest.SubscribeIntercom(t, fake, url, w)
		if wrong {
			recv = intercomparticipants.NewReceiver(must(intercom.NewWebhookVerifier("not-the-client-secret"))(t))
		}
	case "bird":
		c, fake := participantstest.NewBirdParticipants(t)
		e.client, e.conv = c, participantstest.BirdConversationID
		e.sub, recv = participantstest.SubscribeBird(t, fake, url, w)
		if wrong {
			bc := must(bird.New(fake.AccessKey(), fake.ClientOptions()...))(t)
			recv = must(birdparticipants.NewReceiver(must(bird.NewWebhookVerifier("not-the-signing-key"))(t),
				birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}), birdparticipants.ReceiverOptions{}))(t)
		}
	case "twilio":
		c, fake := participantstest.NewTwilioParticipants(t)
		e.client, e.conv, e.opts = c, participantstest.TwilioConversationSID, []participants.Option{twilioparticipants.WithWebhooks(true)}
		e.person = func(i int) participants.Participant {
			return participants.Participant{Phone: fmt.Sprintf("+1555867%04d", i)}
		}
		w.Secret = ""
		e.sub, recv = participantstest.SubscribeTwilio(t, fake, url, w)
		if wrong { // Twilio signs with the auth token: another account's
			recv = twilioparticipants.NewReceiver(must(twilio.NewWebhookVerifier("another-accounts-token"))(t))
		}
	case "sunshine":
		c, fake := participantstest.NewSunshineParticipants(t)
		e.client, e.conv = c, participantstest.SunshineConversationID
		e.person = func(i int) participants.Participant {
			ext := fmt.Sprintf("person-%d", i)
			fake.EnsureUser(ext)
			return participants.Participant{ExternalID: ext}
		}
		e.sub, recv = participantstest.SubscribeSunshine(t, fake, url, w)
		if wrong {
			recv = sunshineparticipants.NewReceiver(must(sunshine.NewWebhookVerifier("not-the-webhook-secret"))(t))
		}
	}
	return e, recv
}

// deliveryRow is one line of the matrix's table.
type deliveryRow struct {
	name, vendor                    string
	order                           int
	calls, events, requests, forged int
	answers                         string
}

func TestDeliveryFaultMatrix(t *testing.T) {
	var (
		mu   sync.Mutex
		rows []deliveryRow
	)
	vendorsAll := []string{"intercom", "bird", "twilio", "sunshine"}
	for i, tc := range deliveryMatrix {
		for j, v := range vendorsAll {
			t.Run(v+"/"+tc.name, func(t *testing.T) {
				row := runDeliveryCase(t, tc, v)
				row.order = i*len(vendorsAll) + j
				mu.Lock()
				rows = append(rows, row)
				mu.Unlock()
			})
		}
	}
	slices.SortFunc(rows, func(a, b deliveryRow) int { return a.order - b.order })
	var b strings.Builder
	b.WriteString("\n| case | vendor | handler calls | events handled | requests | forged refused | answers |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %s |\n", r.name, r.vendor, r.calls, r.events, r.requests, r.forged, r.answers)
	}
	t.Log(b.String())
}

// runDeliveryCase: one person added first (Bird's receiver sees the
// conversation), then two added and two removed, each phase flushed.
func runDeliveryCase(t *testing.T, tc deliveryCase, vendor string) deliveryRow {
	var (
		mu     sync.Mutex
		calls  int
		events []participants.Event
		failed = map[string]bool{}
		hmu    sync.Mutex
		h      http.Handler
	)
	fn := func(_ context.Context, e participants.Event) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if tc.fail == "always" || tc.fail == "once" && !failed[e.ID] {
			failed[e.ID] = true
			return errors.New("injected handler failure")
		}
		events = append(events, e)
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hmu.Lock()
		hh := h
		hmu.Unlock()
		hh.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	url := srv.URL + "/webhooks/" + vendor
	e, recv := newDeliveryEnv(t, vendor, url, tc.w, tc.wrongSecret)
	wh, err := participants.NewWebhookHandler(recv, fn, participants.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	hmu.Lock()
	h = wh
	hmu.Unlock()

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	flush := func() {
		t.Helper()
		if err := e.sub.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.client.Add(ctx, e.conv, e.person(80), e.opts...); err != nil {
		t.Fatal(err)
	}
	flush()
	mu.Lock()
	calls, events = 0, nil
	failed = map[string]bool{}
	mu.Unlock()
	base := len(e.sub.Attempts())
	var removes []participants.Participant
	for _, i := range []int{81, 82} {
		res, err := e.client.Add(ctx, e.conv, e.person(i), e.opts...)
		if err != nil {
			t.Fatal(err)
		}
		p := e.person(i)
		if res.ID != "" {
			p = participants.Participant{ParticipantID: res.ID}
		}
		removes = append(removes, p)
	}
	flush()
	for _, p := range removes {
		if _, err := e.client.Remove(ctx, e.conv, p, e.opts...); err != nil {
			t.Fatal(err)
		}
	}
	flush()

	mu.Lock()
	defer mu.Unlock()
	attempts := e.sub.Attempts()[base:]
	row := deliveryRow{name: tc.name, vendor: vendor, calls: calls, events: len(events), requests: len(attempts)}
	count := map[int]int{}
	for _, a := range attempts {
		if a.Forged {
			if a.Status != http.StatusUnauthorized {
				t.Errorf("a forged delivery was answered %d, want 401", a.Status)
			} else {
				row.forged++
			}
			continue
		}
		count[a.Status]++
	}
	var st []int
	for s := range count {
		st = append(st, s)
	}
	slices.Sort(st)
	var parts []string
	for _, s := range st {
		parts = append(parts, strconv.Itoa(count[s])+"×"+strconv.Itoa(s))
	}
	row.answers = strings.Join(parts, " ")

	seen := map[string]int{}
	for _, ev := range events {
		if strings.Contains(fmt.Sprint(ev.Participant), participantstest.ForgedParticipant) || ev.ConversationID != e.conv {
			t.Errorf("a forged or foreign event reached the handler: %+v", ev)
		}
		seen[ev.Kind.String()+" "+ev.Participant.ID+ev.Participant.ContactID]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s handled %d times, want once", k, n)
		}
	}
	if len(events) != tc.events {
		t.Errorf("%d events handled, want %d: %v", len(events), tc.events, seen)
	}
	switch {
	case tc.fail == "always" && calls < participantstest.DefaultMaxAttempts(vendor):
		t.Errorf("the handler was called %d times: a failed delivery is delivered again, up to %d attempts", calls, participantstest.DefaultMaxAttempts(vendor))
	case tc.wrongSecret && (calls != 0 || count[http.StatusUnauthorized] != len(attempts)):
		t.Errorf("with a wrong secret: %d handler calls, answers %s; want none, every answer 401", calls, row.answers)
	case tc.fail == "once" && calls != 2*tc.events:
		t.Errorf("the handler was called %d times, want %d (each event failed once, then handled)", calls, 2*tc.events)
	case tc.fail == "" && !tc.wrongSecret && calls != tc.events:
		t.Errorf("the handler was called %d times for %d events: a duplicate reached it", calls, tc.events)
	}
	return row
}
