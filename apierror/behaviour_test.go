package apierror

import (
	"strings"
	"testing"
)

// An invalid byte counts as the one byte it is when a field is clipped: a
// code of 99 letters and one invalid byte fits its 100 bytes whole.
func TestClipCountsInvalidBytesAsOne(t *testing.T) {
	code := strings.Repeat("c", 99) + "\xff"
	e := &Error{Vendor: "bird", StatusCode: 400, Code: code}
	want := "bird: HTTP 400 Bad Request: " + strings.Repeat("c", 99) + "\uFFFD"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// A real U+FFFD is three bytes: 98 letters and one fit, 99 do not.
	e.Code = strings.Repeat("c", 97) + "\uFFFD"
	if got := e.Error(); !strings.HasSuffix(got, "\uFFFD") || strings.Contains(got, "…") {
		t.Errorf("Error() = %q, want the U+FFFD whole", got)
	}
	e.Code = strings.Repeat("c", 98) + "\uFFFD"
	if got := e.Error(); !strings.HasSuffix(got, "c…") {
		t.Errorf("Error() = %q, want it clipped before the U+FFFD", got)
	}
}
