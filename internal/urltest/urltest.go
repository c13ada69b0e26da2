// Package urltest checks the request URLs of the generated vendor clients
// (specs/templates/client.tmpl, internal/opurl) against the construction of
// upstream oapi-codegen v2.8.2 (runtime.StyleParamWithOptions, url.Parse,
// fmt.Sprintf, ResolveReference, String), hostile values included. Each
// vendor package's tests give it their request builders.
package urltest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oapi-codegen/runtime"
)

// HostileParams are path parameter values that escaping must keep in their
// segment (or, for dot segments, resolve as the upstream client did).
var HostileParams = []string{
	"a/b", "..", ".", "", "%2e", "%2e%2e", "%2F", "%", "a b", "a+b", "ümlaut", "日本語", "a?b#c",
	"a;b,c", "+&=$!*'()@:", "~_-.", "\x00\x7f\n", "../../admin", "./x", "x/..", "\u00a0",
}

// TestServers are base URLs as a generated client keeps them (with a trailing
// "/"): plain ones take the concatenation, the others the upstream way.
var TestServers = []string{
	"http://127.0.0.1:8080/", "https://api.example.com/v1/", "HTTPS://Example.COM/",
	"http://h/a/../b/", "http://h/./", "http://[::1]:80/", "http://h/x?q=1/", "http://h/%7e/", "http://h//x/",
	"http://user@h/", "http://h:/", "http:///", "ftp://h/", "http://h/a b/", "http://h/#f/", "%zz/", "/",
}

// UpstreamURL is the URL string the upstream template built for a path
// format whose parameters are plain strings in the simple style.
func UpstreamURL(server, format string, params ...string) (string, error) {
	escaped := make([]string, len(params))
	for i, p := range params {
		s, err := runtime.StyleParamWithOptions("simple", false, "p", p,
			runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil {
			return "", err
		}
		escaped[i] = s
	}
	return UpstreamJoin(server, format, escaped...)
}

// UpstreamJoin is the upstream construction for escaped parameters.
func UpstreamJoin(server, format string, escaped ...string) (string, error) {
	args := make([]any, len(escaped))
	for i, s := range escaped {
		args[i] = s
	}
	serverURL, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	queryURL, err := serverURL.Parse("." + fmt.Sprintf(format, args...))
	if err != nil {
		return "", err
	}
	return queryURL.String(), nil
}

// Builder builds one operation's request with every path parameter set to
// p, on server, with the context Ctx.
type Builder struct {
	Name, Format string
	Params       int
	Build        func(server, p string) (*http.Request, error)
}

// Ctx is the context the builders are given; a request must carry it.
var Ctx = context.WithValue(context.Background(), ctxKey{}, 1)

type ctxKey struct{}

// AsUpstream checks that every builder gives, for the vendor's default
// server and every test server and hostile parameter, the URL (and path) of
// the upstream construction, or an error exactly when upstream fails, and
// carries Ctx.
func AsUpstream(t *testing.T, defaultServer string, builders []Builder) {
	t.Helper()
	servers := append([]string{defaultServer}, TestServers...)
	for _, b := range builders {
		for _, server := range servers {
			for _, p := range HostileParams {
				ps := make([]string, b.Params)
				for i := range ps {
					ps[i] = p
				}
				want, wantErr := UpstreamURL(server, b.Format, ps...)
				var wantReq *http.Request
				if wantErr == nil {
					wantReq, wantErr = http.NewRequest(http.MethodGet, want, nil)
				}
				req, err := b.Build(server, p)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("%s(%q, %q): error %v, upstream %v", b.Name, server, p, err, wantErr)
				}
				if err != nil {
					continue
				}
				if got := req.URL.String(); got != wantReq.URL.String() {
					t.Errorf("%s(%q, %q) = %s, upstream %s", b.Name, server, p, got, wantReq.URL.String())
				}
				if req.URL.EscapedPath() != wantReq.URL.EscapedPath() || req.URL.Path != wantReq.URL.Path {
					t.Errorf("%s(%q, %q): path %q (%q), upstream %q (%q)", b.Name, server, p,
						req.URL.EscapedPath(), req.URL.Path, wantReq.URL.EscapedPath(), wantReq.URL.Path)
				}
				if req.Context() != Ctx {
					t.Errorf("%s: the request does not carry the call's context", b.Name)
				}
			}
		}
	}
}

// Pinned checks b's URL on server for each parameter value of want
// literally.
func Pinned(t *testing.T, b Builder, server string, want map[string]string) {
	t.Helper()
	for p, w := range want {
		req, err := b.Build(server, p)
		if err != nil {
			t.Fatalf("%s(%q): %v", b.Name, p, err)
		}
		if got := req.URL.String(); got != w {
			t.Errorf("%s(%q) = %s, want %s", b.Name, p, got, w)
		}
	}
}

// OperationURL is the signature of opurl.Join.
type OperationURL func(server, format string, params ...string) (string, error)

// Fuzz checks op against the upstream join for any server and two
// parameters, escaped or not.
func Fuzz(f *testing.F, op OperationURL) {
	for _, s := range TestServers {
		for _, p := range HostileParams {
			f.Add(s, p, "x")
			f.Add(s, "x", p)
		}
	}
	f.Fuzz(func(t *testing.T, server, p0, p1 string) {
		if !strings.HasSuffix(server, "/") {
			server += "/" // as newRawClient does
		}
		for _, escape := range []bool{true, false} {
			a, b := p0, p1
			if escape {
				a, b = url.PathEscape(a), url.PathEscape(b)
			}
			const format = "/x/%s/y/%s"
			got, err := op(server, format, a, b)
			want, wantErr := UpstreamJoin(server, format, a, b)
			if (err != nil) != (wantErr != nil) || got != want {
				t.Fatalf("operationURL(%q, %q, %q) = %q, %v; upstream %q, %v", server, a, b, got, err, want, wantErr)
			}
		}
	})
}

// PlainIsConcatenation checks that op joins a plain server and path by
// concatenation. (Its allocations are counted by each package with a direct
// call: a call through a func value allocates its variadic slice.)
func PlainIsConcatenation(t *testing.T, op OperationURL) {
	t.Helper()
	got, err := op("http://127.0.0.1:8080/base/", "/x/%s/y/%s/z", "a%2Fb", "c")
	if want := "http://127.0.0.1:8080/base/x/a%2Fb/y/c/z"; err != nil || got != want {
		t.Fatalf("operationURL = %q, %v; want %q", got, err, want)
	}
}
