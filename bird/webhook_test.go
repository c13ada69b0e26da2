package bird

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/apierror"
)

const (
	vecKey  = "secureSigningKey"
	vecTS   = "1719823259"
	vecURL  = "https://example.com/webhook/bird"
	vecBody = `{"service":"conversations","event":"conversation.updated","payload":{"id":"badbf15c-bad3-4bf3-9223-6b7f414f9770"}}`
	vecSig  = "u+NXJNRfrx3p1C+HwB3Np3CDVNih3bNuhFT0RdEfTPA="
)

var vecTime = time.Unix(1719823259, 0)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// signBird is an independent rendering of Bird's signature.
func signBird(key, ts, u, body string) string {
	h := sha256.Sum256([]byte(body))
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(ts + "\n" + u + "\n"))
	m.Write(h[:])
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func birdRequest(target, body, sig, ts string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if sig != "" {
		r.Header.Set(SignatureHeader, sig)
	}
	if ts != "" {
		r.Header.Set(TimestampHeader, ts)
	}
	return r
}

func mustVerifier(t testing.TB, opts ...WebhookOption) *WebhookVerifier {
	t.Helper()
	v, err := NewWebhookVerifier(vecKey, append([]WebhookOption{WithClock(fixedClock(vecTime))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWebhookVector: the computed test vector of the facts file.
func TestWebhookVector(t *testing.T) {
	if got := signBird(vecKey, vecTS, vecURL, vecBody); got != vecSig {
		t.Fatalf("the vector's signature is %s, the facts say %s", got, vecSig)
	}
	r := birdRequest(vecURL, vecBody, vecSig, vecTS)
	body, err := mustVerifier(t).Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != vecBody {
		t.Fatalf("body = %q", body)
	}
	if again, _ := io.ReadAll(r.Body); string(again) != vecBody {
		t.Fatalf("r.Body after Verify = %q", again)
	}
	ev, err := DecodeWebhook(body)
	if err != nil || ev.Event != WebhookEventTypeConversationUpdated || ev.Service != "conversations" || ev.Payload.ID != "badbf15c-bad3-4bf3-9223-6b7f414f9770" {
		t.Fatalf("DecodeWebhook = %+v, %v", ev, err)
	}
}

func TestWebhookFailures(t *testing.T) {
	v := mustVerifier(t)
	other := signBird("another key", vecTS, vecURL, vecBody)
	for _, tc := range []struct {
		name string
		r    *http.Request
		kind error
		hdr  string
	}{
		{"no signature", birdRequest(vecURL, vecBody, "", vecTS), ErrWebhookMissingHeader, SignatureHeader},
		{"no timestamp", birdRequest(vecURL, vecBody, vecSig, ""), ErrWebhookMissingHeader, TimestampHeader},
		{"signature not base64", birdRequest(vecURL, vecBody, strings.Repeat("!", 44), vecTS), ErrWebhookMalformed, SignatureHeader},
		{"signature short", birdRequest(vecURL, vecBody, vecSig[:40], vecTS), ErrWebhookMalformed, SignatureHeader},
		{"signature of 33 bytes", birdRequest(vecURL, vecBody, strings.Repeat("A", 44), vecTS), ErrWebhookMalformed, SignatureHeader},
		{"hex signature", birdRequest(vecURL, vecBody, strings.Repeat("a", 64), vecTS), ErrWebhookMalformed, SignatureHeader},
		{"timestamp in milliseconds is not 12 digits", birdRequest(vecURL, vecBody, vecSig, vecTS+"000"), ErrWebhookMalformed, TimestampHeader},
		{"timestamp with a fraction", birdRequest(vecURL, vecBody, vecSig, vecTS+".5"), ErrWebhookMalformed, TimestampHeader},
		{"negative timestamp", birdRequest(vecURL, vecBody, vecSig, "-1"), ErrWebhookMalformed, TimestampHeader},
		{"RFC 3339 timestamp", birdRequest(vecURL, vecBody, vecSig, "2024-07-01T08:40:59Z"), ErrWebhookMalformed, TimestampHeader},
		{"another key", birdRequest(vecURL, vecBody, other, vecTS), ErrWebhookSignature, SignatureHeader},
		{"tampered body", birdRequest(vecURL, strings.Replace(vecBody, "updated", "deleted", 1), vecSig, vecTS), ErrWebhookSignature, SignatureHeader},
		{"empty body", birdRequest(vecURL, "", vecSig, vecTS), ErrWebhookSignature, SignatureHeader},
		{"another timestamp", birdRequest(vecURL, vecBody, vecSig, "1719823260"), ErrWebhookSignature, SignatureHeader},
		{"timestamp with a leading zero", birdRequest(vecURL, vecBody, vecSig, "0"+vecTS), ErrWebhookSignature, SignatureHeader},
		{"another path", birdRequest("https://example.com/webhook/other", vecBody, vecSig, vecTS), ErrWebhookSignature, SignatureHeader},
		{"another scheme", birdRequest("http://example.com/webhook/bird", vecBody, vecSig, vecTS), ErrWebhookSignature, SignatureHeader},
		{"an added query", birdRequest(vecURL+"?x=1", vecBody, vecSig, vecTS), ErrWebhookSignature, SignatureHeader},
		{"an explicit default port is not the signed URL", birdRequest("https://example.com:443/webhook/bird", vecBody, vecSig, vecTS), ErrWebhookSignature, SignatureHeader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(tc.r)
			var we *WebhookError
			if !errors.Is(err, tc.kind) || !errors.As(err, &we) || we.Vendor != "bird" || we.Header != tc.hdr {
				t.Fatalf("err = %v, want %v on %q", err, tc.kind, tc.hdr)
			}
			if strings.Contains(err.Error(), vecKey) || strings.Contains(err.Error(), vecSig[:10]) {
				t.Fatalf("Error() shows a secret or signature: %q", err)
			}
		})
	}
}

func TestWebhookReplayWindow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		now    time.Time
		window time.Duration
		stale  bool
	}{
		{"signed now", vecTime, 0, false},
		{"5 minutes old", vecTime.Add(5 * time.Minute), 0, false},
		{"5 minutes and 1 second old", vecTime.Add(5*time.Minute + time.Second), 0, true},
		{"an hour old", vecTime.Add(time.Hour), 0, true},
		{"5 minutes ahead", vecTime.Add(-5 * time.Minute), 0, false},
		{"5 minutes and 1 second ahead", vecTime.Add(-5*time.Minute - time.Second), 0, true},
		{"30 seconds old, window 10 s", vecTime.Add(30 * time.Second), 10 * time.Second, true},
		{"30 minutes old, window 1 h", vecTime.Add(30 * time.Minute), time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []WebhookOption{WithClock(fixedClock(tc.now))}
			if tc.window != 0 {
				opts = append(opts, WithReplayWindow(tc.window))
			}
			v, err := NewWebhookVerifier(vecKey, opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(birdRequest(vecURL, vecBody, vecSig, vecTS))
			if tc.stale != errors.Is(err, ErrWebhookStale) || (!tc.stale && err != nil) {
				t.Fatalf("err = %v, stale %v", err, tc.stale)
			}
			if tc.stale && !strings.Contains(err.Error(), "outside the window of "+map[bool]string{true: tc.window.String(), false: "5m0s"}[tc.window != 0]) {
				t.Fatalf("err = %v does not say why", err)
			}
		})
	}
	if DefaultReplayWindow != 5*time.Minute {
		t.Fatalf("DefaultReplayWindow = %v", DefaultReplayWindow)
	}
	v0 := mustVerifier(t)
	v0.cfg.Now = fixedClock(vecTime.Add(time.Hour))
	if _, err := v0.Verify(birdRequest(vecURL, vecBody, vecSig, vecTS)); err == nil || !strings.Contains(err.Error(), "signed 1h0m0s ago") {
		t.Fatalf("an hour old: %v", err)
	}
	v0.cfg.Now = fixedClock(vecTime.Add(-time.Hour))
	if _, err := v0.Verify(birdRequest(vecURL, vecBody, vecSig, vecTS)); err == nil || !strings.Contains(err.Error(), "signed 1h0m0s in the future") {
		t.Fatalf("an hour ahead: %v", err)
	}
	// A forged request with a fresh timestamp is a bad signature, not stale.
	_, err := mustVerifier(t).Verify(birdRequest(vecURL, vecBody, vecSig, strconv.FormatInt(vecTime.Unix()+3600, 10)))
	if !errors.Is(err, ErrWebhookSignature) {
		t.Fatalf("err = %v, want ErrWebhookSignature", err)
	}
	// The default clock is the real one: a request signed now passes.
	now := strconv.FormatInt(time.Now().Unix(), 10)
	v, err := NewWebhookVerifier(vecKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(birdRequest(vecURL, vecBody, signBird(vecKey, now, vecURL, vecBody), now)); err != nil {
		t.Fatalf("signed now with the real clock: %v", err)
	}
}

func TestWebhookPublicURL(t *testing.T) {
	r := birdRequest("http://10.0.0.7:8080/internal", vecBody, vecSig, vecTS)
	if _, err := mustVerifier(t, WithPublicURL(vecURL)).Verify(r); err != nil {
		t.Fatalf("behind a proxy with WithPublicURL: %v", err)
	}
	r = birdRequest("http://10.0.0.7:8080/internal", vecBody, vecSig, vecTS)
	if _, err := mustVerifier(t).Verify(r); !errors.Is(err, ErrWebhookSignature) {
		t.Fatalf("behind a proxy without WithPublicURL: %v", err)
	}
	// The query the request arrives with is signed after the public URL.
	sig := signBird(vecKey, vecTS, vecURL+"?tenant=7", vecBody)
	if _, err := mustVerifier(t, WithPublicURL(vecURL)).Verify(birdRequest("http://10.0.0.7/x?tenant=7", vecBody, sig, vecTS)); err != nil {
		t.Fatalf("public URL and the request's query: %v", err)
	}
	var pe *ParamError
	if _, err := NewWebhookVerifier(vecKey, WithPublicURL(vecURL+"?a=1")); !errors.As(err, &pe) || pe.Field != "WithPublicURL" || pe.Vendor != "bird" {
		t.Fatalf("WithPublicURL with a query: %v", err)
	}
}

func TestWebhookOptionsAndSecret(t *testing.T) {
	var pe *ParamError
	v, err := NewWebhookVerifier("")
	if v != nil || !errors.As(err, &pe) || pe.Field != "signingKey" || pe.Vendor != "bird" || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty key: %v, %v", v, err)
	}
	for field, o := range map[string]WebhookOption{
		"WithReplayWindow": WithReplayWindow(0), "WithClock": WithClock(nil), "WithMaxBody": WithMaxBody(-5),
	} {
		if _, err := NewWebhookVerifier(vecKey, o); !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	short := mustVerifier(t, WithMaxBody(int64(len(vecBody)-1)))
	if _, err := short.Verify(birdRequest(vecURL, vecBody, vecSig, vecTS)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	exact := mustVerifier(t, WithMaxBody(int64(len(vecBody))))
	if _, err := exact.Verify(birdRequest(vecURL, vecBody, vecSig, vecTS)); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	big := strings.Repeat(" ", DefaultWebhookMaxBody+1)
	if _, err := mustVerifier(t).Verify(birdRequest(vecURL, big, signBird(vecKey, vecTS, vecURL, big), vecTS)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("over the default limit: %v", err)
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

// factsExample is the conversation.updated example of the facts file.
const factsExample = `{"service":"conversations","event":"conversation.updated","payload":{"id":"badbf15c-bad3-4bf3-9223-6b7f414f9770","status":"active","featuredParticipants":[{"id":"7dadb14e-2d29-4fc4-a3fb-0f0e6d9f0a10","type":"contact","status":"active","displayName":"Jane Doe","contact":{"identifierKey":"facebookid-509207435603226","identifierValue":"27612960145016998"}}],"activeParticipantCount":2,"pendingParticipantCount":0}}`

func TestDecodeWebhook(t *testing.T) {
	ev, err := DecodeWebhook([]byte(factsExample))
	if err != nil {
		t.Fatal(err)
	}
	p := ev.Payload
	if p.Status != "active" || p.ActiveParticipantCount != 2 || p.PendingParticipantCount != 0 || len(p.FeaturedParticipants) != 1 {
		t.Fatalf("payload = %+v", p)
	}
	fp := p.FeaturedParticipants[0]
	if fp.ID != "7dadb14e-2d29-4fc4-a3fb-0f0e6d9f0a10" || fp.Type != ParticipantTypeContact || fp.Status != ParticipantStatusActive ||
		fp.DisplayName != "Jane Doe" || fp.Contact == nil || fp.Contact.IdentifierKey != "facebookid-509207435603226" || fp.Contact.IdentifierValue != "27612960145016998" {
		t.Fatalf("featured participant = %+v", fp)
	}
	for _, e := range []string{"conversation.created", "conversation.deleted"} {
		ev, err := DecodeWebhook([]byte(`{"service":"conversations","event":"` + e + `","payload":{"id":"c1","unknown":{"a":[1]}}}`))
		if err != nil || string(ev.Event) != e || ev.Payload.ID != "c1" {
			t.Errorf("%s: %+v, %v", e, ev, err)
		}
	}
	for _, tc := range []struct {
		name, body string
		kind       error
		says       string
	}{
		{"not JSON", "event=conversation.updated", ErrWebhookMalformed, "not a JSON"},
		{"array", "[]", ErrWebhookMalformed, "not a JSON"},
		{"no event", `{"service":"conversations","payload":{"id":"c1"}}`, ErrWebhookMalformed, "no event"},
		{"no payload id", `{"service":"conversations","event":"conversation.updated","payload":{}}`, ErrWebhookMalformed, "no payload.id"},
		{"conversation with a bad field", `{"event":"conversation.updated","payload":{"id":"c","activeParticipantCount":"2"}}`, ErrWebhookMalformed, "not a JSON"},
		{"message event", `{"service":"conversations","event":"message.created","payload":{"id":"m1"}}`, ErrWebhookUnsupported, "message.created"},
		{"message event with another payload", `{"service":"conversations","event":"message.created","payload":{"id":"m1","status":{"a":1}}}`, ErrWebhookUnsupported, "message.created"},
		{"control characters", `{"event":"x\ny","payload":{"id":"c"}}`, ErrWebhookUnsupported, "x y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeWebhook([]byte(tc.body))
			if ev != nil || !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("DecodeWebhook = %v, %v; want %v saying %q", ev, err, tc.kind, tc.says)
			}
		})
	}
}

// FuzzWebhookVerify: Verify never panics, and accepts only the very
// timestamp, URL and body that were signed, within the window.
func FuzzWebhookVerify(f *testing.F) {
	f.Add(vecBody, vecBody, vecTS, vecTS, "/webhook/bird", "")
	f.Add(vecBody, vecBody+"x", vecTS, vecTS, "/webhook/bird", "")
	f.Add("", "", "1", "01", "/", "")
	f.Add("a", "a", vecTS, vecTS, "/p?q", vecSig)
	v := mustVerifier(f)
	f.Fuzz(func(t *testing.T, signed, sent, ts, sentTS, path, sig string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return
		}
		u := "https://example.com" + path
		if sig == "" {
			sig = signBird(vecKey, ts, u, signed)
		}
		r := httptest.NewRequest(http.MethodPost, "https://example.com/", strings.NewReader(sent))
		r.RequestURI = path
		r.Header.Set(SignatureHeader, sig)
		r.Header.Set(TimestampHeader, sentTS)
		got, err := v.Verify(r)
		if err != nil {
			var we *WebhookError
			if !errors.As(err, &we) {
				t.Fatalf("err %v is not a *WebhookError", err)
			}
			return
		}
		if !bytes.Equal(got, []byte(sent)) || sig != signBird(vecKey, sentTS, u, sent) {
			t.Fatalf("accepted body %q at %q under a signature for %q at %q", sent, sentTS, signed, ts)
		}
		n, _ := strconv.ParseInt(sentTS, 10, 64)
		if d := vecTime.Sub(time.Unix(n, 0)); d > DefaultReplayWindow || d < -DefaultReplayWindow {
			t.Fatalf("accepted timestamp %q", sentTS)
		}
	})
}

// FuzzDecodeWebhook: DecodeWebhook never panics, and what it accepts is a
// conversation event with a conversation ID.
func FuzzDecodeWebhook(f *testing.F) {
	f.Add(factsExample)
	f.Add(vecBody)
	f.Add(`{"event":"message.created","payload":{"id":1}}`)
	f.Fuzz(func(t *testing.T, body string) {
		ev, err := DecodeWebhook([]byte(body))
		if err != nil {
			if ev != nil {
				t.Fatal("an event with an error")
			}
			return
		}
		if ev.Payload.ID == "" || !isConversationEvent(ev.Event) {
			t.Fatalf("accepted %+v", ev)
		}
	})
}

// BenchmarkWebhookVerifyDecode: Verify then DecodeWebhook of the facts
// file's conversation.updated example.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
	v := mustVerifier(b)
	body := []byte(factsExample)
	r := birdRequest(vecURL, "", signBird(vecKey, vecTS, vecURL, factsExample), vecTS)
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
// read the body, SHA-256 it, HMAC-SHA256 the signed string, compare,
// check the timestamp, json.Unmarshal into the model.
func BenchmarkWebhookFloor(b *testing.B) {
	body := []byte(factsExample)
	sig := signBird(vecKey, vecTS, vecURL, factsExample)
	want, _ := base64.StdEncoding.DecodeString(sig)
	r := birdRequest(vecURL, "", sig, vecTS)
	key := []byte(vecKey)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		raw, _ := io.ReadAll(r.Body)
		h := sha256.Sum256(raw)
		ts := r.Header.Get(TimestampHeader)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ts + "\n" + "https://" + r.Host + r.URL.RequestURI() + "\n"))
		m.Write(h[:])
		if !hmac.Equal(m.Sum(nil), want) {
			b.Fatal("signature")
		}
		if n, _ := strconv.ParseInt(ts, 10, 64); vecTime.Sub(time.Unix(n, 0)) > 5*time.Minute {
			b.Fatal("stale")
		}
		var ev WebhookEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			b.Fatal(err)
		}
	}
}
