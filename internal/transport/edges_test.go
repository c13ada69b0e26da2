package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// The edges of the attempt, the error and the redaction that the
// behaviour tests do not reach (found by mutation testing).

// jsonEscape writes each mode as its flags say; the redactor tries every
// mode, so only this test tells one flag from another.
func TestJSONEscapeModes(t *testing.T) {
	const s = "a/<\u2028\né\U0001F600"
	for _, tc := range []struct {
		name string
		m    jsonMode
		want string
	}{
		{"plain", 0, "a/<\u2028\\né\U0001F600"},
		{"slash", jsonSlash, `a\/<` + "\u2028" + `\né` + "\U0001F600"},
		{"html", jsonHTML, `a/\u003c\u2028\né` + "\U0001F600"},
		{"html upper", jsonHTML | jsonUpper, `a/\u003C\u2028\né` + "\U0001F600"},
		{"ascii", jsonASCII, `a/<\u2028\n\u00e9\ud83d\ude00`},
		{"long", jsonLong, "a/<\u2028" + `\u000aé` + "\U0001F600"},
		{"line separators", jsonLineSep, `a/<\u2028\né` + "\U0001F600"},
	} {
		if got := jsonEscape(s, tc.m); got != tc.want {
			t.Errorf("%s: jsonEscape = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Without hidden JSON or form keys, no body is redacted as JSON or as a
// form; with them, it is.
func TestRedactorKindNeedsKeys(t *testing.T) {
	json, form := []byte(`{"a":1}`), []byte("a=1&b=2")
	none := &redactor{}
	if k := none.kind(json, "application/json"); k != otherBody {
		t.Errorf("JSON body without JSON keys: kind %v", k)
	}
	if k := none.kind(form, "application/x-www-form-urlencoded"); k != otherBody {
		t.Errorf("form body without form keys: kind %v", k)
	}
	keys := &redactor{jsonKeys: map[string]bool{"a": true}, formKeys: map[string]bool{"a": true}}
	if k := keys.kind(json, "application/json"); k != jsonBody {
		t.Errorf("JSON body with JSON keys: kind %v", k)
	}
	if k := (&redactor{formKeys: map[string]bool{"a": true}}).kind(form, "application/x-www-form-urlencoded"); k != formBody {
		t.Errorf("form body with form keys: kind %v", k)
	}
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A RoundTripper that returns a response with its error: the response's
// body is closed, the error is the attempt's.
func TestRoundTripClosesTheBodyOfAFailedResponse(t *testing.T) {
	body := &closeTracker{Reader: strings.NewReader("x")}
	c := New(Options{HTTPClient: &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: body, Request: r}, errors.New("broken")
	})}})
	req, _ := http.NewRequest(http.MethodGet, testURL, nil)
	if _, err := c.roundTrip(req); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("err = %v", err)
	}
	if !body.closed {
		t.Fatal("the body of a response that came with an error was not closed")
	}
}

// Only a TLS record that starts with "HTTP/" is a plain-HTTP server behind
// an https URL; another bad record keeps its own error.
func TestRecordHeaderErrorOtherThanHTTP(t *testing.T) {
	for _, tc := range []struct {
		header   string
		mismatch bool
	}{{"HTTP/", true}, {"\x15\x03\x01\x00\x02", false}} {
		var rh [5]byte
		copy(rh[:], tc.header)
		c := New(Options{HTTPClient: &http.Client{Transport: rtFunc(func(*http.Request) (*http.Response, error) {
			return nil, tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake", RecordHeader: rh}
		})}})
		req, _ := http.NewRequest(http.MethodGet, testURL, nil)
		_, err := c.roundTrip(req)
		if got := errors.Is(err, http.ErrSchemeMismatch); got != tc.mismatch {
			t.Errorf("record %q: scheme mismatch %v, want %v (err %v)", tc.header, got, tc.mismatch, err)
		}
	}
}

// A nil *http.Client given as the Doer is not copied (it would panic).
func TestAttemptSenderNilHTTPClientDoer(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("attemptSender panicked on a nil *http.Client: %v", r)
		}
	}()
	attemptSender(Options{Doer: (*http.Client)(nil)})
}

// The APIError of a response names the host its request went to; a
// response without its request (a RoundTripper that does not set it) has
// no host, and no panic.
func TestAPIErrorHost(t *testing.T) {
	c := New(Options{Vendor: "test"})
	req, _ := http.NewRequest(http.MethodGet, testURL, nil)
	e := c.apiError(&http.Response{StatusCode: 404, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, 1)
	if e.Host != "api.example.test" {
		t.Errorf("Host = %q", e.Host)
	}
	e = c.apiError(&http.Response{StatusCode: 404, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}, 1)
	if e.Host != "" {
		t.Errorf("Host = %q without a request", e.Host)
	}
	e = c.apiError(&http.Response{StatusCode: 404, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: &http.Request{}}, 1)
	if e.Host != "" {
		t.Errorf("Host = %q with a request without URL", e.Host)
	}
}

// A 429 asking for the pause already set does not replace the one that
// set it.
func TestPauseUntilSameTimeKeepsTheFirst429(t *testing.T) {
	var g pauseGate
	until := time.Unix(1_700_000_000, 0)
	first, second := &apierror.Error{StatusCode: 429, Message: "first"}, &apierror.Error{StatusCode: 429, Message: "second"}
	g.pauseUntil(until, first)
	g.pauseUntil(until, second)
	if got := g.last.Load(); got != first {
		t.Fatalf("last = %v, want the 429 that set the pause", got)
	}
	g.pauseUntil(until.Add(time.Nanosecond), second)
	if got := g.last.Load(); got != second {
		t.Fatalf("last = %v, want the 429 that extended it", got)
	}
}

// sleep of nothing on a done context reports the context's error, every
// time (a zero timer racing the done channel would not).
func TestSleepZeroOnADoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 64 {
		if err := sleep(ctx, 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("sleep(done, 0) = %v", err)
		}
	}
}
