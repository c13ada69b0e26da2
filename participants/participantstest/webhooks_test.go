package participantstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
)

// hookRequest is one delivery request as the receiving server saw it.
type hookRequest struct {
	header http.Header
	body   []byte
}

// hookSink is a receiving server that records every request and answers
// the statuses given, in order, then 200; verify, when set, runs the
// vendor's Receiver on each request first and answers 401 when it refuses.
type hookSink struct {
	srv      *httptest.Server
	mu       sync.Mutex
	reqs     []hookRequest
	statuses []int
	recv     driver.Receiver
}

func newHookSink(t *testing.T, statuses ...int) *hookSink {
	s := &hookSink{statuses: statuses}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, hookRequest{header: r.Header.Clone(), body: b})
		status := http.StatusOK
		if len(s.statuses) > 0 {
			status, s.statuses = s.statuses[0], s.statuses[1:]
		}
		recv := s.recv
		s.mu.Unlock()
		if recv != nil {
			r.Body = io.NopCloser(strings.NewReader(string(b)))
			if _, err := recv.Receive(r.Context(), r); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *hookSink) url() string { return s.srv.URL + "/hooks" }

func (s *hookSink) requests() []hookRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

func flush(t *testing.T, sub *participantstest.Subscription) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := sub.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}

func statuses(as []participantstest.Attempt) []int {
	var out []int
	for _, a := range as {
		out = append(out, a.Status)
	}
	return out
}

// recorder collects the events of a participants.WebhookHandler.
type recorder struct {
	mu     sync.Mutex
	events []participants.Event
}

func (r *recorder) handle(_ context.Context, e participants.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.Kind.String()+" "+e.Participant.ID)
	}
	return out
}

// serveHandler serves a WebhookHandler of recv on loopback at path /hooks.
func serveHandler(t *testing.T, rec *recorder) (string, func(driver.Receiver)) {
	t.Helper()
	var (
		mu sync.Mutex
		h  http.Handler
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hh := h
		mu.Unlock()
		hh.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks", func(recv driver.Receiver) {
		wh, err := participants.NewWebhookHandler(recv, rec.handle, participants.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		h = wh
		mu.Unlock()
	}
}

// Twilio delivers a REST change only when its request carried
// X-Twilio-Webhook-Enabled: true, as a form post that twilio's verifier
// accepts, with the documented fields.
func TestTwilioWebhooksOnlyWhenAsked(t *testing.T) {
	c, fake := participantstest.NewTwilioParticipants(t)
	rec := &recorder{}
	url, set := serveHandler(t, rec)
	sub, recv := participantstest.SubscribeTwilio(t, fake, url, participantstest.Webhooks{})
	set(recv)

	silent, err := c.Add(t.Context(), participantstest.TwilioConversationSID, participants.Participant{Phone: "+15558670001"})
	if err != nil {
		t.Fatal(err)
	}
	flush(t, sub)
	if n := len(sub.Attempts()); n != 0 {
		t.Fatalf("%d deliveries for an add without X-Twilio-Webhook-Enabled, want 0", n)
	}
	loud, err := c.Add(t.Context(), participantstest.TwilioConversationSID, participants.Participant{ExternalID: "ada"}, twilioparticipants.WithWebhooks(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(t.Context(), participantstest.TwilioConversationSID, participants.Participant{ParticipantID: loud.ID},
		participants.Update{Attributes: json.RawMessage(`{"tier":"gold"}`)}, twilioparticipants.WithWebhooks(true)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Remove(t.Context(), participantstest.TwilioConversationSID, participants.Participant{ParticipantID: silent.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Remove(t.Context(), participantstest.TwilioConversationSID, participants.Participant{ParticipantID: loud.ID}, twilioparticipants.WithWebhooks(true)); err != nil {
		t.Fatal(err)
	}
	flush(t, sub)
	want := []string{"joined " + loud.ID, "updated " + loud.ID, "left " + loud.ID}
	if got := rec.kinds(); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if got := statuses(sub.Attempts()); !slices.Equal(got, []int{200, 200, 200}) {
		t.Errorf("answers %v, want three 200", got)
	}
	rec.mu.Lock()
	e := rec.events[0]
	rec.mu.Unlock()
	if e.Participant.ExternalID != "ada" || e.ConversationID != participantstest.TwilioConversationSID || e.At.IsZero() ||
		!strings.HasPrefix(e.ID, "idem-") {
		t.Errorf("joined event %+v", e)
	}
}

// Each vendor's delivery carries the documented fields and headers.
func TestWebhookShapes(t *testing.T) {
	t.Run("twilio", func(t *testing.T) {
		c, fake := participantstest.NewTwilioParticipants(t)
		sink := newHookSink(t)
		sub := fake.Subscribe(sink.url(), participantstest.Webhooks{})
		defer sub.Close()
		if _, err := c.Add(t.Context(), participantstest.TwilioConversationSID, participants.Participant{Phone: "+15558670002"}, twilioparticipants.WithWebhooks(true)); err != nil {
			t.Fatal(err)
		}
		flush(t, sub)
		r := sink.requests()[0]
		form, err := url.ParseQuery(string(r.body))
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{
			"EventType": "onParticipantAdded", "AccountSid": fake.AccountSID(), "ChatServiceSid": participantstest.DefaultTwilioChatServiceSID,
			"ConversationSid": participantstest.TwilioConversationSID, "MessagingBinding.Address": "+15558670002",
			"MessagingBinding.ProxyAddress": participantstest.TwilioProxyAddress, "MessagingBinding.Type": "sms", "Source": "API", "RetryCount": "0",
		} {
			if got := form.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if r.header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.header.Get("X-Twilio-Signature") == "" || r.header.Get("I-Twilio-Idempotency-Token") == "" {
			t.Errorf("headers %v", r.header)
		}
	})
	t.Run("intercom", func(t *testing.T) {
		c, fake := participantstest.NewIntercomParticipants(t)
		contact := fake.SeedContact(participantstest.IntercomContact{UserID: "u-1", Email: "ada@example.com"})
		sink := newHookSink(t)
		sub := fake.Subscribe(sink.url(), participantstest.Webhooks{Secret: "client-secret"})
		defer sub.Close()
		if _, err := c.Add(t.Context(), participantstest.IntercomConversationID, participants.Participant{ExternalID: "u-1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Add(t.Context(), participantstest.IntercomConversationID, participants.Participant{ExternalID: "u-1"}); err != nil {
			t.Fatal(err)
		}
		flush(t, sub)
		reqs := sink.requests()
		if len(reqs) != 1 {
			t.Fatalf("%d deliveries, want 1 (an attach of someone present changes nothing)", len(reqs))
		}
		var n struct {
			Type, ID, Topic string
			Data            struct {
				Item struct {
					Conversation struct{ ID string }
					Contact      struct {
						ID, Email  string
						ExternalID string `json:"external_id"`
					}
				}
			}
		}
		if err := json.Unmarshal(reqs[0].body, &n); err != nil {
			t.Fatal(err)
		}
		if n.Type != "notification_event" || !strings.HasPrefix(n.ID, "notif_") || n.Topic != "conversation.contact.attached" ||
			n.Data.Item.Conversation.ID != participantstest.IntercomConversationID || n.Data.Item.Contact.ID != contact.ID ||
			n.Data.Item.Contact.Email != "ada@example.com" || n.Data.Item.Contact.ExternalID != "u-1" {
			t.Errorf("notification %+v", n)
		}
		if !strings.HasPrefix(reqs[0].header.Get("X-Hub-Signature"), "sha1=") {
			t.Errorf("X-Hub-Signature %q", reqs[0].header.Get("X-Hub-Signature"))
		}
	})
	t.Run("bird", func(t *testing.T) {
		fake := participantstest.NewBirdServer()
		defer fake.Close()
		sink := newHookSink(t)
		sub := fake.Subscribe(sink.url(), participantstest.Webhooks{})
		defer sub.Close()
		conv := fake.SeedConversation("")
		flush(t, sub)
		r := sink.requests()[0]
		var e struct {
			Service, Event string
			Payload        struct{ ID string }
		}
		if err := json.Unmarshal(r.body, &e); err != nil {
			t.Fatal(err)
		}
		if e.Service != "conversations" || e.Event != "conversation.created" || e.Payload.ID != conv {
			t.Errorf("event %+v", e)
		}
		for _, h := range []string{"messagebird-signature", "messagebird-request-timestamp", "messagebird-request-id"} {
			if r.header.Get(h) == "" {
				t.Errorf("no %s", h)
			}
		}
	})
}

// A delivery answered with an error is retried, up to the vendor's
// attempts, except after the statuses the vendor gives up on.
func TestWebhookRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		w        participantstest.Webhooks
		want     []int
	}{
		{"503 twice then 200", []int{503, 503}, participantstest.Webhooks{}, []int{503, 503, 200}},
		{"always 500: the vendor's 5 attempts", []int{500, 500, 500, 500, 500, 500}, participantstest.Webhooks{}, []int{500, 500, 500, 500, 500}},
		{"MaxAttempts", []int{500, 500, 500}, participantstest.Webhooks{MaxAttempts: 2}, []int{500, 500}},
		{"no retry after 401", []int{401}, participantstest.Webhooks{}, []int{401}},
		{"no retry after 406", []int{406}, participantstest.Webhooks{}, []int{406}},
		{"retry after 429", []int{429}, participantstest.Webhooks{}, []int{429, 200}},
		{"FailFirst counts 200s as failed", nil, participantstest.Webhooks{FailFirst: 2}, []int{200, 200, 200}},
		{"duplicates", nil, participantstest.Webhooks{Duplicates: 2}, []int{200, 200, 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := participantstest.NewSunshineParticipants(t)
			fake.EnsureUser("u-1")
			sink := newHookSink(t, tc.statuses...)
			sub := fake.Subscribe(sink.url(), tc.w)
			defer sub.Close()
			if _, err := c.Add(t.Context(), participantstest.SunshineConversationID, participants.Participant{ExternalID: "u-1"}); err != nil {
				t.Fatal(err)
			}
			flush(t, sub)
			as := sub.Attempts()
			if got := statuses(as); !slices.Equal(got, tc.want) {
				t.Errorf("answers %v, want %v", got, tc.want)
			}
			reqs := sink.requests()
			for _, r := range reqs[1:] {
				if string(r.body) != string(reqs[0].body) {
					t.Errorf("a retry or duplicate differs from the first request:\n%s\n%s", r.body, reqs[0].body)
				}
			}
		})
	}
}

// Intercom retries once and stops at 410; Twilio tries 3 times.
func TestWebhookVendorAttempts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		want     []int
	}{{"intercom 500", []int{500, 500, 500}, []int{500, 500}}, {"intercom 410", []int{410}, []int{410}}} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := participantstest.NewIntercomParticipants(t)
			fake.SeedContact(participantstest.IntercomContact{UserID: "u-1"})
			sink := newHookSink(t, tc.statuses...)
			sub := fake.Subscribe(sink.url(), participantstest.Webhooks{})
			defer sub.Close()
			if _, err := c.Add(t.Context(), participantstest.IntercomConversationID, participants.Participant{ExternalID: "u-1"}); err != nil {
				t.Fatal(err)
			}
			flush(t, sub)
			if got := statuses(sub.Attempts()); !slices.Equal(got, tc.want) {
				t.Errorf("answers %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("twilio 500", func(t *testing.T) {
		c, fake := participantstest.NewTwilioParticipants(t)
		sink := newHookSink(t, 500, 500, 500, 500)
		sub := fake.Subscribe(sink.url(), participantstest.Webhooks{})
		defer sub.Close()
		if _, err := c.Add(t.Context(), participantstest.TwilioConversationSID, participants.Participant{ExternalID: "x"}, twilioparticipants.WithWebhooks(true)); err != nil {
			t.Fatal(err)
		}
		flush(t, sub)
		as := sub.Attempts()
		if got := statuses(as); !slices.Equal(got, []int{500, 500, 500}) {
			t.Errorf("answers %v, want three 500", got)
		}
		// RetryCount counts the retries.
		for i, r := range sink.requests() {
			form, _ := url.ParseQuery(string(r.body))
			if got := form.Get("RetryCount"); got != string(rune('0'+i)) {
				t.Errorf("attempt %d: RetryCount %q", i+1, got)
			}
		}
	})
}

// Batch holds the events until Flush and sends them in requests of Batch
// events where the vendor batches (Sunshine), one per request elsewhere;
// Reorder sends them newest first.
func TestWebhookBatchAndReorder(t *testing.T) {
	c, fake := participantstest.NewSunshineParticipants(t)
	sink := newHookSink(t)
	sub := fake.Subscribe(sink.url(), participantstest.Webhooks{Batch: 3, Reorder: true})
	defer sub.Close()
	for _, u := range []string{"u-1", "u-2", "u-3", "u-4"} {
		fake.EnsureUser(u)
		if _, err := c.Add(t.Context(), participantstest.SunshineConversationID, participants.Participant{ExternalID: u}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(sub.Attempts()); n != 0 {
		t.Fatalf("%d deliveries before Flush, want them held", n)
	}
	flush(t, sub)
	var got [][]string
	for _, r := range sink.requests() {
		var p struct {
			Events []struct {
				Type    string
				Payload struct{ User struct{ ExternalID string } }
			}
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		var b []string
		for _, e := range p.Events {
			if e.Type != "conversation:join" {
				t.Errorf("type %q", e.Type)
			}
			b = append(b, e.Payload.User.ExternalID)
		}
		got = append(got, b)
	}
	want := [][]string{{"u-4", "u-3", "u-2"}, {"u-1"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("batches %q, want %q", got, want)
	}

	// Twilio does not batch: one request per event.
	tc, tw := participantstest.NewTwilioParticipants(t)
	tsink := newHookSink(t)
	tsub := tw.Subscribe(tsink.url(), participantstest.Webhooks{Batch: 3})
	defer tsub.Close()
	for _, id := range []string{"a", "b"} {
		if _, err := tc.Add(t.Context(), participantstest.TwilioConversationSID, participants.Participant{ExternalID: id}, twilioparticipants.WithWebhooks(true)); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, tsub)
	for _, a := range tsub.Attempts() {
		if a.Events != 1 {
			t.Errorf("a Twilio request of %d events", a.Events)
		}
	}
	if n := len(tsub.Attempts()); n != 2 {
		t.Errorf("%d Twilio requests, want 2", n)
	}
}

// A forged copy is refused by the vendor's verifier; the real delivery is
// accepted.
func TestWebhookForgedCopies(t *testing.T) {
	c, fake := participantstest.NewBirdParticipants(t)
	sink := newHookSink(t)
	sub, recv := participantstest.SubscribeBird(t, fake, sink.url(), participantstest.Webhooks{Forge: true})
	sink.mu.Lock()
	sink.recv = recv
	sink.mu.Unlock()
	if _, err := c.Add(t.Context(), participantstest.BirdConversationID, participants.Participant{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	flush(t, sub)
	as := sub.Attempts()
	if len(as) != 2 || !as[0].Forged || as[0].Status != http.StatusUnauthorized || as[1].Forged || as[1].Status != http.StatusOK {
		t.Errorf("attempts %+v, want a forged one refused 401, then the real one 200", as)
	}
	if !strings.Contains(string(sink.requests()[0].body), participantstest.ForgedParticipant) {
		t.Error("the forged copy does not carry ForgedParticipant")
	}
}

// Close drops what is pending; Flush after it says so; the delivery
// goroutine ends (TestMain checks for leaks).
func TestWebhookClose(t *testing.T) {
	c, fake := participantstest.NewSunshineParticipants(t)
	fake.EnsureUser("u-1")
	sink := newHookSink(t)
	sub := fake.Subscribe(sink.url(), participantstest.Webhooks{Reorder: true})
	if _, err := c.Add(t.Context(), participantstest.SunshineConversationID, participants.Participant{ExternalID: "u-1"}); err != nil {
		t.Fatal(err)
	}
	sub.Close()
	sub.Close()
	if err := sub.Flush(t.Context()); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Flush after Close = %v, want http.ErrServerClosed", err)
	}
	if n := len(sink.requests()); n != 0 {
		t.Errorf("%d requests after Close", n)
	}
	// A Flush whose context ends first returns its error.
	stuck := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-stuck }))
	defer slow.Close()
	defer close(stuck)
	sub2 := fake.Subscribe(slow.URL, participantstest.Webhooks{})
	defer sub2.Close()
	if _, err := c.Remove(t.Context(), participantstest.SunshineConversationID, participants.Participant{ExternalID: "u-1"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := sub2.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Flush = %v, want context.Canceled", err)
	}
}

// Subscribe refuses what cannot work, before any delivery.
func TestSubscribeRefuses(t *testing.T) {
	tw := participantstest.NewTwilioServer()
	defer tw.Close()
	sun := participantstest.NewSunshineServer()
	defer sun.Close()
	for name, f := range map[string]func(){
		"not a URL":          func() { sun.Subscribe("ftp://example.com/x", participantstest.Webhooks{}) },
		"no host":            func() { sun.Subscribe("http:///x", participantstest.Webhooks{}) },
		"negative":           func() { sun.Subscribe("http://127.0.0.1/x", participantstest.Webhooks{Duplicates: -1}) },
		"twilio with secret": func() { tw.Subscribe("http://127.0.0.1/x", participantstest.Webhooks{Secret: "x"}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	sub := tw.Subscribe("http://127.0.0.1/x", participantstest.Webhooks{Secret: tw.AuthToken()})
	if sub.Secret() != tw.AuthToken() || sub.URL() != "http://127.0.0.1/x" {
		t.Errorf("Secret %q, URL %q", sub.Secret(), sub.URL())
	}
	if s := sun.Subscribe("http://127.0.0.1/x", participantstest.Webhooks{}).Secret(); !strings.HasPrefix(s, "whsec-") {
		t.Errorf("generated secret %q", s)
	}
}

func TestDefaultMaxAttempts(t *testing.T) {
	for v, want := range map[string]int{"intercom": 2, "twilio": 3, "bird": 5, "sunshine": 5, "other": 1} {
		if got := participantstest.DefaultMaxAttempts(v); got != want {
			t.Errorf("DefaultMaxAttempts(%q) = %d, want %d", v, got, want)
		}
	}
}
