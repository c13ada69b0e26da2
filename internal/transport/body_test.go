package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

// A *Body's bytes are sent whole on every attempt, with their length, and
// the attempts' GetBody replays them (redaction of the request's hidden
// values reads it).
func TestBodySentOnEveryAttempt(t *testing.T) {
	var bodies, replays []string
	var lengths []int64
	c := New(Options{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: time.Millisecond,
		Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			lengths = append(lengths, r.ContentLength)
			rc, err := r.GetBody()
			if err != nil {
				t.Fatal(err)
			}
			g, _ := io.ReadAll(rc)
			replays = append(replays, string(g))
			if len(bodies) < 3 {
				return httpmock.NewStringResponse(429, "{}"), nil
			}
			return httpmock.NewStringResponse(200, "ok"), nil
		})})
	req, _ := http.NewRequest(http.MethodPost, testURL, NewBody([]byte(`{"a":1}`)))
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	const want = `{"a":1}|{"a":1}|{"a":1}`
	if strings.Join(bodies, "|") != want || strings.Join(replays, "|") != want {
		t.Errorf("bodies sent = %q, GetBody = %q", bodies, replays)
	}
	for _, n := range lengths {
		if n != 7 {
			t.Errorf("ContentLength per attempt = %v, want 7", lengths)
			break
		}
	}
}

// Only what was not read of a *Body is sent, as for any other body.
func TestBodyPartlyRead(t *testing.T) {
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 200, body: "ok"})
	b := NewBody([]byte("abcdef"))
	p := make([]byte, 2)
	if n, err := b.Read(p); n != 2 || err != nil || string(p) != "ab" {
		t.Fatalf("Read = %d, %v, %q", n, err, p)
	}
	if b.Len() != 4 {
		t.Fatalf("Len after reading 2 of 6 = %d", b.Len())
	}
	req, _ := http.NewRequest(http.MethodPost, testURL, b)
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if got := rec.bodies[0]; got != "cdef" {
		t.Errorf("sent %q, want the unread cdef", got)
	}
}

// An empty *Body is sent as no body at all, as an empty reader is.
func TestBodyEmpty(t *testing.T) {
	for name, body := range map[string]io.Reader{"Body": NewBody(nil), "strings.Reader": strings.NewReader("")} {
		t.Run(name, func(t *testing.T) {
			var got *http.Request
			c := New(Options{MaxRetries: DefaultMaxRetries, Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
				got = r
				return httpmock.NewStringResponse(200, "ok"), nil
			})})
			req, _ := http.NewRequest(http.MethodPost, testURL, body)
			resp, err := c.Do(req.Context(), req, c.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			drain(t, resp)
			if got.Body != http.NoBody || got.ContentLength != 0 {
				t.Errorf("Body = %T, ContentLength %d; want http.NoBody, 0", got.Body, got.ContentLength)
			}
		})
	}
}

func TestBodyClose(t *testing.T) {
	b := NewBody([]byte("x"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(b); string(got) != "x" {
		t.Errorf("after Close: %q, want the bytes still there", got)
	}
}

// A hidden value of a *Body request is redacted from the vendor's error,
// as it is for any other body.
func TestBodyRedacted(t *testing.T) {
	const secret = "123-45-6789-secret"
	c, _, _ := mockClient(t, Options{Redact: Redaction{JSONKeys: []string{"ssn"}}},
		step{status: 400, body: `{"message":"bad ssn ` + secret + `"}`})
	req, _ := http.NewRequest(http.MethodPost, testURL, NewBody([]byte(`{"ssn":"`+secret+`"}`)))
	req.Header.Set("Content-Type", "application/json")
	_, err := c.Do(req.Context(), req, c.Defaults())
	var e *apierror.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(string(e.Body), secret) {
		t.Errorf("the error's body holds the hidden value: %s", e.Body)
	}
}

// ReadBody hands over the unread rest of a 2xx body that Do read, without
// a copy, and leaves the body at its end.
func TestReadBodySuccess(t *testing.T) {
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 200, body: "hello world"})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 6)
	if _, err := io.ReadFull(resp.Body, p); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBody(resp)
	if err != nil || string(b) != "world" {
		t.Fatalf("ReadBody = %q, %v; want the unread world", b, err)
	}
	if n, err := resp.Body.Read(p); n != 0 || err != io.EOF {
		t.Errorf("Read after ReadBody = %d, %v; want 0, EOF", n, err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if resp.ContentLength != 11 {
		t.Errorf("ContentLength = %d, want 11", resp.ContentLength)
	}
}

func TestReadBodyNoCopy(t *testing.T) {
	buf := []byte("0123456789")
	sb := &successBody{b: buf}
	sb.r.Reset(buf)
	resp := &http.Response{Body: sb}
	b, err := ReadBody(resp)
	if err != nil || len(b) != len(buf) || &b[0] != &buf[0] {
		t.Fatalf("ReadBody = %q, %v: not the body's own bytes", b, err)
	}
	if n := testing.AllocsPerRun(10, func() { _, _ = ReadBody(resp) }); n != 0 {
		t.Errorf("ReadBody of a body read inside the attempt: %v allocations, want 0", n)
	}
}

// Any other body is read to its end and closed; a read error is returned.
func TestReadBodyOther(t *testing.T) {
	lb := &lazyBody{left: 3000}
	b, err := ReadBody(&http.Response{Body: lb})
	if err != nil || len(b) != 3000 || !lb.closed.Load() {
		t.Errorf("ReadBody = %d bytes, %v, closed %v; want 3000, nil, true", len(b), err, lb.closed.Load())
	}
	boom := errors.New("boom")
	_, err = ReadBody(&http.Response{Body: io.NopCloser(io.MultiReader(strings.NewReader("ab"), errReader{boom}))})
	if !errors.Is(err, boom) {
		t.Errorf("ReadBody of a failing body: %v, want boom", err)
	}
}

// The caller's context bounds every attempt: its values, deadline and
// cancellation reach the attempt's context, which carries nothing of the
// call's settings.
func TestCallContext(t *testing.T) {
	type key struct{}
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), deadline)
	defer cancel()
	var seen context.Context
	c := New(Options{MaxRetries: DefaultMaxRetries, Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.Context()
		return httpmock.NewStringResponse(200, "ok"), nil
	})})
	req, _ := http.NewRequestWithContext(parent, http.MethodGet, testURL, nil)
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if seen.Value(key{}) != "v" {
		t.Errorf("attempt context: value %v", seen.Value(key{}))
	}
	if dl, ok := seen.Deadline(); !ok || dl.After(deadline) {
		t.Errorf("attempt deadline %v, %v; want at most the caller's %v", dl, ok, deadline)
	}
	cancel()
	select {
	case <-seen.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the caller's context did not reach the attempt's")
	}
}

// seekBody is a request body that can be rewound.
type seekBody struct {
	*strings.Reader
	closed bool
}

func (s *seekBody) Close() error { s.closed = true; return nil }

// A request body that is an io.Seeker is rewound for each attempt and left
// open for the caller, whatever the outcome.
func TestSeekableRequestBodyLeftOpen(t *testing.T) {
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 503}, step{status: 200})
	body := &seekBody{Reader: strings.NewReader("payload")}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, testURL, body)
	resp, err := c.Do(req.Context(), req, idem(c))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if body.closed {
		t.Error("a seekable request body was closed")
	}
	if len(rec.bodies) != 2 || rec.bodies[0] != "payload" || rec.bodies[1] != "payload" {
		t.Errorf("bodies sent = %q, want payload twice", rec.bodies)
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
