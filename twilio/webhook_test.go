package twilio

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/apierror"
)

const (
	vecToken = "12345"
	vecURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
	vecJSON  = `{"property": "value", "boolean": true}`
	vecHash  = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
)

// vecParams are the POST parameters of twilio-go's test vectors.
var vecParams = url.Values{
	"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
	"Caller": {"+14158675309"}, "From": {"+14158675309"},
	"ReasonConferenceEnded": {"test"}, "Reason": {"Participant"},
}

// twilioRequest is a request to target with the signature header sig
// (none when empty) and body (form-encoded when ct is "form").
func twilioRequest(method, target, ct, body, sig string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	switch ct {
	case "form":
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case "json":
		r.Header.Set("Content-Type", "application/json")
	}
	if sig != "" {
		r.Header.Set(SignatureHeader, sig)
	}
	return r
}

// sign is an independent HMAC-SHA1 of s, base64, keyed by token.
func sign(token, s string) string {
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func mustVerifier(t testing.TB, token string, opts ...WebhookOption) *WebhookVerifier {
	t.Helper()
	v, err := NewWebhookVerifier(token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWebhookVectors: each of twilio-go's published test vectors.
func TestWebhookVectors(t *testing.T) {
	v := mustVerifier(t, vecToken)
	for _, tc := range []struct {
		name, target, ct, body, sig string
	}{
		{"form https", vecURL, "form", vecParams.Encode(), "vOEb5UThFn24KEfnOFLQY2AE5FY="},
		{"form http", "http://mycompany.com/myapp.php?foo=1&bar=2", "form", vecParams.Encode(), "n2xBNyzSW7rfYStDtOFiFMv7qNo="},
		{"json with query", vecURL + "&bodySHA256=" + vecHash, "json", vecJSON, "a9nBmqA0ju/hNViExpshrM61xv4="},
		{"json bodySHA256 only", "https://mycompany.com/myapp.php?bodySHA256=" + vecHash, "json", vecJSON, "y77kIzt2vzLz71DgmJGsen2scGs="},
		{"form body", vecURL, "form", "property=value&boolean=true", "NBdBDr/T/lgjI+tlgpXjKZQZs/k="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := twilioRequest(http.MethodPost, tc.target, tc.ct, tc.body, tc.sig)
			got, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if string(got) != tc.body {
				t.Errorf("payload = %q, want the body %q", got, tc.body)
			}
			again, _ := io.ReadAll(r.Body)
			if string(again) != tc.body {
				t.Errorf("r.Body after Verify = %q, want %q", again, tc.body)
			}
			// The same request signed by another token fails.
			r = twilioRequest(http.MethodPost, tc.target, tc.ct, tc.body, tc.sig)
			if _, err := mustVerifier(t, "54321").Verify(r); !errors.Is(err, ErrWebhookSignature) {
				t.Errorf("another token: err = %v, want ErrWebhookSignature", err)
			}
		})
	}
	if got := sha256.Sum256([]byte(vecJSON)); hex.EncodeToString(got[:]) != vecHash {
		t.Fatalf("the vector's bodySHA256 is not the SHA-256 of its body")
	}
}

func TestWebhookGET(t *testing.T) {
	v := mustVerifier(t, vecToken)
	target := vecURL + "&EventType=onParticipantAdded&ConversationSid=CH123"
	got, err := v.Verify(twilioRequest(http.MethodGet, target, "", "", sign(vecToken, target)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "foo=1&bar=2&EventType=onParticipantAdded&ConversationSid=CH123"; string(got) != want {
		t.Fatalf("payload = %q, want the query %q", got, want)
	}
	ev, err := DecodeWebhook(got)
	if err != nil || ev.ConversationSID != "CH123" || ev.EventType != ParticipantEventTypeAdded {
		t.Fatalf("DecodeWebhook = %+v, %v", ev, err)
	}
	// A changed query is not signed.
	_, err = v.Verify(twilioRequest(http.MethodGet, strings.Replace(target, "CH123", "CH999", 1), "", "", sign(vecToken, target)))
	if !errors.Is(err, ErrWebhookSignature) {
		t.Fatalf("changed query: err = %v, want ErrWebhookSignature", err)
	}
}

func TestWebhookPorts(t *testing.T) {
	v := mustVerifier(t, vecToken)
	body := vecParams.Encode()
	for _, tc := range []struct {
		name, target, sig string
		ok                bool
	}{
		{"request with :443, signed without", "https://mycompany.com:443/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", true},
		{"request without port, signed with :443", vecURL, sign(vecToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2"+signedString(vecParams)), true},
		{"http request with :80, signed without", "http://mycompany.com:80/myapp.php?foo=1&bar=2", "n2xBNyzSW7rfYStDtOFiFMv7qNo=", true},
		{"http request without port, signed with :80", "http://mycompany.com/myapp.php?foo=1&bar=2", sign(vecToken, "http://mycompany.com:80/myapp.php?foo=1&bar=2"+signedString(vecParams)), true},
		{"another port is not removed", "https://mycompany.com:8443/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", false},
		{"https default port is not http's", "https://mycompany.com:80/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", false},
		{"another port signed as is", "https://mycompany.com:8443/myapp.php?foo=1&bar=2", sign(vecToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2"+signedString(vecParams)), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(twilioRequest(http.MethodPost, tc.target, "form", body, tc.sig))
			if tc.ok && err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if !tc.ok && !errors.Is(err, ErrWebhookSignature) {
				t.Fatalf("err = %v, want ErrWebhookSignature", err)
			}
		})
	}
}

// signedString is an independent rendering of what Twilio signs of a form
// whose names each have one value.
func signedString(p url.Values) string {
	var b strings.Builder
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	for i := range keys { // insertion sort, independent of the package's
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	for _, k := range keys {
		b.WriteString(k + p.Get(k))
	}
	return b.String()
}

func TestWebhookPortVariant(t *testing.T) {
	for in, want := range map[string]string{
		"https://h/p":            "https://h:443/p",
		"https://h:443/p?q=1":    "https://h/p?q=1",
		"HTTPS://h:443":          "HTTPS://h",
		"http://h:80?x":          "http://h?x",
		"http://h":               "http://h:80",
		"http://[::1]/p":         "http://[::1]:80/p",
		"http://[::1]:80/p":      "http://[::1]/p",
		"https://h:8443/p":       "",
		"ftp://h/p":              "",
		"https:///p":             "",
		"no scheme":              "",
		"https://h/p:443":        "https://h:443/p:443",
		"https://h?next=a:443/b": "https://h:443?next=a:443/b",
	} {
		if got := portVariant(in); got != want {
			t.Errorf("portVariant(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWebhookPublicURL(t *testing.T) {
	v := mustVerifier(t, vecToken, WithPublicURL("https://mycompany.com/myapp.php"))
	// The proxy called us on plain HTTP, another host and path, same query.
	r := twilioRequest(http.MethodPost, "http://10.0.0.7:8080/internal/hook?foo=1&bar=2", "form", vecParams.Encode(), "vOEb5UThFn24KEfnOFLQY2AE5FY=")
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("behind a proxy with WithPublicURL: %v", err)
	}
	r = twilioRequest(http.MethodPost, "http://10.0.0.7:8080/internal/hook?foo=1&bar=2", "form", vecParams.Encode(), "vOEb5UThFn24KEfnOFLQY2AE5FY=")
	if _, err := mustVerifier(t, vecToken).Verify(r); !errors.Is(err, ErrWebhookSignature) {
		t.Fatalf("behind a proxy without WithPublicURL: err = %v, want ErrWebhookSignature", err)
	}
	for _, bad := range []string{"", "mycompany.com/x", "ftp://h/x", "https:///x", "https://u:p@h/x", "https://h/x?a=1", "https://h/x?", "https://h/x#f", "https://h/%zz", "mailto:a@b"} {
		_, err := NewWebhookVerifier(vecToken, WithPublicURL(bad))
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != "WithPublicURL" || pe.Vendor != "twilio" {
			t.Errorf("WithPublicURL(%q): err = %v, want a twilio ParamError on WithPublicURL", bad, err)
		}
	}
}

func TestWebhookRepeatedKeys(t *testing.T) {
	v := mustVerifier(t, vecToken)
	body := "b=x&a=2&a=1&a=2"
	// Twilio's own libraries sign each name once, then its distinct values sorted.
	sig := sign(vecToken, vecURL+"a1a2bx")
	if _, err := v.Verify(twilioRequest(http.MethodPost, vecURL, "form", body, sig)); err != nil {
		t.Fatalf("sorted distinct values: %v", err)
	}
	for name, s := range map[string]string{
		"first value only (twilio-go)": vecURL + "a2bx",
		"every value in order":         vecURL + "a2a1a2bx",
		"every value sorted":           vecURL + "a1a2a2bx",
	} {
		if _, err := v.Verify(twilioRequest(http.MethodPost, vecURL, "form", body, sign(vecToken, s))); !errors.Is(err, ErrWebhookSignature) {
			t.Errorf("%s: err = %v, want ErrWebhookSignature", name, err)
		}
	}
	// The order of repeated values is not signed, so Decode refuses a
	// repeated field rather than pick one.
	_, err := DecodeWebhook([]byte("EventType=onParticipantAdded&Identity=a&Identity=b"))
	if !errors.Is(err, ErrWebhookMalformed) || !strings.Contains(err.Error(), "Identity") {
		t.Fatalf("repeated Identity: err = %v, want ErrWebhookMalformed naming it", err)
	}
}

func TestWebhookFailures(t *testing.T) {
	v := mustVerifier(t, vecToken)
	form := vecParams.Encode()
	jsonURL := vecURL + "&bodySHA256=" + vecHash
	for _, tc := range []struct {
		name   string
		r      *http.Request
		kind   error
		header string
	}{
		{"no signature", twilioRequest(http.MethodPost, vecURL, "form", form, ""), ErrWebhookMissingHeader, SignatureHeader},
		{"signature not base64", twilioRequest(http.MethodPost, vecURL, "form", form, "not base64!"), ErrWebhookMalformed, SignatureHeader},
		{"signature too short", twilioRequest(http.MethodPost, vecURL, "form", form, "AAAA"), ErrWebhookMalformed, SignatureHeader},
		{"signature of 21 bytes", twilioRequest(http.MethodPost, vecURL, "form", form, "0000000000000000000000000000"), ErrWebhookMalformed, SignatureHeader},
		{"signature unpadded", twilioRequest(http.MethodPost, vecURL, "form", form, "vOEb5UThFn24KEfnOFLQY2AE5FY"), ErrWebhookMalformed, SignatureHeader},
		{"wrong signature", twilioRequest(http.MethodPost, vecURL, "form", form, "n2xBNyzSW7rfYStDtOFiFMv7qNo="), ErrWebhookSignature, SignatureHeader},
		{"tampered form value", twilioRequest(http.MethodPost, vecURL, "form", strings.Replace(form, "1234", "9999", 1), "vOEb5UThFn24KEfnOFLQY2AE5FY="), ErrWebhookSignature, SignatureHeader},
		{"added form field", twilioRequest(http.MethodPost, vecURL, "form", form+"&Extra=1", "vOEb5UThFn24KEfnOFLQY2AE5FY="), ErrWebhookSignature, SignatureHeader},
		{"form body sent as JSON", twilioRequest(http.MethodPost, vecURL, "json", "property=value&boolean=true", "NBdBDr/T/lgjI+tlgpXjKZQZs/k="), ErrWebhookSignature, ""},
		{"form body without content type", twilioRequest(http.MethodPost, vecURL, "", "property=value&boolean=true", "NBdBDr/T/lgjI+tlgpXjKZQZs/k="), ErrWebhookSignature, ""},
		{"unparsable form", twilioRequest(http.MethodPost, vecURL, "form", "a=%zz", "NBdBDr/T/lgjI+tlgpXjKZQZs/k="), ErrWebhookMalformed, ""},
		{"JSON body forged under a valid URL signature", twilioRequest(http.MethodPost, jsonURL, "json", `{"property": "forged", "boolean": true}`, "a9nBmqA0ju/hNViExpshrM61xv4="), ErrWebhookSignature, "bodySHA256"},
		{"JSON body emptied under a valid URL signature", twilioRequest(http.MethodPost, jsonURL, "json", "", "a9nBmqA0ju/hNViExpshrM61xv4="), ErrWebhookSignature, "bodySHA256"},
		{"JSON body without bodySHA256", twilioRequest(http.MethodPost, vecURL, "json", vecJSON, sign(vecToken, vecURL)), ErrWebhookSignature, ""},
		{"bodySHA256 not hex", twilioRequest(http.MethodPost, vecURL+"&bodySHA256=zz", "json", vecJSON, sign(vecToken, vecURL+"&bodySHA256=zz")), ErrWebhookSignature, "bodySHA256"},
		{"bodySHA256 repeated", twilioRequest(http.MethodPost, jsonURL+"&bodySHA256="+vecHash, "json", vecJSON, sign(vecToken, jsonURL+"&bodySHA256="+vecHash)), ErrWebhookMalformed, "bodySHA256"},
		{"bodySHA256 repeated, encoded", twilioRequest(http.MethodPost, jsonURL+"&body%53HA256="+vecHash, "json", vecJSON, sign(vecToken, jsonURL+"&body%53HA256="+vecHash)), ErrWebhookMalformed, "bodySHA256"},
		{"unparsable query with bodySHA256", twilioRequest(http.MethodPost, jsonURL+"&x=%zz", "json", vecJSON, sign(vecToken, jsonURL+"&x=%zz")), ErrWebhookMalformed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(tc.r)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			var we *WebhookError
			if !errors.As(err, &we) || we.Vendor != "twilio" || we.Header != tc.header {
				t.Fatalf("err = %#v, want a twilio WebhookError on header %q", err, tc.header)
			}
			if strings.Contains(err.Error(), vecToken) || strings.Contains(err.Error(), "vOEb5") {
				t.Fatalf("Error() shows a secret or signature: %q", err)
			}
		})
	}
}

func TestWebhookBodyLimit(t *testing.T) {
	body := vecParams.Encode()
	sig := "vOEb5UThFn24KEfnOFLQY2AE5FY="
	exact := mustVerifier(t, vecToken, WithMaxBody(int64(len(body))))
	if _, err := exact.Verify(twilioRequest(http.MethodPost, vecURL, "form", body, sig)); err != nil {
		t.Fatalf("a body of exactly the limit: %v", err)
	}
	short := mustVerifier(t, vecToken, WithMaxBody(int64(len(body)-1)))
	if _, err := short.Verify(twilioRequest(http.MethodPost, vecURL, "form", body, sig)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("declared length over the limit: err = %v, want ErrWebhookTooLarge", err)
	}
	r := twilioRequest(http.MethodPost, vecURL, "form", body, sig)
	r.ContentLength = -1 // chunked: the length is known only by reading
	r.Body = io.NopCloser(io.MultiReader(strings.NewReader(body), strings.NewReader("&x=1")))
	if _, err := short.Verify(r); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("read length over the limit: err = %v, want ErrWebhookTooLarge", err)
	}
	r = twilioRequest(http.MethodPost, vecURL, "form", body, sig)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 10)
	r.ContentLength = -1
	if _, err := exact.Verify(r); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("the server's MaxBytesReader: err = %v, want ErrWebhookTooLarge", err)
	}
	r = twilioRequest(http.MethodPost, vecURL, "form", body, sig)
	r.Body = io.NopCloser(iotestErrReader{})
	r.ContentLength = -1
	if _, err := exact.Verify(r); !errors.Is(err, ErrWebhookMalformed) {
		t.Fatalf("a failed read: err = %v, want ErrWebhookMalformed", err)
	}
	if DefaultWebhookMaxBody != 1<<20 {
		t.Fatalf("DefaultWebhookMaxBody = %d, want 1 MiB", DefaultWebhookMaxBody)
	}
	big := strings.Repeat("a", DefaultWebhookMaxBody+1)
	if _, err := mustVerifier(t, vecToken).Verify(twilioRequest(http.MethodPost, vecURL, "form", big, sig)); !errors.Is(err, ErrWebhookTooLarge) {
		t.Fatalf("default limit: err = %v, want ErrWebhookTooLarge", err)
	}
	for _, n := range []int64{0, -1} {
		var pe *ParamError
		if _, err := NewWebhookVerifier(vecToken, WithMaxBody(n)); !errors.As(err, &pe) || pe.Field != "WithMaxBody" {
			t.Errorf("WithMaxBody(%d): err = %v, want a ParamError", n, err)
		}
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestWebhookEmptySecret(t *testing.T) {
	v, err := NewWebhookVerifier("")
	var pe *ParamError
	if v != nil || !errors.As(err, &pe) || pe.Field != "authToken" || pe.Vendor != "twilio" {
		t.Fatalf("NewWebhookVerifier(\"\") = %v, %v; want nil and a ParamError on authToken", v, err)
	}
	if !strings.Contains(err.Error(), "empty") {
		t.Fatalf("error %q does not say the secret is empty", err)
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

func TestDecodeWebhook(t *testing.T) {
	form := url.Values{
		"EventType": {"onParticipantRemoved"}, "AccountSid": {"AC1"}, "ChatServiceSid": {"IS1"},
		"ConversationSid": {"CH1"}, "ParticipantSid": {"MB1"}, "Identity": {"alice"},
		"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"},
		"MessagingBinding.ProjectedAddress": {"+15017122662"}, "MessagingBinding.Type": {"sms"},
		"RoleSid": {"RL1"}, "Attributes": {`{"a":1}`}, "DateCreated": {"2024-01-01T00:00:00Z"},
		"DateUpdated": {"2024-01-02T00:00:00Z"}, "Source": {"API"}, "ClientIdentity": {"bob"},
		"RetryCount": {"2"}, "WebhookSid": {"WH1"}, "WebhookType": {"webhook"}, "Unknown": {"ignored"},
	}
	ev, err := DecodeWebhook([]byte(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	want := ParticipantEvent{
		EventType: ParticipantEventTypeRemoved, AccountSID: "AC1", ChatServiceSID: "IS1",
		ConversationSID: "CH1", ParticipantSID: "MB1", Identity: "alice",
		MessagingBindingAddress: "+15558675310", MessagingBindingProxyAddress: "+15017122661",
		MessagingBindingProjectedAddress: "+15017122662", MessagingBindingType: "sms",
		RoleSID: "RL1", Attributes: `{"a":1}`, DateCreated: "2024-01-01T00:00:00Z",
		DateUpdated: "2024-01-02T00:00:00Z", Source: "API", ClientIdentity: "bob",
		RetryCount: 2, WebhookSID: "WH1", WebhookType: "webhook",
	}
	if *ev != want {
		t.Fatalf("DecodeWebhook =\n%+v\nwant\n%+v", *ev, want)
	}
	for _, et := range []ParticipantEventType{ParticipantEventTypeAdded, ParticipantEventTypeUpdated} {
		ev, err := DecodeWebhook([]byte("EventType=" + string(et)))
		if err != nil || ev.EventType != et || ev.ConversationSID != "" {
			t.Errorf("%s alone = %+v, %v", et, ev, err)
		}
	}
	for _, tc := range []struct {
		payload string
		kind    error
		says    string
	}{
		{"EventType=onParticipantAdd&ConversationSid=CH1", ErrWebhookUnsupported, "pre-action"},
		{"EventType=onParticipantRemove", ErrWebhookUnsupported, "pre-action"},
		{"EventType=onParticipantUpdate", ErrWebhookUnsupported, "pre-action"},
		{"EventType=onMessageAdded", ErrWebhookUnsupported, "not a participant event"},
		{"EventType=%0Aforged%20log", ErrWebhookUnsupported, "not a participant event"},
		{"ConversationSid=CH1", ErrWebhookMalformed, "no EventType"},
		{"", ErrWebhookMalformed, "no EventType"},
		{"EventType=onParticipantAdded&RetryCount=x", ErrWebhookMalformed, "RetryCount"},
		{"EventType=onParticipantAdded&RetryCount=99999999999999999999", ErrWebhookMalformed, "RetryCount"},
		{`{"EventType":"onParticipantAdded"}`, ErrWebhookMalformed, "no EventType"},
		{"&&EventType&", ErrWebhookMalformed, "no EventType"},
		{"EventType=%zz", ErrWebhookMalformed, "not a form-encoded event"},
		{"EventType=onParticipantAdded;x=1", ErrWebhookMalformed, "semicolon"},
		{"EventType=onParticipantAdded&EventType=onParticipantAdded", ErrWebhookMalformed, "EventType is given more than once"},
	} {
		ev, err := DecodeWebhook([]byte(tc.payload))
		if ev != nil || !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("DecodeWebhook(%q) = %v, %v; want %v saying %q", tc.payload, ev, err, tc.kind, tc.says)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("DecodeWebhook(%q): error has a line break: %q", tc.payload, err)
		}
	}
}

// FuzzWebhookVerify: Verify never panics, and never accepts a body other
// than one whose signed content is the signed body's (for a form, the same
// names and distinct values; for a hashed body, the same bytes).
func FuzzWebhookVerify(f *testing.F) {
	f.Add("foo=1", true, "EventType=onParticipantAdded&ConversationSid=CH1", "EventType=onParticipantAdded&ConversationSid=CH2", "")
	f.Add("", false, vecJSON, `{"property": "forged"}`, "")
	f.Add("a=1", true, "a=1&a=2", "a=2&a=1", "")
	f.Add("a=1", true, "x=1", "x=1", "AAAA")
	f.Add("bodySHA256=00", false, "", "", "")
	v := mustVerifier(f, vecToken)
	f.Fuzz(func(t *testing.T, query string, form bool, body, body2, sig string) {
		target := "https://example.com/hook"
		if query != "" {
			target += "?" + url.PathEscape(query)
		}
		ct := "json"
		if form {
			ct = "form"
		}
		probe := twilioRequest(http.MethodPost, target, ct, body, "x")
		if probe.URL == nil {
			return
		}
		signed := "https://example.com" + probe.URL.RequestURI()
		hashed := false
		if !form {
			h := sha256.Sum256([]byte(body))
			signed += map[bool]string{true: "&", false: "?"}[probe.URL.RawQuery != ""] + "bodySHA256=" + hex.EncodeToString(h[:])
			hashed = true
		} else if p, err := signedParams(body); err == nil {
			signed += string(p)
		}
		if sig == "" {
			sig = sign(vecToken, signed)
		}
		target = signed
		if form {
			target = "https://example.com" + probe.URL.RequestURI()
		}
		r := twilioRequest(http.MethodPost, target, ct, body2, sig)
		got, err := v.Verify(r)
		if err != nil {
			var we *WebhookError
			if !errors.As(err, &we) {
				t.Fatalf("err %v is not a *WebhookError", err)
			}
			return
		}
		if hashed {
			if !bytes.Equal(got, []byte(body)) && !(body == "" && body2 == "") {
				t.Fatalf("accepted body %q under the hash of %q", body2, body)
			}
			return
		}
		p1, e1 := signedParams(body)
		p2, e2 := signedParams(body2)
		if len(body2) > 0 && (e1 != nil || e2 != nil || !bytes.Equal(p1, p2)) {
			t.Fatalf("accepted form %q signed for %q", body2, body)
		}
		if d1, err1 := DecodeWebhook([]byte(body)); err1 == nil && len(body2) > 0 {
			if d2, err2 := DecodeWebhook(got); err2 != nil || *d1 != *d2 {
				t.Fatalf("same signature, different events: %+v and %+v (%v)", d1, d2, err2)
			}
		}
	})
}

// FuzzDecodeWebhook: DecodeWebhook never panics, and what it accepts is a
// post-action participant event.
func FuzzDecodeWebhook(f *testing.F) {
	f.Add("EventType=onParticipantAdded&ConversationSid=CH1&RetryCount=1")
	f.Add("EventType=onParticipantAdd")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, payload string) {
		ev, err := DecodeWebhook([]byte(payload))
		if err != nil {
			if ev != nil {
				t.Fatal("an event with an error")
			}
			return
		}
		switch ev.EventType {
		case ParticipantEventTypeAdded, ParticipantEventTypeRemoved, ParticipantEventTypeUpdated:
		default:
			t.Fatalf("accepted EventType %q", ev.EventType)
		}
	})
}

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

// BenchmarkWebhookVerifyDecode: Verify then DecodeWebhook of a typical
// participant event.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
	body, sig := benchEvent()
	v := mustVerifier(b, vecToken)
	r := twilioRequest(http.MethodPost, "https://hooks.example.com/twilio", "form", "", sig)
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
// read the body, url.ParseQuery, HMAC-SHA1 over the URL and the sorted
// parameters, compare, and copy the fields of the event by hand.
func BenchmarkWebhookFloor(b *testing.B) {
	body, sig := benchEvent()
	want, _ := base64.StdEncoding.DecodeString(sig)
	r := twilioRequest(http.MethodPost, "https://hooks.example.com/twilio", "form", "", sig)
	key := []byte(vecToken)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
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
}

func slicesSort(s []string) {
	for i := range s {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestWebhookFormVariants(t *testing.T) {
	v := mustVerifier(t, vecToken)
	r := twilioRequest(http.MethodPost, vecURL, "", "property=value&boolean=true", "NBdBDr/T/lgjI+tlgpXjKZQZs/k=")
	r.Header.Set("Content-Type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8")
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("form with charset: %v", err)
	}
	// A POST without a body is signed by its URL alone; the payload is the query.
	target := "https://mycompany.com/myapp.php?EventType=onParticipantRemoved&ConversationSid=CH2"
	got, err := v.Verify(twilioRequest(http.MethodPost, target, "form", "", sign(vecToken, target)))
	if err != nil || string(got) != "EventType=onParticipantRemoved&ConversationSid=CH2" {
		t.Fatalf("empty POST = %q, %v", got, err)
	}
	// With a public URL, the default port variant is tried too.
	pv := mustVerifier(t, vecToken, WithPublicURL("https://mycompany.com:443/myapp.php"))
	if _, err := pv.Verify(twilioRequest(http.MethodPost, "http://10.0.0.1/x?foo=1&bar=2", "form", vecParams.Encode(), "vOEb5UThFn24KEfnOFLQY2AE5FY=")); err != nil {
		t.Fatalf("public URL with :443: %v", err)
	}
	// A GET with a body that nothing covers is refused.
	r = twilioRequest(http.MethodGet, vecURL, "", "EventType=onParticipantAdded", sign(vecToken, vecURL))
	if _, err := v.Verify(r); !errors.Is(err, ErrWebhookSignature) {
		t.Fatalf("GET with an unsigned body: %v", err)
	}
}
