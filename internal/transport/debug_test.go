package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/apierror"
)

// records decodes the JSON log lines in buf.
func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestDebugBodies(t *testing.T) {
	const token = "tok-SECRET-123"
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	respBody := `{"sid":"MB1","attributes":"{\"ssn\":\"078-05-1120\"}","echo":"` + token + `","nested":[{"Attributes":"x"}]}`
	c, _, _ := mockClient(t, Options{
		MaxRetries: DefaultMaxRetries,
		Vendor:     "acme", Logger: logger, DebugBodies: true,
		Header: http.Header{"Authorization": {"Basic " + token}, "User-Agent": {"ua"}},
		Redact: Redaction{Secrets: []string{token}, FormKeys: []string{"Attributes"}, JSONKeys: []string{"attributes"}, Headers: []string{"X-Private"}},
	},
		step{status: 503, body: "<html>busy " + token + "</html>", hdr: []string{"Content-Type", "text/html", "Set-Cookie", "session=cookie-secret-42"}},
		step{status: 201, body: respBody, hdr: []string{"Content-Type", "application/json", "X-Private", "private-value-43", "X-Echo", "Bearer " + token}},
	)
	form := url.Values{"Attributes": {`{"ssn":"078-05-1120"}`}, "Identity": {"ada"}}.Encode()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, testURL, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Api-Key", "caller-key")
	resp, err := c.Do(req.Context(), req, idem(c))
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, resp); got != respBody {
		t.Errorf("the caller read %q, want the whole body %q", got, respBody)
	}

	out := buf.String()
	for _, leak := range []string{token, "078-05-1120", "caller-key", "private-value-43", "cookie-secret-42"} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
	recs := records(t, &buf)
	var attempts []map[string]any
	for _, r := range recs {
		if r["msg"] == "conversekit attempt" {
			attempts = append(attempts, r)
		}
	}
	if len(attempts) != 2 || len(recs) != 4 || recs[1]["msg"] != "conversekit retry" {
		t.Fatalf("records = %d (%d attempts), want 2 attempts, the retry between them and 1 call summary:\n%s", len(recs), len(attempts), out)
	}
	first, second := attempts[0], attempts[1]
	if first["attempt"] != 1.0 || second["attempt"] != 2.0 || first["status"] != 503.0 || second["status"] != 201.0 {
		t.Errorf("attempt/status fields: %v / %v", first, second)
	}
	rh := second["request_header"].(map[string]any)
	if rh["Authorization"] != Redacted || rh["X-Api-Key"] != Redacted || rh["User-Agent"] != "ua" {
		t.Errorf("request headers = %v", rh)
	}
	sh := second["response_header"].(map[string]any)
	if sh["X-Private"] != Redacted || sh["X-Echo"] != "Bearer "+Redacted {
		t.Errorf("response headers = %v", sh)
	}
	if got := second["request_body"]; got != "Attributes=%5Bredacted%5D&Identity=ada" {
		t.Errorf("request body = %v", got)
	}
	if got := first["response_body"]; got != "<html>busy [redacted]</html>" {
		t.Errorf("503 body = %v", got)
	}
	if got := second["response_body"].(string); !strings.Contains(got, `"attributes":"[redacted]"`) || !strings.Contains(got, `"Attributes":"[redacted]"`) || !strings.Contains(got, `"echo":"[redacted]"`) {
		t.Errorf("201 body = %v", got)
	}
}

func TestDebugBodiesOffByDefault(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger}, step{status: 200, body: `{"a":"body-text"}`})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if strings.Contains(buf.String(), "body-text") || strings.Contains(buf.String(), "conversekit attempt") {
		t.Errorf("bodies logged without DebugBodies: %s", buf.String())
	}
	// A logger above debug level costs nothing and logs nothing.
	buf.Reset()
	info := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: info, DebugBodies: true}, step{status: 200, body: `{"a":"body-text"}`})
	resp, err = doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if buf.Len() != 0 {
		t.Errorf("logged at info level: %s", buf.String())
	}
}

// TestDebugBodiesLargeAndBroken: a big body is cut in the record but read
// whole by the caller; a body that fails mid-way fails the caller's read
// the same way; a cut JSON body that may hold a hidden key is withheld.
func TestDebugBodiesLargeAndBroken(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	big := `{"attributes":"` + strings.Repeat("s", 100<<10) + `"}`
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: Redaction{JSONKeys: []string{"attributes"}}},
		step{status: 200, body: big, hdr: []string{"Content-Type", "application/json"}})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, resp); got != big {
		t.Errorf("caller read %d bytes, want %d", len(got), len(big))
	}
	if strings.Contains(buf.String(), "sss") || !strings.Contains(buf.String(), "withheld") {
		t.Errorf("cut body with a hidden key not withheld: %.300s", buf.String())
	}

	buf.Reset()
	boom := errors.New("connection reset mid-body")
	dc := New(Options{Vendor: "acme", Logger: logger, DebugBodies: true})
	r, _ := http.NewRequest(http.MethodGet, testURL, nil)
	resp, err = dc.debugAttempt(r, 1, time.Now(),
		&http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(io.MultiReader(strings.NewReader("abc"), errReader{boom}))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if string(b) != "abc" || !errors.Is(err, boom) {
		t.Errorf("caller read %q, %v; want abc then the read error", b, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestSecretHeaderNames(t *testing.T) {
	rd := Redaction{Headers: []string{"x-custom"}}.compile()
	for name, secret := range map[string]bool{
		"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true,
		"X-Api-Key": true, "X-Auth-Token": true, "X-Twilio-Signature": true, "X-Session-Id": true,
		"X-Custom": true, "Content-Type": false, "User-Agent": false, "Retry-After": false,
		"X-Ratelimit-Reset": false, "Intercom-Version": false, "Keep-Alive": false,
	} {
		if got := rd.secretHeader(name); got != secret {
			t.Errorf("secretHeader(%q) = %v, want %v", name, got, secret)
		}
	}
}

// TestContextErrorKeepsLastResponse: when the deadline passes during a
// backoff, the caller gets the context error with the last response's
// *apierror.Error still reachable.
func TestContextErrorKeepsLastResponse(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, WaitMin: 10e9, WaitMax: 10e9}, step{status: 503, body: `{"message":"busy"}`})
		ctx, cancel := context.WithTimeout(context.Background(), 100e6)
		defer cancel()
		_, err := doGetWith(ctx, c, idem(c))
		var ce *ContextError
		var api *apierror.Error
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ce) || !errors.As(err, &api) {
			t.Fatalf("err = %#v", err)
		}
		if api.StatusCode != 503 || string(api.Body) != `{"message":"busy"}` || api.Attempts != 1 {
			t.Errorf("last = %+v", api)
		}
		if !strings.HasPrefix(err.Error(), "context deadline exceeded (last response: vendor: HTTP 503") {
			t.Errorf("Error() = %q", err)
		}
	})
}

func FuzzRedactBody(f *testing.F) {
	f.Add([]byte(`{"attributes":"{\"ssn\":\"SECRETVALUE1\"}","a":[{"Attributes":1}]}`), "application/json", "SECRETVALUE1", true)
	f.Add([]byte(`Attributes=%7B%22x%22%3A1%7D&Identity=SECRETVALUE1`), "application/x-www-form-urlencoded", "SECRETVALUE1", true)
	f.Add([]byte(`<html>SECRETVALUE1</html>`), "text/html", "SECRETVALUE1", true)
	f.Add([]byte(`{"attributes":"cut`), "application/json", "zzzzzzzz", false)
	f.Add([]byte("%zz&Attributes"), "application/x-www-form-urlencoded", "abcdefgh", true)
	f.Add([]byte("\xff\xfe{"), "", "abcdefgh", true)
	f.Fuzz(func(t *testing.T, body []byte, ct, secret string, complete bool) {
		rd := Redaction{Secrets: []string{secret}, FormKeys: []string{"Attributes"}, JSONKeys: []string{"attributes"}}.compile()
		got := rd.body(body, ct, complete)
		if !utf8.ValidString(got) {
			t.Fatalf("record body is not UTF-8: %q", got)
		}
		if len(got) > DebugBodyBytes+len("…(cut)") {
			t.Fatalf("record body is %d bytes", len(got))
		}
		// A credential-like secret never survives.
		if len(secret) >= 8 && isAlnum(secret) && strings.Contains(got, secret) {
			t.Fatalf("secret %q in %q (body %q)", secret, got, body)
		}
		// A hidden JSON member's string value never survives in a complete
		// JSON object body.
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if v, ok := m["attributes"].(string); ok && len(v) >= 8 && isAlnum(v) && complete && len(body) <= debugPeekBytes &&
				strings.Contains(got, v) && !strings.Contains(Redacted, v) {
				// The same text may legitimately appear elsewhere in the body.
				delete(m, "attributes")
				rest, _ := json.Marshal(m)
				if !strings.Contains(string(rest), v) {
					t.Fatalf("attributes value %q survived in %q", v, got)
				}
			}
		}
	})
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// redactingDecoder copies the body into the fields Error() prints: Code,
// Message, Field and MoreInfo are the body's first four "|"-separated parts,
// RequestID the X-Request-Id header, as a vendor that echoes everything
// would.
func redactingDecoder(e *apierror.Error) {
	parts := strings.SplitN(string(e.Body), "|", 4)
	for i, f := range []*string{&e.Code, &e.Message, &e.Field, &e.MoreInfo} {
		if i < len(parts) {
			*f = parts[i]
		}
	}
	e.RequestID = e.Header.Get("X-Request-Id")
}

func TestAPIErrorRedaction(t *testing.T) {
	const key = "sk_live_4f9c2a7e81d3b6"
	tests := []struct {
		name      string
		secrets   []string
		body, rid string
		want      apierror.Error // Code, Message, Field, MoreInfo, RequestID
	}{
		{"no secret", nil, "c|m " + key + "|f|u", "r",
			apierror.Error{Code: "c", Message: "m " + key, Field: "f", MoreInfo: "u", RequestID: "r"}},
		{"every field", []string{key}, key + "|bad token " + key + "|" + key + "|https://x/" + key, "id-" + key,
			apierror.Error{Code: Redacted, Message: "bad token " + Redacted, Field: Redacted, MoreInfo: "https://x/" + Redacted, RequestID: "id-" + Redacted}},
		{"escaped form", []string{"a b/c"}, "|q=a+b%2Fc", "",
			apierror.Error{Message: "q=" + Redacted}},
		{"several secrets", []string{key, "basic64=="}, "x|" + key + " and basic64==", "",
			apierror.Error{Code: "x", Message: Redacted + " and " + Redacted}},
		// The replacement joins the text around it into a new match:
		// "xx[[" -> "x[redacted][", so the whole field goes.
		{"joined match", []string{"x["}, "c|xx[[", "",
			apierror.Error{Code: "c", Message: Redacted}},
		// Redacted itself holds the secret: the field is emptied.
		{"secret in the placeholder", []string{"dact"}, "c|a dact b", "",
			apierror.Error{Code: "c"}},
		// Each field is clean, but Error() joins Code and Message with
		// ": ": every field goes.
		{"across fields", []string{"tok: en"}, "tok|en|f", "",
			apierror.Error{Code: Redacted, Message: Redacted, Field: Redacted}},
		// Error() turns control characters into spaces.
		{"made by Error()", []string{"to ken"}, "c|to\nken", "",
			apierror.Error{Code: Redacted, Message: Redacted}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := mockClient(t, Options{Vendor: "acme", DecodeError: redactingDecoder, Redact: Redaction{Secrets: tt.secrets}},
				step{status: 401, body: tt.body, hdr: []string{"X-Request-Id", tt.rid}})
			_, err := doGet(context.Background(), c)
			var e *apierror.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v", err)
			}
			if e.Code != tt.want.Code || e.Message != tt.want.Message || e.Field != tt.want.Field ||
				e.MoreInfo != tt.want.MoreInfo || e.RequestID != tt.want.RequestID {
				t.Errorf("got Code %q Message %q Field %q MoreInfo %q RequestID %q", e.Code, e.Message, e.Field, e.MoreInfo, e.RequestID)
			}
			for _, s := range tt.secrets {
				if strings.Contains(e.Error(), s) {
					t.Errorf("Error() = %q contains %q", e.Error(), s)
				}
			}
			// The stored body loses the secrets too (%#v shows it), and
			// only them.
			if len(tt.secrets) == 0 && string(e.Body) != tt.body {
				t.Errorf("Body = %q, want the raw body %q", e.Body, tt.body)
			}
			for _, s := range tt.secrets {
				if strings.Contains(string(e.Body), s) {
					t.Errorf("Body = %q contains %q", e.Body, s)
				}
			}
		})
	}
}

// FuzzAPIErrorRedaction sends any error body and request-ID header through a
// client whose decoder copies them into every field Error() prints: Error()
// never contains the secret, unless the secret is part of what Error() says
// with every vendor field empty ("acme: HTTP 400 Bad Request").
func FuzzAPIErrorRedaction(f *testing.F) {
	const key = "sk_live_4f9c2a7e81d3b6"
	f.Add([]byte("unauthorized|bad token "+key+"|token|https://x/"+key), "id-"+key, key, uint16(401))
	f.Add([]byte("c|xx[["), "", "x[", uint16(400))
	f.Add([]byte("c|a dact b"), "r", "dact", uint16(403))
	f.Add([]byte("tok|en|f"), "", "tok: en", uint16(422))
	f.Add([]byte("c|to\nken"), "", "to ken", uint16(500))
	f.Add([]byte("|q=a+b%2Fc"), "a%20b", "a b/c", uint16(404))
	f.Add([]byte("\xff\xfe|"+key+"\x00"), key, key, uint16(429))
	f.Fuzz(func(t *testing.T, body []byte, rid, secret string, status uint16) {
		if secret == "" || strings.ContainsAny(rid, "\r\n") {
			return // no secret; a header value net/http would refuse
		}
		st := step{status: 400 + int(status%200), body: string(body), hdr: []string{"X-Request-Id", rid}}
		c, _, _ := mockClient(t, Options{Vendor: "acme", DecodeError: redactingDecoder, Redact: Redaction{Secrets: []string{secret}}}, st)
		_, err := doGet(context.Background(), c)
		var e *apierror.Error
		if !errors.As(err, &e) {
			t.Fatalf("err = %v", err)
		}
		bare := apierror.Error{Vendor: e.Vendor, StatusCode: e.StatusCode, Truncated: e.Truncated}
		if strings.Contains(bare.Error(), secret) {
			return // the secret is in the status line itself
		}
		if strings.Contains(e.Error(), secret) {
			t.Fatalf("Error() = %q contains the secret %q", e.Error(), secret)
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("err = %q contains the secret %q", err, secret)
		}
		// Nor do the stored Body and Header that %#v shows.
		if strings.Contains(string(e.Body), secret) {
			t.Fatalf("Body = %q contains the secret %q", e.Body, secret)
		}
		for k, vs := range e.Header {
			for _, v := range append([]string{k}, vs...) {
				if strings.Contains(v, secret) {
					t.Fatalf("Header %q: %q contains the secret %q", k, vs, secret)
				}
			}
		}
	})
}

// debugRecords runs one POST with a text/plain body through a client that
// logs attempts, and returns the whole log.
func debugRun(t *testing.T, red Redaction, reqBody, respBody, respCT string) string {
	t.Helper()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: red},
		step{status: 200, body: respBody, hdr: []string{"Content-Type", respCT}})
	req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(reqBody))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, resp); got != respBody {
		t.Errorf("the caller read %q, want %q", got, respBody)
	}
	return buf.String()
}

// A JSON body is redacted by its JSON keys whatever Content-Type it is sent
// or answered with (Twilio's attributes are JSON text in forms and in
// text/plain echoes alike).
func TestDebugRedactsJSONUnderOtherContentType(t *testing.T) {
	red := Redaction{JSONKeys: []string{"Attributes"}}
	for _, tc := range []struct{ name, req, resp, ct string }{
		{"object", `{"attributes":"req-ssn-5521"}`, `{"sid":"MB1","ATTRIBUTES":{"x":"resp-ssn-7734"}}`, "text/plain"},
		{"array, leading space", "  \n[{\"attributes\":\"req-ssn-5521\"}]", "\t[{\"a\":{\"Attributes\":\"resp-ssn-7734\"}}]", "text/plain; charset=utf-8"},
		{"no content type", `{"attributes":"req-ssn-5521"}`, `{"attributes":"resp-ssn-7734"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := debugRun(t, red, tc.req, tc.resp, tc.ct)
			for _, leak := range []string{"req-ssn-5521", "resp-ssn-7734"} {
				if strings.Contains(out, leak) {
					t.Errorf("log holds %q:\n%s", leak, out)
				}
			}
			if !strings.Contains(out, Redacted) {
				t.Errorf("no redaction in the log:\n%s", out)
			}
		})
	}
	// Text that is not JSON is shown as it is, blank included.
	out := debugRun(t, red, "   ", "attributes are fine here", "text/plain")
	if !strings.Contains(out, "attributes are fine here") {
		t.Errorf("plain text body not shown:\n%s", out)
	}
}

// A secret that contains another secret is removed whole, whichever order
// the secrets are given in: no tail of the longer one is left.
func TestDebugRedactsNestedSecrets(t *testing.T) {
	const inner, outer = "INNER7731", "head-INNER7731-tail-Q9"
	for _, secrets := range [][]string{{inner, outer}, {outer, inner}} {
		body := "token=" + outer + " and " + inner
		var buf bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: Redaction{Secrets: secrets}},
			step{status: 200, body: body, hdr: []string{"Content-Type", "text/plain", "X-Echo", outer}})
		req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(body))
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		drain(t, resp)
		out := buf.String()
		for _, leak := range []string{inner, "head-", "-tail-Q9", "tail"} {
			if strings.Contains(out, leak) {
				t.Errorf("secrets %q: log holds %q:\n%s", secrets, leak, out)
			}
		}
		recs := records(t, &buf)
		var got []string
		for _, r := range recs {
			if r["msg"] == "conversekit attempt" {
				got = append(got, r["request_body"].(string), r["response_body"].(string))
			}
		}
		want := "token=" + Redacted + " and " + Redacted
		if len(got) != 2 || got[0] != want || got[1] != want {
			t.Errorf("secrets %q: bodies = %q, want %q twice", secrets, got, want)
		}
	}
}

// debugBodyRecord returns what the attempt record shows of a response body
// and of the request body, for bodies sent and answered with ct.
func debugBodyRecord(t *testing.T, red Redaction, reqBody, respBody, ct string) (req, resp string) {
	t.Helper()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true, Redact: red},
		step{status: 200, body: respBody, hdr: []string{"Content-Type", ct}})
	r, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(reqBody))
	r.Header.Set("Content-Type", ct)
	res, err := c.Do(context.Background(), r, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, res); got != respBody {
		t.Errorf("the caller read %d bytes, want %d", len(got), len(respBody))
	}
	for _, rec := range records(t, &buf) {
		if rec["msg"] == "conversekit attempt" {
			return rec["request_body"].(string), rec["response_body"].(string)
		}
	}
	t.Fatal("no attempt record")
	return "", ""
}

// A body of exactly the peek size (64 KiB) is whole: it is parsed and
// redacted, and not marked cut once redaction made it short.
func TestDebugBodyAtPeekSize(t *testing.T) {
	prefix, suffix := `{"attributes":"`, `"}`
	body := prefix + strings.Repeat("p", debugPeekBytes-len(prefix)-len(suffix)) + suffix
	if len(body) != debugPeekBytes {
		t.Fatal("bad body size")
	}
	req, resp := debugBodyRecord(t, Redaction{JSONKeys: []string{"attributes"}}, body, body, "application/json")
	want := `{"attributes":"[redacted]"}`
	if req != want || resp != want {
		t.Errorf("records: request %.80q, response %.80q; want %q", req, resp, want)
	}
	// One byte more is cut: it cannot be parsed and is withheld.
	body = prefix + strings.Repeat("p", debugPeekBytes+1-len(prefix)-len(suffix)) + suffix
	req, resp = debugBodyRecord(t, Redaction{JSONKeys: []string{"attributes"}}, body, body, "application/json")
	if !strings.HasPrefix(req, "[withheld") || !strings.HasPrefix(resp, "[withheld") {
		t.Errorf("records of a 64 KiB+1 body: request %.80q, response %.80q; want withheld", req, resp)
	}
}

// A body of exactly DebugBodyBytes is shown whole; one byte more is cut.
func TestDebugBodyAtRecordSize(t *testing.T) {
	body := strings.Repeat("r", DebugBodyBytes)
	req, resp := debugBodyRecord(t, Redaction{}, body, body, "text/plain")
	if req != body || resp != body {
		t.Errorf("a %d-byte body was changed: %d / %d bytes", DebugBodyBytes, len(req), len(resp))
	}
	req, resp = debugBodyRecord(t, Redaction{}, body+"s", body+"s", "text/plain")
	if want := body + "…(cut)"; req != want || resp != want {
		t.Errorf("a %d-byte body: %q…", DebugBodyBytes+1, resp[len(resp)-10:])
	}
}

// A response body whose reading fails is marked cut in the record, and the
// caller still gets the bytes and then the error.
func TestDebugBodyReadErrorMarkedCut(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	boom := errors.New("reset mid-body")
	c := New(Options{Vendor: "acme", Logger: logger, DebugBodies: true})
	r, _ := http.NewRequest(http.MethodGet, testURL, nil)
	resp, err := c.debugAttempt(r, 1, time.Now(),
		&http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(io.MultiReader(strings.NewReader("partial"), errReader{boom}))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	recs := records(t, &buf)
	if len(recs) != 1 || recs[0]["response_body"] != "partial…(cut)" || recs[0]["error"] != boom.Error() {
		t.Errorf("record = %v", recs)
	}
}

// A JSON body holding more than one value, or a form that does not parse,
// is withheld when it mentions a hidden key, in any of its spellings.
func TestDebugUnparsableBodiesWithheld(t *testing.T) {
	red := Redaction{JSONKeys: []string{"attributes"}, FormKeys: []string{"Secret Key"}}
	_, resp := debugBodyRecord(t, red, "", `{"sid":"MB1"} {"attributes":"ssn-4412"}`, "application/json")
	if resp != "[withheld: unparsable JSON body]" {
		t.Errorf("two JSON values: %q", resp)
	}
	for _, body := range []string{"Secret+Key=%zz", "Secret Key=%zz"} {
		_, resp = debugBodyRecord(t, red, "", body, "application/x-www-form-urlencoded")
		if resp != "[withheld: unparsable form body]" {
			t.Errorf("form %q: %q", body, resp)
		}
	}
	_, resp = debugBodyRecord(t, red, "", "Other=%zz", "application/x-www-form-urlencoded")
	if resp != "Other=%zz" {
		t.Errorf("unparsable form without a hidden key: %q", resp)
	}
}

// A body cut for the debug record is cut between runes, never inside one.
func TestDebugBodyCutBetweenRunes(t *testing.T) {
	body := strings.Repeat("a", DebugBodyBytes-1) + "é" + strings.Repeat("b", 10)
	req, resp := debugBodyRecord(t, Redaction{}, body, body, "text/plain")
	want := strings.Repeat("a", DebugBodyBytes-1) + "…(cut)"
	if req != want || resp != want {
		t.Errorf("cut record ends %q / %q, want %q", req[len(req)-12:], resp[len(resp)-12:], want[len(want)-12:])
	}
}

// A debug record shows response headers until their names and values reach
// 16 KiB (debugHeaderBytes), then only counts the rest.
func TestDebugHeaderGroupBound(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var hdr []string
	for i := range 20 {
		// 9 bytes of name and 1015 of value: 16 of them make 16 KiB.
		hdr = append(hdr, fmt.Sprintf("X-Hdr-%03d", i), strings.Repeat("v", 1015))
	}
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Logger: logger, DebugBodies: true}, step{status: 200, body: "ok", hdr: hdr})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	var h map[string]any
	for _, r := range records(t, &buf) {
		if r["msg"] == "conversekit attempt" {
			h, _ = r["response_header"].(map[string]any)
		}
	}
	for i := range 20 {
		_, shown := h[fmt.Sprintf("X-Hdr-%03d", i)]
		if shown != (i < 16) {
			t.Errorf("header %d shown: %v, want %v", i, shown, i < 16)
		}
	}
	if n, _ := h["cut_headers"].(float64); n != 4 {
		t.Errorf("cut_headers = %v, want the 4 headers past 16 KiB", h["cut_headers"])
	}
}

// A header value in a debug record: whole up to DebugHeaderValueBytes, else
// cut there (on a rune boundary) with its length said; secrets replaced,
// including one that the cut runs across, which never shows in part.
func TestDebugHeaderValueEdges(t *testing.T) {
	const n = DebugHeaderValueBytes
	const secret = "SK_live_9f8e7d6c5b4a3"
	plain := Redaction{}.compile()
	withSecret := Redaction{Secrets: []string{secret}}.compile()
	marker := func(full int) string { return fmt.Sprintf("…(%d bytes)", full) }
	tests := []struct {
		name string
		rd   *redactor
		v    string
		want string
	}{
		{"exactly the limit", plain, strings.Repeat("a", n), strings.Repeat("a", n)},
		{"one byte over", plain, strings.Repeat("a", n+1), strings.Repeat("a", n) + marker(n+1)},
		{"cut before a rune", plain, strings.Repeat("a", n-1) + "é" + "bbb", strings.Repeat("a", n-1) + marker(n+4)},
		{"over, but short once redacted", withSecret, secret + strings.Repeat("x", n-15), Redacted + strings.Repeat("x", n-15) + marker(n+6)},
		{"redacted to exactly the limit", withSecret, secret + strings.Repeat("x", n-10), Redacted + strings.Repeat("x", n-10) + marker(n+11)},
		{"longer once redacted", Redaction{Secrets: []string{"abc"}}.compile(), strings.Repeat("abc", 300), strings.Repeat(Redacted, n/10) + "[red" + marker(900)},
	}
	for _, tt := range tests {
		if got := tt.rd.clipScrub(tt.v, n); got != tt.want {
			t.Errorf("%s: %q…, want %q…", tt.name, got[max(0, len(got)-40):], tt.want[max(0, len(tt.want)-40):])
		}
	}
	// A secret at any place around the cut is replaced whole.
	for p := n - 2*len(secret); p <= n+2; p++ {
		v := strings.Repeat("x", p) + secret + strings.Repeat("y", 3*n)
		want := (strings.Repeat("x", p) + Redacted + strings.Repeat("y", 3*n))[:n] + marker(len(v))
		if got := withSecret.clipScrub(v, n); got != want {
			t.Errorf("secret at %d: …%q, want …%q", p, got[max(0, len(got)-60):], want[max(0, len(want)-60):])
		}
	}
}

// The attempt record of a transport failure shows the RoundTripper's own
// error, not the *url.Error the call returns (which repeats the URL).
func TestDebugRecordOfTransportError(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _, _ := mockClient(t, Options{Logger: logger, DebugBodies: true}, step{err: resetErr()})
	_, err := doGet(context.Background(), c)
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want a *url.Error", err)
	}
	for _, r := range records(t, &buf) {
		if r["msg"] == "conversekit attempt" {
			if r["error"] != resetErr().Error() {
				t.Errorf("record error = %q, want %q", r["error"], resetErr().Error())
			}
			return
		}
	}
	t.Fatal("no attempt record")
}
