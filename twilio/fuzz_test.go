package twilio

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// FuzzDecodeError feeds any body and Twilio-Request-Id to decodeError: it
// must not panic, must set only its own fields, without control characters,
// with a numeric Code and JSON Details. (That Error() never contains the
// token is the transport's redaction, tested there and end to end in
// TestAPIErrorRedactsEchoedToken.)
func FuzzDecodeError(f *testing.F) {
	seeds := []string{
		`{"code": 50433, "message": "Participant already exists", "more_info": "https://www.twilio.com/docs/errors/50433", "status": 409}`,
		`{"code": 50416, "message": "A binding for this participant and proxy address already exists in Conversation CH0123", "more_info": "https://www.twilio.com/docs/errors/50416", "status": 409}`,
		`{"code": 20404, "message": "The requested resource /Conversations/CHx/Participants was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}`,
		`{"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}`,
		`{"code": 20003, "detail": "Your AccountSid or AuthToken was incorrect.", "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`,
		`{"code": 50407, "message": "Invalid messaging binding address", "status": 400, "details": {"field": "MessagingBinding.Address"}}`,
		`{"code": "50408", "message": 12, "more_info": null, "details": [1, 2]}`,
		`{"code": 1e400, "message": "\u0000\u001b[31mred"}`,
		`{"code": 50433.0, "message": "x"}`,
		`{"message": "token ` + testAuthToken + `"}`,
		"<html><head><title>503 Service Unavailable</title></head><body>upstream</body></html>",
		"",
		"   ",
		"null",
		"[]",
		`{"code": 50433, "message": "Partic`,
		`{"code":`,
		"\xff\xfe{",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "RQ0123")
	}
	f.Add([]byte(`{"code": 1}`), testAuthToken)
	f.Fuzz(func(t *testing.T, body []byte, requestID string) {
		e := &apierror.Error{
			Vendor:     "twilio",
			StatusCode: 400,
			Header:     http.Header{"Twilio-Request-Id": {requestID}},
			Body:       body,
		}
		decodeError(e)
		if msg := e.Error(); !strings.HasPrefix(msg, "twilio: HTTP 400 ") || strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("Error() = %q", msg)
		}
		if e.Field != "" || e.Reason != "" {
			t.Fatalf("Field %q Reason %q set", e.Field, e.Reason)
		}
		if len(e.Details) > 0 && !json.Valid(e.Details) {
			t.Fatalf("Details is not JSON: %q", e.Details)
		}
		for _, s := range []string{e.Code, e.Message, e.MoreInfo, e.RequestID} {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("decoded field has a control character: %q", s)
			}
		}
		if e.Code != "" && strings.Trim(e.Code, "-0123456789") != "" {
			t.Fatalf("Code %q is not a number", e.Code)
		}
		decodeError(nil) // must not panic
	})
}

func FuzzEncodeCreateForm(f *testing.F) {
	f.Add("alice", "", "", "", "", "", int64(0))
	f.Add("", "+15558675310", "+15017122661", "", "", "", int64(0))
	f.Add("", "whatsapp:+15558675310", "whatsapp:+15017122661", "", "", "", int64(0))
	f.Add("alice", "", "", "+15017122661", `{"role":"vip","note":"a b&c=d"}`, testRL, int64(1450304317))
	f.Add("Zoë & co/x?y#z=%", "", "", "", `"é\u0000"`, "", int64(-1))
	f.Add("a\x00\xff b+c", "", "", "", "", "", int64(253402300799))
	f.Fuzz(func(t *testing.T, identity, address, proxy, projected, attrs, role string, unix int64) {
		p := CreateParticipantParams{
			Identity: identity, Address: address, ProxyAddress: proxy, ProjectedAddress: projected,
			Attributes: attrs, RoleSID: role,
		}
		if unix != 0 {
			p.DateCreated = time.Unix(unix%253402300800, 0)
			p.DateUpdated = p.DateCreated.Add(time.Second)
		}
		body := string(encodeCreateForm(p))
		if body != string(encodeCreateForm(p)) {
			t.Fatal("encoding is not deterministic")
		}
		got, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", body, err)
		}
		want := url.Values{}
		add := func(k, v string) {
			if v != "" {
				want.Set(k, v)
			}
		}
		add("Identity", identity)
		add("MessagingBinding.Address", address)
		add("MessagingBinding.ProxyAddress", proxy)
		add("MessagingBinding.ProjectedAddress", projected)
		add("Attributes", attrs)
		add("RoleSid", role)
		if !p.DateCreated.IsZero() {
			add("DateCreated", p.DateCreated.UTC().Format(time.RFC3339))
			add("DateUpdated", p.DateUpdated.UTC().Format(time.RFC3339))
		}
		if len(got) != len(want) {
			t.Fatalf("ParseQuery(%q) = %v, want %v", body, got, want)
		}
		for k, v := range want {
			if g := got[k]; len(g) != 1 || g[0] != v[0] {
				t.Fatalf("%s = %q, want %q (body %q)", k, g, v, body)
			}
		}
		// Same bytes as the standard library's encoder (which also sorts).
		if std := want.Encode(); std != body {
			t.Fatalf("body %q, url.Values.Encode %q", body, std)
		}
	})
}

func BenchmarkEncodeCreateForm(b *testing.B) {
	p := CreateParticipantParams{
		Identity: "alice", ProjectedAddress: "+15017122661",
		Attributes: `{"role":"vip"}`, RoleSID: testRL,
		DateCreated: time.Date(2015, 12, 16, 22, 18, 37, 0, time.UTC),
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = encodeCreateForm(p)
	}
}
