package redislimit

import (
	"math"
	"testing"
	"time"
)

// msDuration holds every millisecond count a Duration can, and clamps the
// ones past it.
func TestMsDurationBound(t *testing.T) {
	last := int64(math.MaxInt64 / int64(time.Millisecond))
	if got, want := msDuration(last), time.Duration(last)*time.Millisecond; got != want {
		t.Errorf("msDuration(%d) = %d, want %d", last, got, want)
	}
	if got := msDuration(last + 1); got != math.MaxInt64 {
		t.Errorf("msDuration(%d) = %d, want the longest Duration", last+1, got)
	}
	if got := msDuration(1); got != time.Millisecond {
		t.Errorf("msDuration(1) = %v", got)
	}
}
