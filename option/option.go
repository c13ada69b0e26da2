// Package option holds the options every vendor client constructor accepts:
// intercom.New, bird.New and twilio.New.
//
//	c, err := twilio.New(sid, token,
//		option.WithMaxRetries(5),
//		option.WithAttemptTimeout(10*time.Second))
package option

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
)

// Option configures a vendor client. Options are validated by the
// constructor, which returns the first error.
type Option interface {
	Apply(*clientopt.Settings) error
}

// Func is an Option made from a function; vendor packages use it for their
// own options.
type Func func(*clientopt.Settings) error

// Apply implements Option.
func (f Func) Apply(s *clientopt.Settings) error { return f(s) }

// Doer sends one HTTP request; *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// WithBaseURL replaces the vendor's production host, for example Intercom's
// EU host "https://api.eu.intercom.io" or a test server. It must be https
// unless the host is loopback (localhost, 127.0.0.0/8, ::1).
func WithBaseURL(u string) Option {
	return Func(func(s *clientopt.Settings) error {
		if u == "" {
			return &pathparam.Error{Field: "option.WithBaseURL", Reason: "empty URL"}
		}
		s.BaseURL = u
		return nil
	})
}

// WithHTTPClient sends each attempt through c's Transport. Its Timeout is
// replaced by the per-attempt timeout.
func WithHTTPClient(c *http.Client) Option {
	return Func(func(s *clientopt.Settings) error {
		if c == nil {
			return &pathparam.Error{Field: "option.WithHTTPClient", Reason: "nil client"}
		}
		s.HTTPClient = c
		return nil
	})
}

// WithDoer sends each attempt through d (for example a mock). Retries and
// error decoding still happen above it.
func WithDoer(d Doer) Option {
	return Func(func(s *clientopt.Settings) error {
		if d == nil {
			return &pathparam.Error{Field: "option.WithDoer", Reason: "nil doer"}
		}
		s.Doer = d
		return nil
	})
}

// WithMaxRetries sets how many times a request is retried after its first
// attempt (default 3); 0 disables retries.
func WithMaxRetries(n int) Option {
	return Func(func(s *clientopt.Settings) error {
		if n < 0 || n > 100 {
			return &pathparam.Error{Field: "option.WithMaxRetries", Reason: fmt.Sprintf("%d is outside 0..100", n)}
		}
		s.MaxRetries, s.MaxRetriesSet = n, true
		return nil
	})
}

// WithAttemptTimeout bounds each attempt, response body included (default
// 30s). The context deadline bounds the whole call, retries included.
func WithAttemptTimeout(d time.Duration) Option {
	return Func(func(s *clientopt.Settings) error {
		if d <= 0 {
			return &pathparam.Error{Field: "option.WithAttemptTimeout", Reason: fmt.Sprintf("%s is not positive", d)}
		}
		s.AttemptTimeout = d
		return nil
	})
}

// WithRetryWait bounds the exponential backoff between attempts (default
// 500ms to 30s). A server's Retry-After or X-RateLimit-Reset wins over it.
func WithRetryWait(min, max time.Duration) Option {
	return Func(func(s *clientopt.Settings) error {
		if min <= 0 || max < min {
			return &pathparam.Error{Field: "option.WithRetryWait", Reason: fmt.Sprintf("need 0 < min <= max, got %s, %s", min, max)}
		}
		s.WaitMin, s.WaitMax = min, max
		return nil
	})
}

// WithMaxServerWait sets the longest Retry-After / X-RateLimit-Reset wait the
// client honours (default 2m); a longer one ends the call at once with a
// rate-limited *APIError.
func WithMaxServerWait(d time.Duration) Option {
	return Func(func(s *clientopt.Settings) error {
		if d <= 0 {
			return &pathparam.Error{Field: "option.WithMaxServerWait", Reason: fmt.Sprintf("%s is not positive", d)}
		}
		s.MaxServerWait = d
		return nil
	})
}

// WithLogger logs each call at debug level: vendor, method, host, path,
// status, attempts and duration. Headers and bodies are not logged unless
// WithDebugBodies is also given.
func WithLogger(l *slog.Logger) Option {
	return Func(func(s *clientopt.Settings) error {
		if l == nil {
			return &pathparam.Error{Field: "option.WithLogger", Reason: "nil logger"}
		}
		s.Logger = l
		return nil
	})
}

// WithDebugBodies makes the logger of WithLogger also receive, at debug
// level, one "conversekit attempt" record per attempt with the request and
// response headers and bodies. It is for debugging: credentials never
// appear (the Authorization header, every header whose name suggests a
// secret, token, key or cookie, and the client's credentials wherever they
// occur are replaced by "[redacted]"), values the vendor marks as sensitive
// (Twilio Attributes) are redacted too, each body is cut at 4 KiB and each
// header value at 1 KiB (about 16 KiB of headers at most per record).
// Without WithLogger it does nothing.
func WithDebugBodies() Option {
	return Func(func(s *clientopt.Settings) error {
		s.DebugBodies = true
		return nil
	})
}
