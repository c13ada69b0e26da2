package apierror

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestErrorString(t *testing.T) {
	long := strings.Repeat("m", 400)
	tests := []struct {
		name string
		e    *Error
		want string
	}{
		{"status only", &Error{Vendor: "twilio", StatusCode: 404}, "twilio: HTTP 404 Not Found"},
		{"unknown status", &Error{Vendor: "bird", StatusCode: 499}, "bird: HTTP 499"},
		{"all fields", &Error{Vendor: "intercom", StatusCode: 422, Code: "parameter_invalid", Message: "Email is invalid",
			Field: "email", RequestID: "req_1", Reason: "gave up", Truncated: true},
			"intercom: HTTP 422 Unprocessable Entity: parameter_invalid: Email is invalid (field email) [request req_1]: gave up (body truncated)"},
		{"long message clipped", &Error{Vendor: "bird", StatusCode: 400, Message: long}, "bird: HTTP 400 Bad Request: " + strings.Repeat("m", 300) + "…"},
		{"control characters replaced", &Error{Vendor: "bird", StatusCode: 400, Message: "line1\nline2\r\x1b[31m\u2028"}, "bird: HTTP 400 Bad Request: line1 line2  [31m "},
		{"invalid UTF-8 replaced", &Error{Vendor: "bird", StatusCode: 400, Code: "a\xffb"}, "bird: HTTP 400 Bad Request: a\uFFFDb"},
		{"clip on a rune boundary", &Error{Vendor: "x", StatusCode: 400, Field: strings.Repeat("é", 60)}, "x: HTTP 400 Bad Request (field " + strings.Repeat("é", 50) + "…)"},
		{"nil", nil, "<nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestErrorNeverShowsHeadersOrBody(t *testing.T) {
	e := &Error{
		Vendor: "twilio", StatusCode: 401, Message: "Authenticate",
		Header: http.Header{"Www-Authenticate": {"Basic realm=SECRET-REALM"}, "Set-Cookie": {"session=SECRET-COOKIE"}},
		Body:   []byte(`{"token":"SECRET-BODY"}`),
	}
	for _, s := range []string{e.Error(), fmt.Sprint(e), fmt.Sprintf("%v", error(e))} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("leaked: %s", s)
		}
	}
	var target *Error
	if !errors.As(fmt.Errorf("wrapped: %w", e), &target) || target != e {
		t.Error("errors.As through wrapping failed")
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		status int
		want   bool
	}{
		{200, false}, {400, false}, {401, false}, {404, false}, {409, false}, {422, false},
		{408, true}, {429, true}, {500, true}, {502, true}, {503, true}, {504, true}, {599, true},
		{501, false}, {600, false}, {0, false},
	}
	for _, tt := range tests {
		if got := (&Error{StatusCode: tt.status}).Temporary(); got != tt.want {
			t.Errorf("Temporary() for %d = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func FuzzAPIErrorString(f *testing.F) {
	f.Add("intercom", 404, "not_found", "Contact Not Found", "id", "req_1", "", false)
	f.Add("bird", 429, "", "<html>\n<body>Too many</body></html>", "", "", "rate limited: ...", true)
	f.Add("", -1, "\xff\xfe", strings.Repeat("é", 200), "\x00", "\u2028", "\n", true)
	f.Add("twilio", 1<<40, strings.Repeat("x", 1000), "", "", strings.Repeat("\xe2\x82", 100), "", false)
	f.Fuzz(func(t *testing.T, vendor string, status int, code, msg, field, reqID, reason string, truncated bool) {
		e := &Error{Vendor: vendor, StatusCode: status, Code: code, Message: msg, Field: field,
			RequestID: reqID, Reason: reason, Truncated: truncated, Body: []byte(msg)}
		s := e.Error()
		if !utf8.ValidString(s) {
			t.Fatalf("Error() is not valid UTF-8: %q", s)
		}
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
			t.Fatalf("Error() has a control character or line break: %q", s)
		}
		if len(s) > 4096 {
			t.Fatalf("Error() is %d bytes", len(s))
		}
		if code != "" && !strings.Contains(s, ": ") {
			t.Fatalf("code lost: %q", s)
		}
		e.Temporary()
	})
}
