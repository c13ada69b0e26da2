package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/observe"
)

// Do sends req with the client's static headers and s, retrying as the
// package doc says, and returns the final 2xx response, its body read
// whole (ReadBody hands it over). A non-2xx response becomes an
// *apierror.Error (returned with a nil response); a context error is
// returned as it is, or as a *ContextError when a vendor response came
// before.
//
// ctx bounds the whole call; its values and its deadline reach every
// attempt. Do owns req: it sets the static headers and s.Header on it and
// makes its body replayable (a *Body's bytes are re-read on every attempt,
// an io.Seeker is rewound and left open, any other body is read into memory
// once and closed).
func (c *Client) Do(ctx context.Context, req *http.Request, s Settings) (*http.Response, error) {
	var o observation
	if c.observer != nil {
		ctx, o.co = c.observer.StartCall(ctx, c.observedCall(req, &s))
	}
	start := c.now(&o)
	if err := ctx.Err(); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, o.end(ctx, nil, 0, err) // nothing is sent on a context that is already done
	}
	c.setHeaders(req, s.Header)
	fresh, err := rewindable(req)
	if err != nil {
		return nil, o.end(ctx, nil, 0, fmt.Errorf("%s: %s %s: reading request body: %w", c.vendor, req.Method, req.URL.Redacted(), err))
	}
	resp, sent, err := c.loop(ctx, req, &s, fresh, &o)
	if c.logger != nil {
		c.logCall(ctx, req, resp, err, sent, time.Since(start))
	}
	o.end(ctx, resp, sent, err)
	if s.OnResponse != nil {
		s.OnResponse(finalResponse(resp, err, sent))
	}
	return resp, err
}

// loop sends the attempts of one call and returns its outcome and how many
// attempts were sent. Each turn: wait for the shared pause and the
// limiters, send under the attempt's deadline and read the body, ask the
// policy, do what it says (share a pause, stop, or wait and go on). fresh
// is rewindable's: req's body is unread. o is told of the attempts and the
// waits.
func (c *Client) loop(ctx context.Context, req *http.Request, s *Settings, fresh bool, o *observation) (_ *http.Response, sent int, _ error) {
	var last *apierror.Error // the last non-2xx response, for a context error
	for n := 0; ; n++ {
		if err := c.gate(ctx, req, s, n, o); err != nil {
			var paused *pauseStop
			switch {
			case errors.As(err, &paused):
				return nil, sent, c.pausedError(paused, sent)
			case ctx.Err() != nil:
				return nil, sent, contextError(ctx.Err(), last)
			}
			return nil, sent, c.callError(req, attemptError(req, err))
		}
		sent++
		actx := o.startAttempt(ctx, n+1)
		a := c.send(actx, req, s, n, fresh)
		if a.api != nil {
			last = a.api
		}
		o.endAttempt(actx, n+1, a)
		if ctx.Err() != nil {
			return nil, sent, contextError(ctx.Err(), last)
		}
		if a.resp != nil {
			observeQuota(a.resp.Header, c.policy.maxServerWait, c.limiter, s.Limiter)
		}
		now := time.Now()
		deadline, _ := ctx.Deadline()
		d := c.policy.decide(outcome{resp: a.resp, err: a.err}, s, n, now, deadline)
		if d.sharePause {
			c.sharePause(ctx, s, now.Add(d.pause), a.api)
		}
		switch {
		case d.stop != nil:
			return nil, sent, c.withReason(a.api, d.stop.Error())
		case !d.retry:
			return c.final(req, a, sent)
		}
		c.logRetry(ctx, req, n+1, a, d.wait)
		slept := c.now(o)
		err := sleep(ctx, d.wait)
		o.retryWait(ctx, n+2, d.serverWait, slept, err)
		if err != nil {
			return nil, sent, contextError(err, last)
		}
	}
}

// now is the time, for the logs and o only: the zero time without a
// Logger and without o's CallObserver, which saves a clock read per wait.
func (c *Client) now(o *observation) time.Time {
	if c.logger == nil && o.co == nil {
		return time.Time{}
	}
	return time.Now()
}

// gate holds attempt n (0 for the first) of a call back until the client's
// shared 429 pause is over and the client's limiter, then the call's, let
// it through. A wait that held the attempt back is logged (log.go) and
// told to o.
func (c *Client) gate(ctx context.Context, req *http.Request, s *Settings, n int, o *observation) error {
	start := c.now(o)
	err := c.pause.wait(ctx)
	c.logWait(ctx, req, n+1, "conversekit pause", start, err)
	o.gateWait(ctx, observe.WaitPause, n+1, start, err)
	if err != nil {
		return err
	}
	for _, l := range [...]Limiter{c.limiter, s.Limiter} {
		if l == nil {
			continue
		}
		start := c.now(o)
		err := limit(ctx, l)
		c.logWait(ctx, req, n+1, "conversekit limiter wait", start, err)
		o.gateWait(ctx, observe.WaitLimiter, n+1, start, err)
		if err != nil {
			return err
		}
	}
	return nil
}

// final is the outcome of a call whose last attempt gave a, with no retry
// to follow.
func (c *Client) final(req *http.Request, a attempt, sent int) (*http.Response, int, error) {
	switch {
	case a.err != nil:
		return nil, sent, c.callError(req, a.err)
	case a.api == nil:
		return a.resp, sent, nil
	}
	e := a.api
	switch s := e.StatusCode; {
	case s >= 300 && s <= 399:
		reason := "redirects are not followed"
		if loc := a.resp.Header.Get("Location"); loc != "" {
			reason = "the vendor redirected to " + loc + "; redirects are not followed"
		}
		c.withReason(e, reason)
	case sent > 1 && e.Temporary():
		c.withReason(e, fmt.Sprintf("gave up after %d attempts", sent))
	}
	return nil, sent, e
}

// contextError is err, the context's, joined with the last non-2xx
// response when there was one.
func contextError(err error, last *apierror.Error) error {
	if last != nil {
		return &ContextError{Err: err, Last: last}
	}
	return err
}

// sleep waits d or until ctx is done, and returns ctx's error then.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// setHeaders sets the client's static headers, then the call's, on req.
func (c *Client) setHeaders(req *http.Request, call http.Header) {
	if req.Header == nil {
		req.Header = make(http.Header, len(c.header)+len(call))
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for k, v := range call {
		req.Header[k] = v
	}
}

// finalResponse is what Settings.OnResponse is told of a call that ended
// with resp or err after sent attempts.
func finalResponse(resp *http.Response, err error, sent int) Response {
	final := Response{Attempts: sent}
	var api *apierror.Error
	switch {
	case resp != nil:
		final.StatusCode, final.Header = resp.StatusCode, resp.Header.Clone()
	case errors.As(err, &api):
		final.StatusCode, final.Header = api.StatusCode, api.Header.Clone()
	}
	return final
}

// sharePause holds back every attempt of the client until t, the end of
// the wait the 429 e asked for, and tells the limiters that can share it.
func (c *Client) sharePause(ctx context.Context, s *Settings, t time.Time, e *apierror.Error) {
	c.pause.pauseUntil(t, e)
	for _, l := range [...]Limiter{c.limiter, s.Limiter} {
		if l != nil {
			sharePause(ctx, l, t)
		}
	}
}

// attemptError is err, the refusal of an attempt before it was sent, as a
// *url.Error naming the request, as http.Client reports the failure of an
// attempt it sent: a caller tells transport failures by that type.
func attemptError(req *http.Request, err error) error {
	return &url.Error{Op: req.Method[:1] + strings.ToLower(req.Method[1:]), URL: req.URL.Redacted(), Err: err}
}
