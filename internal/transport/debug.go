package transport

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DebugBodyBytes is how much of each request and response body a
// per-attempt debug record shows, after redaction.
const DebugBodyBytes = 4 << 10

// debugPeekBytes is how much of a response body is read ahead for the debug
// record: enough to redact a whole typical body, which a cut one cannot be.
const debugPeekBytes = 64 << 10

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
	keep := n
	if len(rd.secrets) > 0 {
		keep += len(rd.secrets[0]) // the longest: a secret that starts before n is kept whole
	}
	s = rd.scrub(s[:min(full, keep)])
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if full <= n && len(s) <= n {
		return s
	}
	if len(s) > n {
		s = s[:runeCut(s, n)]
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
		s = s[:runeCut(s, DebugBodyBytes)] + "…(cut)"
	} else if !complete {
		s += "…(cut)"
	}
	return s
}

// runeCut returns the largest i <= n at which the valid UTF-8 string s,
// longer than n bytes, can be cut without splitting a rune. s[0] starts a
// rune, so the loop ends at 0 at the latest.
func runeCut(s string, n int) int {
	for !utf8.RuneStart(s[n]) {
		n--
	}
	return n
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

// debugAttempt writes the debug record of attempt n (1 for the first) of
// req, sent at start, that gave resp or err: request and response headers
// and bodies, redacted. It reads ahead up to debugPeekBytes of the response
// body and returns a response whose body replays them.
func (c *Client) debugAttempt(req *http.Request, n int, start time.Time, resp *http.Response, err error) (*http.Response, error) {
	ctx := req.Context()
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return resp, err
	}
	var reqBody []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, debugPeekBytes+1))
			rc.Close()
		}
	}
	rd := c.redact
	attrs := []any{
		slog.String("vendor", c.vendor),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", rd.scrub(req.URL.EscapedPath())),
		slog.Int("attempt", n),
		rd.header("request_header", req.Header),
		slog.String("request_body", rd.body(clipPeek(reqBody), req.Header.Get("Content-Type"), len(reqBody) <= debugPeekBytes)),
	}
	if err != nil {
		attrs = append(attrs, slog.Duration("duration", time.Since(start)), slog.String("error", rd.scrub(err.Error())))
		c.logger.DebugContext(ctx, "conversekit attempt", attrs...)
		return resp, err
	}
	peek, readErr := io.ReadAll(io.LimitReader(resp.Body, debugPeekBytes+1))
	complete := readErr == nil && len(peek) <= debugPeekBytes
	resp.Body = &replayBody{buf: peek, err: readErr, rc: resp.Body}
	attrs = append(attrs,
		slog.Int("status", resp.StatusCode),
		slog.Duration("duration", time.Since(start)),
		rd.header("response_header", resp.Header),
		slog.String("response_body", rd.body(clipPeek(peek), resp.Header.Get("Content-Type"), complete)),
	)
	if readErr != nil {
		attrs = append(attrs, slog.String("error", rd.scrub(readErr.Error())))
	}
	c.logger.DebugContext(ctx, "conversekit attempt", attrs...)
	return resp, nil
}

func clipPeek(b []byte) []byte {
	return b[:min(len(b), debugPeekBytes)]
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
