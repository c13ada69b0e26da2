package participantstest

import (
	"bytes"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxBodyBytes caps how much of a request body a fake reads. A larger body is
// refused with the vendor's own "payload too large" style error.
const maxBodyBytes = 1 << 20

// Fault is one injected misbehaviour, consumed by exactly one request (see
// [Server.InjectFaults]). The zero Fault handles the request normally.
// With Method set, only a request with that method consumes it.
//
// The fields combine as follows: Delay is always applied first; then Drop
// wins over CommitThenDrop, then CommitThenCut, then Status. A Fault with only Delay
// set delays an otherwise normal request.
type Fault struct {
	// Method, when set, aims the fault at the next request with this HTTP
	// method ("DELETE", ...): requests with another method pass it by and
	// take the next fault queued for them, if any. Empty matches every
	// request. It lets a test hit the request that removes a participant
	// although a read may come before it.
	Method string

	// Status, when non-zero, is sent instead of handling the request: the
	// request changes no state. Body and Header are sent with it; when
	// Header carries no Content-Type and Body is not empty, JSON is assumed
	// for a body starting with '{' or '[' and the type is sniffed otherwise.
	Status int
	// Body is the response body sent with Status.
	Body string
	// Header is added to the response sent with Status.
	Header http.Header

	// Delay is slept before anything else happens. The sleep ends early,
	// without any response, when the client gives up on the request or the
	// server is closed.
	Delay time.Duration

	// Drop closes the connection without any response and without handling
	// the request: the client sees a transport error and no state changes.
	// Note that net/http's Transport silently retries an idempotent request
	// (GET, HEAD, OPTIONS, TRACE, or one with an Idempotency-Key header)
	// dropped on a reused connection; the retry consumes the next fault.
	Drop bool
	// CommitThenDrop handles the request normally, so every state change
	// happens, then closes the connection without sending the response: the
	// client sees a transport error although the vendor did the work.
	CommitThenDrop bool
	// CommitThenCut handles the request normally, so every state change
	// happens, then sends the status line, the headers (with the whole
	// body's Content-Length) and half of the body, and closes the
	// connection: the client sees its answer cut in the middle. With Reset
	// the connection is reset (RST) instead of closed (FIN).
	CommitThenCut bool
	// Reset makes CommitThenCut end with a TCP reset.
	Reset bool
}

// Request is one request as the fake received it, for assertions.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the escaped request path exactly as sent (for example
	// "/conversations/a%2Fb/customers").
	Path string
	// RawQuery is the query string without the leading '?'.
	RawQuery string
	// Header holds the request headers except Authorization, so that
	// credentials never end up in test output.
	Header http.Header
	// Body is the request body (at most 1 MiB of it).
	Body []byte
	// Fault is the fault that was applied to this request, if any.
	Fault *Fault
	// RateLimited reports that the request was answered with 429 by the
	// rate limit set with [Server.SetRateLimit].
	RateLimited bool
}

// Server is the vendor-independent core embedded in [IntercomServer],
// [BirdServer] and [TwilioServer]: the underlying httptest server, fault
// injection, the request log and the rate limit. It is safe for concurrent
// use. Obtain one through a vendor constructor, or through [NewServer] for a
// fake of your own; the zero Server is not usable.
type Server struct {
	// ts serves the fake on loopback once started (see serveLoopback):
	// its listener is bound from the start, so that the URL is known.
	ts     *httptest.Server
	vendor vendor
	done   chan struct{}
	once   sync.Once
	now    func() time.Time // the clock of the rate limit; replaced in tests

	// life guards the loopback server's start and the in-memory handlers
	// (see Transport) against Close.
	life     sync.Mutex
	started  bool           // ts serves
	closed   bool           // Close was called
	handlers sync.WaitGroup // in-memory requests being handled

	// hooks are the webhook subscriptions of the fake (Subscribe).
	hooks subscriptions

	mu          sync.Mutex
	faults      []Fault
	requests    int
	log         []Request
	limit       int           // requests per window; 0 means unlimited
	retryAfter  time.Duration // sent as Retry-After with 429 when > 0
	windowStart time.Time
	windowCount int
}

// vendor is what a fake implements on top of the core.
type vendor interface {
	// serve handles a request that was neither faulted nor rate limited.
	serve(w http.ResponseWriter, r *http.Request, c *call)
	// tooManyRequests writes the vendor's 429.
	tooManyRequests(w http.ResponseWriter, rl rateInfo)
	// tooLarge writes the vendor's refusal of a body above maxBodyBytes.
	tooLarge(w http.ResponseWriter)
}

// call carries what the core learned about a request to the vendor handler.
type call struct {
	body []byte
	rate rateInfo
}

// rateInfo describes the rate limit window a request was counted in.
type rateInfo struct {
	limit      int // 0 when no rate limit is set
	remaining  int
	reset      time.Time
	retryAfter time.Duration
}

func newServer(v vendor) *Server {
	s := &Server{vendor: v, done: make(chan struct{}), now: time.Now}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	return s
}

// serveLoopback starts serving the fake on its loopback listener, unless it
// already does or is closed. The fakes start serving on the first call of
// URL, Client or ClientOptions rather than when created, so that a fake
// reached only through [Server.Transport] runs no goroutine blocked on a
// socket (which would keep a testing/synctest bubble's clock from moving).
func (s *Server) serveLoopback() {
	s.life.Lock()
	defer s.life.Unlock()
	if !s.started && !s.closed {
		s.ts.Start()
		s.started = true
	}
}

// baseURL is the URL of the loopback listener, served or not.
func (s *Server) baseURL() string { return "http://" + s.ts.Listener.Addr().String() }

// URL returns the base URL of the fake, such as "http://127.0.0.1:41234",
// without a trailing slash. Point a vendor client's base URL at it. The
// fake serves it from the first call of URL, Client or ClientOptions on.
func (s *Server) URL() string {
	s.serveLoopback()
	return s.baseURL()
}

// Client returns an *http.Client configured for the fake. Any client works;
// this one is closed together with the fake.
func (s *Server) Client() *http.Client {
	s.serveLoopback()
	s.life.Lock()
	defer s.life.Unlock()
	if !s.started { // closed before it ever served: requests are refused
		return &http.Client{}
	}
	return s.ts.Client()
}

// Close shuts the fake down, and its webhook subscriptions first (their
// pending deliveries are dropped: Flush them before). Requests sleeping in
// a [Fault.Delay] are cut short. Close blocks until every handler has returned (those of
// [Server.Transport] included), and it is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		s.hooks.closeAll() // before the server: a receiver may call it back
		s.life.Lock()
		s.closed = true
		s.life.Unlock()
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
		s.handlers.Wait()
	})
}

// InjectFaults queues faults: the next len(f) requests that reach the fake
// get them, in order, before any other processing (including
// authentication and the rate limit). Faults queued by earlier calls come
// first. A request takes the first queued fault that matches it (see
// [Fault.Method]); without Method every fault matches, so the next
// requests take the faults one each, in order.
func (s *Server) InjectFaults(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range f {
		x.Header = x.Header.Clone()
		s.faults = append(s.faults, x)
	}
}

// PendingFaults returns how many injected faults have not been consumed yet.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// Requests returns how many requests reached the fake, faulted and rate
// limited ones included, since it started or since the last [Server.Reset].
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// RequestLog returns a copy of every request that reached the fake, in
// arrival order, since it started or since the last [Server.Reset].
func (s *Server) RequestLog() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		r.Header = r.Header.Clone()
		r.Body = bytes.Clone(r.Body)
		if r.Fault != nil {
			f := *r.Fault
			f.Header = f.Header.Clone()
			r.Fault = &f
		}
		out[i] = r
	}
	return out
}

// SetRateLimit lets at most perSecond requests through in each one-second
// window (fixed windows on whole seconds of the fake's clock, as Intercom's
// are on its 10-second windows, so that X-RateLimit-Reset, in whole Unix
// seconds, is exact) and answers the rest with the vendor's 429: Intercom
// with error.list code rate_limit_exceeded and X-RateLimit-Reset, Bird with
// code TooManyRequests, Twilio with code 20429. A retryAfter above zero is
// also sent as Retry-After, in whole seconds rounded up. A 429 changes no
// state. perSecond <= 0 removes the limit.
//
// Faulted requests are not counted against the limit.
func (s *Server) SetRateLimit(perSecond int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = max(perSecond, 0)
	s.retryAfter = max(retryAfter, 0)
	s.windowStart = time.Time{}
	s.windowCount = 0
}

// Reset drops pending faults, the request counter and log, and the rate
// limit. The vendor state (seeded data, participants) is kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.requests = 0
	s.log = nil
	s.limit = 0
	s.retryAfter = 0
	s.windowStart = time.Time{}
	s.windowCount = 0
}

// handle is the http.Handler of every fake.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	tooLarge := len(body) > maxBodyBytes
	if tooLarge {
		body = body[:maxBodyBytes]
		// Drain (a bounded amount of) the rest so that the client, still
		// sending, reliably reads the refusal instead of a reset.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 16*maxBodyBytes))
	}

	entry := Request{
		Method:   r.Method,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
	}
	entry.Header.Del("Authorization")

	s.mu.Lock()
	s.requests++
	var fault *Fault
	for i, f := range s.faults {
		if f.Method == "" || f.Method == r.Method {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			fault = &f
			entry.Fault = &f
			break
		}
	}
	var rl rateInfo
	limited := false
	if fault == nil && s.limit > 0 {
		now := s.now()
		if s.windowStart.IsZero() || !now.Before(s.windowStart.Add(time.Second)) {
			s.windowStart, s.windowCount = now.Truncate(time.Second), 0
		}
		s.windowCount++
		limited = s.windowCount > s.limit
		rl = rateInfo{
			limit:      s.limit,
			remaining:  max(s.limit-s.windowCount, 0),
			reset:      s.windowStart.Add(time.Second),
			retryAfter: s.retryAfter,
		}
		entry.RateLimited = limited
	}
	s.log = append(s.log, entry)
	s.mu.Unlock()

	if err != nil { // the client went away while sending the body
		abort(w)
		return
	}

	if fault != nil {
		if fault.Delay > 0 && !s.sleep(r, fault.Delay) {
			abort(w) // the client gave up or the fake is closing
			return
		}
		switch {
		case fault.Drop:
			abort(w)
			return
		case fault.CommitThenDrop:
			if !tooLarge {
				s.vendor.serve(httptest.NewRecorder(), r, &call{body: body})
			}
			abort(w)
			return
		case fault.CommitThenCut:
			rec := httptest.NewRecorder()
			s.vendor.serve(rec, r, &call{body: body})
			cut(w, rec, fault.Reset)
			return
		case fault.Status != 0:
			writeFault(w, fault)
			return
		}
	}

	switch {
	case limited:
		s.vendor.tooManyRequests(w, rl)
	case tooLarge:
		s.vendor.tooLarge(w)
	default:
		s.vendor.serve(w, r, &call{body: body, rate: rl})
	}
}

// sleep waits d and reports whether the request should go on.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// abort closes the connection of w without writing a response.
func abort(w http.ResponseWriter) {
	if m, ok := w.(*memResponse); ok {
		m.end(errMemDropped)
		return
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the stream quietly
}

// cut sends rec's status, headers and the first half of its body to w, then
// closes the connection (resets it when reset is set).
func cut(w http.ResponseWriter, rec *httptest.ResponseRecorder, reset bool) {
	b := rec.Body.Bytes()
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(b[:len(b)/2])
	if m, ok := w.(*memResponse); ok {
		m.end(memCutError(reset))
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, bufw, err := hj.Hijack() // flushes what was written
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = bufw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0) // Close sends RST
	}
	_ = conn.Close()
}

func writeFault(w http.ResponseWriter, f *Fault) {
	h := w.Header()
	for k, vs := range f.Header {
		h[k] = append([]string(nil), vs...)
	}
	if h.Get("Content-Type") == "" && f.Body != "" {
		if b := strings.TrimSpace(f.Body); strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
			h.Set("Content-Type", "application/json")
		} else {
			h.Set("Content-Type", http.DetectContentType([]byte(f.Body)))
		}
	}
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}

// setRetryAfter sets Retry-After from rl when one is configured.
func setRetryAfter(h http.Header, rl rateInfo) {
	if rl.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.retryAfter.Seconds()))))
	}
}

// Fake is what drivertest.RunConformanceTests needs of a fake vendor besides its state: a
// count of the requests that reached it and fault injection with the
// semantics of [Fault]. *Server satisfies it, and so does every fake of this
// package and any http.Handler wrapped by [NewServer].
type Fake interface {
	// Requests returns how many requests reached the fake so far.
	Requests() int
	// InjectFaults queues faults for the next requests, one each, in order;
	// a fault with Method set waits for a request with that method.
	InjectFaults(f ...Fault)
}

// NewServer starts a fake that serves h behind the vendor-independent core:
// fault injection ([Server.InjectFaults]), the request count and log, and
// the rate limit ([Server.SetRateLimit]), so that a fake of any vendor,
// written outside this package as a plain http.Handler, gets them too.
//
// h sees every request that is neither faulted nor rate limited, with its
// whole body (at most 1 MiB: a larger body is answered 413 without reaching
// h). A faulted request that commits (CommitThenDrop, CommitThenCut) is
// served by h too, but its answer is lost or cut. The rate limit answers
// 429 with a plain-text body and, when set, Retry-After. Close the Server
// when done.
func NewServer(h http.Handler) *Server {
	if h == nil {
		panic("participantstest: NewServer with a nil http.Handler")
	}
	return newServer(handlerVendor{h})
}

// handlerVendor is the vendor of [NewServer]: any http.Handler.
type handlerVendor struct{ h http.Handler }

func (v handlerVendor) serve(w http.ResponseWriter, r *http.Request, c *call) {
	r = r.WithContext(r.Context()) // a shallow copy, given the body the core read
	r.Body = io.NopCloser(bytes.NewReader(c.body))
	r.ContentLength = int64(len(c.body))
	v.h.ServeHTTP(w, r)
}

func (handlerVendor) tooManyRequests(w http.ResponseWriter, rl rateInfo) {
	setRetryAfter(w.Header(), rl)
	http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
}

func (handlerVendor) tooLarge(w http.ResponseWriter) {
	http.Error(w, "Request Entity Too Large", http.StatusRequestEntityTooLarge)
}
