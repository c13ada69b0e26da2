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
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
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
// every field of an *apierror.Error (Error(), Header, Body, Details), always,
// and so are the values of FormKeys and JSONKeys found in the body of the
// request that error answers (those of at least 4 bytes); all of it applies
// to the per-attempt debug records (Options.DebugBodies). The
// transport knows no vendor: each vendor client passes its own. Whatever it
// says, in debug records the values of Authorization, Proxy-Authorization,
// Cookie and Set-Cookie and of every header whose name contains "auth",
// "token", "secret", "key", "cookie", "session", "password" or "signature"
// are always hidden.
type Redaction struct {
	// Secrets are literal values, the client's credentials, replaced
	// wherever they appear in a record (header values, bodies, URL) or in a
	// decoded API error, in case the vendor echoes one. Their URL-escaped
	// and JSON-escaped forms are replaced too: "/" as "\/", "<" as
	// "\u003c" or "\u003C", a quote as "\"", a backslash as "\\",
	// control characters and, as some encoders write them, non-ASCII
	// characters as \uXXXX.
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
	rd.secrets = secretForms(nil, r.Secrets)
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

// secretForms returns known (already expanded, may be nil) with every
// non-empty secret of more added in each form a vendor may echo it in: as
// it is, URL-escaped and JSON-escaped (see jsonEscape), without duplicates,
// sorted longest first, so that a secret that holds another one is replaced
// whole before the shorter one is.
func secretForms(known, more []string) []string {
	seen := make(map[string]bool, len(known)+len(more))
	out := append([]string(nil), known...)
	for _, v := range out {
		seen[v] = true
	}
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, s := range more {
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		for m := jsonMode(0); m < jsonModes; m++ {
			add(jsonEscape(s, m))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// jsonMode is a set of choices JSON encoders make differently when they
// write a string.
type jsonMode uint8

const (
	jsonSlash jsonMode = 1 << iota // "/" as "\/" (PHP, Ruby's to_json)
	jsonHTML                       // "<", ">", "&", U+2028, U+2029 as \u escapes (Go, Rails)
	jsonASCII                      // every non-ASCII character as \u escapes (Python, PHP)
	jsonUpper                      // upper-case hex digits: \u003C
	jsonLong                       // every control character as \u00XX, none as \n \t ...
	jsonModes                      // the number of modes
)

// jsonEscape returns s as it appears between the quotes of a JSON string
// written in mode m. '"' and '\\' are always escaped.
func jsonEscape(s string, m jsonMode) string {
	var b strings.Builder
	hex := "0123456789abcdef"
	if m&jsonUpper != 0 {
		hex = "0123456789ABCDEF"
	}
	u := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hex[r>>shift&0xf])
		}
	}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/' && m&jsonSlash != 0:
			b.WriteString(`\/`)
		case r < 0x20:
			if short := strings.IndexRune("\b\f\n\r\t", r); short >= 0 && m&jsonLong == 0 {
				b.WriteByte('\\')
				b.WriteByte("bfnrt"[short])
			} else {
				u(r)
			}
		case (r == '<' || r == '>' || r == '&') && m&jsonHTML != 0,
			(r == '\u2028' || r == '\u2029') && m&(jsonHTML|jsonASCII) != 0:
			u(r)
		case r >= 0x80 && m&jsonASCII != 0:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				u(r1)
				u(r2)
			} else {
				u(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// minCallSecret is the shortest request value (of a FormKeys or JSONKeys
// member) that is removed from the call's *apierror.Error: a shorter one
// would remove too much ordinary text.
const minCallSecret = 4

// maxCallSecrets bounds how many values of one request are removed.
const maxCallSecrets = 64

// forRequest returns rd with the values of req's body that rd hides
// (Redaction.FormKeys of a form body, Redaction.JSONKeys of a JSON body)
// added to its secrets, so that a vendor message that quotes them loses
// them; rd itself when there are none.
func (rd *redactor) forRequest(req *http.Request) *redactor {
	if req == nil || req.GetBody == nil || (len(rd.formKeys) == 0 && len(rd.jsonKeys) == 0) {
		return rd
	}
	rc, err := req.GetBody()
	if err != nil || rc == nil {
		return rd
	}
	b, _ := io.ReadAll(io.LimitReader(rc, apierror.MaxBodyBytes))
	rc.Close()
	vals := rd.hiddenValues(b, req.Header.Get("Content-Type"))
	if len(vals) == 0 {
		return rd
	}
	call := *rd
	call.secrets = secretForms(rd.secrets, vals)
	call.whole = ""
	if !call.holdsSecret(Redacted) {
		call.whole = Redacted
	}
	return &call
}

// hiddenValues returns the values, at least minCallSecret bytes long, that
// rd hides in body b: those of FormKeys in a form body, those of JSONKeys in
// a JSON body (a non-string value as its JSON text), and the strings inside
// such a value when it is JSON.
func (rd *redactor) hiddenValues(b []byte, contentType string) []string {
	var vals []string
	add := func(v string) {
		if len(v) >= minCallSecret && len(vals) < maxCallSecrets {
			vals = append(vals, v)
		}
	}
	var leaves func(v any)
	leaves = func(v any) {
		switch x := v.(type) {
		case string:
			add(x)
		case map[string]any:
			for _, e := range x {
				leaves(e)
			}
		case []any:
			for _, e := range x {
				leaves(e)
			}
		}
	}
	addJSON := func(raw []byte) {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			leaves(v)
		}
	}
	switch rd.kind(b, contentType) {
	case formBody:
		q, _ := url.ParseQuery(string(b))
		for k, vs := range q {
			if rd.formKeys[k] {
				for _, v := range vs {
					add(v)
					addJSON([]byte(v))
				}
			}
		}
	case jsonBody:
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, e := range x {
					if !rd.jsonKeys[strings.ToLower(k)] {
						walk(e)
						continue
					}
					if raw, err := json.Marshal(e); err == nil {
						if _, isString := e.(string); !isString {
							add(string(raw))
						}
					}
					leaves(e)
					if s, ok := e.(string); ok {
						addJSON([]byte(s))
					}
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		var v any
		if json.Unmarshal(b, &v) == nil {
			walk(v)
		}
	}
	return vals
}

type bodyKind int

const (
	otherBody bodyKind = iota
	formBody
	jsonBody
)

// kind says how a body of this content type is redacted. A JSON body is
// treated as JSON whatever its content type says (text/plain, even a form
// type), and a form body that holds a hidden form key as a form.
func (rd *redactor) kind(b []byte, contentType string) bodyKind {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case len(rd.jsonKeys) > 0 && (strings.Contains(mt, "json") || looksJSON(b)):
		return jsonBody
	case len(rd.formKeys) > 0 && (mt == "application/x-www-form-urlencoded" || rd.looksForm(b)):
		return formBody
	}
	return otherBody
}

// looksForm reports whether b parses as a form with a hidden key.
func (rd *redactor) looksForm(b []byte) bool {
	if !bytes.ContainsRune(b, '=') {
		return false
	}
	q, err := url.ParseQuery(string(b))
	if err != nil {
		return false
	}
	for k := range q {
		if rd.formKeys[k] {
			return true
		}
	}
	return false
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

// apiError removes the secrets from every field of e: the strings, Details,
// Body and the values (and names) of Header, which is replaced by a scrubbed
// copy, so that neither Error() nor %#v of e nor its fields show one. What
// the fields cannot show alone, Error() may still show where they meet or
// where it clips and cleans them: then every field is replaced whole.
func (rd *redactor) apiError(e *apierror.Error) {
	if len(rd.secrets) == 0 {
		return
	}
	fields := [...]*string{&e.Code, &e.Message, &e.Field, &e.RequestID, &e.MoreInfo, &e.Reason}
	for _, f := range fields {
		*f = rd.scrub(*f)
	}
	e.Vendor = rd.scrub(e.Vendor)
	if len(e.Body) > 0 && rd.holdsSecret(string(e.Body)) {
		e.Body = []byte(rd.scrub(string(e.Body)))
	}
	if len(e.Details) > 0 && rd.holdsSecret(string(e.Details)) {
		d := rd.scrub(string(e.Details))
		if !json.Valid([]byte(d)) {
			d = `"` + Redacted + `"`
		}
		e.Details = json.RawMessage(d)
	}
	e.Header = rd.scrubHeader(e.Header)
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

// scrubHeader returns h when no name or value of it holds a secret, else a
// copy with the secrets removed: h itself, which the response shares, is
// never modified.
func (rd *redactor) scrubHeader(h http.Header) http.Header {
	dirty := false
	for k, vs := range h {
		dirty = dirty || rd.holdsSecret(k)
		for _, v := range vs {
			dirty = dirty || rd.holdsSecret(v)
		}
	}
	if !dirty {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		k = rd.scrub(k)
		for _, v := range vs {
			out[k] = append(out[k], rd.scrub(v))
		}
	}
	return out
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

// DebugHeaderValueBytes is how much of each header value a per-attempt
// debug record shows, after redaction.
const DebugHeaderValueBytes = 1 << 10

// debugHeaderBytes bounds all the values of one header group of a record:
// the headers past it are counted, not shown.
const debugHeaderBytes = 16 << 10

// header returns h as a slog group, one attribute per header, sorted, with
// hidden values redacted, each value cut at DebugHeaderValueBytes and the
// whole group at about debugHeaderBytes.
func (rd *redactor) header(name string, h http.Header) slog.Attr {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]any, 0, len(keys))
	total := 0
	for i, k := range keys {
		if total >= debugHeaderBytes {
			attrs = append(attrs, slog.Int("cut_headers", len(keys)-i))
			break
		}
		var v string
		if rd.secretHeader(k) {
			v = Redacted
		} else {
			v = rd.clipScrub(strings.Join(h[k], ", "), DebugHeaderValueBytes)
		}
		k = rd.clipScrub(k, DebugHeaderValueBytes)
		total += len(k) + len(v)
		attrs = append(attrs, slog.String(k, v))
	}
	return slog.Group(name, attrs...)
}

// clipScrub returns s with the secrets removed, valid UTF-8, cut at n bytes
// on a rune boundary with "…(N bytes)" saying how long s was. Only the start
// of s that can show is scrubbed, so a huge s costs no more than a short one.
func (rd *redactor) clipScrub(s string, n int) string {
	full := len(s)
	if full > n {
		longest := 0
		if len(rd.secrets) > 0 {
			longest = len(rd.secrets[0])
		}
		if full > n+longest {
			s = s[:n+longest] // a secret that starts before n is kept whole
		}
	}
	s = rd.scrub(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if full <= n && len(s) <= n {
		return s
	}
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s + "…(" + strconv.Itoa(full) + " bytes)"
}

// body returns what a record shows of a body: redacted as its content type
// (or, for JSON and forms, its look) says, secrets removed, cut at
// DebugBodyBytes. complete says whether b is the whole body; a cut body that
// cannot be parsed but may hold a hidden key is withheld.
func (rd *redactor) body(b []byte, contentType string, complete bool) string {
	if len(b) == 0 {
		return ""
	}
	var s string
	switch rd.kind(b, contentType) {
	case formBody:
		s = rd.form(b)
	case jsonBody:
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

// looksJSON reports whether b starts, after space and a UTF-8 byte order
// mark, like a JSON object or array.
func looksJSON(b []byte) bool {
	t := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf")))
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
