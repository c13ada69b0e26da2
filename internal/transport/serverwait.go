package transport

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServerWait returns the wait a response asks for: Retry-After in seconds or
// as an HTTP date, else X-RateLimit-Reset in Unix seconds, relative to now.
// A time in the past gives 0. ok is false when neither header is usable.
func ServerWait(h http.Header, now time.Time) (wait time.Duration, ok bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d, ok := ParseRetryAfter(v, now); ok {
			return d, true
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if d, ok := ParseRateLimitReset(v, now); ok {
			return d, true
		}
	}
	return 0, false
}

// responseWait is the wait resp asks for: Retry-After on any status, and
// X-RateLimit-Reset only on a 429. Intercom sends X-RateLimit-Reset, the end
// of the current window, on every response: it means "wait" only when the
// window is exhausted.
func responseWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode == http.StatusTooManyRequests {
		return ServerWait(resp.Header, now)
	}
	if v := strings.TrimSpace(resp.Header.Get("Retry-After")); v != "" {
		return ParseRetryAfter(v, now)
	}
	return 0, false
}

// maxHeaderWait bounds any parsed wait so arithmetic cannot overflow.
const maxHeaderWait = 365 * 24 * time.Hour

// ParseRetryAfter parses a Retry-After value: delay-seconds or an HTTP date.
// The result is in [0, 365 days]; a larger delay is clipped to a year.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	// On overflow ParseInt returns ±MaxInt64 with ErrRange: a huge delay is
	// a very long wait, not an unusable header.
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(maxHeaderWait/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return until(t, now), true
}

// ParseRateLimitReset parses X-RateLimit-Reset: the Unix time, in seconds,
// at which the window resets. The result is in [0, 365 days].
func ParseRateLimitReset(v string, now time.Time) (time.Duration, bool) {
	secs, err := strconv.ParseInt(v, 10, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || secs < 0 {
		return 0, false
	}
	// secs-now > limit, written so that nothing overflows: secs >= 0, and
	// now.Unix() may be anything.
	if secs-int64(maxHeaderWait/time.Second) > now.Unix() {
		return maxHeaderWait, true
	}
	return until(time.Unix(secs, 0), now), true
}

// until is t - now, clipped to [0, maxHeaderWait].
func until(t, now time.Time) time.Duration {
	return min(max(t.Sub(now), 0), maxHeaderWait)
}
