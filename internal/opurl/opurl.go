// Package opurl builds the request URLs of the generated vendor clients
// (specs/templates/client.tmpl calls Join): the same string as upstream
// oapi-codegen's url.Parse, fmt.Sprintf and ResolveReference, without their
// cost where the result cannot differ.
package opurl

import (
	"fmt"
	"net/url"
	"strings"
)

// Join returns the URL of an operation without query parameters:
// server, which ends in "/" (the generated newRawClient adds it), joined with path, a
// format whose %s are replaced by params in order. The result is the
// string the upstream template builds with
//
//	serverURL, err := url.Parse(server)
//	queryURL, err := serverURL.Parse("." + fmt.Sprintf(path, params...))
//	queryURL.String()
//
// It is concatenated when that cannot differ from it (a plain http(s)
// server, and a path of plain or percent-encoded characters without "." or
// ".." segments) and built that way otherwise.
func Join(server, path string, params ...string) (string, error) {
	if u, ok := joinPlain(server, path, params); ok {
		return u, nil
	}
	args := make([]interface{}, len(params))
	for i, p := range params {
		args[i] = p
	}
	serverURL, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	operationPath := fmt.Sprintf(path, args...)
	if operationPath[0] == '/' {
		operationPath = "." + operationPath
	}
	queryURL, err := serverURL.Parse(operationPath)
	if err != nil {
		return "", err
	}
	return queryURL.String(), nil
}

// joinPlain is Join's concatenation; ok is false when it would not
// give the upstream result.
func joinPlain(server, path string, params []string) (string, bool) {
	if !plainServer(server) || len(path) == 0 || path[0] != '/' {
		return "", false
	}
	n := len(server) + len(path)
	for _, p := range params {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(server)
	rest := path[1:]
	for _, p := range params {
		i := strings.Index(rest, "%s")
		if i < 0 {
			return "", false
		}
		b.WriteString(rest[:i])
		b.WriteString(p)
		rest = rest[i+2:]
	}
	b.WriteString(rest)
	u := b.String()
	if !plainPath(u[len(server)-1:]) {
		return "", false
	}
	return u, true
}

// plainServer reports whether server is "http://" or "https://", a host of
// lower-case letters, digits, '.' and '-' with an optional port, and a path
// of unreserved characters that ends in "/" and has no "." or ".." segment
// and no empty one.
func plainServer(server string) bool {
	rest, ok := strings.CutPrefix(server, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(server, "http://"); !ok {
			return false
		}
	}
	slash := strings.IndexByte(rest, '/')
	if slash <= 0 {
		return false
	}
	host, port, hasPort := strings.Cut(rest[:slash], ":")
	if host == "" || (hasPort && port == "") {
		return false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if c := port[i]; c < '0' || c > '9' {
			return false
		}
	}
	p := rest[slash:]
	if p[len(p)-1] != '/' || strings.Contains(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !(unreservedByte(c) || c == '/') {
			return false
		}
	}
	return !hasDotSegment(p)
}

// plainPath reports whether p, a path that starts with "/", holds only
// unreserved characters, sub-delimiters, ':', '@', '/' and percent-escapes,
// and no "." or ".." segment: url.Parse and ResolveReference keep such a
// path as it is.
func plainPath(p string) bool {
	seg := 0 // where the current segment starts
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if isDotSegment(p[seg:i]) {
				return false
			}
			seg = i + 1
		case unreservedByte(c), c == ':', c == '@', strings.IndexByte("!$&'()*+,;=", c) >= 0:
		case c == '%' && i+2 < len(p) && hexByte(p[i+1]) && hexByte(p[i+2]):
			i += 2
		default:
			return false
		}
	}
	return !isDotSegment(p[seg:])
}

// hasDotSegment reports whether the slash-separated path p has a "." or
// ".." segment.
func hasDotSegment(p string) bool {
	seg := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			if isDotSegment(p[seg:i]) {
				return true
			}
			seg = i + 1
		}
	}
	return false
}

func isDotSegment(s string) bool { return s == "." || s == ".." }

func unreservedByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func hexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
