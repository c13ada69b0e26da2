package transport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// policy is the retry policy of a Client: the bounds of its waits. Its
// decide is the one place where a call's next step is chosen.
type policy struct {
	waitMin, waitMax time.Duration // exponential backoff bounds
	maxServerWait    time.Duration // longest Retry-After / X-RateLimit-Reset honoured
}

// outcome is what one attempt gave the policy to judge: the response (its
// body already read) or the transport error, never both.
type outcome struct {
	resp *http.Response
	err  error
}

// decision is the policy's answer after one attempt.
type decision struct {
	// retry says whether another attempt is sent, after wait.
	retry bool
	wait  time.Duration
	// serverWait says that wait is the one the response asked for
	// (Retry-After, or X-RateLimit-Reset on a 429), not backoff.
	serverWait bool
	// sharePause says that the response was a 429 asking to wait pause:
	// every call of the client, and the limiters, are to hold back until
	// then, whether or not this call retries.
	sharePause bool
	pause      time.Duration
	// stop, when set, is why the server's wait cannot be honoured: the call
	// ends with the response's error and this reason.
	stop *serverWaitStop
}

// decide is the retry policy of the package doc for the attempt (0 for the
// first) of a call under s that gave o, at now, for a call whose context
// ends at deadline (zero: never). It is pure but for the jitter of the
// backoff: every effect (sharing the pause, telling the limiters, waiting)
// is the loop's.
func (p policy) decide(o outcome, s *Settings, attempt int, now, deadline time.Time) decision {
	var d decision
	if !p.retryable(o, s.Idempotent) {
		return d
	}
	var serverWait time.Duration
	hasServerWait := false
	if o.resp != nil {
		serverWait, hasServerWait = responseWait(o.resp, now)
	}
	if hasServerWait {
		if serverWait > p.maxServerWait {
			d.stop = &serverWaitStop{status: o.resp.StatusCode, wait: serverWait, reason: fmt.Sprintf("exceeds the %s limit", p.maxServerWait)}
			return d
		}
		if o.resp.StatusCode == http.StatusTooManyRequests {
			d.sharePause, d.pause = true, serverWait
		}
		if !deadline.IsZero() && now.Add(serverWait).After(deadline) {
			d.stop = &serverWaitStop{status: o.resp.StatusCode, wait: serverWait, reason: "passes the context deadline"}
			return d
		}
	}
	if attempt >= s.retries() {
		return d // the call's retry budget is spent; a pause is still shared
	}
	d.retry = true
	if hasServerWait {
		d.wait, d.serverWait = serverWait, true
	} else {
		d.wait = backoff(p.waitMin, p.waitMax, attempt, nil)
	}
	return d
}

// retryable reports whether o is worth another attempt, before the budget
// and the server's wait: go-retryablehttp's classification
// (DefaultRetryPolicy: 429 and 5xx but 501 are retryable, and every
// transport error but those that cannot heal: too many redirects, a bad
// scheme or header, an untrusted certificate), narrowed by idempotency (only
// a 429 and a dial error are safe to repeat for any call) and widened to 408.
func (p policy) retryable(o outcome, idempotent bool) bool {
	if o.err != nil {
		var tooLarge *bodyTooLargeError
		var redirected *RedirectError
		switch {
		case errors.As(o.err, &tooLarge), errors.As(o.err, &redirected):
			return false
		}
		// ctx is not the call's: the loop checks the call's context itself.
		if ok, _ := retryablehttp.DefaultRetryPolicy(context.Background(), nil, o.err); !ok {
			return false
		}
		return isDialError(o.err) || idempotent
	}
	switch s := o.resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		return true
	case s == http.StatusRequestTimeout:
		return idempotent
	case s < 100:
		return false // not a status: nothing says the vendor failed
	}
	ok, _ := retryablehttp.DefaultRetryPolicy(context.Background(), o.resp, nil)
	return ok && idempotent
}

// isDialError reports whether err is a failure to connect: nothing was
// sent, so any request may be repeated.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff has the shape of a retryablehttp.Backoff: the server's wait when
// resp gave one, else go-retryablehttp's exponential backoff
// (DefaultBackoff: lo·2^attempt capped at hi, without overflow) with jitter
// in [d/2, d].
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := responseWait(resp, time.Now()); ok {
			return wait
		}
	}
	d := retryablehttp.DefaultBackoff(min(lo, hi), hi, attempt, nil)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}
