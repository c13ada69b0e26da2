package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

// TestMiddlewareWrapsEveryAttempt: the client's middleware and the
// call's wrap every attempt, in order, with the attempt number, a request
// whose headers are final and whose context has the attempt's deadline;
// what they change on the request is sent.
func TestMiddlewareWrapsEveryAttempt(t *testing.T) {
	var seen []string
	mw := func(name string) Middleware {
		return func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			_, deadline := req.Context().Deadline()
			seen = append(seen, fmt.Sprintf("%s:%d:%s:%v", name, attempt, req.Header.Get("X-Static"), deadline))
			req.Header.Set("X-"+name, fmt.Sprint(attempt))
			return next(req)
		}
	}
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Header: http.Header{"X-Static": {"s"}}, Middleware: []Middleware{mw("a")}},
		step{status: 503}, step{err: resetErr()}, step{status: 200, body: "ok"})
	s := idem(c)
	s.Middleware = append(s.Middleware, mw("b"))
	resp, err := doGetWith(context.Background(), c, s)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if got := strings.Join(seen, ","); got != "a:1:s:true,b:1:s:true,a:2:s:true,b:2:s:true,a:3:s:true,b:3:s:true" {
		t.Errorf("middleware saw %s", got)
	}
	for i, h := range rec.headers {
		if h.Get("X-A") != fmt.Sprint(i+1) || h.Get("X-B") != fmt.Sprint(i+1) {
			t.Errorf("attempt %d sent X-A %q, X-B %q", i+1, h.Get("X-A"), h.Get("X-B"))
		}
	}
	if len(c.Defaults().Middleware) != 1 {
		t.Errorf("the call's middleware reached the client's: %d", len(c.Defaults().Middleware))
	}
}

// A middleware's answer is judged as the vendor's would be: its 429 is
// retried, its success read, without any request sent.
func TestMiddlewareAnswers(t *testing.T) {
	c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: 500})
	s := c.Defaults()
	s.Middleware = []Middleware{func(req *http.Request, attempt int, _ func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		if attempt == 1 {
			return httpmock.NewStringResponse(429, "slow"), nil
		}
		return httpmock.NewStringResponse(200, "cached"), nil
	}}
	resp, err := doGetWith(context.Background(), c, s)
	if err != nil {
		t.Fatal(err)
	}
	if b := drain(t, resp); b != "cached" || rec.n() != 0 {
		t.Errorf("body %q after %d requests, want the middleware's second answer and none sent", b, rec.n())
	}
}

// closeRecorder is a response body that records Close.
type closeRecorder struct {
	io.Reader
	closed bool
}

func (b *closeRecorder) Close() error { b.closed = true; return nil }

// A middleware that breaks the contract fails the attempt: nil and nil is
// an error, a response with an error is closed and ignored, a nil body is
// empty.
func TestMiddlewareContract(t *testing.T) {
	c, _, _ := mockClient(t, Options{}, step{status: 200, body: "ok"})
	use := func(m Middleware) Settings { s := c.Defaults(); s.Middleware = []Middleware{m}; return s }
	if _, err := doGetWith(context.Background(), c, use(func(*http.Request, int, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return nil, nil
	})); err == nil || !strings.Contains(err.Error(), "nil *Response with a nil error") {
		t.Errorf("nil, nil: err = %v", err)
	}
	boom := errors.New("boom")
	body := &closeRecorder{Reader: strings.NewReader("x")}
	_, err := doGetWith(context.Background(), c, use(func(*http.Request, int, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: body}, boom
	}))
	if !errors.Is(err, boom) || !body.closed {
		t.Errorf("response with an error: err = %v, body closed %v", err, body.closed)
	}
	resp, err := doGetWith(context.Background(), c, use(func(*http.Request, int, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return &http.Response{StatusCode: 204, Header: http.Header{}}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if b := drain(t, resp); b != "" {
		t.Errorf("nil body read as %q", b)
	}
	_, err = doGetWith(context.Background(), c, use(func(*http.Request, int, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return &http.Response{StatusCode: 418, Header: http.Header{}}, nil
	}))
	var api *apierror.Error
	if !errors.As(err, &api) || api.StatusCode != 418 {
		t.Errorf("nil body of a 418: err = %v", err)
	}
}
