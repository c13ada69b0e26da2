package twiliogo

// The Go init of a Twilio-only program: cmd/initours (conversekit) against
// cmd/inittwiliogo (twilio-go's REST client, as its README starts) and
// cmd/inittwiliogoconv (twilio-go's client and conversations v1 only), each
// built once and run with GODEBUG=inittrace=1; a run's init time is the sum
// of the "ms clock" the runtime reports for every package it initializes.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// initPrograms are the programs under cmd/, conversekit's first.
var initPrograms = []string{"initours", "inittwiliogo", "inittwiliogoconv"}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// built builds the programs under cmd/ once per test binary, into a
// directory removed by TestMain, and returns their paths by name.
func built(tb testing.TB) map[string]string {
	tb.Helper()
	buildOnce.Do(func() {
		var goCmd string
		if goCmd, buildErr = exec.LookPath("go"); buildErr != nil {
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "twiliogo-init"); buildErr != nil {
			return
		}
		for _, p := range initPrograms {
			cmd := exec.Command(goCmd, "build", "-o", filepath.Join(buildDir, p), "./cmd/"+p)
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build ./cmd/%s: %v\n%s", p, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	paths := make(map[string]string, len(initPrograms))
	for _, p := range initPrograms {
		paths[p] = filepath.Join(buildDir, p)
	}
	return paths
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// initTrace is what GODEBUG=inittrace=1 reported for one run.
type initTrace struct {
	packages []string
	clockMs  float64 // the sum of every package's "ms clock"
	libMs    float64 // the same for the packages outside the standard library
	bytes    int64
	allocs   int64
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs$`)

// parseInitTrace sums the init lines of stderr; it fails on a run that
// reports none.
func parseInitTrace(stderr []byte) (initTrace, error) {
	var t initTrace
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	for sc.Scan() {
		m := initLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ms, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return t, fmt.Errorf("init line %q: %v", sc.Text(), err)
		}
		b, _ := strconv.ParseInt(m[3], 10, 64)
		a, _ := strconv.ParseInt(m[4], 10, 64)
		t.packages = append(t.packages, m[1])
		t.clockMs += ms
		if first, _, _ := strings.Cut(m[1], "/"); strings.Contains(first, ".") {
			t.libMs += ms
		}
		t.bytes += b
		t.allocs += a
	}
	if len(t.packages) == 0 {
		return t, fmt.Errorf("no init lines in %q", stderr)
	}
	return t, nil
}

// runInit runs the program at path once with GODEBUG=inittrace=1.
func runInit(path string) (initTrace, error) {
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return initTrace{}, fmt.Errorf("%s: %v\n%s", filepath.Base(path), err, stderr.Bytes())
	}
	return parseInitTrace(stderr.Bytes())
}

// Each program builds, runs, and initializes the library it stands for
// (and not the other one), so the init benchmark times what it says.
func TestInitPrograms(t *testing.T) {
	paths := built(t)
	for _, c := range []struct {
		program, has, hasNot string
	}{
		{"initours", "github.com/conversekit/conversekit/twilio", "github.com/twilio/twilio-go"},
		{"inittwiliogo", "github.com/twilio/twilio-go/client", "github.com/conversekit/conversekit"},
		{"inittwiliogoconv", "github.com/twilio/twilio-go/client", "github.com/conversekit/conversekit"},
	} {
		tr, err := runInit(paths[c.program])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(tr.packages, c.has) {
			t.Errorf("%s did not initialize %s: %q", c.program, c.has, tr.packages)
		}
		for _, p := range tr.packages {
			if strings.HasPrefix(p, c.hasNot) {
				t.Errorf("%s initialized %s", c.program, p)
			}
		}
	}
	if _, err := parseInitTrace([]byte("hello\n")); err == nil {
		t.Error("parseInitTrace took a run with no init lines")
	}
	got, err := parseInitTrace([]byte("init a @0.010 ms, 0.25 ms clock, 100 bytes, 2 allocs\ninit example.com/b @0.300 ms, 1.5 ms clock, 20 bytes, 1 allocs\n"))
	if err != nil || got.clockMs != 1.75 || got.libMs != 1.5 || got.bytes != 120 || got.allocs != 3 || !slices.Equal(got.packages, []string{"a", "example.com/b"}) {
		t.Errorf("parseInitTrace = %+v, %v; want a and example.com/b, 1.75 ms (1.5 outside the standard library), 120 bytes, 3 allocs", got, err)
	}
}

// BenchmarkInit runs each program once per iteration, in an order that
// rotates, and reports the medians over the iterations of each one's init
// time (<name>-init-ms: the sum of its packages' "ms clock" under
// GODEBUG=inittrace=1), of the part of it spent in packages outside the
// standard library (<name>-lib-ms), of its init heap bytes and allocations,
// and the medians of the per-iteration ratios (ours/twilio-go: conversekit
// against twilio-go's REST client; ours/twilio-go-conv: against its client
// and conversations v1 only; lib-: the same for the library part). The
// ns/op is the time of the three process runs, not of the inits.
func BenchmarkInit(b *testing.B) {
	paths := built(b)
	names := map[string]string{"initours": "ours", "inittwiliogo": "twilio-go", "inittwiliogoconv": "twilio-go-conv"}
	runs := make(map[string][]initTrace, len(initPrograms))
	n := 0
	for b.Loop() {
		for k := range initPrograms {
			p := initPrograms[(n+k)%len(initPrograms)]
			tr, err := runInit(paths[p])
			if err != nil {
				b.Fatal(err)
			}
			runs[p] = append(runs[p], tr)
		}
		n++
	}
	field := func(p string, f func(initTrace) float64) []float64 {
		xs := make([]float64, 0, n)
		for _, tr := range runs[p] {
			xs = append(xs, f(tr))
		}
		return xs
	}
	for _, p := range initPrograms {
		b.ReportMetric(median(field(p, func(t initTrace) float64 { return t.clockMs })), names[p]+"-init-ms")
		b.ReportMetric(median(field(p, func(t initTrace) float64 { return t.libMs })), names[p]+"-lib-ms")
		b.ReportMetric(median(field(p, func(t initTrace) float64 { return float64(t.bytes) })), names[p]+"-init-B")
		b.ReportMetric(median(field(p, func(t initTrace) float64 { return float64(t.allocs) })), names[p]+"-init-allocs")
	}
	for _, theirs := range initPrograms[1:] {
		var all, lib []float64
		for i, o := range runs["initours"] {
			t := runs[theirs][i]
			if t.clockMs > 0 {
				all = append(all, o.clockMs/t.clockMs)
			}
			if t.libMs > 0 {
				lib = append(lib, o.libMs/t.libMs)
			}
		}
		if len(all) > 0 {
			b.ReportMetric(median(all), "ours/"+names[theirs])
		}
		if len(lib) > 0 {
			b.ReportMetric(median(lib), "lib-ours/"+names[theirs])
		}
	}
}

// median of xs (sorted in place); xs is not empty.
func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}
