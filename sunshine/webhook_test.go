package sunshine

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/apierror"
)

const (
	hookSecret = "sc_whsec_0123456789abcdef"
	// joinEvent is the conversationJoinEvent example of the facts file.
	joinEvent = `{"app":{"id":"5ebee0975ac5304b664a12fa"},"webhook":{"id":"5f4eaef81e3dcc117c7ba48a","version":"v2"},"events":[{"id":"5f74a0d52b5315fc007e798a","createdAt":"2020-09-30T15:14:29.834Z","type":"conversation:join","payload":{"conversation":{"id":"f52b01137aa6c250bc7251fa","type":"sdkGroup"},"user":{"id":"26508c10541a4b0ff472e5e2","externalId":"912382197","authenticated":true}}}]}`
)

// leaveEvent is the same event as a leave, as the facts file says.
var leaveEvent = strings.Replace(joinEvent, "conversation:join", "conversation:leave", 1)

func webhookRequest(body, key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://hooks.example.com/sunshine", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if key != "" {
		r.Header.Set(APIKeyHeader, key)
	}
	return r
}

func mustWebhookVerifier(t testing.TB, opts ...WebhookOption) *WebhookVerifier {
	t.Helper()
	v, err := NewWebhookVerifier(hookSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWebhookVerify(t *testing.T) {
	r := webhookRequest(joinEvent, hookSecret)
	body, err := mustWebhookVerifier(t).Verify(r)
	if err != nil || string(body) != joinEvent {
		t.Fatalf("Verify = %q, %v", body, err)
	}
	if again, _ := io.ReadAll(r.Body); string(again) != joinEvent {
		t.Fatalf("r.Body after Verify = %q", again)
	}
	// The header name is case-insensitive, as HTTP's.
	r = webhookRequest(joinEvent, "")
	r.Header["x-api-key"] = []string{hookSecret}
	if _, err := mustWebhookVerifier(t).Verify(r); !errors.Is(err, ErrWebhookMissingHeader) {
		// A non-canonical key in the map is not what net/http produces;
		// the server canonicalises header names.
		t.Fatalf("raw lower-case map key: %v", err)
	}
	r = webhookRequest(joinEvent, "")
	r.Header.Set("x-api-key", hookSecret)
	if _, err := mustWebhookVerifier(t).Verify(r); err != nil {
		t.Fatalf("lower-case header: %v", err)
	}
}

func TestWebhookFailures(t *testing.T) {
	v := mustWebhookVerifier(t)
	for _, tc := range []struct {
		name, key string
		kind      error
	}{
		{"no key", "", ErrWebhookMissingHeader},
		{"wrong key", "sc_whsec_0123456789abcdeX", ErrWebhookSignature},
		{"prefix of the key", hookSecret[:10], ErrWebhookSignature},
		{"key and more", hookSecret + "0", ErrWebhookSignature},
		{"key with a space", hookSecret + " ", ErrWebhookSignature},
		{"upper-case key", strings.ToUpper(hookSecret), ErrWebhookSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(webhookRequest(joinEvent, tc.key))
			var we *WebhookError
			if !errors.Is(err, tc.kind) || !errors.As(err, &we) || we.Vendor != "sunshine" || we.Header != APIKeyHeader {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if strings.Contains(err.Error(), hookSecret) {
				t.Fatalf("Error() shows the secret: %q", err)
			}
		})
	}
	// A wrong key is refused before the body is read.
	r := webhookRequest(joinEvent, "wrong")
	if _, err := v.Verify(r); !errors.Is(err, ErrWebhookSignature) {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r.Body); string(rest) != joinEvent {
		t.Fatalf("the body was read for a wrong key: %q left", rest)
	}
}

func TestWebhookBodyLimitAndSecret(t *testing.T) {
	if _, err := mustWebhookVerifier(t, WithMaxBody(int64(len(joinEvent)))).Verify(webhookRequest(joinEvent, hookSecret)); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	if _, err := mustWebhookVerifier(t, WithMaxBody(int64(len(joinEvent)-1))).Verify(webhookRequest(joinEvent, hookSecret)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	r := webhookRequest(joinEvent, hookSecret)
	r.ContentLength = -1
	if _, err := mustWebhookVerifier(t, WithMaxBody(10)).Verify(r); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the limit, chunked: %v", err)
	}
	if _, err := mustWebhookVerifier(t).Verify(webhookRequest(strings.Repeat(" ", DefaultWebhookMaxBody+1), hookSecret)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the default limit: %v", err)
	}
	var pe *ParamError
	if _, err := NewWebhookVerifier(hookSecret, WithMaxBody(0)); !errors.As(err, &pe) || pe.Field != "WithMaxBody" || pe.Vendor != "sunshine" {
		t.Fatalf("WithMaxBody(0): %v", err)
	}
	v, err := NewWebhookVerifier("")
	if v != nil || !errors.As(err, &pe) || pe.Field != "secret" || pe.Vendor != "sunshine" || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty secret: %v, %v", v, err)
	}
	for _, p := range [][2]error{
		{ErrWebhookMissingHeader, apierror.ErrWebhookMissingHeader},
		{ErrWebhookSignature, apierror.ErrWebhookSignature},
		{ErrWebhookStale, apierror.ErrWebhookStale},
		{ErrWebhookTooLarge, apierror.ErrWebhookTooLarge},
		{ErrWebhookMalformed, apierror.ErrWebhookMalformed},
		{ErrWebhookUnsupported, apierror.ErrWebhookUnsupported},
	} {
		if p[0] != p[1] {
			t.Errorf("%v is not apierror's", p[0])
		}
	}
}

func TestDecodeWebhookExamples(t *testing.T) {
	for _, tc := range []struct {
		body string
		typ  WebhookEventType
	}{{joinEvent, WebhookEventTypeConversationJoin}, {leaveEvent, WebhookEventTypeConversationLeave}} {
		p, err := DecodeWebhook([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if p.App == nil || p.App.ID != "5ebee0975ac5304b664a12fa" || p.Webhook == nil || p.Webhook.ID != "5f4eaef81e3dcc117c7ba48a" || p.Webhook.Version != "v2" || len(p.Events) != 1 {
			t.Fatalf("payload = %+v", p)
		}
		e := p.Events[0]
		if e.ID != "5f74a0d52b5315fc007e798a" || e.CreatedAt != "2020-09-30T15:14:29.834Z" || e.Type != tc.typ ||
			e.Payload.Conversation.ID != "f52b01137aa6c250bc7251fa" || e.Payload.Conversation.Type != ConversationTypeSdkGroup ||
			e.Payload.User.ID != "26508c10541a4b0ff472e5e2" || e.Payload.User.ExternalID != "912382197" || !e.Payload.User.Authenticated {
			t.Fatalf("event = %+v, payload %+v", e, e.Payload)
		}
		if pe := p.ParticipantEvents(); len(pe) != 1 || pe[0].ID != e.ID {
			t.Fatalf("ParticipantEvents = %+v", pe)
		}
	}
}

// TestDecodeWebhookBatch: several events per request, of several types and
// conversations, kept in order.
func TestDecodeWebhookBatch(t *testing.T) {
	body := `{"app":{"id":"a"},"webhook":{"id":"w","version":"v2"},"events":[
	{"id":"e1","type":"conversation:join","payload":{"conversation":{"id":"c1"},"user":{"id":"u1","externalId":null}}},
	{"id":"e2","type":"conversation:message","payload":{"conversation":{"id":"c1"},"message":{"id":"m1","content":{"type":"text","text":"hi"}}}},
	{"id":"e3","type":"conversation:leave","payload":{"conversation":{"id":"c2"},"user":{"id":"u2","profile":{"givenName":"Ann"},"signedUpAt":"2020-01-01T00:00:00Z"}}},
	{"id":"e4","type":"conversation:read","payload":{"conversation":{"id":"c3"}}}]}`
	p, err := DecodeWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range p.Events {
		ids = append(ids, e.ID+"/"+string(e.Type))
	}
	if got := strings.Join(ids, " "); got != "e1/conversation:join e2/conversation:message e3/conversation:leave e4/conversation:read" {
		t.Fatalf("events = %s", got)
	}
	pe := p.ParticipantEvents()
	if len(pe) != 2 || pe[0].ID != "e1" || pe[1].ID != "e3" || pe[0].Payload.User.ExternalID != "" ||
		pe[1].Payload.Conversation.ID != "c2" || pe[1].Payload.User.SignedUpAt != "2020-01-01T00:00:00Z" ||
		pe[1].Payload.User.Profile == nil {
		t.Fatalf("ParticipantEvents = %+v", pe)
	}
	if len((&WebhookPayload{}).ParticipantEvents()) != 0 {
		t.Fatal("participant events of an empty payload")
	}
}

func TestDecodeWebhookRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       error
		says       string
	}{
		{"not JSON", "events=1", ErrWebhookMalformed, "not a JSON"},
		{"array", `[{"id":"e"}]`, ErrWebhookMalformed, "not a JSON"},
		{"no events", `{"app":{"id":"a"},"webhook":{"version":"v2"}}`, ErrWebhookMalformed, "no events"},
		{"empty events", `{"events":[]}`, ErrWebhookMalformed, "no events"},
		{"v1 payload", `{"trigger":"message:appUser","app":{"_id":"a"},"version":"v1.1","webhook":{"version":"v1"}}`, ErrWebhookUnsupported, "version v1"},
		{"event without id", `{"events":[{"type":"conversation:join"}]}`, ErrWebhookMalformed, "events[0] has no id"},
		{"event without type", `{"events":[{"id":"e1"},{"id":"e2"}]}`, ErrWebhookMalformed, "events[0] has no type"},
		{"second event broken", `{"events":[{"id":"e1","type":"x"},{"id":"","type":"y"}]}`, ErrWebhookMalformed, "events[1] has no id"},
		{"join without payload", `{"events":[{"id":"e1","type":"conversation:join"}]}`, ErrWebhookMalformed, "no conversation id"},
		{"join without conversation id", `{"events":[{"id":"e1","type":"conversation:join","payload":{"conversation":{},"user":{"id":"u"}}}]}`, ErrWebhookMalformed, "no conversation id"},
		{"leave without user", `{"events":[{"id":"e1","type":"conversation:leave","payload":{"conversation":{"id":"c"}}}]}`, ErrWebhookMalformed, "no user id"},
		{"user id of the wrong type", `{"events":[{"id":"e1","type":"conversation:leave","payload":{"conversation":{"id":"c"},"user":{"id":5}}}]}`, ErrWebhookMalformed, "not a JSON"},
		{"truncated", joinEvent[:100], ErrWebhookMalformed, "not a JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := DecodeWebhook([]byte(tc.body))
			if p != nil || !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("DecodeWebhook = %v, %v; want %v saying %q", p, err, tc.kind, tc.says)
			}
		})
	}
}

// FuzzWebhookVerify: Verify never panics, and accepts no key but the secret.
func FuzzWebhookVerify(f *testing.F) {
	f.Add(hookSecret, joinEvent)
	f.Add(hookSecret+"x", "")
	f.Add("", "{}")
	v := mustWebhookVerifier(f)
	f.Fuzz(func(t *testing.T, key, body string) {
		r := webhookRequest(body, "")
		r.Header.Set(APIKeyHeader, key)
		got, err := v.Verify(r)
		if err != nil {
			var we *WebhookError
			if !errors.As(err, &we) {
				t.Fatalf("err %v is not a *WebhookError", err)
			}
			return
		}
		if key != hookSecret || !bytes.Equal(got, []byte(body)) {
			t.Fatalf("accepted key %q (body %q)", key, got)
		}
	})
}

// FuzzDecodeWebhook: DecodeWebhook never panics, and every participant
// event it accepts has a conversation ID and a user ID.
func FuzzDecodeWebhook(f *testing.F) {
	f.Add(joinEvent)
	f.Add(leaveEvent)
	f.Add(`{"events":[{"id":"e","type":"conversation:join","payload":{}}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		p, err := DecodeWebhook([]byte(body))
		if err != nil {
			if p != nil {
				t.Fatal("a payload with an error")
			}
			return
		}
		if len(p.Events) == 0 {
			t.Fatal("accepted a payload without events")
		}
		for _, e := range p.ParticipantEvents() {
			if e.ID == "" || e.Payload.Conversation.ID == "" || e.Payload.User.ID == "" {
				t.Fatalf("accepted %+v", e)
			}
		}
	})
}

// BenchmarkWebhookVerifyDecode: Verify then DecodeWebhook of the facts
// file's conversation:join example.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
	v := mustWebhookVerifier(b)
	body := []byte(joinEvent)
	r := webhookRequest("", hookSecret)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		p, err := v.Verify(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeWebhook(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebhookFloor is the hand-written floor for the same request:
// compare the key in constant time, read the body, json.Unmarshal it.
func BenchmarkWebhookFloor(b *testing.B) {
	body := []byte(joinEvent)
	r := webhookRequest("", hookSecret)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(APIKeyHeader)), []byte(hookSecret)) != 1 {
			b.Fatal("key")
		}
		raw, _ := io.ReadAll(r.Body)
		var p WebhookPayload
		if err := json.Unmarshal(raw, &p); err != nil {
			b.Fatal(err)
		}
	}
}
