package observe

import "testing"

func TestRateLimit(t *testing.T) {
	for kind, want := range map[WaitKind]bool{WaitPause: true, WaitLimiter: true, WaitRetryAfter: true, WaitBackoff: false} {
		if got := kind.RateLimit(); got != want {
			t.Errorf("%s.RateLimit() = %t, want %t", kind, got, want)
		}
	}
}
