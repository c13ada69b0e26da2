package opurl

import (
	"testing"

	"github.com/conversekit/conversekit/internal/urltest"
)

// Join is checked against the upstream construction here for any server and
// parameters; each vendor package checks its generated builders with it
// (urltest.AsUpstream).

func FuzzJoin(f *testing.F) { urltest.Fuzz(f, Join) }

func TestJoinPlainIsConcatenation(t *testing.T) {
	urltest.PlainIsConcatenation(t, Join)
	if n := testing.AllocsPerRun(100, func() {
		_, _ = Join("https://api.example.com/", "/x/%s/y/%s", "a", "b")
	}); n != 1 {
		t.Errorf("Join of a plain server and path: %v allocations, want 1", n)
	}
}
