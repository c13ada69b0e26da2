// Command mutants makes a gremlins report count what it claims to count.
// It is run by .ci/mutation on the report of one package and is not part of
// the SDK's API.
//
// gremlins v0.6.0 counts a mutant whose package no longer compiles as
// KILLED (go test exits 1 on a build failure as on a failing test), and it
// never runs the mutants it reports NOT COVERED: those whose position no
// coverage block holds, mostly `case` expressions, since a coverage block
// starts after a case clause's colon. mutants reads the report lines
// ("KILLED CONDITIONALS_NEGATION at transport.go:447:8") on its standard
// input, applies each mutant to the package's syntax tree exactly as gremlins
// does (the token at that position swapped by the same table, see mutate.go)
// and type-checks the package with go/types against the export data of its
// imports: a mutant that does not type-check is NOT VIABLE whatever gremlins
// said. Each NOT COVERED mutant that builds is then run: the mutated file is
// laid over the original with go test -overlay (the checkout is never
// written), and the result is KILLED (the tests fail), LIVED (they pass) or
// TIMED OUT (longer than the timeout coefficient times a run of the
// unmutated package's tests, build included). A reclassified line keeps
// gremlins' verdict after it: "NOT VIABLE ARITHMETIC_BASE at x.go:3:9
// (gremlins: KILLED)".
//
// Usage:
//
//	mutants -dir internal/transport [-workers 2] [-timeout-coefficient 10] <report >lines
//
// -dir is the directory gremlins was given (the report's file names are
// relative to it). For checking a new test against mutants by hand (not
// used by .ci/mutation): -all runs every mutant that builds, not only the
// NOT COVERED ones, and -run passes its pattern to go test -run. Positions are type-checked with the package's own files
// and its in-package test files; the external test package is not (it
// imports the mutated package, whose export data would have to be rebuilt
// for each mutant): a mutant that only changes a constant an external test
// uses in a constant expression is not seen as non-building (see the
// README of .ci/mutation-survivors.md).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	dir := flag.String("dir", "", "the package directory gremlins was given, relative to the module root")
	workers := flag.Int("workers", 2, "NOT COVERED mutants run in parallel")
	coefficient := flag.Float64("timeout-coefficient", 10, "a mutant's tests time out after this many times the unmutated run")
	flag.BoolVar(&runAll, "all", false, "run every mutant that builds, not only the NOT COVERED ones (by hand, not for records)")
	flag.StringVar(&runPattern, "run", "", "go test -run pattern for the mutants' tests (by hand, not for records)")
	flag.Parse()
	if *dir == "" || flag.NArg() != 0 || *workers < 1 || *coefficient <= 0 {
		fmt.Fprintln(os.Stderr, "usage: mutants -dir PKGDIR [-workers N] [-timeout-coefficient C] <gremlins-report")
		os.Exit(2)
	}
	if err := run(os.Stdin, os.Stdout, *dir, *workers, *coefficient); err != nil {
		fmt.Fprintln(os.Stderr, "mutants:", err)
		os.Exit(1)
	}
}

// Flags for checking tests by hand.
var (
	runAll     bool
	runPattern string
)

// run classifies the report read from r and writes the lines to w.
func run(r io.Reader, w io.Writer, dir string, workers int, coefficient float64) error {
	var ms []*mutant
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		m, ok, err := parseLine(sc.Text())
		if err != nil {
			return err
		}
		if ok {
			ms = append(ms, m)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(ms) == 0 {
		return fmt.Errorf("no mutant in the report of %s", dir)
	}
	if err := classify(ms, dir, workers, coefficient); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, m := range ms {
		fmt.Fprintln(bw, m.line())
	}
	return bw.Flush()
}

// line formats m as a report line, with gremlins' verdict when it differs.
func (m *mutant) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s at %s:%d:%d", m.status, m.typ, m.file, m.lineNo, m.col)
	if m.status != m.gremlins {
		fmt.Fprintf(&b, " (gremlins: %s)", m.gremlins)
	}
	return b.String()
}
