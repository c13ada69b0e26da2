package twiliogo

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"testing"

	twiliogo "github.com/twilio/twilio-go/client"

	"github.com/conversekit/conversekit/twilio"
)

const (
	token   = "12345"
	hookURL = "https://hooks.example.com/twilio"
)

// event is a typical onParticipantAdded form, its body and its signature.
func event() (url.Values, []byte, string) {
	form := url.Values{
		"EventType": {"onParticipantAdded"}, "AccountSid": {"AC00000000000000000000000000000001"},
		"ChatServiceSid": {"IS00000000000000000000000000000001"}, "ConversationSid": {"CH00000000000000000000000000000001"},
		"ParticipantSid": {"MB00000000000000000000000000000001"}, "MessagingBinding.Address": {"+15558675310"},
		"MessagingBinding.ProxyAddress": {"+15017122661"}, "MessagingBinding.Type": {"sms"},
		"RoleSid": {"RL00000000000000000000000000000001"}, "Attributes": {"{}"},
		"DateCreated": {"2024-03-23T14:41:12Z"}, "Source": {"API"}, "RetryCount": {"0"},
		"WebhookSid": {"WH00000000000000000000000000000001"}, "WebhookType": {"webhook"},
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(hookURL))
	for _, k := range keys {
		mac.Write([]byte(k + form.Get(k)))
	}
	return form, []byte(form.Encode()), base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func request(body []byte, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, hookURL, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", sig)
	return r
}

// ours verifies and decodes r with conversekit.
func ours(tb testing.TB, v *twilio.WebhookVerifier, r *http.Request) {
	p, err := v.Verify(r)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := twilio.DecodeWebhook(p); err != nil {
		tb.Fatal(err)
	}
}

// theirs does what a twilio-go user writes: read the body, parse the form,
// validate the signature with RequestValidator, read the fields.
func theirs(tb testing.TB, rv twiliogo.RequestValidator, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		tb.Fatal(err)
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		tb.Fatal(err)
	}
	params := make(map[string]string, len(form))
	for k := range form {
		params[k] = form.Get(k)
	}
	if !rv.Validate(hookURL, params, r.Header.Get("X-Twilio-Signature")) {
		tb.Fatal("twilio-go refused the signature")
	}
	if params["ConversationSid"] == "" || params["ParticipantSid"] == "" {
		tb.Fatal("decode")
	}
}

// Both accept the same signed request (and refuse a forged one), so the
// benchmark compares the same work.
func TestBothAgree(t *testing.T) {
	_, body, sig := event()
	v, err := twilio.NewWebhookVerifier(token, twilio.WithPublicURL(hookURL))
	if err != nil {
		t.Fatal(err)
	}
	ours(t, v, request(body, sig))
	theirs(t, twiliogo.NewRequestValidator(token), request(body, sig))
	if _, err := v.Verify(request(body, "AAAA"+sig[4:])); err == nil {
		t.Fatal("conversekit accepted a forged signature")
	}
}

// BenchmarkWebhook alternates conversekit and twilio-go on the same
// request in each iteration and reports the ratio of their times
// (ours/theirs; under 1: conversekit is faster).
func BenchmarkWebhook(b *testing.B) {
	_, body, sig := event()
	v, err := twilio.NewWebhookVerifier(token, twilio.WithPublicURL(hookURL))
	if err != nil {
		b.Fatal(err)
	}
	rv := twiliogo.NewRequestValidator(token)
	r := request(body, sig)
	var oursNs, theirsNs int64
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		t0 := nanotime()
		ours(b, v, r)
		t1 := nanotime()
		r.Body = io.NopCloser(bytes.NewReader(body))
		theirs(b, rv, r)
		t2 := nanotime()
		oursNs += t1 - t0
		theirsNs += t2 - t1
	}
	b.ReportMetric(float64(oursNs)/float64(b.N), "ours-ns/op")
	b.ReportMetric(float64(theirsNs)/float64(b.N), "twilio-go-ns/op")
	b.ReportMetric(float64(oursNs)/float64(theirsNs), "ours/twilio-go")
}

func BenchmarkOurs(b *testing.B) {
	_, body, sig := event()
	v, err := twilio.NewWebhookVerifier(token, twilio.WithPublicURL(hookURL))
	if err != nil {
		b.Fatal(err)
	}
	r := request(body, sig)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		ours(b, v, r)
	}
}

func BenchmarkTwilioGo(b *testing.B) {
	_, body, sig := event()
	rv := twiliogo.NewRequestValidator(token)
	r := request(body, sig)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		theirs(b, rv, r)
	}
}
