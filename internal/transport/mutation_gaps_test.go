package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
)

// TestRedirectStatusRange: every status from 300 to 399, the ends included,
// with a Location or without, is an error that says redirects are not
// followed (and, with a Location, where it pointed); the statuses around
// the range are not. Issue 18: the ends of the range were not tested.
func TestRedirectStatusRange(t *testing.T) {
	const loc = "https://elsewhere.example/x"
	for _, tc := range []struct {
		status int
		loc    string
		reason string
	}{
		{300, "", "redirects are not followed"},
		{300, loc, "the vendor redirected to " + loc + "; redirects are not followed"},
		{399, "", "redirects are not followed"},
		{399, loc, "the vendor redirected to " + loc + "; redirects are not followed"},
		{400, loc, ""},
		{404, "", ""},
	} {
		t.Run(fmt.Sprint(tc.status, tc.loc != ""), func(t *testing.T) {
			s := step{status: tc.status, body: `{}`}
			if tc.loc != "" {
				s.hdr = []string{"Location", tc.loc}
			}
			c, _, _ := mockClient(t, Options{Vendor: "acme"}, s)
			resp, err := doGet(context.Background(), c)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("a %d came back as success", tc.status)
			}
			var e *apierror.Error
			if !errors.As(err, &e) || e.StatusCode != tc.status {
				t.Fatalf("err = %v, want the %d as an *apierror.Error", err, tc.status)
			}
			if e.Reason != tc.reason {
				t.Errorf("Reason = %q, want %q", e.Reason, tc.reason)
			}
			if tc.reason != "" && !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Error() = %q, want it to hold %q", err, tc.reason)
			}
		})
	}
}

// TestNonASCIISecretsRedacted: a vendor that echoes a credential with
// non-ASCII characters as an ASCII-only JSON encoder writes it (Python's
// json.dumps, PHP's json_encode: every character from U+0080 up as \u
// escapes, surrogate pairs above U+FFFF, lower- or upper-case hex) shows it
// neither in the debug record nor in the *apierror.Error, while DEL (U+007F,
// ASCII) stays as it is; and as the encoders that keep non-ASCII characters
// as they are and escape only '"' (Go's encoding/json, escapedForms) write
// it. Issue 18: no test had a non-ASCII secret.
func TestNonASCIISecretsRedacted(t *testing.T) {
	const secret = "tok-\"\x7f\u0080é\uffff😀\u2028-end"
	forms := []string{
		`tok-\"` + "\x7f" + `\u0080\u00e9\uffff\ud83d\ude00\u2028-end`, // Python json.dumps
		`tok-\"` + "\x7f" + `\u0080\u00E9\uFFFF\uD83D\uDE00\u2028-end`, // upper-case hex (Jackson)
	}
	for _, form := range append(forms, escapedForms(t, secret)...) {
		t.Run(form, func(t *testing.T) {
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
			if e.Message != `{"error":"bad token `+Redacted+`"}` {
				t.Errorf("Message = %q, want the secret replaced", e.Message)
			}
		})
	}
}

// TestSecretWithSpaceAndQuoteRedacted: a space is not a control character:
// JSON encoders write it as it is, so a secret that holds a space and a
// character they escape is redacted in that form. Issue 18: `r < 0x20` →
// `r <= 0x20` (a space as \u0020 in every form) lived.
func TestSecretWithSpaceAndQuoteRedacted(t *testing.T) {
	const secret = `pass word"42`
	form := `pass word\"42`
	c, _, _ := mockClient(t, Options{
		Vendor: "acme", DecodeError: copyBodyDecoder, Redact: Redaction{Secrets: []string{secret}},
	}, step{status: 401, body: `{"error":"bad ` + form + `"}`, hdr: []string{"Content-Type", "application/json"}})
	_, err := doGet(context.Background(), c)
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	if e.Message != `{"error":"bad `+Redacted+`"}` || strings.Contains(e.Error(), form) {
		t.Errorf("Message = %q, Error() = %q: want the secret replaced", e.Message, e.Error())
	}
}

// TestLineSeparatorWithoutHTMLEscapesRedacted: Go's encoding/json escapes
// U+2028 and U+2029 even with SetEscapeHTML(false), which leaves '<' as it
// is, and so are non-ASCII letters: a secret holding all three, echoed
// that way, is redacted too (no other encoder writes that form). Issue 18:
// the survivor at the U+2028 case of jsonEscape showed no mode wrote that
// form.
func TestLineSeparatorWithoutHTMLEscapesRedacted(t *testing.T) {
	const secret = "a<bé\u2028c"
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	if err := e.Encode(secret); err != nil {
		t.Fatal(err)
	}
	form := strings.Trim(strings.TrimSpace(enc.String()), `"`)
	if form != `a<bé\u2028c` {
		t.Fatalf("encoding/json wrote %q", form)
	}
	c, _, _ := mockClient(t, Options{
		Vendor: "acme", DecodeError: copyBodyDecoder, Redact: Redaction{Secrets: []string{secret}},
	}, step{status: 401, body: `{"error":"bad ` + form + `"}`, hdr: []string{"Content-Type", "application/json"}})
	_, err := doGet(context.Background(), c)
	var ae *apierror.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if ae.Message != `{"error":"bad `+Redacted+`"}` || strings.Contains(ae.Error(), form) {
		t.Errorf("Message = %q, Error() = %q: want the secret replaced", ae.Message, ae.Error())
	}
}
