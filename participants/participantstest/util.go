package participantstest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// segments splits the escaped path of r into its segments, each
// path-unescaped on its own, so that an encoded slash (%2F) stays inside its
// segment and dot segments are ordinary values. The leading slash gives no
// segment; a trailing slash gives an empty last one. ok is false when a
// segment is not validly escaped.
func segments(r *http.Request) (segs []string, ok bool) {
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		return nil, false
	}
	raw := strings.Split(p[1:], "/")
	segs = make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		segs[i] = u
	}
	return segs, true
}

// match reports whether segs has the shape of pattern, where "*" matches
// any non-empty segment and every other element must be equal.
func match(segs []string, pattern ...string) bool {
	if len(segs) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if p == "*" {
			if segs[i] == "" {
				return false
			}
		} else if segs[i] != p {
			return false
		}
	}
	return true
}

// authParam returns the credentials of an Authorization header with the
// given scheme (compared case-insensitively).
func authParam(r *http.Request, scheme string) (string, bool) {
	h := r.Header.Get("Authorization")
	s, p, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(s, scheme) {
		return "", false
	}
	p = strings.TrimSpace(p)
	return p, p != ""
}

// mediaType reports whether the Content-Type of r is want (parameters such
// as charset are allowed).
func mediaType(r *http.Request, want string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == want
}

// writeJSON writes v as the JSON response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("participantstest: encoding response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// decodeObject decodes a JSON object into its members. ok is false when the
// body is not exactly one JSON object.
func decodeObject(b []byte) (map[string]json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	if _, err := dec.Token(); err == nil { // trailing data
		return nil, false
	}
	return m, true
}

// jsonKind classifies a raw JSON value: "null", "string", "object", "array",
// "number" or "boolean".
func jsonKind(v json.RawMessage) string {
	b := bytes.TrimSpace(v)
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case 'n':
		return "null"
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	default:
		return "number"
	}
}

// jsonString returns the string in v; ok is false when v is not a string.
func jsonString(v json.RawMessage) (string, bool) {
	if jsonKind(v) != "string" {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// randomHex returns n random bytes as 2n lowercase hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID in canonical lowercase form.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var uuidRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
})

// isUUID reports whether s is a UUID in canonical textual form.
func isUUID(s string) bool { return uuidRE().MatchString(s) }

// isSID reports whether s is a Twilio SID with the given two-letter prefix:
// the prefix and 32 hex digits.
func isSID(s, prefix string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, prefix) {
		return false
	}
	_, err := hex.DecodeString(s[2:])
	return err == nil
}

// isEmail is a deliberately loose address check: something@something.
func isEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t\r\n") && !strings.Contains(domain, "@")
}
