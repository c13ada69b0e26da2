// Package option holds the options of the vendor clients: one Option type
// for the constructors (intercom.New, bird.New, twilio.New) and for each
// operation's trailing opts, which apply to that call only.
//
//	c, err := twilio.New(sid, token,
//		option.WithMaxRetries(5),
//		option.WithAttemptTimeout(10*time.Second))
//	var resp option.Response
//	p, err := c.CreateParticipant(ctx, conversationSID, params,
//		option.WithHeader("X-Trace", traceID),
//		option.WithIdempotent(),
//		option.WithResponseInto(&resp))
//
// Per call: WithHeader, WithMaxRetries, WithAttemptTimeout, WithLimiter,
// WithMiddleware, WithIdempotent and WithResponseInto. On a constructor: every option but WithIdempotent
// and WithResponseInto. WithObserver applies to a constructor only. An option given where it cannot apply is refused
// with an error naming it, before any request.
//
// A program's own options are Funcs that apply others (a preset, options
// chosen at run time); a program's own rate limiter is any type with
// Wait(ctx) error (Limiter). Response, Limiter, LimiterPauser and
// LimiterQuotaObserver are this package's; ParamError and LimiterError are
// those of package github.com/conversekit/conversekit/apierror.
package option

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/observe"
)

// Option configures a vendor client, or one call of an operation. Options
// are validated by the constructor or the operation, which returns the
// first error before any request.
//
// The options are those of this package, the vendor packages' own (such as
// intercom.WithVersion) and the Funcs a program builds from them. Apply is
// called by the constructors and operations; its argument is internal to
// the module, so a type outside it cannot implement Option: use Func.
type Option interface {
	Apply(*clientopt.Settings) error
}

// Func is an Option made from a function, for a program's own options: the
// function applies other options to the Settings it is given, for example
// a preset of several options, or options chosen when the client or the
// call is made.
//
//	production := option.Func(func(s *option.Settings) error {
//		return s.Apply(option.WithMaxRetries(5), option.WithAttemptTimeout(10*time.Second))
//	})
//	c, err := twilio.New(sid, token, production)
//
// The options it applies are checked as if they had been given in its
// place: per call, an option that applies only to a constructor is refused,
// and the other way round. An error it returns refuses the constructor or
// the call before any request, as a *ParamError: the error of an option it
// applied names that option, any other error is in the chain (Err) of one
// naming the Func's index in opts. A nil Func is refused likewise.
type Func func(*Settings) error

// Apply implements Option: it calls f with the settings being built.
func (f Func) Apply(s *clientopt.Settings) error {
	if f == nil {
		return &apierror.ParamError{Field: "option.Func", Reason: "nil func"}
	}
	return f(&Settings{s: s})
}

// Settings is what the options of a constructor or of one call set, as a
// Func sees it: opaque, changed only by applying options to it.
type Settings struct {
	s *clientopt.Settings
}

// Apply applies opts to s in order and returns the first error, as a
// constructor or an operation would: the *ParamError of the option that
// refused its value, or one naming "option.Func" for a nil option.
func (s *Settings) Apply(opts ...Option) error {
	for _, o := range opts {
		if o == nil {
			return &apierror.ParamError{Field: "option.Func", Reason: "nil option given to Settings.Apply"}
		}
		if err := o.Apply(s.s); err != nil {
			return err
		}
	}
	return nil
}

// ParamError is the error of an option that refuses its value: Field names
// the option ("option.WithMaxRetries", ...), Reason says why. The
// constructor or operation that was given it adds its vendor (Vendor) and
// returns it before any request. It is apierror.ParamError, the vendor
// packages' ParamError.
type ParamError = apierror.ParamError

// Doer sends one HTTP request; *http.Client implements it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// WithBaseURL replaces the vendor's production host, for example Intercom's
// EU host "https://api.eu.intercom.io" or a test server. It must be https
// unless the host is loopback (localhost, 127.0.0.0/8, ::1). Give the host
// (and, for Sunshine on Zendesk, the "/sc" path), not the API's version:
// the operation paths already start with it (Twilio "/v1/...", Sunshine
// "/v2/apps/..."), so the constructor refuses a URL such as
// "https://conversations.twilio.com/v1", which would send /v1/v1/..., with
// an error naming option.WithBaseURL and the vendor.
func WithBaseURL(u string) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if u == "" {
			return &apierror.ParamError{Field: "option.WithBaseURL", Reason: "empty URL"}
		}
		s.BaseURL = u
		return nil
	})
}

// WithHTTPClient sends each attempt through c's Transport. Its Timeout is
// replaced by the per-attempt timeout.
func WithHTTPClient(c *http.Client) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if c == nil {
			return &apierror.ParamError{Field: "option.WithHTTPClient", Reason: "nil client"}
		}
		s.HTTPClient = c
		return nil
	})
}

// WithDoer sends each attempt through d (for example a mock). Retries and
// error decoding still happen above it.
func WithDoer(d Doer) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if d == nil {
			return &apierror.ParamError{Field: "option.WithDoer", Reason: "nil doer"}
		}
		if hc, ok := d.(*http.Client); ok && hc == nil {
			return &apierror.ParamError{Field: "option.WithDoer", Reason: "nil *http.Client"}
		}
		s.Doer = d
		return nil
	})
}

// WithMaxRetries sets how many times a request is retried after its first
// attempt (default 3); 0 disables retries. Per call it replaces the
// client's budget for that call.
func WithMaxRetries(n int) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if n < 0 || n > 100 {
			return &apierror.ParamError{Field: "option.WithMaxRetries", Reason: fmt.Sprintf("%d is outside 0..100", n)}
		}
		s.MaxRetries = n
		return nil
	})
}

// WithAttemptTimeout bounds each attempt, response body included (default
// 30s). The context deadline bounds the whole call, retries included. Per
// call it replaces the client's timeout for that call.
func WithAttemptTimeout(d time.Duration) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if d <= 0 {
			return &apierror.ParamError{Field: "option.WithAttemptTimeout", Reason: fmt.Sprintf("%s is not positive", d)}
		}
		s.AttemptTimeout = d
		return nil
	})
}

// WithRetryWait bounds the exponential backoff between attempts (default
// 500ms to 30s). A server's Retry-After or X-RateLimit-Reset wins over it.
func WithRetryWait(min, max time.Duration) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if min <= 0 || max < min {
			return &apierror.ParamError{Field: "option.WithRetryWait", Reason: fmt.Sprintf("need 0 < min <= max, got %s, %s", min, max)}
		}
		s.WaitMin, s.WaitMax = min, max
		return nil
	})
}

// WithMaxServerWait sets the longest Retry-After / X-RateLimit-Reset wait the
// client honours (default 2m); a longer one ends the call at once with a
// rate-limited *APIError.
func WithMaxServerWait(d time.Duration) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if d <= 0 {
			return &apierror.ParamError{Field: "option.WithMaxServerWait", Reason: fmt.Sprintf("%s is not positive", d)}
		}
		s.MaxServerWait = d
		return nil
	})
}

// WithLogger logs each call at debug level: vendor, method, host, path,
// status, attempts and duration; and, at info level, each retry ("conversekit
// retry", with the attempt, its status or error and the wait before the
// next), each attempt held back by a 429 pause of the client ("conversekit
// pause") and each limiter wait of 1 ms or more ("conversekit limiter
// wait"), errors redacted. Headers and bodies are not logged unless
// WithDebugBodies is also given.
func WithLogger(l *slog.Logger) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if l == nil {
			return &apierror.ParamError{Field: "option.WithLogger", Reason: "nil logger"}
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
	return clientopt.Func(func(s *clientopt.Settings) error {
		s.DebugBodies = true
		return nil
	})
}

// refusedHeaders are the headers WithHeader refuses: the client sets them
// (credentials, body framing, the host of the base URL).
var refusedHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Host":                true,
	"Content-Length":      true,
	"Content-Type":        true,
}

// WithHeader sets the request header key to value: on a constructor for
// every request of the client, per call for that call's requests only,
// replacing a client header of the same name (User-Agent, Accept,
// Intercom-Version, ...). Authorization, Proxy-Authorization, Host,
// Content-Length and Content-Type are refused, and so are a key that is not
// an HTTP token and a value with a control character other than tab.
func WithHeader(key, value string) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		k := http.CanonicalHeaderKey(key)
		switch {
		case !validHeaderName(key):
			return &apierror.ParamError{Field: "option.WithHeader", Reason: fmt.Sprintf("%q is not a valid header name", key)}
		case refusedHeaders[k]:
			return &apierror.ParamError{Field: "option.WithHeader", Reason: k + " is set by the client"}
		case !validHeaderValue(value):
			return &apierror.ParamError{Field: "option.WithHeader", Reason: "the value of " + k + " has a control character"}
		}
		if s.Header == nil {
			s.Header = http.Header{}
		}
		s.Header[k] = []string{value}
		return nil
	})
}

// validHeaderName reports whether k is an RFC 9110 token.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v has no control character but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// WithIdempotent marks one call safe to repeat, so that a 408, a 5xx or a
// connection reset after the request was sent is retried like a 429. The
// GET and DELETE operations are idempotent already; give it to a POST
// (AttachContact, AddParticipant, CreateParticipant) only when repeating
// the request cannot do harm, as for an add with ensure semantics. Per call
// only.
func WithIdempotent() Option {
	return clientopt.Idempotent{}
}

// Response is what the final response of a call said, filled by
// WithResponseInto when the call ends, on success and on error alike.
type Response struct {
	// StatusCode is the status of the final response; 0 when no response
	// came (a network error, a refused limiter, a canceled context).
	StatusCode int
	// Header is the final response's header, a copy: the vendor's request
	// ID and rate-limit headers are there. Nil when no response came.
	Header http.Header
	// Attempts is how many attempts were sent, retries included.
	Attempts int
}

// WithResponseInto fills *r when the call ends, on success and on error
// alike, with the status, header and attempts of its final response. In
// the participants facade, where one Add may send two requests (the add
// and a duplicate lookup), r holds the last. Per call only.
func WithResponseInto(r *Response) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if r == nil {
			return &apierror.ParamError{Field: "option.WithResponseInto", Reason: "nil *Response"}
		}
		s.OnResponse = func(f transport.Response) {
			*r = Response{StatusCode: f.StatusCode, Header: f.Header, Attempts: f.Attempts}
		}
		return nil
	})
}

// Limiter is what WithLimiter waits on before every attempt: Wait returns
// nil when the attempt may be sent, or an error (ctx's, or the limiter's
// own) that stops the call unsent. A *rate.Limiter of golang.org/x/time/rate
// is one (process-local); module
// github.com/conversekit/conversekit/contrib/redislimit gives one that
// several processes share through Redis. A limiter that also has a method
// Pause(ctx context.Context, until time.Time) error is told of every 429
// that asks for a wait, so that it can pause every process sharing it (see
// LimiterPauser), and one that has a method ObserveQuota(limit, remaining
// int, reset time.Time) follows the quota the vendor announces (see
// LimiterQuotaObserver). The limiter stands for one quota, a vendor
// account's.
type Limiter interface {
	// Wait blocks until one attempt may be sent and returns nil, or returns
	// the error that stops the call unsent and unretried (the call's error
	// then has a *LimiterError in its chain). It must return when ctx ends,
	// and should return at once with an error rather than wait past ctx's
	// deadline. It is called from several goroutines at once when the
	// limiter is shared.
	Wait(ctx context.Context) error
}

// LimiterPauser is a Limiter that shares the vendor's 429 pauses: the
// client calls Pause with the end of the wait a 429 asked for (Retry-After,
// X-RateLimit-Reset), for at most a second, and ignores its error.
type LimiterPauser interface {
	Limiter
	// Pause holds back the attempts of every client sharing the limiter
	// until the given time. The client's own pause holds back its attempts
	// whatever Pause does.
	Pause(ctx context.Context, until time.Time) error
}

// LimiterQuotaObserver is a Limiter that follows the quota a vendor
// announces on its responses (X-RateLimit-Limit, -Remaining and -Reset, as
// Intercom sends them): the client calls ObserveQuota after each response
// that carries them, whatever its status. The participants package's bulk
// adds use one to spread a window's remaining requests until its reset.
type LimiterQuotaObserver interface {
	Limiter
	// ObserveQuota is told of a response's quota: limit is
	// X-RateLimit-Limit (0 when absent or malformed); remaining is
	// X-RateLimit-Remaining (at most limit when limit is known, and at most
	// 1,000,000); reset is X-RateLimit-Reset, moved into the interval from
	// now to now plus the client's longest server wait (WithMaxServerWait).
	// A response without a well-formed X-RateLimit-Remaining and
	// X-RateLimit-Reset is not observed. Concurrent calls answer out of
	// order: remaining may be older than one observed before. ObserveQuota
	// must not block.
	ObserveQuota(limit, remaining int, reset time.Time)
}

// LimiterError is the error, in the chain of a call's error (errors.As),
// of an attempt the client's Limiter refused: the request was not sent and
// the call was not retried. The participants facade gives it code
// Unavailable (DeadlineExceeded when a *rate.Limiter refused a wait past
// the context deadline).
//
// It is apierror.LimiterError: Err holds what the limiter's Wait returned.
type LimiterError = apierror.LimiterError

// WithLimiter makes the client wait on l before every attempt, first or
// retry, after its own pause for an earlier 429. Give each vendor account
// its own limiter, at a rate a little under the vendor's limit, and share
// it between the clients (and, with contrib/redislimit, the processes) that
// use the account. Per call it limits that call's attempts, after the
// client's limiter.
func WithLimiter(l Limiter) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if rl, ok := l.(*rate.Limiter); l == nil || ok && rl == nil {
			return &apierror.ParamError{Field: "option.WithLimiter", Reason: "nil limiter"}
		}
		s.Limiter = l
		return nil
	})
}

// The limiter interfaces the transport consults are its own; these keep
// them and the ones above the same, so that any option.Limiter is one and
// a limiter the transport recognises as a pauser or quota observer is one
// by this package's interfaces too.
var (
	_ transport.Limiter       = Limiter(nil)
	_ Limiter                 = transport.Limiter(nil)
	_ transport.Pauser        = LimiterPauser(nil)
	_ LimiterPauser           = transport.Pauser(nil)
	_ transport.QuotaObserver = LimiterQuotaObserver(nil)
	_ LimiterQuotaObserver    = transport.QuotaObserver(nil)
)

// Middleware wraps the sending of every attempt of a call, first and
// retries alike, as the middleware of an HTTP client does: it gets the
// attempt's request (headers final, context bounded by the attempt's
// deadline), the attempt number (1 for the first) and next, which sends
// the request and returns the vendor's response or the transport error.
// It returns what next returned, or an answer of its own, which the retry
// policy then judges as it would the vendor's: a middleware may add a
// header or a signature, record or time each attempt, or answer from a
// cache without calling next. A response it returns with an error is
// closed and ignored; nil and nil is an error of the attempt.
type Middleware func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// WithMiddleware wraps every attempt in m, in order (the first given
// outermost). On a constructor it applies to every call of the client;
// per call to that call's attempts, inside the client's. A nil Middleware
// is refused.
//
//	c, err := twilio.New(sid, token, option.WithMiddleware(
//		func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
//			req.Header.Set("X-Attempt", strconv.Itoa(attempt))
//			return next(req)
//		}))
func WithMiddleware(m ...Middleware) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if len(m) == 0 {
			return &apierror.ParamError{Field: "option.WithMiddleware", Reason: "no middleware"}
		}
		for i, f := range m {
			if f == nil {
				return &apierror.ParamError{Field: "option.WithMiddleware", Reason: fmt.Sprintf("nil middleware at %d", i)}
			}
			s.Middleware = append(s.Middleware, transport.Middleware(f))
		}
		return nil
	})
}

// Observer is told of every call of a client: its start, each attempt,
// each wait (the shared 429 pause, a limiter, the backoff or Retry-After
// before a retry) and its end. It is observe.Observer; module
// github.com/conversekit/conversekit/contrib/otel makes one that records
// OpenTelemetry spans and metrics.
type Observer = observe.Observer

// WithObserver tells o of every call of the client (constructor only; per
// call it is refused). A client without one pays nothing for it. A nil
// Observer is refused.
//
//	c, err := twilio.New(sid, token, option.WithObserver(myObserver))
func WithObserver(o Observer) Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if o == nil {
			return &apierror.ParamError{Field: "option.WithObserver", Reason: "nil observer"}
		}
		s.Observer = o
		return nil
	})
}
