package specs_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
)

var update = flag.Bool("update", false, "rewrite templates/upstream/*.diff from the forked templates")

// generator is the module path of the pinned code generator (tools.mod).
const generator = "github.com/oapi-codegen/oapi-codegen/v2"

// TestTemplateForksAgainstUpstream diffs each template forked in
// templates/ against the one of the generator that tools.mod pins, and
// compares the diff with templates/upstream/<name>.diff: what we changed,
// reviewed once and committed. An upgrade of the generator (or an edit of
// a fork) shows here as a changed diff; after reading it, run
//
//	go test ./specs -run TestTemplateForksAgainstUpstream -update
//
// and commit the new .diff files.
func TestTemplateForksAgainstUpstream(t *testing.T) {
	out, err := exec.Command("go", "list", "-modfile=../tools.mod", "-m", "-f", "{{.Dir}} {{.Version}}", generator).Output()
	if err != nil {
		t.Fatalf("go list %s (run go mod download -modfile=tools.mod): %v", generator, err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if dir == "" {
		t.Fatalf("%s@%s is not in the module cache: go mod download -modfile=tools.mod", generator, version)
	}
	forks, err := filepath.Glob("templates/*.tmpl")
	if err != nil || len(forks) == 0 {
		t.Fatalf("no forked templates (%v)", err)
	}
	seen := map[string]bool{}
	for _, fork := range forks {
		name := filepath.Base(fork)
		seen[name+".diff"] = true
		t.Run(name, func(t *testing.T) {
			upstreamFile := filepath.Join(dir, "pkg", "codegen", "templates", name)
			upstream, err := os.ReadFile(upstreamFile)
			if err != nil {
				t.Fatalf("%s forks a template %s@%s does not have: %v", fork, generator, version, err)
			}
			ours, err := os.ReadFile(fork)
			if err != nil {
				t.Fatal(err)
			}
			got := udiff.Unified(generator+"@"+version+"/pkg/codegen/templates/"+name, "specs/"+fork, string(upstream), string(ours))
			if got == "" {
				t.Errorf("%s is the upstream template unchanged: drop the fork from the .cfg.yaml files", fork)
			}
			record := filepath.Join("templates", "upstream", name+".diff")
			if *update {
				if err := os.WriteFile(record, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(record)
			if err != nil {
				t.Fatalf("%v: record the fork's diff with -update", err)
			}
			if got != string(want) {
				t.Errorf("%s no longer differs from upstream as %s records (a generator upgrade or an edit of the fork); the diff now:\n%s\nread it, then run go test ./specs -run TestTemplateForksAgainstUpstream -update", fork, record, got)
			}
		})
	}
	records, _ := filepath.Glob(filepath.Join("templates", "upstream", "*.diff"))
	for _, r := range records {
		if !seen[filepath.Base(r)] {
			t.Errorf("%s records a fork that no longer exists: delete it", r)
		}
	}
}
