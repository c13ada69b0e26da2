package intercom

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
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
	vecSecret = "client-secret-123"
	vecBody   = `{"type":"notification_event","id":"notif_1","topic":"conversation.contact.attached","app_id":"abc123","created_at":1711204872,"data":{"type":"notification_event_data","item":{"conversation":{"id":"1886"},"contact":{"type":"contact","id":"65446e1aaf142d1550cfd6d7"}}}}`
	vecSig    = "sha1=3e431e3ecf617eb4592799bf35bec94f517d47d6"
)

func hookRequest(body, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://hooks.example.com/intercom", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if sig != "" {
		r.Header.Set(SignatureHeader, sig)
	}
	return r
}

// signHub is an independent "sha1=" + hex HMAC-SHA1.
func signHub(secret, body string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(body))
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

func mustVerifier(t testing.TB, secret string, opts ...WebhookOption) *WebhookVerifier {
	t.Helper()
	v, err := NewWebhookVerifier(secret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWebhookVector: the computed test vector of the facts file.
func TestWebhookVector(t *testing.T) {
	if got := signHub(vecSecret, vecBody); got != vecSig {
		t.Fatalf("the vector's signature is %s, the facts say %s", got, vecSig)
	}
	r := hookRequest(vecBody, vecSig)
	body, err := mustVerifier(t, vecSecret).Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != vecBody {
		t.Fatalf("body = %q", body)
	}
	if again, _ := io.ReadAll(r.Body); string(again) != vecBody {
		t.Fatalf("r.Body after Verify = %q", again)
	}
	// Upper-case hex is the same signature.
	if _, err := mustVerifier(t, vecSecret).Verify(hookRequest(vecBody, "sha1="+strings.ToUpper(vecSig[5:]))); err != nil {
		t.Fatalf("upper-case hex: %v", err)
	}
	ev, err := DecodeWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.ID != "notif_1" || ev.Topic != NotificationTopicContactAttached || ev.AppID != "abc123" || ev.CreatedAt != 1711204872 ||
		ev.ConversationID() != "1886" || ev.ContactID() != "65446e1aaf142d1550cfd6d7" || ev.Data.Type != "notification_event_data" {
		t.Fatalf("decoded %+v", ev)
	}
}

func TestWebhookFailures(t *testing.T) {
	v := mustVerifier(t, vecSecret)
	for _, tc := range []struct {
		name, body, sig string
		kind            error
		header          string
	}{
		{"no signature", vecBody, "", ErrWebhookMissingHeader, SignatureHeader},
		{"no sha1= prefix", vecBody, vecSig[5:], ErrWebhookMalformed, SignatureHeader},
		{"sha256= prefix", vecBody, "sha256=" + vecSig[5:], ErrWebhookMalformed, SignatureHeader},
		{"short hex", vecBody, vecSig[:20], ErrWebhookMalformed, SignatureHeader},
		{"not hex", vecBody, "sha1=" + strings.Repeat("z", 40), ErrWebhookMalformed, SignatureHeader},
		{"wrong signature", vecBody, "sha1=" + strings.Repeat("0", 40), ErrWebhookSignature, SignatureHeader},
		{"another secret", vecBody, signHub("other", vecBody), ErrWebhookSignature, SignatureHeader},
		{"tampered body", strings.Replace(vecBody, "1886", "1887", 1), vecSig, ErrWebhookSignature, SignatureHeader},
		{"body with a trailing space", vecBody + " ", vecSig, ErrWebhookSignature, SignatureHeader},
		{"empty body", "", vecSig, ErrWebhookSignature, SignatureHeader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(hookRequest(tc.body, tc.sig))
			var we *WebhookError
			if !errors.Is(err, tc.kind) || !errors.As(err, &we) || we.Vendor != "intercom" || we.Header != tc.header {
				t.Fatalf("err = %v, want %v on %q", err, tc.kind, tc.header)
			}
			if strings.Contains(err.Error(), vecSecret) || strings.Contains(err.Error(), vecSig[5:]) {
				t.Fatalf("Error() shows a secret or signature: %q", err)
			}
		})
	}
}

func TestWebhookBodyLimit(t *testing.T) {
	exact := mustVerifier(t, vecSecret, WithMaxBody(int64(len(vecBody))))
	if _, err := exact.Verify(hookRequest(vecBody, vecSig)); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	short := mustVerifier(t, vecSecret, WithMaxBody(int64(len(vecBody)-1)))
	if _, err := short.Verify(hookRequest(vecBody, vecSig)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	r := hookRequest(vecBody, vecSig)
	r.ContentLength = -1
	if _, err := short.Verify(r); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the limit, chunked: %v", err)
	}
	big := `{"a":"` + strings.Repeat("x", DefaultWebhookMaxBody) + `"}`
	if _, err := mustVerifier(t, vecSecret).Verify(hookRequest(big, signHub(vecSecret, big))); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the default limit: %v", err)
	}
	var pe *ParamError
	if _, err := NewWebhookVerifier(vecSecret, WithMaxBody(0)); !errors.As(err, &pe) || pe.Field != "WithMaxBody" || pe.Vendor != "intercom" {
		t.Fatalf("WithMaxBody(0): %v", err)
	}
}

func TestWebhookEmptySecret(t *testing.T) {
	v, err := NewWebhookVerifier("")
	var pe *ParamError
	if v != nil || !errors.As(err, &pe) || pe.Field != "clientSecret" || pe.Vendor != "intercom" || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("NewWebhookVerifier(\"\") = %v, %v", v, err)
	}
}

func TestWebhookErrorsAreShared(t *testing.T) {
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

func notification(topic, item string) string {
	return `{"type":"notification_event","id":"notif_2","topic":"` + topic + `","app_id":"a","created_at":1,"delivery_attempts":2,"first_sent_at":3,"data":{"type":"notification_event_data","item":` + item + `}}`
}

func TestDecodeWebhookShapes(t *testing.T) {
	for _, tc := range []struct {
		name, item, conv, contact string
	}{
		{"capture: conversation.id", `{"conversation":{"id":"1886","type":"conversation"},"contact":{"type":"contact","id":"c1","role":"lead","email":"a@b.c","external_id":"x1"}}`, "1886", "c1"},
		{"capture: numeric id", `{"conversation":{"id":1886},"contact":{"id":"c1"}}`, "1886", "c1"},
		{"capture: model.id", `{"conversation":{"model":{"id":"1887"}},"contact":{"id":"c1"}}`, "1887", "c1"},
		{"capture: numeric model.id", `{"conversation":{"id":null,"model":{"id":1887}},"contact":{"id":"c1"}}`, "1887", "c1"},
		{"docs: the item is the conversation", `{"type":"conversation","id":"1888","contact":{"id":"c2"},"unknown":[1,2]}`, "1888", "c2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeWebhook([]byte(notification("conversation.contact.detached", tc.item)))
			if err != nil {
				t.Fatal(err)
			}
			if ev.ConversationID() != tc.conv || ev.ContactID() != tc.contact || ev.Topic != NotificationTopicContactDetached ||
				ev.DeliveryAttempts != 2 || ev.FirstSentAt != 3 {
				t.Fatalf("decoded %+v: conversation %q contact %q", ev, ev.ConversationID(), ev.ContactID())
			}
		})
	}
	ev, _ := DecodeWebhook([]byte(notification("conversation.contact.attached", `{"conversation":{"id":"1"},"contact":{"id":"c","role":"lead","email":"a@b.c","external_id":"x"}}`)))
	if c := ev.Data.Item.Contact; c.Role != "lead" || c.Email != "a@b.c" || c.ExternalID != "x" {
		t.Fatalf("contact = %+v", c)
	}
}

func TestDecodeWebhookRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       error
		says       string
	}{
		{"not JSON", "topic=x", ErrWebhookMalformed, "not a JSON notification"},
		{"JSON array", "[]", ErrWebhookMalformed, "not a JSON notification"},
		{"wrong type", `{"type":"conversation","topic":"conversation.contact.attached","data":{"item":{}}}`, ErrWebhookMalformed, "notification_event"},
		{"no topic", `{"type":"notification_event","data":{"item":{}}}`, ErrWebhookMalformed, "no topic"},
		{"ping", notification("ping", `{"type":"ping","message":"hi"}`), ErrWebhookUnsupported, "topic ping"},
		{"another topic", notification("conversation.admin.replied", `{"type":"conversation","id":"1"}`), ErrWebhookUnsupported, "conversation.admin.replied"},
		{"control characters in topic", notification(`x\nforged`, `{}`), ErrWebhookUnsupported, "x forged"},
		{"no conversation", notification("conversation.contact.attached", `{"contact":{"id":"c"}}`), ErrWebhookMalformed, "no conversation ID"},
		{"conversation id is an object", notification("conversation.contact.attached", `{"conversation":{"id":{}},"contact":{"id":"c"}}`), ErrWebhookMalformed, "no conversation ID"},
		{"conversation id is a float", notification("conversation.contact.attached", `{"conversation":{"id":1.5},"contact":{"id":"c"}}`), ErrWebhookMalformed, "no conversation ID"},
		{"no contact", notification("conversation.contact.attached", `{"conversation":{"id":"1"}}`), ErrWebhookMalformed, "no contact ID"},
		{"contact id empty", notification("conversation.contact.attached", `{"conversation":{"id":"1"},"contact":{"id":""}}`), ErrWebhookMalformed, "no contact ID"},
		{"contact id a number", notification("conversation.contact.attached", `{"conversation":{"id":"1"},"contact":{"id":5}}`), ErrWebhookMalformed, "not a JSON notification"},
		{"truncated", vecBody[:50], ErrWebhookMalformed, "not a JSON notification"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeWebhook([]byte(tc.body))
			if ev != nil || !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("DecodeWebhook = %v, %v; want %v saying %q", ev, err, tc.kind, tc.says)
			}
		})
	}
	if (&NotificationEvent{}).ContactID() != "" || (&NotificationEvent{}).ConversationID() != "" {
		t.Fatal("IDs of an empty event")
	}
	if got := rawID(json.RawMessage(` "a\u0062" `)); got != "ab" {
		t.Fatalf("rawID of an escaped string = %q", got)
	}
	if got := rawID(json.RawMessage(`"unterminated`)); got != "" {
		t.Fatalf("rawID of a bad string = %q", got)
	}
}

// FuzzWebhookVerify: Verify never panics, and accepts only the very body
// that was signed.
func FuzzWebhookVerify(f *testing.F) {
	f.Add(vecBody, vecBody, "")
	f.Add(vecBody, vecBody+" ", "")
	f.Add("", "", "sha1=")
	f.Add("a", "b", vecSig)
	v := mustVerifier(f, vecSecret)
	f.Fuzz(func(t *testing.T, signed, sent, header string) {
		if header == "" {
			header = signHub(vecSecret, signed)
		}
		got, err := v.Verify(hookRequest(sent, header))
		if err != nil {
			var we *WebhookError
			if !errors.As(err, &we) {
				t.Fatalf("err %v is not a *WebhookError", err)
			}
			return
		}
		if !bytes.Equal(got, []byte(sent)) || header != signHub(vecSecret, sent) && !strings.EqualFold(header, signHub(vecSecret, sent)) {
			t.Fatalf("accepted %q under %q", sent, header)
		}
	})
}

// FuzzDecodeWebhook: DecodeWebhook never panics, and what it accepts is a
// contact notification with both IDs.
func FuzzDecodeWebhook(f *testing.F) {
	f.Add(vecBody)
	f.Add(notification("ping", "{}"))
	f.Add(`{"type":"notification_event","topic":"conversation.contact.detached","data":{"item":{"conversation":{"model":{"id":1}},"contact":{"id":"c"}}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		ev, err := DecodeWebhook([]byte(body))
		if err != nil {
			if ev != nil {
				t.Fatal("an event with an error")
			}
			return
		}
		if ev.ConversationID() == "" || ev.ContactID() == "" ||
			(ev.Topic != NotificationTopicContactAttached && ev.Topic != NotificationTopicContactDetached) {
			t.Fatalf("accepted %+v", ev)
		}
	})
}

// BenchmarkWebhookVerifyDecode: Verify then DecodeWebhook of the contact
// attached notification of the facts file.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
	v := mustVerifier(b, vecSecret)
	r := hookRequest("", vecSig)
	body := []byte(vecBody)
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
// read the body, HMAC-SHA1 it, compare, json.Unmarshal into the model.
func BenchmarkWebhookFloor(b *testing.B) {
	r := hookRequest("", vecSig)
	body := []byte(vecBody)
	want, _ := hex.DecodeString(vecSig[5:])
	key := []byte(vecSecret)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		raw, _ := io.ReadAll(r.Body)
		m := hmac.New(sha1.New, key)
		m.Write(raw)
		if !hmac.Equal(m.Sum(nil), want) {
			b.Fatal("signature")
		}
		var ev NotificationEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			b.Fatal(err)
		}
	}
}
