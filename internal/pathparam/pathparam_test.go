package pathparam

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCheck(t *testing.T) {
	tests := []struct {
		v      string
		reason string // "" means accepted
	}{
		{"abc", ""},
		{"5ba682d23d7cf92bef87bfd4", ""},
		{"a/b", ""},
		{"...", ""},
		{"./..", ""},
		{"%2e%2e", ""},
		{"héllo wörld", ""},
		{"?x=1#frag", ""},
		{strings.Repeat("a", MaxLen), ""},
		{"", "must not be empty"},
		{".", `"." is not allowed`},
		{"..", `".." is not allowed`},
		{strings.Repeat("a", MaxLen+1), "longer than 1024 bytes"},
		{"a\xffb", "not valid UTF-8"},
		{"a\x00b", "control character U+0000"},
		{"a\nb", "control character U+000A"},
		{"a\tb", "control character U+0009"},
		{"a\x7fb", "control character U+007F"},
		{"a\u0085b", "control character U+0085"},
	}
	for _, tt := range tests {
		err := Check("intercom", "conversation ID", tt.v)
		if tt.reason == "" {
			if err != nil {
				t.Errorf("Check(%q) = %v, want nil", tt.v, err)
			}
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) || pe.Vendor != "intercom" || pe.Field != "conversation ID" || !strings.Contains(pe.Reason, tt.reason) {
			t.Errorf("Check(%s) = %#v, want reason containing %q", Quote(tt.v), err, tt.reason)
			continue
		}
		if !strings.HasPrefix(err.Error(), "intercom: invalid conversation ID: ") {
			t.Errorf("Error() = %q", err)
		}
	}
}

// TestAcceptedValuesKeepThePath checks the reason for Check: an accepted
// value, escaped as the generated clients do, stays one path segment.
func TestAcceptedValuesKeepThePath(t *testing.T) {
	base, _ := url.Parse("https://api.example.test/v1/")
	for _, v := range []string{"abc", "...", "./..", "../x", "%2e%2e", "a/b", "?q", "#f"} {
		if err := Check("x", "id", v); err != nil {
			t.Fatalf("Check(%q) = %v", v, err)
		}
		u, err := base.Parse("things/" + url.PathEscape(v) + "/members")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.EscapedPath(), "/v1/things/") || !strings.HasSuffix(u.EscapedPath(), "/members") || u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("%q: path became %q", v, u.String())
		}
	}
	// The refused ones really do change it.
	for v, want := range map[string]string{"": "/v1/things//members", ".": "/v1/things/members", "..": "/v1/members"} {
		u, _ := base.Parse("things/" + url.PathEscape(v) + "/members")
		if u.Path != want {
			t.Errorf("%q: path %q, want %q", v, u.Path, want)
		}
	}
}

func TestCheckUUID(t *testing.T) {
	tests := []struct {
		v  string
		ok bool
	}{
		{"3fa85f64-5717-4562-b3fc-2c963f66afa6", true},
		{"3FA85F64-5717-4562-B3FC-2C963F66AFA6", true},
		{"3fa85f645717-4562-b3fc-2c963f66afa6", false},
		{"3fa85f64-5717-4562-b3fc-2c963f66afa", false},
		{"3fa85f64-5717-4562-b3fc-2c963f66afa6 ", false},
		{"g fa85f64-5717-4562-b3fc-2c963f66afa6", false},
		{"", false},
		{"..", false},
		{strings.Repeat("z", 100), false},
	}
	for _, tt := range tests {
		err := CheckUUID("bird", "channel ID", tt.v)
		if (err == nil) != tt.ok {
			t.Errorf("CheckUUID(%q) = %v, want ok %v", tt.v, err, tt.ok)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("error not clipped: %d bytes", len(err.Error()))
		}
	}
}

func TestCheckSID(t *testing.T) {
	hex32 := "0123456789abcdef0123456789ABCDEF"
	tests := []struct {
		v  string
		ok bool
	}{
		{"CH" + hex32, true},
		{"CH" + hex32[:31], false},
		{"CH" + hex32 + "0", false},
		{"IS" + hex32, false},
		{"ch" + hex32, false},
		{"CH" + hex32[:31] + "g", false},
		{"", false},
		{".", false},
	}
	for _, tt := range tests {
		err := CheckSID("twilio", "conversation SID", "CH", tt.v)
		if (err == nil) != tt.ok {
			t.Errorf("CheckSID(%q) = %v, want ok %v", tt.v, err, tt.ok)
		}
		if IsSID("CH", tt.v) != tt.ok {
			t.Errorf("IsSID(%q) != %v", tt.v, tt.ok)
		}
	}
}

func FuzzPathParamCheck(f *testing.F) {
	for _, v := range []string{"", ".", "..", "...", "abc", "a\x00", "\x7f", "\u0085", "\xff", "a/../b",
		"%2e%2e", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "CH0123456789abcdef0123456789abcdef", strings.Repeat("a", MaxLen+1)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		err := Check("v", "f", v)
		if err == nil {
			if v == "" || v == "." || v == ".." {
				t.Fatalf("accepted %q", v)
			}
			if strings.ContainsFunc(v, unicode.IsControl) {
				t.Fatalf("accepted a control character: %q", v)
			}
			if !utf8.ValidString(v) || len(v) > MaxLen {
				t.Fatalf("accepted %q", v)
			}
		} else if !utf8.ValidString(err.Error()) && utf8.ValidString(v) {
			t.Fatalf("error not UTF-8: %q", err)
		}
		if CheckUUID("v", "f", v) == nil && (err != nil || len(v) != 36) {
			t.Fatalf("CheckUUID accepted %q", v)
		}
		if CheckSID("v", "f", "CH", v) == nil && (err != nil || !IsSID("CH", v)) {
			t.Fatalf("CheckSID accepted %q", v)
		}
	})
}

// TestQuote: a short value is quoted as %q does; a long one is cut at
// MaxQuoted bytes on a rune boundary and says how long it was.
func TestQuote(t *testing.T) {
	for _, v := range []string{"", "abc", "a\"b\n", strings.Repeat("é", MaxQuoted/2), "\xff\xfe"} {
		if got, want := Quote(v), strconv.Quote(v); got != want {
			t.Errorf("Quote(%q) = %s, want %s", v, got, want)
		}
	}
	for _, v := range []string{strings.Repeat("x", 1<<20), "a" + strings.Repeat("é", 1<<19), strings.Repeat("\x00", 5000)} {
		got := Quote(v)
		suffix := "…(" + strconv.Itoa(len(v)) + " bytes)"
		if len(got) > 6*MaxQuoted+len(suffix) || !strings.HasSuffix(got, suffix) || !utf8.ValidString(got) {
			t.Errorf("Quote of %d bytes = %.300s… (%d bytes)", len(v), got, len(got))
			continue
		}
		q, err := strconv.Unquote(strings.TrimSuffix(got, suffix))
		if err != nil || !strings.HasPrefix(v, q) || len(q) > MaxQuoted || len(q) < MaxQuoted-utf8.UTFMax || !utf8.ValidString(q) {
			t.Errorf("Quote of %d bytes quotes %q (%v)", len(v), q, err)
		}
	}
	// The errors of this package quote that way.
	err := CheckUUID("bird", "conversationId", strings.Repeat("z", MaxLen))
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "(1024 bytes)") {
		t.Errorf("CheckUUID error = %v", err)
	}
}
