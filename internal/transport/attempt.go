package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// attempt is what one attempt gave: a 2xx response whose body is read whole
// (a *successBody), or the *apierror.Error of any other response (its body
// read, capped, and closed), or a transport error. resp is set in the first
// two cases.
type attempt struct {
	resp *http.Response
	api  *apierror.Error
	err  error
}

// send sends attempt n (0 for the first) of req under s's per-attempt
// deadline and reads the response body inside it, so that a connection
// lost in the middle of a 2xx body is a failed attempt like any other
// transport error, and never a success whose body ends early.
//
// fresh says that req.Body is still unread (a *Body, or no body), so that
// the first attempt can send it as it is.
func (c *Client) send(ctx context.Context, req *http.Request, s *Settings, n int, fresh bool) attempt {
	actx, cancel := attemptContext(ctx, s.AttemptTimeout)
	defer cancel()
	ar, err := attemptRequest(req, actx, n == 0 && fresh)
	if err != nil {
		return attempt{err: err}
	}
	resp, err := c.through(s.Middleware, ar, n+1)
	if err != nil {
		return attempt{err: timedOut(err, actx, ctx, s.AttemptTimeout)}
	}
	if resp.Request == nil {
		resp.Request = ar // as http.Transport does; apiError reads its body
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return attempt{resp: resp, api: c.apiError(resp, n+1)}
	}
	body, err := readSuccessBody(resp.Body, resp.ContentLength, c.maxBody)
	resp.Body.Close()
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			return attempt{err: &bodyTooLargeError{limit: c.maxBody}}
		}
		return attempt{err: attemptError(req, &BodyReadError{Status: resp.StatusCode, Err: timedOut(err, actx, ctx, s.AttemptTimeout)})}
	}
	sb := &successBody{b: body}
	sb.r.Reset(body)
	resp.Body = sb
	resp.ContentLength = int64(len(body))
	return attempt{resp: resp}
}

// attemptRequest is the request of one attempt of req under actx: req
// itself when nothing differs (its context is actx and, on a first
// attempt, its body is unread), else a shallow copy with actx and a body
// from req.GetBody. req is never modified: a previous attempt's
// RoundTripper may still be reading it.
func attemptRequest(req *http.Request, actx context.Context, first bool) (*http.Request, error) {
	ar := req
	if actx != req.Context() {
		ar = req.WithContext(actx)
	}
	if req.GetBody == nil || first {
		return ar, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	if ar == req {
		cp := *req
		ar = &cp
	}
	ar.Body = body
	return ar, nil
}

// sendOne sends attempt n (1 for the first) of r on the RoundTripper and,
// with Options.DebugBodies, writes its debug record.
func (c *Client) sendOne(r *http.Request, n int) (*http.Response, error) {
	if !c.debug {
		return c.roundTrip(r)
	}
	start := time.Now()
	resp, err := c.roundTrip(r)
	shown := err
	if ue, ok := err.(*url.Error); ok && c.jar == nil {
		shown = ue.Err // the record shows the RoundTripper's own error, without the URL again
	}
	resp, _ = c.debugAttempt(r, n, start, resp, shown)
	return resp, err
}

// roundTrip sends r once as http.Client.Do would with redirects refused,
// without its cost (a copy of the header and of the URL, a closure, a
// slice): the RoundTripper's answer, a 3xx included, or its error as a
// *url.Error naming the request.
func (c *Client) roundTrip(r *http.Request) (*http.Response, error) {
	if c.jar != nil {
		return c.jar.Do(r)
	}
	resp, err := c.rt.RoundTrip(r)
	switch {
	case err != nil:
		if resp != nil && resp.Body != nil {
			resp.Body.Close() // a response that comes with an error is not used
		}
		var rhe tls.RecordHeaderError
		if errors.As(err, &rhe) && string(rhe.RecordHeader[:]) == "HTTP/" {
			err = http.ErrSchemeMismatch
		}
		return nil, attemptError(r, err)
	case resp == nil:
		return nil, attemptError(r, fmt.Errorf("http: RoundTripper implementation (%T) returned a nil *Response with a nil error", c.rt))
	case resp.Body == nil:
		resp.Body = http.NoBody
	}
	return resp, nil
}

// attemptContext is ctx bounded by the per-attempt timeout d. When ctx ends
// no later than the attempt would (or d is 0), ctx itself bounds the
// attempt, without the cost of a timer.
func attemptContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return ctx, nop
	}
	if dl, ok := ctx.Deadline(); ok && !dl.After(time.Now().Add(d)) {
		return ctx, nop
	}
	return context.WithTimeout(ctx, d)
}

func nop() {}

// timedOut replaces err (or, in a *url.Error, its cause) by an
// *AttemptTimeoutError when the attempt's own deadline passed and the
// caller's context is still live: the call is then retried when
// idempotent, and the caller's deadline stays the caller's.
func timedOut(err error, actx, ctx context.Context, d time.Duration) error {
	if actx == ctx || actx.Err() != context.DeadlineExceeded || ctx.Err() != nil {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: ue.URL, Err: &AttemptTimeoutError{Limit: d}}
	}
	return &AttemptTimeoutError{Limit: d}
}

// successBody is a 2xx body read whole inside the attempt: one allocation
// where io.NopCloser(bytes.NewReader(b)) is two, and ReadBody hands the
// bytes over without a copy.
type successBody struct {
	r bytes.Reader
	b []byte
}

func (sb *successBody) Read(p []byte) (int, error) { return sb.r.Read(p) }

// Close does nothing: the body is in memory and the connection is free.
func (sb *successBody) Close() error { return nil }

// ReadBody reads resp's body to its end and closes it. The body of a 2xx
// response that Do returned was read whole inside the attempt: what is
// unread of it is handed over without a copy. Any other body is read here.
func ReadBody(resp *http.Response) ([]byte, error) {
	if sb, ok := resp.Body.(*successBody); ok {
		b := sb.b[len(sb.b)-sb.r.Len():]
		sb.r.Reset(nil)
		return b, nil
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// readSuccessBody reads rc to its end, refusing (with ErrBodyTooLarge)
// more than limit bytes, announced or read. declared is the announced
// Content-Length, -1 when unknown: it sizes the buffer but is not trusted.
func readSuccessBody(rc io.Reader, declared, limit int64) ([]byte, error) {
	if declared > limit {
		return nil, ErrBodyTooLarge
	}
	size := int64(512)
	if declared >= 0 {
		size = declared + 1 // room to read EOF without growing
	}
	// Never hold more than limit+1 bytes: one byte past the limit tells a
	// body of exactly the limit from a longer one.
	size = min(size, limit+1)
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, ErrBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
