package participants_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks for leaked goroutines. The tests that wait out a
// vendor's Retry-After, a deadline or a rate limit do so on virtual time
// (testing/synctest), so the default -parallel is enough for the fault
// matrix's parallel rows.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
