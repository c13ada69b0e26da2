package twilio

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// benchEvent is a typical onParticipantAdded form and its signature.
func benchEvent() (body []byte, sig string) {
	form := url.Values{
		"EventType": {"onParticipantAdded"}, "AccountSid": {"AC00000000000000000000000000000001"},
		"ChatServiceSid": {"IS00000000000000000000000000000001"}, "ConversationSid": {"CH00000000000000000000000000000001"},
		"ParticipantSid": {"MB00000000000000000000000000000001"}, "MessagingBinding.Address": {"+15558675310"},
		"MessagingBinding.ProxyAddress": {"+15017122661"}, "MessagingBinding.Type": {"sms"},
		"RoleSid": {"RL00000000000000000000000000000001"}, "Attributes": {"{}"},
		"DateCreated": {"2024-03-23T14:41:12Z"}, "Source": {"API"}, "RetryCount": {"0"},
		"WebhookSid": {"WH00000000000000000000000000000001"}, "WebhookType": {"webhook"},
	}
	return []byte(form.Encode()), sign(vecToken, "https://hooks.example.com/twilio"+signedString(form))
}

// benchOps returns Verify+DecodeWebhook of a typical onParticipantAdded
// form POST, and the hand-written floor for the same request: read the
// body, url.ParseQuery, HMAC-SHA1 over the URL and the sorted parameters,
// compare, and copy the fields of the event by hand.
func benchOps(b *testing.B) (ours, floor func(), size int) {
	body, sig := benchEvent()
	v := mustVerifier(b, vecToken)
	r := twilioRequest(http.MethodPost, "https://hooks.example.com/twilio", "form", "", sig)
	ours = func() {
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
	want, _ := base64.StdEncoding.DecodeString(sig)
	key := []byte(vecToken)
	floor = func() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		raw, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			b.Fatal(err)
		}
		keys := make([]string, 0, len(form))
		for k := range form {
			keys = append(keys, k)
		}
		slicesSort(keys)
		m := hmac.New(sha1.New, key)
		m.Write([]byte("https://" + r.Host + r.URL.RequestURI()))
		for _, k := range keys {
			m.Write([]byte(k))
			m.Write([]byte(form[k][0]))
		}
		if !hmac.Equal(m.Sum(nil), want) {
			b.Fatal("signature")
		}
		ev := &ParticipantEvent{
			EventType: ParticipantEventType(form.Get("EventType")), AccountSID: form.Get("AccountSid"),
			ChatServiceSID: form.Get("ChatServiceSid"), ConversationSID: form.Get("ConversationSid"),
			ParticipantSID: form.Get("ParticipantSid"), MessagingBindingAddress: form.Get("MessagingBinding.Address"),
			MessagingBindingProxyAddress: form.Get("MessagingBinding.ProxyAddress"), MessagingBindingType: form.Get("MessagingBinding.Type"),
			RoleSID: form.Get("RoleSid"), Attributes: form.Get("Attributes"), DateCreated: form.Get("DateCreated"),
			Source: form.Get("Source"), WebhookSID: form.Get("WebhookSid"), WebhookType: form.Get("WebhookType"),
		}
		if ev.ConversationSID == "" {
			b.Fatal("decode")
		}
	}
	return ours, floor, len(body)
}

// slicesSort is an insertion sort, independent of the package's sorting.
func slicesSort(s []string) {
	for i := range s {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// benchRun runs one operation per iteration.
func benchRun(b *testing.B, size int, op func()) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		op()
	}
}

// BenchmarkWebhookPaired alternates the two in every iteration and reports
// each one's time and their ratio (ours/floor), a figure that a loaded
// machine disturbs far less than two separate runs.
func BenchmarkWebhookPaired(b *testing.B) {
	ours, floor, _ := benchOps(b)
	var tOurs, tFloor time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		ours()
		t1 := time.Now()
		floor()
		tFloor += time.Since(t1)
		tOurs += t1.Sub(t0)
		n++
	}
	b.ReportMetric(float64(tOurs.Nanoseconds())/float64(n), "ours-ns/op")
	b.ReportMetric(float64(tFloor.Nanoseconds())/float64(n), "floor-ns/op")
	b.ReportMetric(float64(tOurs)/float64(tFloor), "ours/floor")
}

// BenchmarkWebhookVerifyDecode: Verify then DecodeWebhook of a typical event.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
	ours, _, size := benchOps(b)
	benchRun(b, size, ours)
}

// BenchmarkWebhookFloor: the hand-written floor for the same request (see benchOps).
func BenchmarkWebhookFloor(b *testing.B) {
	_, floor, size := benchOps(b)
	benchRun(b, size, floor)
}
