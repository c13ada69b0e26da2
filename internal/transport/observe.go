package transport

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/observe"
)

// observation is what Options.Observer is told of one call: its
// CallObserver (nil when the client has no Observer, or the Observer left
// the call alone) and the waits reported so far. Without a CallObserver
// every method returns at once.
type observation struct {
	co     observe.CallObserver
	waits  int
	waited time.Duration
}

// observedCall is what the Observer is told of a call of req under s when
// it starts.
func (c *Client) observedCall(req *http.Request, s *Settings) observe.Call {
	return observe.Call{
		Vendor:    c.vendor,
		Operation: s.Operation,
		Method:    req.Method,
		Host:      req.URL.Host,
		Path:      c.redact.scrub(req.URL.EscapedPath()),
	}
}

// startAttempt tells o that attempt n (1 for the first) starts, and returns
// the attempt's context: ctx, or the one the CallObserver derived from it.
func (o *observation) startAttempt(ctx context.Context, n int) context.Context {
	if o.co == nil {
		return ctx
	}
	return o.co.StartAttempt(ctx, n)
}

// endAttempt tells o that attempt n, whose context is actx, gave a.
func (o *observation) endAttempt(actx context.Context, n int, a attempt) {
	if o.co == nil {
		return
	}
	ea := observe.Attempt{Number: n}
	switch {
	case a.api != nil:
		ea.StatusCode, ea.Err = a.api.StatusCode, a.api
	case a.err != nil:
		ea.Err = a.err
	default:
		ea.StatusCode = a.resp.StatusCode
	}
	o.co.EndAttempt(actx, ea)
}

// gateWait tells o of the wait of kind (the shared pause or a limiter)
// before attempt n that began at start and ended with err, when it lasted
// at least minLoggedWait or failed: a limiter with room answers in
// microseconds, which is no wait.
func (o *observation) gateWait(ctx context.Context, kind observe.WaitKind, n int, start time.Time, err error) {
	if o.co == nil {
		return
	}
	d := time.Since(start)
	if d < minLoggedWait && err == nil {
		return
	}
	o.wait(ctx, observe.Wait{Kind: kind, Attempt: n, Duration: d, Err: err})
}

// retryWait tells o of the wait before attempt n, a retry, that began at
// start and ended with err: the one the response asked for when server,
// else backoff.
func (o *observation) retryWait(ctx context.Context, n int, server bool, start time.Time, err error) {
	if o.co == nil {
		return
	}
	kind := observe.WaitBackoff
	if server {
		kind = observe.WaitRetryAfter
	}
	o.wait(ctx, observe.Wait{Kind: kind, Attempt: n, Duration: time.Since(start), Err: err})
}

// wait counts w and tells the CallObserver of it.
func (o *observation) wait(ctx context.Context, w observe.Wait) {
	o.waits++
	o.waited += w.Duration
	o.co.Wait(ctx, w)
}

// end tells o that the call ended after sent attempts with resp or err,
// and returns err.
func (o *observation) end(ctx context.Context, resp *http.Response, sent int, err error) error {
	if o.co == nil {
		return err
	}
	end := observe.CallEnd{Attempts: sent, Waits: o.waits, Waited: o.waited, Err: err}
	if resp != nil {
		end.StatusCode = resp.StatusCode
	} else {
		end.StatusCode = errorStatus(err)
	}
	o.co.EndCall(ctx, end)
	return err
}

// errorStatus is the status of the *apierror.Error in err's chain, 0 when
// there is none. (Its own function: the pointer errors.As fills is then
// allocated on the error path only.)
func errorStatus(err error) int {
	var api *apierror.Error
	if errors.As(err, &api) {
		return api.StatusCode
	}
	return 0
}
