package transport

// Redaction: what a client hides, in its API errors always and in its debug
// records.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/conversekit/conversekit/internal/apierror"
)

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
	seen := make(map[string]bool, len(known))
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
		for m := range jsonModes {
			add(jsonEscape(s, m))
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	return out
}

// jsonMode is a set of choices JSON encoders make differently when they
// write a string.
type jsonMode uint8

const (
	jsonSlash   jsonMode = 1 << iota // "/" as "\/" (PHP, Ruby's to_json)
	jsonHTML                         // "<", ">", "&", U+2028, U+2029 as \u escapes (Go, Rails)
	jsonASCII                        // every non-ASCII character as \u escapes (Python, PHP)
	jsonUpper                        // upper-case hex digits: \u003C
	jsonLong                         // every control character as \u00XX, none as \n \t ...
	jsonLineSep                      // U+2028, U+2029 as \u escapes without the HTML ones (Go with SetEscapeHTML(false))
	jsonModes                        // the number of modes
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
			(r == '\u2028' || r == '\u2029') && m&(jsonHTML|jsonASCII|jsonLineSep) != 0:
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
					if _, isString := e.(string); !isString {
						raw, _ := json.Marshal(e) // a decoded value always encodes
						add(string(raw))
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
	if rd.holdsSecret(string(e.Body)) {
		e.Body = []byte(rd.scrub(string(e.Body)))
	}
	if rd.holdsSecret(string(e.Details)) {
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

// Scrubber returns a function that removes r's Secrets (in every form they
// are removed from an *apierror.Error) from a text: for the messages a
// client writes itself that quote what the vendor sent (a next-page link,
// an ID, a value its decoder refused), which a vendor or proxy that echoes
// the credential it received may have filled with it.
func (r Redaction) Scrubber() func(string) string {
	return r.compile().scrub
}
