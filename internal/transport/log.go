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
