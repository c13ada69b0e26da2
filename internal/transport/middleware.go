package transport

import (
	"fmt"
	"net/http"
)

// Middleware wraps the sending of every attempt of a call, first and
// retries alike. It gets the attempt's request (its context bounded by the
// attempt's deadline; its headers final), the attempt number (1 for the
// first) and next, which sends the request and returns the vendor's
// response or the transport error. It returns what next returned or an
// answer of its own; the retry policy then judges that. A middleware may
// change the request before next, inspect or replace the response after
// it, or answer without calling next. A non-nil response's body is then
// the client's to read and close.
type Middleware func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// through sends attempt n of r through mw, the first outermost, and then
// the RoundTripper (with the per-attempt debug record, which thus shows
// the request as sent and the response as received).
func (c *Client) through(mw []Middleware, r *http.Request, n int) (*http.Response, error) {
	if len(mw) == 0 {
		return c.sendOne(r, n)
	}
	resp, err := mw[0](r, n, func(r *http.Request) (*http.Response, error) { return c.through(mw[1:], r, n) })
	if err == nil && resp == nil {
		return nil, attemptError(r, fmt.Errorf("a Middleware returned a nil *Response with a nil error"))
	}
	if err != nil && resp != nil && resp.Body != nil {
		resp.Body.Close() // a response that comes with an error is not used
	}
	if err != nil {
		return nil, err
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	return resp, nil
}
