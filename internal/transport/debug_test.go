package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	if len(attempts) != 2 || len(recs) != 3 {
		t.Fatalf("records = %d (%d attempts), want 2 attempts and 1 call summary:\n%s", len(recs), len(attempts), out)
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
