package participantstest

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Transport returns an http.RoundTripper that serves every request with
// this fake in memory, without a socket, whatever the host of its URL: the
// fake's state, request log, rate limit and faults are the same as through
// [Server.URL]. A fake used only through it (and [Server.InMemoryClientOptions])
// never serves on loopback, so that a test can run in a testing/synctest
// bubble, whose clock moves only while every goroutine of the bubble is
// blocked on the bubble's channels and timers (a goroutine reading a socket
// is not): Retry-After waits, deadlines and [Fault.Delay] then pass on
// virtual time. Create the fake inside the bubble.
//
// The request reaches the fake as the client built it: nothing is added on
// the way (no Accept-Encoding, no User-Agent of net/http), and its body is
// read whole before the fake handles it. The response has the status,
// headers and body the fake wrote, with Content-Length and Date set, and
// Content-Type sniffed when the fake set none, as net/http's server does.
// When the request's context ends first, RoundTrip returns its error at
// once; the fake's handling goes on, and [Server.Close] waits for it.
//
// Faults behave as on the wire, with errors of their own: [Fault.Drop] and
// [Fault.CommitThenDrop] make RoundTrip fail with an error wrapping io.EOF;
// [Fault.CommitThenCut] returns the response whose body ends after half of
// its Content-Length with io.ErrUnexpectedEOF, or with a *net.OpError of
// syscall.ECONNRESET when [Fault.Reset] is set. net/http's silent retry of
// an idempotent request dropped on a reused connection does not happen. A
// request after [Server.Close] fails as a refused connection would, with a
// *net.OpError whose Op is "dial".
func (s *Server) Transport() http.RoundTripper { return memTransport{s} }

// memTransport is the RoundTripper of [Server.Transport].
type memTransport struct{ s *Server }

// memBodyLimit bounds the request body read: what the fake reads of it
// (maxBodyBytes), and what it drains of a larger one, and one byte more.
const memBodyLimit = 17*maxBodyBytes + 1

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Body, memBodyLimit))
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := t.s
	s.life.Lock()
	if s.closed {
		s.life.Unlock()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	s.handlers.Add(1)
	s.life.Unlock()

	sr := serverRequest(req, body)
	w := &memResponse{h: http.Header{}}
	done := make(chan struct{})
	go func() {
		defer s.handlers.Done()
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				if r != http.ErrAbortHandler {
					// As net/http's server does: log, close the connection.
					log.Printf("participantstest: panic serving %s %s: %v", sr.Method, sr.URL.Path, r)
				}
				w.end(errMemDropped)
			}
		}()
		s.handle(w, sr)
	}()
	select {
	case <-done:
		return w.response(req)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// serverRequest is req as a server's handler receives it, with body.
func serverRequest(req *http.Request, body []byte) *http.Request {
	sr := req.Clone(req.Context())
	sr.RequestURI = req.URL.RequestURI()
	if u, err := url.ParseRequestURI(sr.RequestURI); err == nil {
		sr.URL = u // as a server parses the request line: no scheme, no host
	}
	sr.Host = req.Host
	if sr.Host == "" {
		sr.Host = req.URL.Host
	}
	sr.Header.Del("Host")
	sr.Body = io.NopCloser(bytes.NewReader(body))
	sr.ContentLength = int64(len(body))
	sr.GetBody = nil
	sr.RemoteAddr = "192.0.2.1:1234" // TEST-NET-1: no real peer
	sr.Proto, sr.ProtoMajor, sr.ProtoMinor = "HTTP/1.1", 1, 1
	return sr
}

// memResponse is the http.ResponseWriter of the in-memory transport: it
// holds the response until the handler returns.
type memResponse struct {
	h      http.Header
	code   int         // 0 until WriteHeader
	sent   http.Header // h as of WriteHeader
	body   bytes.Buffer
	broken error // how the connection ended early, nil when it did not
}

// errMemDropped is the error of a connection the fake closed without a
// response.
var errMemDropped = fmt.Errorf("participantstest: the fake closed the connection without a response: %w", io.EOF)

// memCutError is the read error of a body cut in the middle.
func memCutError(reset bool) error {
	if reset {
		return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	}
	return io.ErrUnexpectedEOF
}

func (w *memResponse) Header() http.Header { return w.h }

func (w *memResponse) WriteHeader(code int) {
	if w.code != 0 || w.broken != nil {
		return
	}
	w.code = code
	w.sent = w.h.Clone()
}

func (w *memResponse) Write(p []byte) (int, error) {
	if w.broken != nil {
		return 0, http.ErrHijacked
	}
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.body.Write(p)
}

// end breaks the connection with err: a dropped one when nothing was
// written, else a body cut where it stands.
func (w *memResponse) end(err error) {
	if w.broken == nil {
		w.broken = err
	}
}

// response is what the client receives once the handler has returned.
func (w *memResponse) response(req *http.Request) (*http.Response, error) {
	if w.code == 0 {
		if w.broken != nil {
			return nil, w.broken
		}
		w.WriteHeader(http.StatusOK)
	}
	h := w.sent
	b := w.body.Bytes()
	if h.Get("Date") == "" {
		h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	if h.Get("Content-Type") == "" && len(b) > 0 {
		h.Set("Content-Type", http.DetectContentType(b[:min(len(b), 512)]))
	}
	n := int64(len(b))
	if w.broken != nil { // cut: the header announced the whole body
		if cl, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
			n = cl
		}
	} else if h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(b)))
	}
	if req.Method == http.MethodHead {
		b = nil
	}
	var body io.ReadCloser = io.NopCloser(bytes.NewReader(b))
	if w.broken != nil {
		body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{w.broken}))
	}
	return &http.Response{
		Status:        strconv.Itoa(w.code) + " " + http.StatusText(w.code),
		StatusCode:    w.code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          body,
		ContentLength: n,
		Request:       req,
	}, nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
