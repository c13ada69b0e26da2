package pathparam

import (
	"strings"
	"testing"
)

// A refused value is quoted whole up to MaxQuoted bytes and clipped beyond.
func TestRefusedValueQuotedOrClipped(t *testing.T) {
	for _, tc := range []struct {
		n       int
		clipped bool
	}{{MaxQuoted - 1, false}, {MaxQuoted, false}, {MaxQuoted + 1, true}} {
		v := strings.Repeat("z", tc.n)
		for _, err := range []error{CheckUUID("bird", "conversationId", v), CheckSID("twilio", "Sid", "MB", v)} {
			if err == nil {
				t.Fatalf("%d z's accepted", tc.n)
			}
			msg := err.Error()
			if got := strings.Contains(msg, "…"); got != tc.clipped || !strings.Contains(msg, strings.Repeat("z", min(tc.n, MaxQuoted))) || strings.Contains(msg, strings.Repeat("z", MaxQuoted+1)) {
				t.Errorf("%d bytes: %q (clipped %v, want %v)", tc.n, msg, got, tc.clipped)
			}
		}
	}
}
