// Package transport is the one HTTP layer under every vendor client: retries
// with backoff, Retry-After and X-RateLimit-Reset, a per-attempt timeout,
// static headers (auth, User-Agent), capped bodies and the conversion of
// every non-2xx response into an *apierror.Error, decoded by
// Options.DecodeError and then rid of the client's secrets (Redaction).
//
// A call is Client.Do(ctx, req, settings): ctx carries cancellation and the
// deadline of the whole call, Settings everything else about the call
// (retry budget, per-attempt timeout, idempotency, headers, limiter,
// middleware). One loop (loop.go) owns the attempts: it waits for the shared
// pause and the limiters, sends under the attempt's deadline, reads the body
// and asks one pure function (policy.go) whether to retry and how long to
// wait. go-retryablehttp gives that function its building blocks: its retry
// classification, its exponential backoff, and the rewinding of request
// bodies that are not already in memory.
//
// Retry policy, in one place:
//   - 429 is always retried: the vendors did not process the request.
//   - A dial error is always retried: nothing was sent.
//   - 408, 5xx (but 501) and other transport errors (timeouts, resets) are
//     retried only for calls marked Settings.Idempotent. Errors that
//     cannot heal (a server certificate that fails verification, a bad
//     scheme or header, too many redirects) are never retried.
//   - The wait is the server's Retry-After (seconds or HTTP date) or, on a
//     429, X-RateLimit-Reset (Unix seconds); otherwise exponential backoff
//     with jitter between WaitMin and WaitMax.
//   - When the server's wait would pass the context deadline, or exceed
//     MaxServerWait, the call returns at once with the *apierror.Error whose
//     Reason says so.
//   - Every wait stops when the context is done. When the context ends a
//     call after a vendor response, the error is the context error joined
//     with that response's *apierror.Error: errors.Is finds the context
//     error and errors.As the *apierror.Error.
//   - The wait a 429 asks for is shared: until it has passed, no attempt of
//     any request of the same Client is sent (each waits, or fails when its
//     context ends first), so that concurrent callers do not each run into
//     the vendor's limit on their own. A wait above MaxServerWait is not
//     shared: the call that got it ends at once.
//   - A failed call never closes the idle connections of the shared pool.
//   - Redirects are never followed: a 3xx is the answer, as an
//     *apierror.Error.
//
// Logging, only with Options.Logger: one debug record per call (never
// headers or bodies); one info record per retry ("conversekit retry": the
// attempt, its status or redacted error, the wait), per attempt held back
// by the shared pause ("conversekit pause") and per limiter wait of 1 ms
// or more ("conversekit limiter wait") (log.go); and, with
// Options.DebugBodies, one debug record per attempt with the request and response headers and bodies, redacted as
// Options.Redact says and capped at DebugBodyBytes.
//
// Observation, only with Options.Observer (observe.go): the Observer is told
// of each call's start, of each attempt's start and end, of each wait (the
// shared pause and limiter waits of 1 ms or more or that failed, every wait
// before a retry) and of the call's end. Without one, a call costs no more
// than before: no allocation, no clock read.
package transport

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/observe"
)

// Doer sends one HTTP request. *http.Client implements it, and so does the
// generated clients' HttpRequestDoer.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Defaults used when an Options field is zero.
const (
	DefaultMaxRetries     = 3
	DefaultAttemptTimeout = 30 * time.Second
	DefaultWaitMin        = 500 * time.Millisecond
	DefaultWaitMax        = 30 * time.Second
	DefaultMaxServerWait  = 2 * time.Minute
	// DefaultMaxResponseBytes caps a success body. The largest body of the
	// participant operations, a Twilio page of 100 participants with 4 KB of
	// attributes each, is about 0.5 MiB; reading a body to the cap costs
	// about twice the cap in allocations.
	DefaultMaxResponseBytes = 4 << 20
)

// Options configure a Client. The zero value of every field but MaxRetries
// means its default.
type Options struct {
	// Vendor names the vendor in errors and logs: "intercom", "bird", "twilio", "sunshine".
	Vendor string
	// HTTPClient is the client whose Transport sends each attempt; its
	// Timeout is replaced by the per-attempt timeout. Nil means a pooled
	// client.
	HTTPClient *http.Client
	// Doer, when set, sends each attempt instead of HTTPClient (for example
	// a mock). Retries still happen above it.
	Doer Doer
	// MaxRetries is the retry budget of Defaults: how many times a call is
	// retried after its first attempt. 0 means none, as in Settings.Retries
	// (the vendor clients set DefaultMaxRetries before their options
	// apply); it is clipped to 0..MaxRetriesCeiling.
	MaxRetries int
	// AttemptTimeout is the per-attempt timeout of Defaults (0 means
	// DefaultAttemptTimeout).
	AttemptTimeout time.Duration
	// WaitMin and WaitMax bound the exponential backoff.
	WaitMin, WaitMax time.Duration
	// MaxServerWait is the longest Retry-After / X-RateLimit-Reset wait that
	// is honoured; a longer one ends the call with a rate-limited error.
	MaxServerWait time.Duration
	// MaxResponseBytes caps a success body; reading past it fails.
	MaxResponseBytes int64
	// Logger receives one debug record per call (vendor, method, host, URL
	// path, final status, attempts, duration, error; never headers or
	// bodies) and one info record per retry, shared pause and limiter wait
	// (log.go). Nil means silent.
	Logger *slog.Logger
	// DebugBodies adds, when Logger is set, one debug record per attempt
	// ("conversekit attempt") with the request and response headers and
	// bodies. Credential headers and the values Redact names are replaced by
	// "[redacted]"; each body is cut at DebugBodyBytes.
	DebugBodies bool
	// Redact names the secrets removed from every *apierror.Error and what
	// the per-attempt records must hide beyond the credential headers that
	// are always hidden.
	Redact Redaction
	// Header is set on every request (Authorization, User-Agent, ...).
	Header http.Header
	// DecodeError fills the vendor fields (Code, Message, RequestID, ...) of
	// an error whose StatusCode, Header, Body, RetryAfter and Attempts are
	// already set. It must tolerate any body: HTML, empty, truncated. It
	// need not redact: Redact.Secrets are removed from the fields after it.
	DecodeError func(*apierror.Error)
	// Limiter, when set, is waited on before every attempt, told of every
	// 429 pause when it is a Pauser and of the quota each response
	// announces when it is a QuotaObserver (limiter.go).
	Limiter Limiter
	// Middleware wraps the sending of every attempt of every call, the
	// first outermost: it is Defaults().Middleware.
	Middleware []Middleware
	// Observer, when set, is told of every call: its start, each attempt,
	// each wait and its end (observe.go). Nil costs nothing.
	Observer observe.Observer
}

// Client sends requests with the retry policy of this package. It is safe for
// concurrent use.
type Client struct {
	rt       http.RoundTripper // sends one attempt
	jar      *http.Client      // sends one attempt instead, for a caller's client with a cookie jar
	vendor   string
	header   http.Header
	decode   func(*apierror.Error)
	redact   *redactor
	logger   *slog.Logger
	debug    bool // per-attempt records (Options.DebugBodies with a Logger)
	maxBody  int64
	policy   policy
	defaults Settings
	pause    pauseGate
	limiter  Limiter
	observer observe.Observer
}

// New returns a Client for o.
func New(o Options) *Client {
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.WaitMin <= 0 {
		o.WaitMin = DefaultWaitMin
	}
	if o.WaitMax <= 0 {
		o.WaitMax = DefaultWaitMax
	}
	o.WaitMax = max(o.WaitMax, o.WaitMin)
	if o.MaxServerWait <= 0 {
		o.MaxServerWait = DefaultMaxServerWait
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.Vendor == "" {
		o.Vendor = "vendor"
	}
	rt, jar := attemptSender(o)
	return &Client{
		rt:      rt,
		jar:     jar,
		vendor:  o.Vendor,
		header:  o.Header.Clone(),
		decode:  o.DecodeError,
		redact:  o.Redact.compile(),
		logger:  o.Logger,
		debug:   o.Logger != nil && o.DebugBodies,
		maxBody: o.MaxResponseBytes,
		policy:  policy{waitMin: o.WaitMin, waitMax: o.WaitMax, maxServerWait: o.MaxServerWait},
		defaults: Settings{
			Retries:        min(max(o.MaxRetries, 0), MaxRetriesCeiling),
			AttemptTimeout: o.AttemptTimeout,
			Middleware:     slices.Clone(o.Middleware),
		},
		limiter:  o.Limiter,
		observer: o.Observer,
	}
}

// Defaults returns the Settings of a call without options: Options'
// MaxRetries and AttemptTimeout, not idempotent, no header, limiter or
// middleware of its own. The vendor clients start each call from it and
// apply the call's options on top.
func (c *Client) Defaults() Settings { return c.defaults }

// attemptSender is what sends one attempt for o: the RoundTripper of o's
// client (a pooled one by default, o.Doer behind a doerTransport), or, for
// a caller's client with a cookie jar, a copy of that client (jar), so that
// its cookies are kept. The caller's client is copied, never modified.
//
// Redirects are never followed: a 301/302/303 would turn a POST into a GET
// whose 2xx looks like success, and a 307/308 would re-send the
// credentials and the body to wherever Location points. A 3xx comes back
// as an *apierror.Error. The caller's client Timeout is dropped: the
// per-attempt deadline bounds each attempt, at a fraction of the cost.
func attemptSender(o Options) (rt http.RoundTripper, jar *http.Client) {
	switch {
	case o.Doer != nil:
		d := o.Doer
		if dc, ok := d.(*http.Client); ok && dc != nil {
			cp := *dc
			cp.CheckRedirect = noRedirect
			d = &cp
		}
		return doerTransport{d}, nil
	case o.HTTPClient != nil:
		rt = o.HTTPClient.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		if o.HTTPClient.Jar != nil {
			cp := *o.HTTPClient
			cp.Transport, cp.CheckRedirect, cp.Timeout = rt, noRedirect, 0
			return rt, &cp
		}
		return rt, nil
	}
	return pooledTransport(), nil
}

// MaxResponseHeaderBytes caps the response header of the pooled transport.
// The vendors' headers are a few KiB; 256 KiB leaves room for any proxy in
// between while an 8 MiB header (an amplification attempt) is refused
// without being read.
const MaxResponseHeaderBytes = 256 << 10

// pooledTransport is a connection pool sized for many concurrent calls to one
// vendor host.
func pooledTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 128
	t.IdleConnTimeout = 90 * time.Second
	t.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	return t
}

// noRedirect is the CheckRedirect of every client: the 3xx itself is the
// answer.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// RedirectError is the error of an attempt whose Doer followed a redirect
// by itself (a Doer that is not an *http.Client): the final response is
// discarded, as it answers another request than the one sent.
type RedirectError struct {
	// From is the URL of the request, To the URL the Doer ended at.
	From, To string
}

func (e *RedirectError) Error() string {
	return "the Doer followed a redirect from " + e.From + " to " + e.To + "; redirects are not followed"
}

// doerTransport sends an attempt through a Doer and refuses the answer of
// a redirect the Doer followed.
type doerTransport struct{ d Doer }

func (t doerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.d.Do(r)
	if err != nil || resp == nil || resp.Request == nil {
		return resp, err
	}
	if fr := resp.Request; fr.Method != r.Method || fr.URL.String() != r.URL.String() {
		resp.Body.Close()
		return nil, &RedirectError{From: r.URL.Redacted(), To: fr.URL.Redacted()}
	}
	return resp, nil
}
