package pathparam

import (
	"strings"
	"testing"
)

// A refused value is quoted whole up to 64 bytes and clipped beyond.
func TestRefusedValueQuotedOrClipped(t *testing.T) {
	for _, tc := range []struct {
		n       int
		clipped bool
	}{{63, false}, {64, false}, {65, true}} {
		v := strings.Repeat("z", tc.n)
		for _, err := range []error{CheckUUID("bird", "conversationId", v), CheckSID("twilio", "Sid", "MB", v)} {
			if err == nil {
				t.Fatalf("%d z's accepted", tc.n)
			}
			msg := err.Error()
			if got := strings.Contains(msg, "…"); got != tc.clipped || !strings.Contains(msg, strings.Repeat("z", min(tc.n, 64))) || strings.Contains(msg, strings.Repeat("z", 65)) {
				t.Errorf("%d bytes: %q (clipped %v, want %v)", tc.n, msg, got, tc.clipped)
			}
		}
	}
}
