package main

import (
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The module the test classifies: sign's case expressions have no coverage
// block (gremlins reports them NOT COVERED), greet's "+" on strings cannot
// become "-", and the test pins sign's results but not how it treats zero.
const (
	testGoMod = "module example.com/m\n\ngo 1.26\n"
	testSrc   = `package p

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func greet(s string) string { return "hi " + s }
`
	testTest = `package p

import "testing"

func TestSign(t *testing.T) {
	if sign(-5) != -1 || sign(7) != 1 || greet("x") != "hi x" {
		t.Fatal("wrong")
	}
}
`
)

func TestRunReclassifies(t *testing.T) {
	dir := t.TempDir()
	for name, s := range map[string]string{"go.mod": testGoMod, "p/p.go": testSrc, "p/p_test.go": testTest} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	report := strings.Join([]string{
		"Gremlins banner",
		"   KILLED ARITHMETIC_BASE at p.go:13:44",
		"  NOT COVERED CONDITIONALS_NEGATION at p.go:5:9",
		"  NOT COVERED CONDITIONALS_BOUNDARY at p.go:7:9",
		"Mutator coverage: 0%",
	}, "\n")
	var out strings.Builder
	if err := run(strings.NewReader(report), &out, "p", 2, 10); err != nil {
		t.Fatal(err)
	}
	want := "NOT VIABLE ARITHMETIC_BASE at p.go:13:44 (gremlins: KILLED)\n" +
		"KILLED CONDITIONALS_NEGATION at p.go:5:9 (gremlins: NOT COVERED)\n" +
		"LIVED CONDITIONALS_BOUNDARY at p.go:7:9 (gremlins: NOT COVERED)\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	// The lines it writes read back as gremlins' verdicts: classifying them
	// again gives the same lines.
	var again strings.Builder
	if err := run(strings.NewReader(out.String()), &again, "p", 1, 10); err != nil {
		t.Fatal(err)
	}
	if again.String() != want {
		t.Fatalf("second pass got\n%s\nwant\n%s", again.String(), want)
	}
}

func TestRunRefuses(t *testing.T) {
	for _, report := range []string{
		"",                                     // no mutant
		"KILLED CONDITIONALS_NEGATION at p.go", // no position
		"KILLED NO_SUCH_MUTATION at p.go:1:1",  // unknown mutation
		"SKIPPED CONDITIONALS_NEGATION at p.go:1:1",
	} {
		if err := run(strings.NewReader(report), new(strings.Builder), "p", 1, 10); err == nil {
			t.Errorf("%q: no error", report)
		}
	}
}

func TestMutateSource(t *testing.T) {
	src := []byte("a += b")
	got, err := mutateSource(src, 2, tokenFor(t, "+="), tokenFor(t, "="))
	if err != nil || string(got) != "a = b" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := mutateSource(src, 0, tokenFor(t, "+="), tokenFor(t, "=")); err == nil {
		t.Fatal("a token that is not at the offset was replaced")
	}
}

// tokenFor returns the operator token spelled s.
func tokenFor(t *testing.T, s string) token.Token {
	for tok := token.ILLEGAL; tok <= token.TILDE; tok++ {
		if tok.IsOperator() && tok.String() == s {
			return tok
		}
	}
	t.Fatalf("no operator %q", s)
	return token.ILLEGAL
}
