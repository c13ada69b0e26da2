package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

// escapedForms returns secret as JSON encoders write it between quotes:
// Go's default (HTML-escaped), without HTML escaping, with "/" as "\/"
// (PHP), and with upper-case hex digits. It does not use jsonEscape.
func escapedForms(t *testing.T, secret string) []string {
	t.Helper()
	html, err := json.Marshal(secret)
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(secret); err != nil {
		t.Fatal(err)
	}
	h := strings.Trim(string(html), `"`)
	p := strings.Trim(strings.TrimSpace(plain.String()), `"`)
	upper := regexp.MustCompile(`\\u[0-9a-f]{4}`).ReplaceAllStringFunc(h, strings.ToUpper)
	upper = strings.ReplaceAll(upper, `\U`, `\u`)
	forms := []string{h, p, strings.ReplaceAll(h, "/", `\/`), strings.ReplaceAll(p, "/", `\/`), upper}
	for _, f := range forms {
		if f == secret {
			t.Fatalf("form %q is the secret itself: the test secret needs characters JSON escapes", f)
		}
	}
	return forms
}

// copyBodyDecoder puts the whole body into Message and the X-Echo header
// into RequestID, as a vendor that echoes everything would.
func copyBodyDecoder(e *apierror.Error) {
	e.Message = string(e.Body)
	e.RequestID = e.Header.Get("X-Echo")
}

// TestEscapedSecretsRedacted: a vendor that echoes a credential JSON-escaped
// (HTML-escaped or not, "/" as "\/", upper-case hex) in an error body shows
// it neither in the debug record nor in the *apierror.Error.
func TestEscapedSecretsRedacted(t *testing.T) {
	const secret = "sk/live<4f9c>&2a\"7e\\81\x01d3"
	for i, form := range escapedForms(t, secret) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			body := `{"error":"bad token ` + form + `"}`
			c, _, _ := mockClient(t, Options{
				Vendor: "acme", Logger: logger, DebugBodies: true,
				DecodeError: copyBodyDecoder, Redact: Redaction{Secrets: []string{secret}},
			}, step{status: 401, body: body, hdr: []string{"Content-Type", "application/json"}})
			_, err := doGet(context.Background(), c)
			var e *apierror.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			for what, got := range map[string]string{"log": buf.String(), "Error()": e.Error(), "Message": e.Message, "Body": string(e.Body)} {
				if strings.Contains(got, form) {
					t.Errorf("%s holds the secret as %q: %s", what, form, got)
				}
			}
			if !strings.Contains(e.Message, "bad token "+Redacted) {
				t.Errorf("Message = %q, want the secret replaced", e.Message)
			}
		})
	}
}

// TestNestedSecrets: a secret that holds another one is replaced whole,
// whatever the order the secrets were given in.
func TestNestedSecrets(t *testing.T) {
	for _, secrets := range [][]string{{"abc", "xxabcxx"}, {"xxabcxx", "abc"}} {
		rd := Redaction{Secrets: secrets}.compile()
		if got, want := rd.scrub("1 xxabcxx 2 abc 3 xabcx"), "1 [redacted] 2 [redacted] 3 x[redacted]x"; got != want {
			t.Errorf("secrets %q: scrub = %q, want %q", secrets, got, want)
		}
		for i := 1; i < len(rd.secrets); i++ {
			if len(rd.secrets[i]) > len(rd.secrets[i-1]) {
				t.Errorf("secrets not sorted longest first: %q", rd.secrets)
			}
		}
	}
}

// TestJSONBodyWithOtherContentType: a JSON body redacts its hidden members
// whatever its content type says: text/plain (which only looksJSON tells),
// a form type, none.
func TestJSONBodyWithOtherContentType(t *testing.T) {
	const hidden = "hidden-attr-value-77"
	rd := Redaction{FormKeys: []string{"Attributes"}, JSONKeys: []string{"attributes"}}.compile()
	body := []byte(" \n{\"sid\":\"MB1\",\"attributes\":\"" + hidden + "\"}")
	for _, ct := range []string{"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "", "application/octet-stream"} {
		got := rd.body(body, ct, true)
		if strings.Contains(got, hidden) || !strings.Contains(got, `"attributes":"[redacted]"`) || !strings.Contains(got, "MB1") {
			t.Errorf("Content-Type %q: record body = %q", ct, got)
		}
	}
	// And a form body sent as text/plain hides its form keys.
	form := url.Values{"Attributes": {hidden}, "Identity": {"ada"}}.Encode()
	if got := rd.body([]byte(form), "text/plain", true); strings.Contains(got, hidden) || !strings.Contains(got, "Identity=ada") {
		t.Errorf("form body as text/plain: record body = %q", got)
	}
}

// TestRequestValuesRemovedFromAPIError: a vendor message that quotes the
// request's hidden values (Twilio quotes Attributes in a 400) loses them, in
// every field of the *apierror.Error, escaped forms included; short values
// and other fields are kept.
func TestRequestValuesRemovedFromAPIError(t *testing.T) {
	const ssn = "078-05-1120"
	attrs := `{"ssn":"` + ssn + `","n":1}`
	escAttrs, _ := json.Marshal(attrs)
	tests := []struct {
		name, ct, body string
	}{
		{"form", "application/x-www-form-urlencoded", url.Values{"Attributes": {attrs}, "Identity": {"ada-lovelace"}, "RoleSid": {"RL1"}}.Encode()},
		{"json", "application/json", `{"identity":"ada-lovelace","attributes":` + string(escAttrs) + `}`},
		{"json object", "application/json", `{"identity":"ada-lovelace","Attributes":` + attrs + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The vendor quotes the value raw, JSON-escaped, and one string
			// inside it, in its body and a header.
			respBody := `{"code":"50407","message":"Invalid Attributes: ` + strings.Trim(string(escAttrs), `"`) +
				` for ada-lovelace","details":{"ssn":"` + ssn + `"}}`
			c, _, _ := mockClient(t, Options{
				Vendor: "acme", DecodeError: func(e *apierror.Error) {
					var v struct {
						Code    string          `json:"code"`
						Message string          `json:"message"`
						Details json.RawMessage `json:"details"`
					}
					_ = json.Unmarshal(e.Body, &v)
					e.Code, e.Message, e.Details = v.Code, v.Message, v.Details
					e.Field = e.Header.Get("X-Field")
				},
				Redact: Redaction{FormKeys: []string{"Attributes"}, JSONKeys: []string{"attributes"}},
			}, step{status: 400, body: respBody, hdr: []string{"X-Field", "attributes=" + ssn, "X-Raw", attrs}})
			req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ct)
			_, err := c.Do(req.Context(), req, c.Defaults())
			var e *apierror.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			dump := fmt.Sprintf("%#v %+v %s %s %s", e, e, e.Body, e.Details, e.Header)
			for _, leak := range []string{ssn, attrs, string(escAttrs)} {
				if strings.Contains(dump, leak) {
					t.Errorf("the error holds %q: %s", leak, dump)
				}
			}
			if !strings.Contains(e.Message, "for ada-lovelace") || e.Code != "50407" || !json.Valid(e.Details) {
				t.Errorf("more than the hidden values went: Code %q Message %q Details %s", e.Code, e.Message, e.Details)
			}
		})
	}
}

// TestAPIErrorStoredFieldsScrubbed: a credential echoed in the body and in
// a response header is gone from the stored Header, Body and Details too
// (%#v shows them), on the first attempt's error and on one that ends
// retries; the response's own header map is not modified.
func TestAPIErrorStoredFieldsScrubbed(t *testing.T) {
	const token = "tok_9f8e7d6c5b4a/+="
	for _, status := range []int{401, 422, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			var sent http.Header
			mock.RegisterResponder("GET", testURL, func(r *http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(status, `{"details":{"token":"`+token+`"},"msg":"bad `+url.QueryEscape(token)+`"}`)
				resp.Header.Set("X-Echo", "Bearer "+token)
				resp.Header.Set("Www-Authenticate", `Basic realm="`+token+`"`)
				sent = resp.Header
				return resp, nil
			})
			c := New(Options{
				MaxRetries: DefaultMaxRetries,
				Vendor:     "acme", HTTPClient: &http.Client{Transport: mock}, WaitMin: 1e6, WaitMax: 1e6,
				DecodeError: func(e *apierror.Error) { e.Details = json.RawMessage(`{"token":"` + token + `"}`) },
				Redact:      Redaction{Secrets: []string{token}},
			})
			_, err := doGetWith(context.Background(), c, idem(c))
			var e *apierror.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			for _, s := range []string{fmt.Sprintf("%#v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%+v", *e), string(e.Body), string(e.Details)} {
				for _, leak := range []string{token, url.QueryEscape(token), url.PathEscape(token)} {
					if strings.Contains(s, leak) {
						t.Errorf("holds %q: %s", leak, s)
					}
				}
			}
			if e.Header.Get("X-Echo") != "Bearer "+Redacted || !json.Valid(e.Details) {
				t.Errorf("Header %v, Details %s", e.Header, e.Details)
			}
			if sent.Get("X-Echo") != "Bearer "+token {
				t.Errorf("the response's header was modified: %v", sent)
			}
		})
	}
}

// TestDebugHeaderClipped: a huge response header, or very many, do not make
// a huge debug record.
func TestDebugHeaderClipped(t *testing.T) {
	const token = "tok-CLIP-SECRET-31"
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	big := strings.Repeat("h", DebugHeaderValueBytes-5) + token + strings.Repeat("é", 4<<20)
	hdr := []string{"X-Big", big}
	for i := range 200 {
		hdr = append(hdr, fmt.Sprintf("X-Many-%03d", i), strings.Repeat("m", 2000))
	}
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: Redaction{Secrets: []string{token}}},
		step{status: 200, body: "ok", hdr: hdr})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if buf.Len() > 64<<10 {
		t.Fatalf("log is %d bytes for a %d-byte header", buf.Len(), len(big))
	}
	if strings.Contains(buf.String(), token) {
		t.Errorf("log holds the secret")
	}
	var rec map[string]any
	for _, r := range records(t, &buf) {
		if r["msg"] == "conversekit attempt" {
			rec = r
		}
	}
	h, _ := rec["response_header"].(map[string]any)
	v, _ := h["X-Big"].(string)
	if !strings.HasPrefix(v, "hhhh") || !strings.HasSuffix(v, fmt.Sprintf("…(%d bytes)", len(big))) || strings.Contains(v, "tok-C") {
		t.Errorf("X-Big = %.80q…%q", v, v[max(0, len(v)-40):])
	}
	if n, _ := h["cut_headers"].(float64); n <= 0 {
		t.Errorf("cut_headers = %v, want the headers past the bound counted", h["cut_headers"])
	}
}

// An empty secret hides nothing (it would otherwise match everywhere).
func TestEmptySecretIgnored(t *testing.T) {
	req, resp := debugBodyRecord(t, Redaction{Secrets: []string{"", "tok-7781", "tok-7781"}}, "abc tok-7781", "def", "text/plain")
	if req != "abc [redacted]" || resp != "def" {
		t.Errorf("records: %q, %q", req, resp)
	}
	if rd := (Redaction{Secrets: []string{"", "tok-7781", "tok-7781"}}).compile(); len(rd.secrets) != 1 {
		t.Errorf("secrets = %q, want the one distinct non-empty secret", rd.secrets)
	}
}

// A credential echoed in the name of a response header is gone from the
// error's Header; the value stays under the scrubbed name.
func TestSecretInHeaderNameScrubbed(t *testing.T) {
	const secret = "Abcd7xyz9q"
	c, _, _ := mockClient(t, Options{Redact: Redaction{Secrets: []string{secret}}},
		step{status: 401, body: "no", hdr: []string{"X-" + secret, "echoed"}})
	_, err := doGet(context.Background(), c)
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	for k := range e.Header {
		if strings.Contains(k, secret) {
			t.Errorf("the error's Header holds the secret in a name: %v", e.Header)
		}
	}
	if got := e.Header.Get("X-" + Redacted); got != "echoed" {
		t.Errorf("Header = %v, want the value under the scrubbed name", e.Header)
	}
}

// A secret with a backspace or a form feed is found however an encoder
// escapes them: \b and \f (Go, Python), \u0008 and \u000c (others).
func TestSecretsWithShortEscapes(t *testing.T) {
	rd := Redaction{Secrets: []string{"pw\bq\fz-77"}}.compile()
	for _, form := range []string{`pw\bq\fz-77`, `pw\u0008q\u000cz-77`, `pw\u0008q\u000Cz-77`, "pw\bq\fz-77"} {
		if got := rd.scrub(`{"m":"bad ` + form + `"}`); got != `{"m":"bad `+Redacted+`"}` {
			t.Errorf("%s: scrub = %s", form, got)
		}
	}
}

// hiddenErr sends body as ct through a client that hides red, and returns
// the *apierror.Error of a 400 whose message quotes msg.
func hiddenErr(t *testing.T, red Redaction, ct, body, msg string) *apierror.Error {
	t.Helper()
	c, _, _ := mockClient(t, Options{Redact: red, DecodeError: copyBodyDecoder}, step{status: 400, body: msg})
	req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	_, err := c.Do(req.Context(), req, c.Defaults())
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	return e
}

// The hidden values of a request (at least 4 bytes, at most 64 of them, in
// body order) are removed from its API error, with a client that hides only
// form keys or only JSON keys too; a non-string value goes as its JSON text.
func TestRequestValuesRemoved(t *testing.T) {
	form := url.Values{"Attributes": {"form-secret-1"}, "Identity": {"ada"}}.Encode()
	if e := hiddenErr(t, Redaction{FormKeys: []string{"Attributes"}}, "application/x-www-form-urlencoded", form, "bad form-secret-1 for ada"); e.Message != "bad "+Redacted+" for ada" {
		t.Errorf("form keys only: Message = %q", e.Message)
	}
	jsonOnly := Redaction{JSONKeys: []string{"attributes"}}
	if e := hiddenErr(t, jsonOnly, "application/json", `{"attributes":"json-secret-2","identity":"ada"}`, "bad json-secret-2 for ada"); e.Message != "bad "+Redacted+" for ada" {
		t.Errorf("JSON keys only: Message = %q", e.Message)
	}
	if e := hiddenErr(t, jsonOnly, "application/json", `{"attributes":{"a":"abc","b":"wxyz"}}`, "got abc and wxyz"); e.Message != "got abc and "+Redacted {
		t.Errorf("3- and 4-byte values: Message = %q, want only the 4-byte one removed", e.Message)
	}
	if e := hiddenErr(t, jsonOnly, "application/json", `{"attributes":[12,34]}`, "bad attributes [12,34]"); e.Message != "bad attributes "+Redacted {
		t.Errorf("array value: Message = %q, want its JSON text removed", e.Message)
	}
	// 70 strings: the array's text and the first 63 strings make 64.
	vals := make([]string, 70)
	for i := range vals {
		vals[i] = fmt.Sprintf(`"val-%02d"`, i)
	}
	body := `{"attributes":[` + strings.Join(vals, ",") + `]}`
	if e := hiddenErr(t, jsonOnly, "application/json", body, "val-00 val-62 val-63 val-69"); e.Message != strings.Repeat(Redacted+" ", 2)+"val-63 val-69" {
		t.Errorf("70 values: Message = %q, want the first 63 strings removed and no more", e.Message)
	}
}
