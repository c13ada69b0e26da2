package participants_test

import (
	"flag"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks for leaked goroutines and, unless -parallel is given,
// lets 16 parallel tests run at once instead of GOMAXPROCS: the parallel
// tests here (the fault matrix rows) mostly wait out a vendor's
// Retry-After, so on a 2-core machine the default would run those waits
// two at a time.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "16")
	}
	goleak.VerifyTestMain(m)
}
