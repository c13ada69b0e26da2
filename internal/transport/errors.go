package transport

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// ErrBodyTooLarge is the error of a success body over the cap
// (Options.MaxResponseBytes), announced or read: the call fails, unretried.
var ErrBodyTooLarge = errors.New("response body too large")

// bodyTooLargeError is the attempt error of a 2xx body over the cap.
type bodyTooLargeError struct {
	limit int64
}

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("%v (over %d bytes)", ErrBodyTooLarge, e.limit)
}

func (e *bodyTooLargeError) Unwrap() error { return ErrBodyTooLarge }

// BodyReadError is an attempt whose 2xx response was lost while its body
// was read (a connection reset, closed or timed out in the middle of it):
// the vendor may have done the work, but nobody can tell from the answer.
// It is retried like any transport error when the request is idempotent.
type BodyReadError struct {
	// Status is the status line that arrived.
	Status int
	// Err is the read error: io.ErrUnexpectedEOF, a reset, an
	// *AttemptTimeoutError, ...
	Err error
}

func (e *BodyReadError) Error() string {
	return fmt.Sprintf("HTTP %d response lost while reading its body: %v", e.Status, e.Err)
}

// Unwrap returns the read error.
func (e *BodyReadError) Unwrap() error { return e.Err }

// Timeout reports whether the read was cut off by a timeout.
func (e *BodyReadError) Timeout() bool {
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// Temporary implements net.Error: a lost answer is worth asking again.
func (e *BodyReadError) Temporary() bool { return true }

// AttemptTimeoutError is one attempt that took longer than the per-attempt
// timeout (option.WithAttemptTimeout). It is a net.Error with Timeout() true.
type AttemptTimeoutError struct {
	// Limit is the per-attempt timeout that passed.
	Limit time.Duration
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s", e.Limit)
}

// Timeout implements net.Error.
func (e *AttemptTimeoutError) Timeout() bool { return true }

// Temporary implements net.Error.
func (e *AttemptTimeoutError) Temporary() bool { return true }

// ContextError is the error of a call that the context ended after at least
// one vendor response: errors.Is(err, context.DeadlineExceeded) (or
// context.Canceled) holds, and errors.As reaches Last, the *apierror.Error of
// the last non-2xx response.
type ContextError struct {
	// Err is the context's error.
	Err error
	// Last is the last non-2xx response of the call.
	Last *apierror.Error
}

func (e *ContextError) Error() string {
	return e.Err.Error() + " (last response: " + e.Last.Error() + ")"
}

// Unwrap returns the context error and the last response's error.
func (e *ContextError) Unwrap() []error { return []error{e.Err, e.Last} }

// serverWaitStop is why a server's wait cannot be honoured.
type serverWaitStop struct {
	status int
	wait   time.Duration
	reason string
}

func (e *serverWaitStop) Error() string {
	what := "rate limited"
	if e.status != http.StatusTooManyRequests {
		what = "not retried"
	}
	return fmt.Sprintf("%s: the vendor asked to wait %s, which %s", what, e.wait.Round(time.Millisecond), e.reason)
}

// apiError reads resp's body (capped at apierror.MaxBodyBytes; a failed
// read marks it Truncated) and closes it, and returns its *apierror.Error
// rid of the client's secrets and of the hidden values of the request's
// body.
func (c *Client) apiError(resp *http.Response, attempts int) *apierror.Error {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, apierror.MaxBodyBytes+1))
	e := &apierror.Error{
		Vendor:     c.vendor,
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		Attempts:   attempts,
	}
	if len(body) > apierror.MaxBodyBytes {
		body = body[:apierror.MaxBodyBytes]
		e.Truncated = true
	}
	if err != nil {
		e.Truncated = true
	}
	e.Body = body
	e.RetryAfter, _ = responseWait(resp, time.Now())
	if resp.Request != nil && resp.Request.URL != nil {
		e.Host = resp.Request.URL.Host
	}
	if c.decode != nil {
		c.decode(e)
	}
	// resp.Request is this attempt's request: the hidden values of its body
	// (Redaction.FormKeys, JSONKeys) are secrets of this call, which a vendor
	// message may quote.
	c.redact.forRequest(resp.Request).apiError(e)
	return e
}

// withReason sets the Reason of e, an error the call ends with, and
// redacts it again (a reason may quote the vendor's Location).
func (c *Client) withReason(e *apierror.Error, reason string) *apierror.Error {
	e.Reason = reason
	c.redact.apiError(e)
	return e
}

// pausedError is the error of a call that a shared 429 pause stopped before
// its deadline: the 429 that set the pause (a copy), with the wait that was
// left and the attempts this call sent.
func (c *Client) pausedError(p *pauseStop, sent int) *apierror.Error {
	e := &apierror.Error{Vendor: c.vendor, StatusCode: http.StatusTooManyRequests}
	if p.last != nil {
		cp := *p.last
		e = &cp
	}
	e.RetryAfter = p.wait
	e.Attempts = sent
	return c.withReason(e, p.Error())
}

// callError names the vendor, method and URL (redacted) on a transport
// error that ends a call.
func (c *Client) callError(req *http.Request, err error) error {
	return fmt.Errorf("%s: %s %s: %w", c.vendor, req.Method, req.URL.Redacted(), err)
}
