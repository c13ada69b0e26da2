// Package transport is the one HTTP layer under every vendor client: retries
// with backoff on go-retryablehttp, Retry-After and X-RateLimit-Reset, a
// per-attempt timeout, static headers (auth, User-Agent), capped bodies and the
// conversion of every non-2xx response into an *apierror.Error, decoded by
// Options.DecodeError and then rid of the client's secrets (Redaction).
//
// Retry policy, in one place:
//   - 429 is always retried: the vendors did not process the request.
//   - A dial error is always retried: nothing was sent.
//   - 408, 5xx (but 501) and other transport errors (timeouts, resets) are
//     retried only for calls marked CallOptions.Idempotent.
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
//   - A failed call never closes the idle connections of the shared pool
//     (go-retryablehttp would, on every give-up and cancelled wait).
//
// Logging, only with Options.Logger: one debug record per call (never
// headers or bodies) and, with Options.DebugBodies, one debug record per
// attempt with the request and response headers and bodies, redacted as
// Options.Redact says and capped at DebugBodyBytes.
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/conversekit/conversekit/internal/apierror"
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

// Options configure a Client. The zero value of every field means its default.
type Options struct {
	// Vendor names the vendor in errors and logs: "intercom", "bird", "twilio", "sunshine".
	Vendor string
	// HTTPClient is the client whose Transport sends each attempt; its
	// Timeout is replaced by AttemptTimeout. Nil means a pooled client.
	HTTPClient *http.Client
	// Doer, when set, sends each attempt instead of HTTPClient (for example
	// a mock). Retries still happen above it.
	Doer Doer
	// MaxRetries is how many times a request is retried after the first
	// attempt. Negative means none; zero means DefaultMaxRetries.
	MaxRetries int
	// AttemptTimeout bounds each attempt, headers and body.
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
	// bodies). Nil means silent.
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
}

// Client sends requests with the retry policy of this package. It is safe for
// concurrent use.
type Client struct {
	rc      *retryablehttp.Client
	vendor  string
	header  http.Header
	decode  func(*apierror.Error)
	redact  *redactor
	logger  *slog.Logger
	maxBody int64
	maxWait time.Duration
	// maxRetries and attemptTimeout are the client's defaults for a call.
	maxRetries     int
	attemptTimeout time.Duration
	pause          pauseGate
	limiter        Limiter
}

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
// client's shared 429 pause lasts past the attempt's context deadline.
type pauseStop struct {
	wait time.Duration   // what was left of the pause
	last *apierror.Error // the 429 that set the pause, if known
}

func (e *pauseStop) Error() string {
	return fmt.Sprintf("rate limited: an earlier 429 of this client asked to wait %s more, which passes the context deadline", e.wait.Round(time.Millisecond))
}

// gate is the outermost RoundTripper: every attempt, first or retry, waits
// out the client's shared 429 pause before it is sent.
type gate struct {
	rt      http.RoundTripper
	pause   *pauseGate
	limiter Limiter
}

func (g gate) RoundTrip(r *http.Request) (*http.Response, error) {
	err := g.pause.wait(r.Context())
	if err == nil && g.limiter != nil {
		err = limit(r.Context(), g.limiter)
	}
	if co := callOptionsOf(r.Context()); err == nil && co != nil && co.Limiter != nil {
		err = limit(r.Context(), co.Limiter)
	}
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	if st := callOf(r.Context()); st != nil {
		st.sent.Add(1)
	}
	return g.rt.RoundTrip(r)
}

// call is the state of one Do, reached from its requests' contexts. It is
// itself the context of the call's requests (the caller's context with one
// more value, as context.WithValue would give, less an allocation): callOf
// finds it in every attempt's context.
type call struct {
	context.Context // the caller's context
	// maxRetries and attemptTimeout are this call's: the client's unless
	// its CallOptions say otherwise.
	maxRetries     int
	attemptTimeout time.Duration
	start          time.Time
	attempts       atomic.Int32
	// sent counts the attempts that passed the pause gate.
	sent atomic.Int32
	// last is the error of the last non-2xx response and lastResp that
	// response, so that a context error that ends the call during a wait
	// can carry it.
	mu       sync.Mutex
	last     *apierror.Error
	lastResp *http.Response
}

// Value returns st for callKey and the caller's values for every other key.
func (st *call) Value(key any) any {
	if key == (callKey{}) {
		return st
	}
	return st.Context.Value(key)
}

func (st *call) setLast(resp *http.Response, e *apierror.Error) {
	st.mu.Lock()
	st.last, st.lastResp = e, resp
	st.mu.Unlock()
}

func (st *call) lastError() (*http.Response, *apierror.Error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.lastResp, st.last
}

// isIdempotent reports whether the call of ctx is safe to repeat: marked by
// its CallOptions.Idempotent.
func isIdempotent(ctx context.Context) bool {
	o := callOptionsOf(ctx)
	return o != nil && o.Idempotent
}

// CallOptions are the settings of one call, carried to Do by the request's
// context (WithCallOptions). The vendor clients build them from the
// per-call options of an operation. The zero value of each field means the
// client's setting.
type CallOptions struct {
	// Header is set on the request after the client's static headers,
	// replacing a static header of the same name.
	Header http.Header
	// MaxRetries replaces the client's retry budget for this call:
	// negative means no retry.
	MaxRetries int
	// AttemptTimeout replaces the client's per-attempt timeout.
	AttemptTimeout time.Duration
	// Idempotent marks the call safe to repeat: 408, 5xx and transport
	// errors after the request was sent are retried too.
	Idempotent bool
	// OnResponse, when set, is called once when the call ends, on success
	// and on error alike, with its final response.
	OnResponse func(Response)
	// Limiter, when set, is waited on before every attempt of the call,
	// after the client's, and told of its 429 pauses and announced quotas
	// as Options.Limiter is (limiter.go).
	Limiter Limiter
}

// Response is what a call's final response said, for the caller to keep:
// request IDs, rate-limit headers.
type Response struct {
	// StatusCode is the status of the final response; 0 when none came.
	StatusCode int
	// Header is the final response's header (nil when none came).
	Header http.Header
	// Attempts is how many attempts were sent.
	Attempts int
}

type callOptionsKey struct{}

// WithCallOptions returns ctx carrying o for the calls made with it.
func WithCallOptions(ctx context.Context, o *CallOptions) context.Context {
	return context.WithValue(ctx, callOptionsKey{}, o)
}

func callOptionsOf(ctx context.Context) *CallOptions {
	o, _ := ctx.Value(callOptionsKey{}).(*CallOptions)
	return o
}

type callKey struct{}

func callOf(ctx context.Context) *call {
	st, _ := ctx.Value(callKey{}).(*call)
	return st
}

// New returns a Client for o.
func New(o Options) *Client {
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	o.MaxRetries = max(o.MaxRetries, 0) // negative: none
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

	// Redirects are never followed: a 301/302/303 would turn a POST into
	// a GET whose 2xx looks like success, and a 307/308 would re-send the
	// credentials and the body to wherever Location points. A 3xx comes
	// back as an *apierror.Error. The caller's client is copied, never
	// modified.
	var hc http.Client
	switch {
	case o.Doer != nil:
		d := o.Doer
		if dc, ok := d.(*http.Client); ok && dc != nil {
			cp := *dc
			cp.CheckRedirect = noRedirect
			d = &cp
		}
		hc.Transport = doerTransport{d}
	case o.HTTPClient != nil:
		hc = *o.HTTPClient
	default:
		hc.Transport = pooledTransport()
	}
	hc.CheckRedirect = noRedirect
	if hc.Transport == nil {
		hc.Transport = http.DefaultTransport
	}
	redact := o.Redact.compile()
	if o.Logger != nil && o.DebugBodies {
		hc.Transport = &debugTransport{rt: hc.Transport, vendor: o.Vendor, logger: o.Logger, redact: redact}
	}
	c := &Client{
		vendor:  o.Vendor,
		header:  o.Header.Clone(),
		decode:  o.DecodeError,
		redact:  redact,
		logger:  o.Logger,
		maxBody: o.MaxResponseBytes,
		maxWait: o.MaxServerWait,

		maxRetries:     o.MaxRetries,
		attemptTimeout: o.AttemptTimeout,
		limiter:        o.Limiter,
	}
	// go-retryablehttp calls HTTPClient.CloseIdleConnections whenever a call
	// gives up or its wait is cancelled, which would drop every idle
	// connection of the pool that other calls share: keepIdle hides it.
	// gate holds each attempt back during a shared 429 pause (outside the
	// attempt's timeout); attemptTimeout bounds the attempt, headers and
	// success body.
	hc.Transport = keepIdle{gate{
		rt:      attemptTimeout{rt: hc.Transport, d: o.AttemptTimeout, maxBody: o.MaxResponseBytes},
		pause:   &c.pause,
		limiter: o.Limiter,
	}}
	hc.Timeout = 0 // attemptTimeout bounds each attempt, at a fraction of the cost

	c.rc = &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil,
		RetryWaitMin: o.WaitMin,
		RetryWaitMax: o.WaitMax,
		// checkRetry enforces each call's budget; this is only a ceiling.
		RetryMax:     maxRetriesCeiling,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, attempt int) {
			if st := callOf(r.Context()); st != nil {
				st.attempts.Store(int32(attempt + 1))
			}
		},
	}
	return c
}

// maxRetriesCeiling bounds any retry budget, the client's or a call's.
const maxRetriesCeiling = 100

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

// attemptTimeout bounds one attempt, response body included, with a context
// deadline: http.Client.Timeout does the same with a dozen more allocations
// per request. When the attempt's deadline (and not the caller's) ends it,
// the error is an *AttemptTimeoutError, which is not context.DeadlineExceeded:
// the call is retried when idempotent, and the caller's deadline stays the
// caller's.
//
// A 2xx body is read whole (at most maxBody bytes) inside the attempt, so
// that a connection lost in the middle of it is a failed attempt like any
// other transport error, retried when the request is idempotent, and never
// a success whose body ends early.
type attemptTimeout struct {
	rt      http.RoundTripper
	d       time.Duration
	maxBody int64
}

func (t attemptTimeout) RoundTrip(r *http.Request) (*http.Response, error) {
	parent := r.Context()
	if st := callOf(parent); st != nil {
		t.d = st.attemptTimeout // the client's, or the call's own (always > 0)
	}
	ctx, cancel := context.WithTimeout(parent, t.d)
	resp, err := t.rt.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, t.wrap(err, ctx, parent)
	}
	if resp.Request == nil {
		resp.Request = r // as http.Transport does; apiError reads its body
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body = &attemptBody{rc: resp.Body, cancel: cancel, ctx: ctx, parent: parent, t: t}
		return resp, nil
	}
	body, err := readSuccessBody(resp.Body, resp.ContentLength, t.maxBody)
	resp.Body.Close()
	cancel()
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			return nil, &bodyTooLargeError{limit: t.maxBody}
		}
		return nil, &BodyReadError{Status: resp.StatusCode, Err: t.wrap(err, ctx, parent)}
	}
	sb := &successBody{b: body}
	sb.r.Reset(body)
	resp.Body = sb
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// successBody is a 2xx body read whole inside the attempt: one allocation
// where io.NopCloser(bytes.NewReader(b)) is two, and ReadBody hands the
// bytes over without a copy.
type successBody struct {
	r bytes.Reader
	b []byte
}

func (sb *successBody) Read(p []byte) (int, error) { return sb.r.Read(p) }

// Close does nothing: the body is in memory and the connection is free.
func (sb *successBody) Close() error { return nil }

// ReadBody reads resp's body to its end and closes it. The body of a 2xx
// response that Do returned was read whole inside the attempt: what is
// unread of it is handed over without a copy. Any other body is read here.
func ReadBody(resp *http.Response) ([]byte, error) {
	if sb, ok := resp.Body.(*successBody); ok {
		b := sb.b[len(sb.b)-sb.r.Len():]
		sb.r.Reset(nil)
		return b, nil
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Body is a request body held in memory. Give it to http.NewRequest for Do:
// its bytes go to go-retryablehttp as they are, where any other body is read
// into a new buffer first, and http.NewRequest wraps it in nothing. Like
// any request body it is read once by whoever sends it.
type Body struct {
	r bytes.Reader
	b []byte
}

// NewBody returns a Body reading b, which must not change while the request
// is in flight.
func NewBody(b []byte) *Body {
	body := &Body{b: b}
	body.r.Reset(b)
	return body
}

// Read reads from the bytes not read yet.
func (b *Body) Read(p []byte) (int, error) { return b.r.Read(p) }

// Len is how many bytes are not read yet.
func (b *Body) Len() int { return b.r.Len() }

// Close does nothing: the bytes stay readable through Do's retries.
func (b *Body) Close() error { return nil }

// unread returns the bytes not read yet.
func (b *Body) unread() []byte { return b.b[len(b.b)-b.r.Len():] }

// readSuccessBody reads rc to its end, refusing (with ErrBodyTooLarge)
// more than limit bytes, announced or read. declared is the announced
// Content-Length, -1 when unknown: it sizes the buffer but is not trusted.
func readSuccessBody(rc io.Reader, declared, limit int64) ([]byte, error) {
	if declared > limit {
		return nil, ErrBodyTooLarge
	}
	size := int64(512)
	if declared >= 0 {
		size = declared + 1 // room to read EOF without growing
	}
	// Never hold more than limit+1 bytes: one byte past the limit tells a
	// body of exactly the limit from a longer one.
	size = min(size, limit+1)
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, ErrBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// BodyReadError is an attempt whose 2xx response was lost while its body
// was read (a connection reset, closed or timed out in the middle of it):
// the vendor may have done the work, but nobody can tell from the answer.
// It is retried like any transport error when the request is idempotent.
type BodyReadError struct {
	// Status is the status line that arrived.
	Status int
	// Err is the read error: io.ErrUnexpectedEOF, a reset, an
	// *AttemptTimeoutError, ...
	Err error
}

func (e *BodyReadError) Error() string {
	return fmt.Sprintf("HTTP %d response lost while reading its body: %v", e.Status, e.Err)
}

// Unwrap returns the read error.
func (e *BodyReadError) Unwrap() error { return e.Err }

// Timeout reports whether the read was cut off by a timeout.
func (e *BodyReadError) Timeout() bool {
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// Temporary implements net.Error: a lost answer is worth asking again.
func (e *BodyReadError) Temporary() bool { return true }

// bodyTooLargeError is the attempt error of a 2xx body over the cap; Do
// returns it unwrapped from *url.Error, as it is no network failure.
type bodyTooLargeError struct {
	limit int64
}

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("%v (over %d bytes)", ErrBodyTooLarge, e.limit)
}

func (e *bodyTooLargeError) Unwrap() error { return ErrBodyTooLarge }

// wrap replaces err by an *AttemptTimeoutError when the attempt's own
// deadline passed and the caller's context is still live.
func (t attemptTimeout) wrap(err error, ctx, parent context.Context) error {
	if ctx.Err() == context.DeadlineExceeded && parent.Err() == nil {
		return &AttemptTimeoutError{Limit: t.d}
	}
	return err
}

// attemptBody ends the attempt's context when the body is closed.
type attemptBody struct {
	rc          io.ReadCloser
	cancel      context.CancelFunc
	ctx, parent context.Context
	t           attemptTimeout
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = b.t.wrap(err, b.ctx, b.parent)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}

// AttemptTimeoutError is one attempt that took longer than the per-attempt
// timeout (option.WithAttemptTimeout). It is a net.Error with Timeout() true.
type AttemptTimeoutError struct {
	// Limit is the per-attempt timeout that passed.
	Limit time.Duration
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s", e.Limit)
}

// Timeout implements net.Error.
func (e *AttemptTimeoutError) Timeout() bool { return true }

// Temporary implements net.Error.
func (e *AttemptTimeoutError) Temporary() bool { return true }

// keepIdle is a RoundTripper without CloseIdleConnections.
type keepIdle struct{ rt http.RoundTripper }

func (t keepIdle) RoundTrip(r *http.Request) (*http.Response, error) { return t.rt.RoundTrip(r) }

// Do sends req with the static headers, retrying as the package doc says. A
// non-2xx response becomes an *apierror.Error (returned with a nil response);
// a context error is returned as it is. req itself is not modified; its
// body, if any, is read once into memory, re-sent identically on every
// attempt and closed (a body that is an io.Seeker is instead rewound before
// each attempt and left open, as go-retryablehttp does; the unread bytes of
// a *Body are used as they are, without a copy).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err // nothing is sent on a context that is already done
	}
	st := &call{Context: req.Context(), maxRetries: c.maxRetries, attemptTimeout: c.attemptTimeout, start: time.Now()}
	co := callOptionsOf(req.Context())
	if co != nil {
		switch {
		case co.MaxRetries < 0:
			st.maxRetries = 0
		case co.MaxRetries > 0:
			st.maxRetries = min(co.MaxRetries, maxRetriesCeiling)
		}
		if co.AttemptTimeout > 0 {
			st.attemptTimeout = co.AttemptTimeout
		}
	}
	// A shallow copy with its own header map: neither req nor its header
	// values are modified, so they need no deep copy (req.Clone would copy
	// the URL and every header value).
	out := req.WithContext(st)
	h := make(http.Header, len(req.Header)+len(c.header))
	for k, v := range req.Header {
		h[k] = v
	}
	for k, v := range c.header {
		h[k] = v
	}
	if co != nil {
		for k, v := range co.Header {
			h[k] = v
		}
	}
	out.Header = h
	body, inMemory := req.Body.(*Body)
	inMemory = inMemory && body.Len() > 0 // an empty one goes as http.NoBody, as before
	if inMemory {
		out.Body = nil // its bytes go to SetBody below, not read into a copy
	}
	rreq, err := retryablehttp.FromRequest(out)
	if err == nil && inMemory {
		_ = rreq.SetBody(body.unread()) // a []byte body cannot fail
	}
	if _, seeker := req.Body.(io.Seeker); req.Body != nil && (err != nil || !seeker) {
		req.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: reading request body: %w", c.vendor, req.Method, req.URL.Redacted(), err)
	}
	resp, err := c.do(rreq, st)
	if co != nil && co.OnResponse != nil {
		final := Response{Attempts: int(st.sent.Load())}
		var api *apierror.Error
		switch {
		case resp != nil:
			final.StatusCode, final.Header = resp.StatusCode, resp.Header.Clone()
		case errors.As(err, &api):
			final.StatusCode, final.Header = api.StatusCode, api.Header.Clone()
		}
		co.OnResponse(final)
	}
	return resp, err
}

// do is Do after the request is built: the retried send and the conversion
// of the outcome into a response or an error.
func (c *Client) do(rreq *retryablehttp.Request, st *call) (*http.Response, error) {
	req := rreq.Request
	resp, err := c.rc.Do(rreq)
	n := int(st.attempts.Load())
	if c.logger != nil {
		c.log(req, resp, err, n, time.Since(st.start))
	}
	if err != nil {
		var stop *serverWaitStop
		if resp != nil && errors.As(err, &stop) {
			apiErr := c.responseError(st, resp, n)
			apiErr.Reason = stop.Error()
			c.redact.apiError(apiErr)
			return nil, apiErr
		}
		if resp != nil {
			resp.Body.Close()
		}
		var paused *pauseStop
		if errors.As(err, &paused) {
			return nil, c.pausedError(paused, int(st.sent.Load()))
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			if _, last := st.lastError(); last != nil {
				return nil, &ContextError{Err: ctxErr, Last: last}
			}
			return nil, ctxErr
		}
		var tooLarge *bodyTooLargeError
		if errors.As(err, &tooLarge) {
			// Not a network failure: no *url.Error around it.
			return nil, fmt.Errorf("%s: %s %s: %w", c.vendor, req.Method, req.URL.Redacted(), tooLarge)
		}
		return nil, fmt.Errorf("%s: %s %s: %w", c.vendor, req.Method, req.URL.Redacted(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := c.responseError(st, resp, n)
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode <= 399:
			apiErr.Reason = "redirects are not followed"
			if loc := resp.Header.Get("Location"); loc != "" {
				apiErr.Reason = "the vendor redirected to " + loc + "; redirects are not followed"
			}
			c.redact.apiError(apiErr)
		case n > 1 && apiErr.Temporary():
			apiErr.Reason = fmt.Sprintf("gave up after %d attempts", n)
			c.redact.apiError(apiErr)
		}
		return nil, apiErr
	}
	return resp, nil
}

// pausedError is the error of a call that a shared 429 pause stopped before
// its deadline: the 429 that set the pause (a copy), with the wait that was
// left and the attempts this call sent.
func (c *Client) pausedError(p *pauseStop, sent int) *apierror.Error {
	e := &apierror.Error{Vendor: c.vendor, StatusCode: http.StatusTooManyRequests}
	if p.last != nil {
		cp := *p.last
		e = &cp
	}
	e.RetryAfter = p.wait
	e.Attempts = sent
	e.Reason = p.Error()
	c.redact.apiError(e)
	return e
}

func (c *Client) log(req *http.Request, resp *http.Response, err error, attempts int, d time.Duration) {
	attrs := []any{
		slog.String("vendor", c.vendor),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", req.URL.EscapedPath()),
		slog.Int("attempts", attempts),
		slog.Duration("duration", d),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.DebugContext(req.Context(), "conversekit request", attrs...)
}

// responseError returns the *apierror.Error of resp, a non-2xx response:
// the one checkRetry built, or a new one.
func (c *Client) responseError(st *call, resp *http.Response, attempts int) *apierror.Error {
	if lastResp, last := st.lastError(); lastResp == resp { // set together: last is non-nil
		resp.Body.Close()
		last.Attempts = attempts
		return last
	}
	return c.apiError(resp, attempts)
}

// ContextError is the error of a call that the context ended after at least
// one vendor response: errors.Is(err, context.DeadlineExceeded) (or
// context.Canceled) holds, and errors.As reaches Last, the *apierror.Error of
// the last non-2xx response.
type ContextError struct {
	// Err is the context's error.
	Err error
	// Last is the last non-2xx response of the call.
	Last *apierror.Error
}

func (e *ContextError) Error() string {
	return e.Err.Error() + " (last response: " + e.Last.Error() + ")"
}

// Unwrap returns the context error and the last response's error.
func (e *ContextError) Unwrap() []error { return []error{e.Err, e.Last} }

// apiError reads resp's body (capped) and closes it, and returns its
// *apierror.Error rid of the client's secrets and of the hidden values of the
// request's body.
func (c *Client) apiError(resp *http.Response, attempts int) *apierror.Error {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, apierror.MaxBodyBytes+1))
	e := &apierror.Error{
		Vendor:     c.vendor,
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		Attempts:   attempts,
	}
	if len(body) > apierror.MaxBodyBytes {
		body = body[:apierror.MaxBodyBytes]
		e.Truncated = true
	}
	if err != nil {
		e.Truncated = true
	}
	e.Body = body
	e.RetryAfter, _ = responseWait(resp, time.Now())
	if resp.Request != nil && resp.Request.URL != nil {
		e.Host = resp.Request.URL.Host
	}
	if c.decode != nil {
		c.decode(e)
	}
	// resp.Request is this attempt's request: the hidden values of its body
	// (Redaction.FormKeys, JSONKeys) are secrets of this call, which a vendor
	// message may quote.
	c.redact.forRequest(resp.Request).apiError(e)
	return e
}

// serverWaitStop is the CheckRetry error used when the server's wait cannot
// be honoured.
type serverWaitStop struct {
	status int
	wait   time.Duration
	reason string
}

func (e *serverWaitStop) Error() string {
	what := "rate limited"
	if e.status != http.StatusTooManyRequests {
		what = "not retried"
	}
	return fmt.Sprintf("%s: the vendor asked to wait %s, which %s", what, e.wait.Round(time.Millisecond), e.reason)
}

func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	// Every non-2xx response is turned into its *apierror.Error as soon as
	// it arrives, before go-retryablehttp drains it for a retry, so that the
	// call can still report it when the context ends the wait.
	// (resp is nil whenever err is not.)
	if resp != nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
		if st := callOf(ctx); st != nil {
			if lastResp, _ := st.lastError(); lastResp != resp {
				e := c.apiError(resp, int(st.attempts.Load()))
				resp.Body = io.NopCloser(bytes.NewReader(e.Body))
				st.setLast(resp, e)
			}
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	retry, stop := c.decide(ctx, resp, err)
	if retry {
		if st := callOf(ctx); st != nil && int(st.attempts.Load()) > st.maxRetries {
			return false, nil // this call's retry budget is spent
		}
	}
	return retry, stop
}

// decide is the retry policy of the package doc for one attempt's outcome,
// before the call's retry budget: whether to retry, or the error that stops
// the call. A 429's wait is shared (the pause) even when the budget then
// stops the call.
func (c *Client) decide(ctx context.Context, resp *http.Response, err error) (bool, error) {
	idempotent := isIdempotent(ctx)
	if err != nil {
		var paused *pauseStop
		var tooLarge *bodyTooLargeError
		var redirected *RedirectError
		var limited *LimiterError
		switch {
		case errors.As(err, &paused), errors.As(err, &limited):
			return false, err
		case errors.As(err, &tooLarge), errors.As(err, &redirected):
			return false, nil
		case isDialError(err):
			return true, nil
		}
		return idempotent, nil
	}
	observeQuota(resp.Header, c.maxWait, c.limiter, callLimiter(ctx))
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
	case s == http.StatusRequestTimeout || (s >= 500 && s != http.StatusNotImplemented):
		if !idempotent {
			return false, nil
		}
	default:
		return false, nil
	}
	if wait, ok := responseWait(resp, time.Now()); ok {
		if wait > c.maxWait {
			return false, &serverWaitStop{status: resp.StatusCode, wait: wait, reason: fmt.Sprintf("exceeds the %s limit", c.maxWait)}
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			var last *apierror.Error
			if st := callOf(ctx); st != nil {
				_, last = st.lastError()
			}
			c.pause.pauseUntil(time.Now().Add(wait), last)
			if c.limiter != nil {
				sharePause(ctx, c.limiter, time.Now().Add(wait))
			}
			if co := callOptionsOf(ctx); co != nil && co.Limiter != nil {
				sharePause(ctx, co.Limiter, time.Now().Add(wait))
			}
		}
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			return false, &serverWaitStop{status: resp.StatusCode, wait: wait, reason: "passes the context deadline"}
		}
	}
	return true, nil
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff is the retryablehttp.Backoff: the server's wait when it gave one,
// else exponential backoff with jitter in [d/2, d], d = lo·2^attempt capped
// at hi.
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := responseWait(resp, time.Now()); ok {
			return wait
		}
	}
	d := min(lo, hi)
	for range attempt {
		d += min(d, hi-d) // doubles d up to hi, without overflow for a huge hi
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

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

func until(t, now time.Time) time.Duration {
	return min(max(t.Sub(now), 0), maxHeaderWait)
}

// ErrBodyTooLarge is the error of a success body over the cap
// (Options.MaxResponseBytes), announced or read: the call fails, unretried.
var ErrBodyTooLarge = errors.New("response body too large")
