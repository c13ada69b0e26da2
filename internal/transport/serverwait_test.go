package transport

import (
	"strconv"
	"testing"
	"time"
)

// X-RateLimit-Reset before 1970 and at exactly a year ahead.
func TestParseRateLimitResetEdges(t *testing.T) {
	year := 365 * 24 * time.Hour
	if got, ok := ParseRateLimitReset("5", time.Unix(-10, 0)); !ok || got != 15*time.Second {
		t.Errorf("reset 5 at now -10: %s, %v; want 15s", got, ok)
	}
	now := time.Unix(1_700_000_000, 500_000_000)
	if got, ok := ParseRateLimitReset(strconv.FormatInt(1_700_000_000+int64(year/time.Second), 10), now); !ok || got != year-500*time.Millisecond {
		t.Errorf("reset a year after the whole second of now: %s, %v; want a year less 500ms", got, ok)
	}
}
