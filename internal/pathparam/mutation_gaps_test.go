package pathparam

import (
	"errors"
	"testing"
)

// TestCheckText: CheckText's refusals, each with its reason, the vendor and
// the field, and the limit counted in characters, not bytes. Issue 18: its
// own package had no test of it (the vendor packages' tests use it), so its
// mutants went uncovered.
func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		v    string
		max  int
		want string // the reason; empty: accepted
	}{
		{"", 10, "must not be empty"},
		{" ", 10, "is blank"},
		{"  \u00a0 ", 10, "is blank"},
		{"\xff", 10, "not valid UTF-8"},
		{"a\xffb", 10, "not valid UTF-8"},
		{"abc", 3, ""},
		{"abcd", 3, "4 characters, more than 3"},
		{"ééé", 3, ""}, // 6 bytes, 3 characters
		{"éééé", 3, "4 characters, more than 3"},
		{" a ", 3, ""},
		{"a\x00b", 10, "contains control character U+0000"},
		{"a\x7fb", 10, "contains control character U+007F"},
		{"a\u0085b", 10, "contains control character U+0085"},
		{"a\tb", 10, "contains control character U+0009"},
		{"Ada Lovelace", 12, ""},
	} {
		err := CheckText("acme", "name", tc.v, tc.max)
		if tc.want == "" {
			if err != nil {
				t.Errorf("CheckText(%q, %d) = %v, want nil", tc.v, tc.max, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Vendor != "acme" || e.Field != "name" || e.Reason != tc.want {
			t.Errorf("CheckText(%q, %d) = %#v, want acme/name/%q", tc.v, tc.max, err, tc.want)
			continue
		}
		if got, want := err.Error(), "acme: invalid name: "+tc.want; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}
