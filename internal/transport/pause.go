package transport

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// pauseGate holds back every attempt of a Client until the time a 429 asked
// for. The zero value is open.
type pauseGate struct {
	until atomic.Int64                   // Unix nanoseconds; 0 when never paused
	last  atomic.Pointer[apierror.Error] // the 429 that set the pause
}

// pauseUntil extends the pause to t (never shortens it); e is the 429 that
// asks for it.
func (g *pauseGate) pauseUntil(t time.Time, e *apierror.Error) {
	n := t.UnixNano()
	for {
		u := g.until.Load()
		if n <= u {
			return
		}
		if g.until.CompareAndSwap(u, n) {
			if e != nil {
				g.last.Store(e)
			}
			return
		}
	}
}

// wait blocks until the pause is over or ctx is done, and returns ctx's
// error in that case. When ctx's deadline comes before the end of the pause
// it returns a *pauseStop at once instead of waiting in vain. Without a
// pause it costs one atomic load.
func (g *pauseGate) wait(ctx context.Context) error {
	for {
		u := g.until.Load()
		if u == 0 {
			return nil
		}
		end := time.Unix(0, u)
		d := time.Until(end)
		if d <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && dl.Before(end) {
			return &pauseStop{wait: d, last: g.last.Load()}
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// pauseStop is the error of an attempt that was not sent because the
// client's shared 429 pause lasts past the call's context deadline.
type pauseStop struct {
	wait time.Duration   // what was left of the pause
	last *apierror.Error // the 429 that set the pause, if known
}

func (e *pauseStop) Error() string {
	return fmt.Sprintf("rate limited: an earlier 429 of this client asked to wait %s more, which passes the context deadline", e.wait.Round(time.Millisecond))
}
