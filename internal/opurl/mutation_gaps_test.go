package opurl

import (
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/urltest"
)

// Tests for mutants the honest mutation count of issue 18 found alive. Join
// must give the upstream string whatever path it takes; the tests below
// also pin which servers and paths take the concatenation (Join's doc: it
// is concatenated when that cannot differ), since a stricter predicate is
// invisible in the result and only costs the url.Parse it exists to avoid.

// The alphabets, spelled out rather than computed by comparisons.
const (
	lower      = "abcdefghijklmnopqrstuvwxyz"
	upper      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits     = "0123456789"
	unreserved = lower + upper + digits + "-._~"
	hexDigits  = digits + "abcdefABCDEF"
	subDelims  = "!$&'()*+,;="
)

func TestByteClasses(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if got, want := unreservedByte(b), strings.IndexByte(unreserved, b) >= 0; got != want {
			t.Errorf("unreservedByte(%q) = %v, want %v", b, got, want)
		}
		if got, want := hexByte(b), strings.IndexByte(hexDigits, b) >= 0; got != want {
			t.Errorf("hexByte(%q) = %v, want %v", b, got, want)
		}
	}
}

// TestPlainServerBytes: each printable ASCII byte in the host, the port and
// the path of a server.
func TestPlainServerBytes(t *testing.T) {
	for c := byte(0x21); c < 0x7f; c++ {
		s := string(c)
		for _, tc := range []struct {
			server string
			want   bool
		}{
			// '/' ends the host early ("http://a/b/"), which is plain.
			{"http://a" + s + "b/", strings.Contains(lower+digits+".-/", s)},
			{"http://h:1" + s + "2/", strings.Contains(digits+"/", s)},
			{"https://h/a" + s + "b/", strings.Contains(unreserved+"/", s)},
		} {
			if got := plainServer(tc.server); got != tc.want {
				t.Errorf("plainServer(%q) = %v, want %v", tc.server, got, tc.want)
			}
			checkJoin(t, tc.server, "/x/%s", "p")
		}
	}
}

func TestPlainServer(t *testing.T) {
	for server, want := range map[string]bool{
		"http://h/": true, "https://api.example.com/": true, "http://127.0.0.1:8080/": true,
		"https://a-b.c/v1/": true, "http://h:1/x~y_z.-/": true, "http://h/a/b/": true,
		"http://h/.x/": true, "http://h/x./": true, "http://h/.../": true,
		"ftp://h/": false, "http://": false, "http:///": false, "http://h": false,
		"http://:80/": false, "http://h:/": false, "http://H/": false, "http://h_x/": false,
		"http://h/x": false, "http://h//": false, "http://h/a//b/": false, "http://h/./": false,
		"http://h/../": false, "http://h/a/./": false, "http://h/a/../": false, "http://h/%7e/": false,
		"HTTP://h/": false, "http://h?x/": false,
	} {
		if got := plainServer(server); got != want {
			t.Errorf("plainServer(%q) = %v, want %v", server, got, want)
		}
		checkJoin(t, server, "/x/%s", "p")
	}
}

// TestPlainPathBytes: each printable ASCII byte in a path segment, and the
// percent-escapes.
func TestPlainPathBytes(t *testing.T) {
	for c := byte(0x21); c < 0x7f; c++ {
		s := string(c)
		p := "/a" + s + "b"
		want := strings.Contains(unreserved+subDelims+":@/", s)
		if got := plainPath(p); got != want {
			t.Errorf("plainPath(%q) = %v, want %v", p, got, want)
		}
		checkJoin(t, "http://h/", "/%s", "a"+s+"b")
	}
	for p, want := range map[string]bool{
		"/%41": true, "/%af": true, "/%AF": true, "/%09/x": true, "/x%2Fy": true,
		"/%4": false, "/%": false, "/a%": false, "/%4g": false, "/%g1": false, "/%G1": false, "/%:1": false,
		"/%/1": false, "/%`1": false, "/%@1": false, "/%1`": false, "/%1@": false,
		"/": true, "/x/": true, "/.x": true, "/x.": true, "/...": true,
		"/.": false, "/..": false, "/./x": false, "/../x": false, "/x/.": false, "/x/..": false, "/x/./y": false,
	} {
		if got := plainPath(p); got != want {
			t.Errorf("plainPath(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestJoinPlainScope: a path that starts with its parameter, or ends with
// one, is concatenated; the path check starts at the server's final "/", so
// a parameter's first byte is checked too.
func TestJoinPlainScope(t *testing.T) {
	for _, tc := range []struct {
		server, path string
		params       []string
		want         string // empty: not plain
	}{
		{"https://h/", "/%s", []string{"a"}, "https://h/a"},
		{"https://h/", "/%s/x/%s", []string{"a", "b"}, "https://h/a/x/b"},
		{"https://h/v1/", "/x", nil, "https://h/v1/x"},
		{"https://h/", "/%s", []string{" x"}, ""},
		{"https://h/", "/%s", []string{".."}, ""},
		{"https://h/", "/%s", []string{"."}, ""},
		{"https://h/", "/%s/x", []string{".."}, ""},
		{"https://h/", "x/%s", []string{"a"}, ""},
		{"https://h/", "", nil, ""},
		{"https://h/", "/x", []string{"a"}, ""}, // more parameters than %s
	} {
		got, ok := joinPlain(tc.server, tc.path, tc.params)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("joinPlain(%q, %q, %q) = %q, %v; want %q", tc.server, tc.path, tc.params, got, ok, tc.want)
		}
		// Join differs from upstream on a path without a leading "/" (it
		// does not prepend "." then); every generated path has one.
		if strings.Count(tc.path, "%s") == len(tc.params) && strings.HasPrefix(tc.path, "/") {
			checkJoin(t, tc.server, tc.path, tc.params...)
		}
	}
}

// checkJoin checks Join against the upstream construction.
func checkJoin(t *testing.T, server, path string, params ...string) {
	t.Helper()
	got, err := Join(server, path, params...)
	want, wantErr := urltest.UpstreamJoin(server, path, params...)
	if (err != nil) != (wantErr != nil) || got != want {
		t.Errorf("Join(%q, %q, %q) = %q, %v; upstream %q, %v", server, path, params, got, err, want, wantErr)
	}
}
