package intercom

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
)

// The edges that the behaviour tests do not reach (found by mutation
// testing).

// An error list whose first entry is not an object: the first entry that
// is gives the code.
func TestDecodeErrorSkipsEntriesThatAreNotObjects(t *testing.T) {
	e := &apierror.Error{Body: []byte(`{"type":"error.list","errors":["oops",{"code":"not_found","message":"Resource Not Found"}]}`)}
	decodeError(e)
	if e.Code != "not_found" || e.Message != "Resource Not Found" {
		t.Fatalf("decoded %q, %q", e.Code, e.Message)
	}
}

// A numeric code is its text, whatever its first digit; other JSON values
// are no code.
func TestDecodeErrorNumericCodes(t *testing.T) {
	for raw, want := range map[string]string{`0`: "0", `9`: "9", `404`: "404", `-1`: "-1", `1.5`: "1.5", `true`: "", `null`: "", `{}`: "", `"x"`: "x"} {
		e := &apierror.Error{Body: []byte(`{"type":"error.list","errors":[{"code":` + raw + `,"message":"m"}]}`)}
		decodeError(e)
		if e.Code != want {
			t.Errorf("code %s: decoded %q, want %q", raw, e.Code, want)
		}
	}
}

// rawIDReference is what rawID promises: a JSON string's value, a JSON
// integer's digits, or "".
func rawIDReference(raw string) string {
	raw = strings.TrimSpace(raw)
	if strings.HasPrefix(raw, `"`) {
		var s string
		if json.Unmarshal([]byte(raw), &s) != nil {
			return ""
		}
		return s
	}
	if raw == "" || strings.Trim(raw, "0123456789") != "" {
		return ""
	}
	return raw
}

// rawID reads what json.Unmarshal gives a json.RawMessage: one valid JSON
// value (or nothing), which is what the inputs below are kept to.
func TestRawIDAgreesWithJSON(t *testing.T) {
	for _, raw := range []string{``, `"`, `""`, `"a"`, `"1886"`, `"a\"b"`, `"\u0031"`, `"\\"`, `"é"`, "\"\xff\"", `1886`, `0`, `9`, `09`, `1.5`, `-1`, `null`, `{}`, ` "a" `, `"a`, `a"`} {
		if raw != "" && !json.Valid([]byte(raw)) {
			continue
		}
		if got, want := rawID(json.RawMessage(raw)), rawIDReference(raw); got != want {
			t.Errorf("rawID(%q) = %q, want %q", raw, got, want)
		}
	}
	alphabet := []string{`"`, `\`, `a`, `0`, `9`, `/`, `:`, `u`, `é`, " ", "\xff", `.`, `-`}
	r := rand.New(rand.NewPCG(20, 1))
	for range 100_000 {
		var b strings.Builder
		for range r.IntN(7) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		raw := b.String()
		if !json.Valid([]byte(raw)) {
			continue
		}
		if got, want := rawID(json.RawMessage(raw)), rawIDReference(raw); got != want {
			t.Fatalf("rawID(%q) = %q, want %q", raw, got, want)
		}
	}
}

// A topic of 64 bytes is quoted whole; a longer one is cut there.
func TestClipTopic(t *testing.T) {
	s64 := strings.Repeat("t", 64)
	if got := clipTopic(s64); got != s64 {
		t.Errorf("clipTopic of 64 bytes = %q", got)
	}
	if got := clipTopic(s64 + "u"); got != s64+"..." {
		t.Errorf("clipTopic of 65 bytes = %q", got)
	}
	if got := clipTopic("a\x00b\x7fc d"); got != "a b c d" {
		t.Errorf("clipTopic of control characters = %q", got)
	}
}
