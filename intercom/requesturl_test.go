package intercom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oapi-codegen/runtime"
)

// The generated request builders escape path parameters and join them with
// the server without reflection or URL parsing (specs/templates/client.tmpl,
// operationURL). These tests pin that every URL is the one the upstream
// oapi-codegen v2.8.2 construction gives (runtime.StyleParamWithOptions,
// url.Parse, fmt.Sprintf, ResolveReference, String), hostile values
// included, and pin the escaping of a few of them literally.

// hostileParams are path parameter values that escaping must keep in their
// segment (or, for dot segments, resolve as the upstream client did).
var hostileParams = []string{
	"a/b", "..", ".", "", "%2e", "%2e%2e", "%2F", "%", "a b", "a+b", "ümlaut", "日本語", "a?b#c",
	"a;b,c", "+&=$!*'()@:", "~_-.", "\x00\x7f\n", "../../admin", "./x", "x/..", "\u00a0",
}

// testServers are base URLs as newRawClient keeps them (with a trailing
// "/"): plain ones take the concatenation, the others the upstream way.
var testServers = []string{
	DefaultBaseURL + "/", "http://127.0.0.1:8080/", "https://api.example.com/v1/", "HTTPS://Example.COM/",
	"http://h/a/../b/", "http://h/./", "http://[::1]:80/", "http://h/x?q=1/", "http://h/%7e/", "http://h//x/",
	"http://user@h/", "http://h:/", "http:///", "ftp://h/", "http://h/a b/", "http://h/#f/", "%zz/", "/",
}

// upstreamURL is the URL string the upstream template built for a path
// format whose parameters are plain strings in the simple style.
func upstreamURL(server, format string, params ...string) (string, error) {
	escaped := make([]string, len(params))
	for i, p := range params {
		s, err := runtime.StyleParamWithOptions("simple", false, "p", p,
			runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil {
			return "", err
		}
		escaped[i] = s
	}
	return upstreamJoin(server, format, escaped...)
}

// upstreamJoin is the upstream construction for escaped parameters.
func upstreamJoin(server, format string, escaped ...string) (string, error) {
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

// urlBuilder builds one operation's request with every path parameter set
// to p.
type urlBuilder struct {
	name, format string
	params       int
	build        func(server, p string) (*http.Request, error)
}

func TestRequestURLsAsUpstream(t *testing.T) {
	for _, b := range urlBuilders() {
		for _, server := range testServers {
			for _, p := range hostileParams {
				ps := make([]string, b.params)
				for i := range ps {
					ps[i] = p
				}
				want, wantErr := upstreamURL(server, b.format, ps...)
				var wantReq *http.Request
				if wantErr == nil {
					wantReq, wantErr = http.NewRequest(http.MethodGet, want, nil)
				}
				req, err := b.build(server, p)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("%s(%q, %q): error %v, upstream %v", b.name, server, p, err, wantErr)
				}
				if err != nil {
					continue
				}
				if got := req.URL.String(); got != wantReq.URL.String() {
					t.Errorf("%s(%q, %q) = %s, upstream %s", b.name, server, p, got, wantReq.URL.String())
				}
				if req.URL.EscapedPath() != wantReq.URL.EscapedPath() || req.URL.Path != wantReq.URL.Path {
					t.Errorf("%s(%q, %q): path %q (%q), upstream %q (%q)", b.name, server, p,
						req.URL.EscapedPath(), req.URL.Path, wantReq.URL.EscapedPath(), wantReq.URL.Path)
				}
				if req.Context() != testCtx {
					t.Errorf("%s: the request does not carry the call's context", b.name)
				}
			}
		}
	}
}

// testCtx is the context the builders are given.
var testCtx = context.WithValue(context.Background(), urlTestKey{}, 1)

type urlTestKey struct{}

func TestRequestURLEscaping(t *testing.T) {
	b := urlBuilders()[0]
	for p, want := range pinnedEscapes() {
		req, err := b.build(DefaultBaseURL+"/", p)
		if err != nil {
			t.Fatalf("%s(%q): %v", b.name, p, err)
		}
		if got := req.URL.String(); got != want {
			t.Errorf("%s(%q) = %s, want %s", b.name, p, got, want)
		}
	}
}

func FuzzOperationURL(f *testing.F) {
	for _, s := range testServers {
		for _, p := range hostileParams {
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
			got, err := operationURL(server, format, a, b)
			want, wantErr := upstreamJoin(server, format, a, b)
			if (err != nil) != (wantErr != nil) || got != want {
				t.Fatalf("operationURL(%q, %q, %q) = %q, %v; upstream %q, %v", server, a, b, got, err, want, wantErr)
			}
		}
	})
}

func TestOperationURLPlainIsConcatenation(t *testing.T) {
	got, err := operationURL("http://127.0.0.1:8080/base/", "/x/%s/y/%s/z", "a%2Fb", "c")
	if want := "http://127.0.0.1:8080/base/x/a%2Fb/y/c/z"; err != nil || got != want {
		t.Fatalf("operationURL = %q, %v; want %q", got, err, want)
	}
	if n := testing.AllocsPerRun(100, func() {
		_, _ = operationURL("https://api.example.com/", "/x/%s/y/%s", "a", "b")
	}); n != 1 {
		t.Errorf("operationURL of a plain server and path: %v allocations, want 1", n)
	}
}

func urlBuilders() []urlBuilder {
	return []urlBuilder{
		{"AttachContactToConversationWithBody", "/conversations/%s/customers", 1, func(s, p string) (*http.Request, error) {
			return newAttachContactToConversationRequestWithBody(testCtx, s, p, nil, "application/json", strings.NewReader("{}"))
		}},
		{"AttachContactToConversation", "/conversations/%s/customers", 1, func(s, p string) (*http.Request, error) {
			return newAttachContactToConversationRequest(testCtx, s, p, nil, attachContactToConversationJSONRequestBody{})
		}},
		{"DetachContactFromConversationWithBody", "/conversations/%s/customers/%s", 2, func(s, p string) (*http.Request, error) {
			return newDetachContactFromConversationRequestWithBody(testCtx, s, p, p, nil, "application/json", strings.NewReader("{}"))
		}},
		{"DetachContactFromConversation", "/conversations/%s/customers/%s", 2, func(s, p string) (*http.Request, error) {
			return newDetachContactFromConversationRequest(testCtx, s, p, p, nil, detachContactFromConversationJSONRequestBody{})
		}},
	}
}

func pinnedEscapes() map[string]string {
	const b = DefaultBaseURL + "/conversations/"
	return map[string]string{
		"a/b":         b + "a%2Fb/customers",
		"%2e":         b + "%252e/customers",
		"a b":         b + "a%20b/customers",
		"ümlaut":      b + "%C3%BCmlaut/customers",
		"a?b#c":       b + "a%3Fb%23c/customers",
		"a;b,c":       b + "a%3Bb%2Cc/customers",
		"":            b + "/customers",
		"..":          DefaultBaseURL + "/customers",
		".":           b + "customers",
		"../../admin": b + "..%2F..%2Fadmin/customers",
	}
}
