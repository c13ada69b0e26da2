package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
)

// declaredClient answers GET testURL with a 200 whose body is size bytes of
// 'a' and whose declared Content-Length is declared.
func declaredClient(t *testing.T, size, declared int64, o Options) (*Client, *lazyBody) {
	t.Helper()
	body := &lazyBody{left: size}
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder("GET", testURL, func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: body, ContentLength: declared, Request: r}, nil
	})
	o.HTTPClient = &http.Client{Transport: mock}
	return New(o), body
}

// On a real connection too: a server announcing 1 MiB to a 1 KiB cap.
func TestSuccessBodyCapDeclaredLengthOverHTTP(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1048576")
		w.Write(bytes.Repeat([]byte("b"), size))
	}))
	defer srv.Close()
	c := New(Options{MaxRetries: DefaultMaxRetries, MaxResponseBytes: 1 << 10, HTTPClient: srv.Client()})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req.Context(), req, c.Defaults())
	if err == nil {
		resp.Body.Close()
		t.Fatal("a body announced over the cap came back as success")
	}
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("err = %v, want ErrBodyTooLarge", err)
	}
}

// An attempt cut off by its own timeout, waiting for the headers or reading
// the body, fails with *AttemptTimeoutError while the caller's context is
// still live; it is not the caller's context.DeadlineExceeded.
func TestAttemptTimeoutIsNotTheCallersDeadline(t *testing.T) {
	t.Parallel()
	newClient := func() *Client {
		return New(Options{HTTPClient: &http.Client{Transport: stallMock(nil)}, AttemptTimeout: 150 * time.Millisecond})
	}
	check := func(t *testing.T, ctx context.Context, err error) {
		t.Helper()
		var ate *AttemptTimeoutError
		if !errors.As(err, &ate) || ate.Limit != 150*time.Millisecond {
			t.Errorf("err = %v (%T), want *AttemptTimeoutError of 150ms", err, err)
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, is a context error", err)
		}
		if ctx.Err() != nil {
			t.Errorf("the caller's context ended: %v", ctx.Err())
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err = %v, want a net.Error timeout", err)
		}
	}
	t.Run("headers", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/headers", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if resp != nil {
			resp.Body.Close()
			t.Fatal("got a response")
		}
		check(t, ctx, err)
	}))
	t.Run("body", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/body", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err == nil {
			resp.Body.Close()
			t.Fatal("a stalled 2xx body came back as success")
		}
		var bre *BodyReadError
		if !errors.As(err, &bre) || bre.Status != 200 {
			t.Errorf("err = %v, want a *BodyReadError of the 200", err)
		}
		check(t, ctx, err)
	}))
}

// When the caller's deadline comes first, the error is the caller's
// context.DeadlineExceeded, not an attempt timeout.
func TestCallersDeadlineIsNotAnAttemptTimeout(t *testing.T) {
	t.Parallel()
	newClient := func() *Client {
		return New(Options{HTTPClient: &http.Client{Transport: stallMock(nil)}, AttemptTimeout: time.Minute})
	}
	check := func(t *testing.T, ctx context.Context, err error) {
		t.Helper()
		var ate *AttemptTimeoutError
		if errors.As(err, &ate) {
			t.Errorf("err = %v, want the caller's deadline, not an attempt timeout", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != context.DeadlineExceeded {
			t.Errorf("err = %v, ctx.Err() = %v; want both context.DeadlineExceeded", err, ctx.Err())
		}
	}
	t.Run("headers", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/headers", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if resp != nil {
			resp.Body.Close()
			t.Fatal("got a response")
		}
		check(t, ctx, err)
	}))
	t.Run("body", virtual(func(t *testing.T) {
		c := newClient()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stallURL+"/body", nil)
		resp, err := c.Do(req.Context(), req, c.Defaults())
		if err == nil {
			resp.Body.Close()
			t.Fatal("a stalled 2xx body came back as success")
		}
		check(t, ctx, err)
	}))
}

// Every 2xx body reaches the caller whole, however long (under the cap),
// including statuses at the edges of the class.
func TestSuccessBodiesWhole(t *testing.T) {
	big := strings.Repeat("z", apierror.MaxBodyBytes+100)
	for _, status := range []int{200, 201, 204, 299} {
		body := big
		if status == 204 {
			body = ""
		}
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: status, body: body})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		if got := drain(t, resp); got != body || resp.StatusCode != status {
			t.Errorf("%d: read %d bytes with status %d, want %d", status, len(got), resp.StatusCode, len(body))
		}
	}
	for _, status := range []int{199, 300} {
		c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries}, step{status: status, body: "x"})
		if _, err := doGet(context.Background(), c); err == nil {
			t.Errorf("%d: no error", status)
		}
	}
}

// The attempt timeout classifies errors; it never turns a read that
// succeeded into an error, even one made after the attempt's deadline.
func TestAttemptTimeoutDoesNotFailGoodReads(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			// A body that ignores the request's context, as a fully buffered
			// one does.
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("whole body")), ContentLength: -1, Request: r}, nil
		})
		c := New(Options{MaxRetries: DefaultMaxRetries, HTTPClient: &http.Client{Transport: mock}, AttemptTimeout: 20 * time.Millisecond})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		time.Sleep(100 * time.Millisecond) // past the attempt's deadline
		b, err := io.ReadAll(resp.Body)
		if err != nil || string(b) != "whole body" {
			t.Errorf("read %q, %v; want the whole body", b, err)
		}
	})
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

// attemptRequest sends req itself when nothing differs, else a copy with
// the attempt's context and a fresh body; req is never modified.
func TestAttemptRequest(t *testing.T) {
	ctx := context.Background()
	newReq := func() *http.Request {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, testURL, NewBody([]byte("payload")))
		if _, err := rewindable(req); err != nil {
			t.Fatal(err)
		}
		return req
	}
	req := newReq()
	body := req.Body
	if ar, err := attemptRequest(req, ctx, true); err != nil || ar != req {
		t.Errorf("first attempt, same context: %p, %v; want req itself", ar, err)
	}
	ar, err := attemptRequest(req, ctx, false)
	if err != nil || ar == req || ar.Body == body || req.Body != body || ar.Context() != ctx {
		t.Fatalf("retry: a copy with a new body expected; got same %v, body reused %v, req modified %v", ar == req, ar.Body == body, req.Body != body)
	}
	if b, _ := io.ReadAll(ar.Body); string(b) != "payload" {
		t.Errorf("retry body %q", b)
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	ar, err = attemptRequest(req, actx, true)
	if err != nil || ar == req || ar.Context() != actx || ar.Body != body || req.Context() != ctx {
		t.Errorf("first attempt, own context: copy %v, context %v, body kept %v", ar != req, ar.Context() == actx, ar.Body == body)
	}
	get, _ := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	if _, err := rewindable(get); err != nil {
		t.Fatal(err)
	}
	if ar, err := attemptRequest(get, ctx, false); err != nil || ar != get {
		t.Errorf("retry without a body: %p, %v; want req itself", ar, err)
	}
	failing := newReq()
	boom := errors.New("boom")
	failing.GetBody = func() (io.ReadCloser, error) { return nil, boom }
	if _, err := attemptRequest(failing, ctx, false); !errors.Is(err, boom) {
		t.Errorf("GetBody error: %v", err)
	}
}
