package twilioparticipants_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

const (
	hookToken = "12345"
	hookURL   = "https://example.com/webhooks/twilio"
	hookConv  = "CH" + "0123456789abcdef0123456789abcdef"
	hookPart  = "MB" + "0123456789abcdef0123456789abcdef"
)

// signedForm is a Twilio form webhook POST of form to hookURL, signed with
// token as Twilio signs: HMAC-SHA1 of the URL and the sorted names and
// values, base64.
func signedForm(token string, form url.Values, header http.Header) *http.Request {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(hookURL)
	for _, k := range keys {
		b.WriteString(k + form.Get(k))
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(b.String()))
	r := httptest.NewRequest(http.MethodPost, hookURL, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	for k, v := range header {
		r.Header[k] = v
	}
	return r
}

func participantForm(eventType string) url.Values {
	return url.Values{
		"EventType":                     {eventType},
		"AccountSid":                    {"AC" + strings.Repeat("0", 32)},
		"ConversationSid":               {hookConv},
		"ParticipantSid":                {hookPart},
		"MessagingBinding.Address":      {"whatsapp:+15558675310"},
		"MessagingBinding.ProxyAddress": {"whatsapp:+15017122661"},
		"DateCreated":                   {"2026-12-07T10:00:00Z"},
		"DateUpdated":                   {"2026-12-07T10:05:00Z"},
		"Source":                        {"API"},
		"RetryCount":                    {"0"},
	}
}

type handled struct {
	mu     sync.Mutex
	events []participants.Event
	err    error
}

func (h *handled) fn(_ context.Context, e participants.Event) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
	return h.err
}

func twilioHandler(t *testing.T, rec *handled) http.Handler {
	t.Helper()
	v, err := twilio.NewWebhookVerifier(hookToken, twilio.WithPublicURL(hookURL))
	if err != nil {
		t.Fatal(err)
	}
	h, err := participants.NewWebhookHandler(twilioparticipants.NewReceiver(v), rec.fn,
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

func TestReceiverParticipantEvents(t *testing.T) {
	for _, tc := range []struct {
		eventType string
		kind      participants.EventKind
		at        string
	}{
		{"onParticipantAdded", participants.ParticipantJoined, "2026-12-07T10:00:00Z"},
		{"onParticipantRemoved", participants.ParticipantLeft, "2026-12-07T10:05:00Z"},
		{"onParticipantUpdated", participants.ParticipantUpdated, "2026-12-07T10:05:00Z"},
	} {
		t.Run(tc.eventType, func(t *testing.T) {
			rec := &handled{}
			h := twilioHandler(t, rec)
			hdr := http.Header{"I-Twilio-Idempotency-Token": {"idem-" + tc.eventType}}
			if code := serve(h, signedForm(hookToken, participantForm(tc.eventType), hdr)); code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if len(rec.events) != 1 {
				t.Fatalf("%d events", len(rec.events))
			}
			e := rec.events[0]
			if e.Provider != "twilio" || e.Kind != tc.kind || e.ConversationID != hookConv || e.ID != "idem-"+tc.eventType ||
				e.Participant.ID != hookPart || e.Participant.Phone != "+15558675310" || e.Participant.Channel != participants.ChannelWhatsApp ||
				e.Participant.Identifier.Value != "whatsapp:+15558675310" || e.At.Format("2006-01-02T15:04:05Z") != tc.at {
				t.Fatalf("event %+v", e)
			}
			var raw *twilio.ParticipantEvent
			if !e.As(&raw) || raw.Source != "API" || !e.Participant.As(&raw) {
				t.Fatalf("As: %+v", raw)
			}
			// Twilio's retry of the delivery: the same token, acknowledged,
			// not handled again.
			if code := serve(h, signedForm(hookToken, participantForm(tc.eventType), hdr)); code != http.StatusOK || len(rec.events) != 1 {
				t.Fatalf("redelivery: status %d, %d events", code, len(rec.events))
			}
		})
	}
}

// Without the idempotency header (a proxy dropped it), the event's ID is
// its type, participant and date, which a retry (RetryCount 1) repeats.
func TestReceiverIDWithoutTheToken(t *testing.T) {
	rec := &handled{}
	h := twilioHandler(t, rec)
	form := participantForm("onParticipantAdded")
	form.Set("Identity", "crm-42")
	if code := serve(h, signedForm(hookToken, form, nil)); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	form.Set("RetryCount", "1")
	if code := serve(h, signedForm(hookToken, form, nil)); code != http.StatusOK {
		t.Fatalf("retry status %d", code)
	}
	if len(rec.events) != 1 || rec.events[0].ID != "onParticipantAdded:"+hookPart+":2026-12-07T10:00:00Z" || rec.events[0].Participant.ExternalID != "crm-42" {
		t.Fatalf("events %+v", rec.events)
	}
}

func TestReceiverRefusals(t *testing.T) {
	rec := &handled{}
	h := twilioHandler(t, rec)
	forged := signedForm("not-the-token", participantForm("onParticipantAdded"), nil)
	if code := serve(h, forged); code != http.StatusUnauthorized {
		t.Errorf("forged: status %d, want 401", code)
	}
	unsigned := signedForm(hookToken, participantForm("onParticipantAdded"), nil)
	unsigned.Header.Del("X-Twilio-Signature")
	if code := serve(h, unsigned); code != http.StatusUnauthorized {
		t.Errorf("unsigned: status %d, want 401", code)
	}
	// A pre-action event is acknowledged (200 lets the action happen)
	// and not handled; so is a message event.
	for _, et := range []string{"onParticipantAdd", "onMessageAdded"} {
		if code := serve(h, signedForm(hookToken, participantForm(et), nil)); code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", et, code)
		}
	}
	// A participant event without its participant is malformed.
	form := participantForm("onParticipantRemoved")
	form.Del("ParticipantSid")
	if code := serve(h, signedForm(hookToken, form, nil)); code != http.StatusBadRequest {
		t.Errorf("without ParticipantSid: status %d, want 400", code)
	}
	if len(rec.events) != 0 {
		t.Fatalf("the handler was called: %+v", rec.events)
	}
	// A failure of the handler: 503, and Twilio's retry is handled.
	rec.err = io.ErrUnexpectedEOF
	hdr := http.Header{"I-Twilio-Idempotency-Token": {"idem-fail"}}
	if code := serve(h, signedForm(hookToken, participantForm("onParticipantAdded"), hdr)); code != http.StatusServiceUnavailable {
		t.Errorf("failing handler: status %d, want 503", code)
	}
	rec.err = nil
	if code := serve(h, signedForm(hookToken, participantForm("onParticipantAdded"), hdr)); code != http.StatusOK || len(rec.events) != 2 {
		t.Errorf("retry after a failure: status %d, %d calls; want 200, 2", code, len(rec.events))
	}
}

func TestReceiverNilVerifier(t *testing.T) {
	if _, err := twilioparticipants.NewReceiver(nil).Receive(context.Background(), signedForm(hookToken, participantForm("onParticipantAdded"), nil)); err == nil {
		t.Fatal("a nil verifier received")
	}
}

// An SMS binding's address is a phone reached by SMS, not WhatsApp.
func TestReceiverSMSBinding(t *testing.T) {
	rec := &handled{}
	h := twilioHandler(t, rec)
	form := participantForm("onParticipantAdded")
	form.Set("MessagingBinding.Address", "+15558675310")
	if code := serve(h, signedForm(hookToken, form, nil)); code != http.StatusOK || len(rec.events) != 1 {
		t.Fatalf("status %d, %d events", code, len(rec.events))
	}
	if p := rec.events[0].Participant; p.Phone != "+15558675310" || p.Channel != participants.ChannelSMS {
		t.Fatalf("participant %+v, want the phone by SMS", p)
	}
}
