package transport

// Behaviour that mutation testing found unchecked (issue 13, second pass):
// the bounds of debug header records, secrets across a cut, request values
// removed from API errors (how many, how short, which requests), the 429
// that a shared pause reports, Doers that misbehave, every 2xx capped, body
// reads after an attempt's deadline, and the request body closed.

import (
	"bytes"
	"context"
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

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

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

// A credential echoed in the name of a response header is gone from the
// error's Header; the value stays under the scrubbed name.
func TestSecretInHeaderNameScrubbed(t *testing.T) {
	const secret = "Abcd7xyz9q"
	c, _, _ := mockClient(t, Options{Redact: Redaction{Secrets: []string{secret}}},
		step{status: 401, body: "no", hdr: []string{"X-" + secret, "echoed"}})
	_, err := doGet(context.Background(), c)
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	for k := range e.Header {
		if strings.Contains(k, secret) {
			t.Errorf("the error's Header holds the secret in a name: %v", e.Header)
		}
	}
	if got := e.Header.Get("X-" + Redacted); got != "echoed" {
		t.Errorf("Header = %v, want the value under the scrubbed name", e.Header)
	}
}

// A secret with a backspace or a form feed is found however an encoder
// escapes them: \b and \f (Go, Python), \u0008 and \u000c (others).
func TestSecretsWithShortEscapes(t *testing.T) {
	rd := Redaction{Secrets: []string{"pw\bq\fz-77"}}.compile()
	for _, form := range []string{`pw\bq\fz-77`, `pw\u0008q\u000cz-77`, `pw\u0008q\u000Cz-77`, "pw\bq\fz-77"} {
		if got := rd.scrub(`{"m":"bad ` + form + `"}`); got != `{"m":"bad `+Redacted+`"}` {
			t.Errorf("%s: scrub = %s", form, got)
		}
	}
}

// hiddenErr sends body as ct through a client that hides red, and returns
// the *apierror.Error of a 400 whose message quotes msg.
func hiddenErr(t *testing.T, red Redaction, ct, body, msg string) *apierror.Error {
	t.Helper()
	c, _, _ := mockClient(t, Options{Redact: red, DecodeError: copyBodyDecoder}, step{status: 400, body: msg})
	req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	_, err := c.Do(req.Context(), req, c.Defaults())
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	return e
}

// The hidden values of a request (at least 4 bytes, at most 64 of them, in
// body order) are removed from its API error, with a client that hides only
// form keys or only JSON keys too; a non-string value goes as its JSON text.
func TestRequestValuesRemoved(t *testing.T) {
	form := url.Values{"Attributes": {"form-secret-1"}, "Identity": {"ada"}}.Encode()
	if e := hiddenErr(t, Redaction{FormKeys: []string{"Attributes"}}, "application/x-www-form-urlencoded", form, "bad form-secret-1 for ada"); e.Message != "bad "+Redacted+" for ada" {
		t.Errorf("form keys only: Message = %q", e.Message)
	}
	jsonOnly := Redaction{JSONKeys: []string{"attributes"}}
	if e := hiddenErr(t, jsonOnly, "application/json", `{"attributes":"json-secret-2","identity":"ada"}`, "bad json-secret-2 for ada"); e.Message != "bad "+Redacted+" for ada" {
		t.Errorf("JSON keys only: Message = %q", e.Message)
	}
	if e := hiddenErr(t, jsonOnly, "application/json", `{"attributes":{"a":"abc","b":"wxyz"}}`, "got abc and wxyz"); e.Message != "got abc and "+Redacted {
		t.Errorf("3- and 4-byte values: Message = %q, want only the 4-byte one removed", e.Message)
	}
	if e := hiddenErr(t, jsonOnly, "application/json", `{"attributes":[12,34]}`, "bad attributes [12,34]"); e.Message != "bad attributes "+Redacted {
		t.Errorf("array value: Message = %q, want its JSON text removed", e.Message)
	}
	// 70 strings: the array's text and the first 63 strings make 64.
	vals := make([]string, 70)
	for i := range vals {
		vals[i] = fmt.Sprintf(`"val-%02d"`, i)
	}
	body := `{"attributes":[` + strings.Join(vals, ",") + `]}`
	if e := hiddenErr(t, jsonOnly, "application/json", body, "val-00 val-62 val-63 val-69"); e.Message != strings.Repeat(Redacted+" ", 2)+"val-63 val-69" {
		t.Errorf("70 values: Message = %q, want the first 63 strings removed and no more", e.Message)
	}
}

// A Doer may answer with a request of its own (the one it sent): the
// error of its non-2xx response is built whole whatever that request's
// GetBody does, and the hidden values are removed when GetBody gives the body.
func TestDoerOwnRequest(t *testing.T) {
	const sent = `{"attributes":"own-secret-3"}`
	for _, tc := range []struct {
		name    string
		getBody func() (io.ReadCloser, error)
		want    string
	}{
		{"no GetBody", nil, "bad own-secret-3"},
		{"nil body", func() (io.ReadCloser, error) { return nil, nil }, "bad own-secret-3"},
		{"GetBody fails", func() (io.ReadCloser, error) { return nil, errors.New("gone") }, "bad own-secret-3"},
		{"GetBody gives the body", func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(sent)), nil }, "bad " + Redacted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{
				Redact: Redaction{JSONKeys: []string{"attributes"}}, DecodeError: copyBodyDecoder,
				Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
					own, _ := http.NewRequest(r.Method, r.URL.String(), nil)
					own.GetBody = tc.getBody
					resp := httpmock.NewStringResponse(400, "bad own-secret-3")
					resp.Request = own
					return resp, nil
				}),
			})
			req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader(sent))
			req.Header.Set("Content-Type", "application/json")
			_, err := c.Do(req.Context(), req, c.Defaults())
			var e *apierror.Error
			if !errors.As(err, &e) || e.StatusCode != 400 || e.Message != tc.want {
				t.Errorf("err = %v, want the 400 with message %q", err, tc.want)
			}
		})
	}
}

// A call stopped by another call's 429 pause reports that 429, as the
// vendor sent it (decoded fields included), with what is left of the wait.
func TestPausedErrorCarriesThe429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _, rec := mockClient(t, Options{
			MaxRetries:  DefaultMaxRetries,
			DecodeError: func(e *apierror.Error) { e.Code, e.Message = "rate_limited", string(e.Body) },
		}, step{status: 429, body: "slow down", hdr: []string{"Retry-After", "60"}})
		for i := range 2 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := doGet(ctx, c)
			cancel()
			var e *apierror.Error
			if !errors.As(err, &e) || e.StatusCode != 429 || e.Code != "rate_limited" || e.Message != "slow down" {
				t.Fatalf("call %d: err = %v (%+v), want the vendor's 429", i, err, e)
			}
			if i == 1 && (e.Attempts != 0 || e.RetryAfter <= 50*time.Second || e.RetryAfter > time.Minute || !strings.Contains(e.Reason, "earlier 429")) {
				t.Errorf("paused call: Attempts %d, RetryAfter %s, Reason %q", e.Attempts, e.RetryAfter, e.Reason)
			}
		}
		if n := rec.n(); n != 1 {
			t.Errorf("the vendor saw %d requests, want 1: the second call is held by the pause", n)
		}
	})
}

// An error from the Doer fails the attempt even when it came with a
// response.
func TestDoerErrorWithResponse(t *testing.T) {
	boom := errors.New("boom")
	c := New(Options{Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, "ok")
		resp.Request = r
		return resp, boom
	})})
	if resp, err := doGet(context.Background(), c); !errors.Is(err, boom) {
		if err == nil {
			resp.Body.Close()
		}
		t.Errorf("err = %v, want the Doer's error", err)
	}
}

// A Doer that followed a redirect by itself is caught when only the URL
// changed (a 307 keeps the method) and when only the method did (a 303 to
// the same URL).
func TestDoerRedirectOneSideChanged(t *testing.T) {
	for _, tc := range []struct{ method, url string }{
		{http.MethodPost, "https://api.example.test/v1/elsewhere"},
		{http.MethodGet, testURL},
	} {
		c := New(Options{Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			final, _ := http.NewRequest(tc.method, tc.url, nil)
			resp := httpmock.NewStringResponse(200, "other answer")
			resp.Request = final
			return resp, nil
		})})
		req, _ := http.NewRequest(http.MethodPost, testURL, strings.NewReader("x"))
		resp, err := c.Do(req.Context(), req, c.Defaults())
		var re *RedirectError
		if !errors.As(err, &re) {
			if err == nil {
				resp.Body.Close()
			}
			t.Errorf("ended at %s %s: err = %v, want a *RedirectError", tc.method, tc.url, err)
		}
	}
}

// Every 2xx body is held to MaxResponseBytes, at both ends of the class.
func TestEvery2xxBodyCapped(t *testing.T) {
	for _, status := range []int{200, 250, 299} {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, MaxResponseBytes: 16}, step{status: status, body: strings.Repeat("z", 17)})
		if resp, err := doGet(context.Background(), c); !errors.Is(err, ErrBodyTooLarge) {
			if err == nil {
				resp.Body.Close()
			}
			t.Errorf("%d with a 17-byte body over a 16-byte cap: err = %v", status, err)
		}
	}
}

// A success body of announced length, up to the cap, is read into one
// buffer of the right size: no second allocation to grow it.
func TestSuccessBodyOneAllocation(t *testing.T) {
	for _, size := range []int{1000, 4096} {
		b := bytes.Repeat([]byte("q"), size)
		r := bytes.NewReader(b)
		allocs := testing.AllocsPerRun(20, func() {
			r.Reset(b)
			if got, err := readSuccessBody(r, int64(size), 4096); err != nil || len(got) != size {
				t.Fatalf("read %d bytes, %v", len(got), err)
			}
		})
		if allocs != 1 {
			t.Errorf("%d-byte body: %v allocations, want 1", size, allocs)
		}
	}
}

// BodyReadError.Timeout says whether the read was cut off by a timeout.
func TestBodyReadErrorTimeout(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{io.ErrUnexpectedEOF, false},
		{resetErr(), false},
		{&AttemptTimeoutError{Limit: time.Second}, true},
		{context.DeadlineExceeded, true},
	} {
		if got := (&BodyReadError{Status: 200, Err: tc.err}).Timeout(); got != tc.want {
			t.Errorf("Timeout() with %v = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// afterDeadlineBody gives its bytes only once the attempt's context is
// done, as a body already in memory would after a slow start.
type afterDeadlineBody struct {
	ctx  context.Context
	rest *strings.Reader
}

func (b *afterDeadlineBody) Read(p []byte) (int, error) {
	<-b.ctx.Done()
	return b.rest.Read(p)
}

func (b *afterDeadlineBody) Close() error { return nil }

// An error body read whole after the attempt's deadline is whole: the
// attempt timeout classifies failed reads only.
func TestErrorBodyReadAfterAttemptDeadline(t *testing.T) {
	c := New(Options{AttemptTimeout: 10 * time.Millisecond, Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 400, Header: http.Header{}, Request: r,
			Body: &afterDeadlineBody{ctx: r.Context(), rest: strings.NewReader("whole error body")}}, nil
	})})
	_, err := doGet(context.Background(), c)
	var e *apierror.Error
	if !errors.As(err, &e) || string(e.Body) != "whole error body" || e.Truncated {
		t.Errorf("err = %v (%+v), want the 400 with its whole body", err, e)
	}
}

// closeBody is a request body that is not an io.Seeker and records Close.
type closeBody struct {
	io.Reader
	closed bool
}

func (b *closeBody) Close() error { b.closed = true; return nil }

// A request body that cannot seek is read once and closed by Do.
func TestRequestBodyClosed(t *testing.T) {
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 200, body: "ok"})
	body := &closeBody{Reader: strings.NewReader("payload")}
	req, _ := http.NewRequest(http.MethodPost, testURL, body)
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if !body.closed || len(rec.bodies) != 1 || rec.bodies[0] != "payload" {
		t.Errorf("closed %v, sent %q", body.closed, rec.bodies)
	}
}
