package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// pkgInfo is what go list says of a package whose files are mutated.
type pkgInfo struct {
	ImportPath  string
	Dir         string
	Name        string
	GoFiles     []string
	CgoFiles    []string
	TestGoFiles []string
	Imports     []string
	TestImports []string
	Module      *struct{ GoVersion string }
}

// classify checks every mutant of ms (in place): NOT VIABLE when it does not
// type-check, and for the NOT COVERED ones that do, the result of the tests.
func classify(ms []*mutant, dir string, workers int, coefficient float64) error {
	byDir := map[string][]*mutant{}
	var dirs []string
	for _, m := range ms {
		d := filepath.Join(dir, filepath.Dir(m.file))
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], m)
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		if err := classifyPackage(byDir[d], dir, d, workers, coefficient); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
	}
	return nil
}

// checker type-checks one package, its in-package tests included.
type checker struct {
	fset   *token.FileSet
	files  []*ast.File
	byName map[string]*ast.File
	conf   types.Config
	path   string
}

func newChecker(p *pkgInfo) (*checker, error) {
	if len(p.CgoFiles) > 0 {
		return nil, errors.New("cgo files are not supported")
	}
	imports := slices.Concat(p.Imports, p.TestImports)
	slices.Sort(imports)
	imports = slices.DeleteFunc(slices.Compact(imports), func(s string) bool { return s == "unsafe" || s == "C" })
	exports := map[string]string{}
	if len(imports) > 0 {
		args := append([]string{"list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{with .Error}}{{.Err}}{{end}}"}, imports...)
		out, err := goCmd(args...)
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
			f := strings.SplitN(l, "\t", 3)
			if len(f) != 3 {
				return nil, fmt.Errorf("go list: unexpected line %q", l)
			}
			if f[2] != "" {
				return nil, fmt.Errorf("go list %s: %s", f[0], f[2])
			}
			exports[f[0]] = f[1]
		}
	}
	c := &checker{fset: token.NewFileSet(), byName: map[string]*ast.File{}, path: p.ImportPath}
	for _, name := range slices.Concat(p.GoFiles, p.TestGoFiles) {
		f, err := parser.ParseFile(c.fset, filepath.Join(p.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		c.files = append(c.files, f)
		c.byName[name] = f
	}
	lookup := func(path string) (io.ReadCloser, error) {
		e := exports[path]
		if e == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(e)
	}
	c.conf = types.Config{Importer: importer.ForCompiler(c.fset, "gc", lookup)}
	if p.Module != nil && p.Module.GoVersion != "" {
		c.conf.GoVersion = "go" + p.Module.GoVersion
	}
	return c, nil
}

// check type-checks the package as its syntax trees are now and returns the
// first error.
func (c *checker) check() error {
	var first error
	conf := c.conf
	conf.Error = func(err error) {
		if first == nil {
			first = err
		}
	}
	_, _ = conf.Check(c.path, c.fset, c.files, nil)
	return first
}

func classifyPackage(ms []*mutant, root, dir string, workers int, coefficient float64) error {
	out, err := goCmd("list", "-e", "-json=ImportPath,Dir,Name,GoFiles,CgoFiles,TestGoFiles,Imports,TestImports,Module", "./"+filepath.ToSlash(dir))
	if err != nil {
		return err
	}
	var p pkgInfo
	if err := json.Unmarshal(out, &p); err != nil {
		return err
	}
	c, err := newChecker(&p)
	if err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return fmt.Errorf("the unmutated package does not type-check: %w", err)
	}
	var run []*mutant
	srcs := map[string][]byte{}
	offsets := map[*mutant][3]int{} // offset, old token, new token
	for _, m := range ms {
		name := filepath.Base(m.file)
		f := c.byName[name]
		if f == nil || strings.HasSuffix(name, "_test.go") {
			return fmt.Errorf("%s: %s is not a file of the package's build", m.line(), m.file)
		}
		tok, pos := tokenAt(c.fset, f, m.lineNo, m.col)
		if tok == nil {
			return fmt.Errorf("%s: no mutable token at that position (is the report of this code?)", m.line())
		}
		old := *tok
		to, ok := mutation(m.typ, old)
		if !ok {
			return fmt.Errorf("%s: %s does not apply to %q", m.line(), m.typ, old)
		}
		*tok = to
		err := c.check()
		*tok = old
		if err != nil {
			if m.gremlins == lived || m.gremlins == timedOut {
				return fmt.Errorf("%s: does not type-check (%v), yet its tests ran", m.line(), err)
			}
			m.status = notViable
			continue
		}
		if m.gremlins == notViable {
			return fmt.Errorf("%s: type-checks, yet gremlins could not build it", m.line())
		}
		if m.gremlins == notCovered || runAll {
			run = append(run, m)
			offsets[m] = [3]int{c.fset.Position(pos).Offset, int(old), int(to)}
			if srcs[name] == nil {
				if srcs[name], err = os.ReadFile(filepath.Join(p.Dir, name)); err != nil {
					return err
				}
			}
		}
	}
	if len(run) == 0 {
		return nil
	}
	tmp, err := os.MkdirTemp("", "mutants")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// The baseline: the unmutated tests, with a file changed by a comment so
	// that the package and its test binary are rebuilt as for a mutant.
	first := filepath.Base(run[0].file)
	base := append(slices.Clip(srcs[first]), "\n// mutants baseline\n"...)
	t0 := time.Now()
	status, outb, err := goTest(tmp, "baseline", filepath.Join(p.Dir, first), base, dir, time.Hour)
	if err != nil {
		return err
	}
	if status != lived {
		return fmt.Errorf("the unmutated package's tests do not pass (%s):\n%s", status, outb)
	}
	timeout := time.Duration(coefficient * float64(time.Since(t0)))
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				m := run[i]
				o := offsets[m]
				name := filepath.Base(m.file)
				src, err := mutateSource(srcs[name], o[0], token.Token(o[1]), token.Token(o[2]))
				if err == nil {
					var s string
					var out []byte
					s, out, err = goTest(tmp, fmt.Sprint(i), filepath.Join(p.Dir, name), src, dir, timeout)
					if err == nil && s == notViable {
						err = fmt.Errorf("%s: type-checks but does not build:\n%s", m.line(), out)
					}
					m.status = s
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range run {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// goTest runs the tests of package dir with file replaced by src, as gremlins
// runs a mutant's (go test -failfast, the environment's GOFLAGS), and
// returns KILLED, LIVED, TIMED OUT or NOT VIABLE (a build failure).
func goTest(tmp, id, file string, src []byte, dir string, timeout time.Duration) (string, []byte, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", nil, err
	}
	mutated := filepath.Join(tmp, id+".go")
	if err := os.WriteFile(mutated, src, 0o600); err != nil {
		return "", nil, err
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: mutated}})
	overlay := filepath.Join(tmp, id+".json")
	if err := os.WriteFile(overlay, ov, 0o600); err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := []string{"test", "-overlay", overlay, "-timeout", (2*time.Second + timeout).String(), "-failfast"}
	if runPattern != "" {
		args = append(args, "-run", runPattern)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./"+filepath.ToSlash(dir))...)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	switch {
	case ctx.Err() != nil:
		return timedOut, out.Bytes(), nil
	case err == nil:
		return lived, out.Bytes(), nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return "", out.Bytes(), err
	}
	if bytes.Contains(out.Bytes(), []byte("[build failed]")) || bytes.Contains(out.Bytes(), []byte("[setup failed]")) {
		return notViable, out.Bytes(), nil
	}
	return killed, out.Bytes(), nil
}

// goCmd runs the go command and returns its standard output.
func goCmd(args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}
