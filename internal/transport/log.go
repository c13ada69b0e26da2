package transport

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

// logCall writes the one debug record of a call: vendor, method, host, URL
// path, attempts, duration, final status and error; never headers or
// bodies.
func (c *Client) logCall(ctx context.Context, req *http.Request, resp *http.Response, err error, attempts int, d time.Duration) {
	attrs := []any{
		slog.String("vendor", c.vendor),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", req.URL.EscapedPath()),
		slog.Int("attempts", attempts),
		slog.Duration("duration", d),
	}
	var api *apierror.Error
	switch {
	case resp != nil:
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	case errors.As(err, &api):
		attrs = append(attrs, slog.Int("status", api.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.DebugContext(ctx, "conversekit request", attrs...)
}

// minLoggedWait is the shortest pause or limiter wait that is logged: a
// limiter with room answers in microseconds, which is no wait worth a
// record.
const minLoggedWait = time.Millisecond

// logRetry writes the info record of a retry: attempt n (1 for the first)
// of req gave a, and the next one follows after wait. The error is
// redacted as every error of the client is.
func (c *Client) logRetry(ctx context.Context, req *http.Request, n int, a attempt, wait time.Duration) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := c.attemptAttrs(req, n)
	switch {
	case a.api != nil:
		attrs = append(attrs, slog.Int("status", a.api.StatusCode), slog.String("error", a.api.Error()))
	case a.err != nil:
		attrs = append(attrs, slog.String("error", c.redact.forRequest(req).scrub(a.err.Error())))
	}
	attrs = append(attrs, slog.Duration("wait", wait))
	c.logger.InfoContext(ctx, "conversekit retry", attrs...)
}

// logWait writes the info record msg of a wait before attempt n (1 for the
// first) of req that began at start and ended with err, when it lasted at
// least minLoggedWait.
func (c *Client) logWait(ctx context.Context, req *http.Request, n int, msg string, start time.Time, err error) {
	if c.logger == nil {
		return
	}
	d := time.Since(start)
	if d < minLoggedWait || !c.logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := append(c.attemptAttrs(req, n), slog.Duration("waited", d))
	if err != nil {
		attrs = append(attrs, slog.String("error", c.redact.scrub(err.Error())))
	}
	c.logger.InfoContext(ctx, msg, attrs...)
}

// attemptAttrs are the attributes naming attempt n of req: vendor, method,
// host, redacted path and attempt number.
func (c *Client) attemptAttrs(req *http.Request, n int) []any {
	return []any{
		slog.String("vendor", c.vendor),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", c.redact.scrub(req.URL.EscapedPath())),
		slog.Int("attempt", n),
	}
}
