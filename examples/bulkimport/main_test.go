package main

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// envOf returns a getenv over vars.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// readFailures reads a failures.csv: its header, and the code of each
// failed line.
func readFailures(t *testing.T, path string) (header []string, codes map[int]string, rows map[int][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	header = records[0]
	codes, rows = map[int]string{}, map[int][]string{}
	for _, r := range records[1:] {
		line, err := strconv.Atoi(r[0])
		if err != nil {
			t.Fatalf("line %q: %v", r[0], err)
		}
		if _, dup := codes[line]; dup {
			t.Errorf("line %d reported twice", line)
		}
		codes[line] = r[len(r)-2]
		rows[line] = r
	}
	return header, codes, rows
}

// TestGeneratedImport runs the command as `go run .` does, on the fakes and
// a generated CSV (2,500 people here), on virtual time: every bad row is in
// failures.csv with its line and code, the error says how many failed, and
// the fake's 429s show in the progress bar.
func TestGeneratedImport(t *testing.T) {
	dir := t.TempDir()
	failures := filepath.Join(dir, "failures.csv")
	const people = 2500
	// The bad rows and their codes, from the generator alone.
	want, err := writeDemoCSV(filepath.Join(dir, "want.csv"), people, []string{"u"})
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		var out, bar bytes.Buffer
		err := run(t.Context(), &out, &bar, envOf(nil), []string{"-people", strconv.Itoa(people), "-failures", failures})
		wantErr := strconv.Itoa(len(want)) + " of " + strconv.Itoa(people) + " rows failed"
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("run: %v, want an error with %q\n%s", err, wantErr, out.String())
		}
		if !strings.Contains(out.String(), strconv.Itoa(people-len(want))+" added") {
			t.Errorf("summary does not say %d added:\n%s", people-len(want), out.String())
		}
		if !strings.Contains(bar.String(), "429 ×") || !strings.Contains(bar.String(), "rows/s") {
			t.Errorf("progress bar shows no 429 pause or no rate:\n%.2000s", bar.String())
		}
	})
	header, codes, _ := readFailures(t, failures)
	if got := strings.Join(header, ","); got != "line,"+strings.Join(demoHeader, ",")+",code,message" {
		t.Errorf("header %s", got)
	}
	if len(codes) != len(want) {
		t.Errorf("%d failures, want %d", len(codes), len(want))
	}
	for line, code := range want {
		if codes[line] != code.String() {
			t.Errorf("line %d: code %q, want %s", line, codes[line], code)
		}
	}
}

// importCSV imports the CSV text into a fresh fake on virtual time and
// returns the error of the import, the failures file and the fake's
// participants.
func importCSV(t *testing.T, text string, args ...string) (err error, failures string, added int) {
	t.Helper()
	dir := t.TempDir()
	in, failures := filepath.Join(dir, "in.csv"), filepath.Join(dir, "failures.csv")
	if err := os.WriteFile(in, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		p := &pauses{}
		fk, ferr := startFake(p)
		if ferr != nil {
			t.Fatal(ferr)
		}
		defer fk.close()
		f, ferr := parseFlags(&bytes.Buffer{}, append([]string{"-in", in, "-failures", failures, "-quiet"}, args...))
		if ferr != nil {
			t.Fatal(ferr)
		}
		err = importFile(t.Context(), &bytes.Buffer{}, &bytes.Buffer{}, f, &fk.target, p)
		added = len(fk.server.Participants(fk.conversation))
	})
	return err, failures, added
}

// TestFailuresByLine: each failure is reported with its input line (a
// quoted cell over two lines included), its cells as read, its code and
// the vendor's or the facade's message; the good rows are added.
func TestFailuresByLine(t *testing.T) {
	text := "email,phone,channel\n" + // line 1
		"ada@example.com,,\n" + // 2: added
		"bad@,,\n" + // 3: not an email
		"\"grace\n@example.com\",,\n" + // 4-5: a newline in a quoted cell: InvalidArgument at line 4
		",+15558675310,whatsapp\n" + // 6: added
		"too,many,cells,here\n" + // 7: not a row of this header
		",+15558675311,fax\n" + // 8: no such channel
		"linus@example.com,,\n" // 9: added
	err, failures, added := importCSV(t, text)
	if err == nil || !strings.Contains(err.Error(), "4 of 7 rows failed") {
		t.Errorf("err = %v, want 4 of 7 rows failed", err)
	}
	if added != 3 {
		t.Errorf("%d participants added, want 3", added)
	}
	header, codes, rows := readFailures(t, failures)
	if got := strings.Join(header, ","); got != "line,email,phone,channel,code,message" {
		t.Errorf("header %s", got)
	}
	want := map[int]string{3: "InvalidArgument", 4: "InvalidArgument", 7: "InvalidArgument", 8: "InvalidArgument"}
	if len(codes) != len(want) {
		t.Errorf("failed lines %v, want %v", codes, want)
	}
	for line, code := range want {
		if codes[line] != code {
			t.Errorf("line %d: code %q, want %s (rows %q)", line, codes[line], code, rows)
		}
	}
	for line, wantCells := range map[int]string{3: "bad@,,", 7: "too,many,cells", 8: ",+15558675311,fax"} {
		if got := strings.Join(rows[line][1:4], ","); got != wantCells {
			t.Errorf("line %d cells %q, want %q", line, got, wantCells)
		}
	}
	if msg := rows[8][5]; !strings.Contains(msg, "bird") || !strings.Contains(msg, "Channel") {
		t.Errorf("line 8 message %q does not name the vendor and the field", msg)
	}
	if msg := rows[7][5]; !strings.Contains(msg, "4 cells") {
		t.Errorf("line 7 message %q does not say what is wrong", msg)
	}
}

// TestVendorFailure: a failure the vendor reports (a Bird user that does
// not exist: 404) is in failures.csv with its code, next to an agent added
// once and then AlreadyPresent.
func TestVendorFailure(t *testing.T) {
	text := "kind,id,email\n" +
		"user," + unknownUser + ",\n" + // 2: NotFound
		",,ada@example.com\n" + // 3: added
		",,ada@example.com\n" // 4: already present, a success
	err, failures, added := importCSV(t, text)
	if err == nil || !strings.Contains(err.Error(), "1 of 3 rows failed") {
		t.Errorf("err = %v, want 1 of 3 rows failed", err)
	}
	if added != 1 {
		t.Errorf("%d participants added, want 1", added)
	}
	_, codes, rows := readFailures(t, failures)
	if len(codes) != 1 || codes[2] != "NotFound" || rows[2][2] != unknownUser {
		t.Errorf("failures %q, want line 2 NotFound with its id", rows)
	}
}

// TestAllGood: no failure is exit status 0 and a failures file with only
// its header.
func TestAllGood(t *testing.T) {
	err, failures, added := importCSV(t, "identifier_key,identifier_value\nphonenumber,+15558675310\nemailaddress,ada@example.com\n", "-rate", "100")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if added != 2 {
		t.Errorf("%d added, want 2", added)
	}
	header, codes, _ := readFailures(t, failures)
	if len(codes) != 0 || len(header) != 5 {
		t.Errorf("failures file: header %q, %d failures; want the header alone", header, len(codes))
	}
}

// TestBadHeader: a header that names an unknown column, a column twice, or
// no identity is refused before any request, naming the problem.
func TestBadHeader(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown column", "email,first_name\nada@example.com,Ada\n", `column 2 is "first_name"`},
		{"twice", "email,Email\nada@example.com,ada@example.com\n", `column "email" appears twice`},
		{"no identity", "channel,status\nsms,active\n", "no identity column"},
		{"empty", "", "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in.csv")
			if err := os.WriteFile(in, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			synctest.Test(t, func(t *testing.T) {
				p := &pauses{}
				fk, err := startFake(p)
				if err != nil {
					t.Fatal(err)
				}
				defer fk.close()
				f, err := parseFlags(&bytes.Buffer{}, []string{"-in", in, "-failures", filepath.Join(dir, "f.csv"), "-quiet"})
				if err != nil {
					t.Fatal(err)
				}
				err = importFile(t.Context(), &bytes.Buffer{}, &bytes.Buffer{}, f, &fk.target, p)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want %q", err, tc.want)
				}
				if n := fk.server.Requests(); n != 0 {
					t.Errorf("%d requests sent", n)
				}
			})
		})
	}
}

// TestFromEnv: the vendor comes from the quickstart's variables; half of
// them, several vendors without -vendor, or credentials without a
// conversation are errors.
func TestFromEnv(t *testing.T) {
	bird := map[string]string{"BIRD_ACCESS_KEY": "k", "BIRD_WORKSPACE_ID": "a1405560-c8d3-4b1a-877d-3f449ad95352"}
	both := map[string]string{"INTERCOM_TOKEN": "t", "INTERCOM_ADMIN_ID": "1"}
	for k, v := range bird {
		both[k] = v
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // an error containing it, or "" for a bird target
	}{
		{"bird", bird, []string{"-conversation", "c"}, ""},
		{"half", map[string]string{"TWILIO_ACCOUNT_SID": "AC1"}, nil, "TWILIO_AUTH_TOKEN is not"},
		{"no conversation", bird, nil, "-conversation"},
		{"conversation without credentials", nil, []string{"-conversation", "c"}, "needs a vendor's credentials"},
		{"two vendors", both, []string{"-conversation", "c"}, "choose one with -vendor"},
		{"two vendors, one chosen", both, []string{"-conversation", "c", "-vendor", "bird"}, ""},
		{"chosen without credentials", bird, []string{"-conversation", "c", "-vendor", "twilio"}, "not in the environment"},
		{"unknown vendor", bird, []string{"-conversation", "c", "-vendor", "slack"}, "not intercom, bird"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseFlags(&bytes.Buffer{}, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fromEnv(envOf(tc.env), f, &pauses{})
			switch {
			case tc.want == "" && (err != nil || got == nil || got.name != "bird" || got.conversation != "c"):
				t.Errorf("fromEnv = %+v, %v; want the bird target", got, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("fromEnv error %v, want %q", err, tc.want)
			}
		})
	}
	if got, err := fromEnv(envOf(nil), &flags{}, &pauses{}); got != nil || err != nil {
		t.Errorf("no credentials: %+v, %v; want nil, nil (the fakes)", got, err)
	}
}

// TestPauses: overlapping 429s count once in the time paused; Retry-After
// as seconds or a date and X-RateLimit-Reset are understood.
func TestPauses(t *testing.T) {
	var p pauses
	t0 := time.Unix(1_800_000_000, 0)
	p.observe(t0, http.Header{"Retry-After": {"2"}})                                    // until t0+2s
	p.observe(t0.Add(time.Second), http.Header{"Retry-After": {"2"}})                   // until t0+3s: 1s more
	p.observe(t0.Add(10*time.Second), http.Header{"X-Ratelimit-Reset": {"1800000011"}}) // until t0+11s: 1s
	p.observe(t0.Add(20*time.Second), http.Header{"Retry-After": {t0.Add(25 * time.Second).UTC().Format(http.TimeFormat)}})
	p.observe(t0.Add(30*time.Second), http.Header{}) // counted, no wait
	n, d := p.totals()
	if n != 5 || d != 9*time.Second {
		t.Errorf("totals = %d, %s; want 5, 9s", n, d)
	}
	if got := p.describe("bird"); got != "bird (429 ×5, paused 9.0s)" {
		t.Errorf("describe = %q", got)
	}
	var none pauses
	if got := none.describe("bird"); got != "bird" {
		t.Errorf("describe without 429 = %q", got)
	}
}

// TestCountRows: the progress bar's total counts records, not lines.
func TestCountRows(t *testing.T) {
	n, err := countRows(strings.NewReader("email\n\"a\nb\"\nc\nd,e\n"))
	if err != nil || n != 3 {
		t.Errorf("countRows = %d, %v; want 3", n, err)
	}
}

// TestUseColumn: a row that sets several identities is refused before any
// request unless its use cell names the one to send (Participant.Use).
func TestUseColumn(t *testing.T) {
	text := "email,phone,use\n" + // line 1
		"ada@example.com,+15558675310,Email\n" + // 2: added by email
		"grace@example.com,+15558675311,\n" + // 3: two identities, no use: InvalidArgument
		"linus@example.com,+15558675312,Phone\n" + // 4: added by phone
		"bob@example.com,,Phone\n" // 5: use names an empty identity: InvalidArgument
	err, failures, added := importCSV(t, text)
	if err == nil || !strings.Contains(err.Error(), "2 of 4 rows failed") {
		t.Errorf("err = %v, want 2 of 4 rows failed", err)
	}
	if added != 2 {
		t.Errorf("%d participants added, want 2", added)
	}
	_, codes, rows := readFailures(t, failures)
	if len(codes) != 2 || codes[3] != "InvalidArgument" || codes[5] != "InvalidArgument" {
		t.Fatalf("failures %q, want lines 3 and 5 InvalidArgument", rows)
	}
	if msg := rows[3][5]; !strings.Contains(msg, "Email") || !strings.Contains(msg, "Phone") || !strings.Contains(msg, "Use") {
		t.Errorf("line 3 message %q does not name the identities and Use", msg)
	}
}
