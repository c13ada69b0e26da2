package transport

import "testing"

func TestScrubber(t *testing.T) {
	scrub := Redaction{Secrets: []string{"k/ey"}}.Scrubber()
	for in, want := range map[string]string{
		"a k/ey b":   "a [redacted] b",
		"a k%2Fey b": "a [redacted] b",
		`a k\/ey b`:  "a [redacted] b",
		"nothing":    "nothing",
	} {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (Redaction{}).Scrubber()("k/ey"); got != "k/ey" {
		t.Errorf("no secrets: %q", got)
	}
}
