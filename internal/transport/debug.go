package transport

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/apierror"
)

// DebugBodyBytes is how much of each request and response body a
// per-attempt debug record shows, after redaction.
const DebugBodyBytes = 4 << 10

// debugPeekBytes is how much of a response body is read ahead for the debug
// record: enough to redact a whole typical body, which a cut one cannot be.
const debugPeekBytes = 64 << 10

// Redacted replaces every hidden value in a debug record and every secret in
// an *apierror.Error.
const Redacted = "[redacted]"

// Redaction says what the client must hide. Its Secrets are removed from
// every field of an *apierror.Error that Error() prints, always; all of it
// applies to the per-attempt debug records (Options.DebugBodies). The
// transport knows no vendor: each vendor client passes its own. Whatever it
// says, in debug records the values of Authorization, Proxy-Authorization,
// Cookie and Set-Cookie and of every header whose name contains "auth",
// "token", "secret", "key", "cookie", "session", "password" or "signature"
// are always hidden.
type Redaction struct {
	// Secrets are literal values, the client's credentials, replaced
	// wherever they appear in a record (header values, bodies, URL) or in a
	// decoded API error, in case the vendor echoes one. Their URL-escaped
	// forms are replaced too.
	Secrets []string
	// Headers are more header names (any case) whose values are hidden.
	Headers []string
	// FormKeys are application/x-www-form-urlencoded keys whose values are
	// hidden in request and response bodies, such as Twilio's "Attributes".
	FormKeys []string
	// JSONKeys are JSON object member names (any case, at any depth) whose
	// values are hidden, such as Twilio's "attributes".
	JSONKeys []string
}

// secretHeaderWords are the parts of header names whose values are always
// hidden.
var secretHeaderWords = []string{"auth", "token", "secret", "key", "cookie", "session", "password", "signature"}

type redactor struct {
	secrets []string // with their escaped forms, longest first
	// whole replaces a text in which replacing did not remove every
	// secret: Redacted, or "" when Redacted itself holds a secret.
	whole    string
	headers  map[string]bool
	formKeys map[string]bool
	jsonKeys map[string]bool
}

func (r Redaction) compile() *redactor {
	rd := &redactor{headers: map[string]bool{}, formKeys: map[string]bool{}, jsonKeys: map[string]bool{}}
	seen := map[string]bool{}
	for _, s := range r.Secrets {
		for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if v != "" && !seen[v] {
				seen[v] = true
				rd.secrets = append(rd.secrets, v)
			}
		}
	}
	sort.Slice(rd.secrets, func(i, j int) bool { return len(rd.secrets[i]) > len(rd.secrets[j]) })
	if !rd.holdsSecret(Redacted) {
		rd.whole = Redacted
	}
	for _, h := range r.Headers {
		rd.headers[http.CanonicalHeaderKey(h)] = true
	}
	for _, k := range r.FormKeys {
		rd.formKeys[k] = true
	}
	for _, k := range r.JSONKeys {
		rd.jsonKeys[strings.ToLower(k)] = true
	}
	return rd
}

// scrub replaces every secret in s with Redacted. When a replacement joins
// the text around it into a new match (secret "x[" in "xx[[" gives
// "x[redacted]["), or Redacted holds a secret, the whole of s is replaced.
func (rd *redactor) scrub(s string) string {
	hit := false
	for _, secret := range rd.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Redacted)
			hit = true
		}
	}
	if hit && rd.holdsSecret(s) {
		return rd.whole
	}
	return s
}

func (rd *redactor) holdsSecret(s string) bool {
	for _, secret := range rd.secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// apiError removes the secrets from every field of e that Error() prints.
// What the fields cannot show alone, Error() may still show where they meet
// or where it clips and cleans them: then every field is replaced whole.
func (rd *redactor) apiError(e *apierror.Error) {
	if len(rd.secrets) == 0 {
		return
	}
	fields := [...]*string{&e.Code, &e.Message, &e.Field, &e.RequestID, &e.MoreInfo, &e.Reason}
	for _, f := range fields {
		*f = rd.scrub(*f)
	}
	for _, whole := range [...]string{rd.whole, ""} {
		if !rd.holdsSecret(e.Error()) {
			return
		}
		for _, f := range fields {
			if *f != "" {
				*f = whole
			}
		}
	}
}

func (rd *redactor) secretHeader(name string) bool {
	if rd.headers[http.CanonicalHeaderKey(name)] {
		return true
	}
	l := strings.ToLower(name)
	for _, w := range secretHeaderWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// header returns h as a slog group, one attribute per header, sorted, with
// hidden values redacted.
func (rd *redactor) header(name string, h http.Header) slog.Attr {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]any, 0, len(keys))
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		if rd.secretHeader(k) {
			v = Redacted
		} else {
			v = rd.scrub(v)
		}
		attrs = append(attrs, slog.String(k, v))
	}
	return slog.Group(name, attrs...)
}

// body returns what a record shows of a body: redacted as its content type
// says, secrets removed, cut at DebugBodyBytes. complete says whether b is
// the whole body; a cut body that cannot be parsed but may hold a hidden
// key is withheld.
func (rd *redactor) body(b []byte, contentType string, complete bool) string {
	if len(b) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	var s string
	switch {
	case len(rd.formKeys) > 0 && mt == "application/x-www-form-urlencoded":
		s = rd.form(b)
	case len(rd.jsonKeys) > 0 && (strings.Contains(mt, "json") || looksJSON(b)):
		s = rd.json(b)
	default:
		s = string(b)
	}
	s = rd.scrub(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > DebugBodyBytes {
		cut := DebugBodyBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…(cut)"
	} else if !complete {
		s += "…(cut)"
	}
	return s
}

func looksJSON(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// form re-encodes a form body with hidden keys' values redacted. A body
// that does not parse is withheld when it mentions a hidden key.
func (rd *redactor) form(b []byte) string {
	q, err := url.ParseQuery(string(b))
	if err != nil {
		for k := range rd.formKeys {
			if bytes.Contains(b, []byte(url.QueryEscape(k))) || bytes.Contains(b, []byte(k)) {
				return "[withheld: unparsable form body]"
			}
		}
		return string(b)
	}
	for k := range q {
		if rd.formKeys[k] {
			q[k] = []string{Redacted}
		}
	}
	return q.Encode()
}

// json re-encodes a JSON body with hidden members' values redacted. A body
// that does not parse (cut, HTML, ...) is withheld when it mentions a hidden
// key.
func (rd *redactor) json(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		lb := bytes.ToLower(b)
		for k := range rd.jsonKeys {
			if bytes.Contains(lb, []byte(k)) {
				return "[withheld: unparsable JSON body]"
			}
		}
		return string(b)
	}
	v = rd.walk(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "[withheld: unencodable JSON body]"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func (rd *redactor) walk(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if rd.jsonKeys[strings.ToLower(k)] {
				x[k] = Redacted
			} else {
				x[k] = rd.walk(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = rd.walk(e)
		}
	}
	return v
}

// debugTransport logs each attempt at debug level: request and response
// headers and bodies, redacted.
type debugTransport struct {
	rt     http.RoundTripper
	vendor string
	logger *slog.Logger
	redact *redactor
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return t.rt.RoundTrip(req)
	}
	var reqBody []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, debugPeekBytes+1))
			rc.Close()
		}
	}
	start := time.Now()
	resp, err := t.rt.RoundTrip(req)
	attrs := []any{
		slog.String("vendor", t.vendor),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", t.redact.scrub(req.URL.EscapedPath())),
	}
	if st := callOf(ctx); st != nil {
		attrs = append(attrs, slog.Int("attempt", int(st.attempts.Load())))
	}
	attrs = append(attrs,
		t.redact.header("request_header", req.Header),
		slog.String("request_body", t.redact.body(clipPeek(reqBody), req.Header.Get("Content-Type"), len(reqBody) <= debugPeekBytes)),
	)
	if err != nil {
		attrs = append(attrs, slog.Duration("duration", time.Since(start)), slog.String("error", t.redact.scrub(err.Error())))
		t.logger.DebugContext(ctx, "conversekit attempt", attrs...)
		return resp, err
	}
	peek, readErr := io.ReadAll(io.LimitReader(resp.Body, debugPeekBytes+1))
	complete := readErr == nil && len(peek) <= debugPeekBytes
	resp.Body = &replayBody{buf: peek, err: readErr, rc: resp.Body}
	attrs = append(attrs,
		slog.Int("status", resp.StatusCode),
		slog.Duration("duration", time.Since(start)),
		t.redact.header("response_header", resp.Header),
		slog.String("response_body", t.redact.body(clipPeek(peek), resp.Header.Get("Content-Type"), complete)),
	)
	if readErr != nil {
		attrs = append(attrs, slog.String("error", t.redact.scrub(readErr.Error())))
	}
	t.logger.DebugContext(ctx, "conversekit attempt", attrs...)
	return resp, nil
}

func clipPeek(b []byte) []byte {
	if len(b) > debugPeekBytes {
		return b[:debugPeekBytes]
	}
	return b
}

// replayBody returns buf, then err if set, then the rest of rc.
type replayBody struct {
	buf []byte
	err error
	rc  io.ReadCloser
}

func (b *replayBody) Read(p []byte) (int, error) {
	if len(b.buf) > 0 {
		n := copy(p, b.buf)
		b.buf = b.buf[n:]
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.rc.Read(p)
}

func (b *replayBody) Close() error { return b.rc.Close() }
