package clientopt

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/observe"
)

// callEnv is a client of "acme" whose every attempt is answered 503 with a
// request ID, recording the headers of each attempt.
type callEnv struct {
	tc      *transport.Client
	caller  Caller
	headers []http.Header
}

func newCallEnv(t *testing.T, s Settings) *callEnv {
	t.Helper()
	e := &callEnv{}
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder("POST", "https://api.example.test/x", func(r *http.Request) (*http.Response, error) {
		e.headers = append(e.headers, r.Header.Clone())
		resp := httpmock.NewStringResponse(503, "{}")
		resp.Header.Set("X-Request-Id", "req-1")
		return resp, nil
	})
	s.HTTPClient = &http.Client{Transport: mock}
	s.WaitMin, s.WaitMax = time.Microsecond, time.Microsecond
	e.tc = s.Transport("acme", http.Header{"X-Static": {"s"}}, nil, transport.Redaction{})
	e.caller = NewCaller("acme", e.tc)
	return e
}

// send posts once with the call's settings and returns the number of
// attempts.
func (e *callEnv) send(t *testing.T, call transport.Settings) int {
	t.Helper()
	before := len(e.headers)
	req, _ := http.NewRequest(http.MethodPost, "https://api.example.test/x", strings.NewReader("x"))
	_, err := e.tc.Do(context.Background(), req, call)
	var api *apierror.Error
	if !errors.As(err, &api) || api.StatusCode != 503 {
		t.Fatalf("err = %v, want the 503", err)
	}
	return len(e.headers) - before
}

func TestCallRetries(t *testing.T) {
	set := func(f func(*Settings)) Option { return optFunc(func(s *Settings) error { f(s); return nil }) }
	header := set(func(s *Settings) { s.Header = http.Header{"X-Call": {"c"}} })
	tests := []struct {
		name       string
		client     int
		idempotent bool
		opts       []Option
		want       int
	}{
		{"no options, not idempotent", 2, false, nil, 1},
		{"no options, idempotent", 2, true, nil, 3},
		{"options keep the client's budget", 2, true, []Option{header}, 3},
		{"options keep the client's 0", 0, true, []Option{header}, 1},
		{"options without idempotent", 2, false, []Option{header}, 1},
		{"option marks idempotent", 2, false, []Option{set(func(s *Settings) { s.Idempotent = true })}, 3},
		{"per-call 0 retries", 2, true, []Option{set(func(s *Settings) { s.MaxRetries = 0 })}, 1},
		{"per-call 5 retries", 2, true, []Option{set(func(s *Settings) { s.MaxRetries = 5 })}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCallEnv(t, Settings{MaxRetries: tt.client})
			call, err := Call(e.caller, tt.idempotent, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n := e.send(t, call); n != tt.want {
				t.Errorf("attempts = %d, want %d", n, tt.want)
			}
		})
	}
}

// Without options a call has the client's settings, idempotent as the
// operation is.
func TestCallNoOptionsKeepsTheClientsSettings(t *testing.T) {
	e := newCallEnv(t, Settings{MaxRetries: 2, AttemptTimeout: time.Second})
	for _, idempotent := range []bool{false, true} {
		got, err := Call[Option](e.caller, idempotent, nil)
		if err != nil || got.Retries != 2 || got.AttemptTimeout != time.Second || got.Idempotent != idempotent ||
			got.Header != nil || got.OnResponse != nil || got.Limiter != nil {
			t.Errorf("Call(idempotent %v) = %+v, %v; want the client's settings", idempotent, got, err)
		}
	}
}

func TestZeroCallerNoRetries(t *testing.T) {
	e := newCallEnv(t, Settings{MaxRetries: 3})
	call, err := Call(Caller{vendor: "acme"}, true, []Option{optFunc(func(*Settings) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.send(t, call); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestCallHeaderAndResponse(t *testing.T) {
	e := newCallEnv(t, Settings{MaxRetries: 1})
	var info transport.Response
	call, err := Call(e.caller, true, []Option{optFunc(func(s *Settings) error {
		s.Header = http.Header{"X-Call": {"c"}, "X-Static": {"call"}}
		s.OnResponse = func(r transport.Response) { info = r }
		return nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	e.send(t, call)
	e.send(t, e.tc.Defaults())
	if h := e.headers[0]; h.Get("X-Call") != "c" || h.Get("X-Static") != "call" {
		t.Errorf("call headers = %v", h)
	}
	if h := e.headers[2]; h.Get("X-Call") != "" || h.Get("X-Static") != "s" {
		t.Errorf("next call headers = %v: the call's header leaked", h)
	}
	if info.StatusCode != 503 || info.Header.Get("X-Request-Id") != "req-1" || info.Attempts != 2 {
		t.Errorf("Response = %+v", info)
	}
}

func TestCallAttemptTimeout(t *testing.T) {
	s := Settings{AttemptTimeout: 20 * time.Second, Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	})}
	c := s.Transport("acme", nil, nil, transport.Redaction{})
	call, err := Call(NewCaller("acme", c), false, []Option{optFunc(func(s *Settings) error {
		s.AttemptTimeout = 30 * time.Millisecond
		return nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
	_, err = c.Do(context.Background(), req, call)
	var ate *transport.AttemptTimeoutError
	if !errors.As(err, &ate) || ate.Limit != 30*time.Millisecond {
		t.Errorf("err = %v, want the call's 30ms attempt timeout", err)
	}
}

func TestCallRefuses(t *testing.T) {
	set := func(f func(*Settings)) Option { return optFunc(func(s *Settings) error { f(s); return nil }) }
	ok := set(func(*Settings) {})
	boom := errors.New("boom")
	tests := []struct {
		name      string
		opts      []Option
		wantField string
		wantIn    string
	}{
		{"base URL", []Option{ok, set(func(s *Settings) { s.BaseURL = "https://x.test" })}, "option.WithBaseURL", "cannot be set per call (opts[1])"},
		{"HTTP client", []Option{set(func(s *Settings) { s.HTTPClient = &http.Client{} })}, "option.WithHTTPClient", "cannot be set per call (opts[0])"},
		{"doer", []Option{set(func(s *Settings) { s.Doer = &http.Client{} })}, "option.WithDoer", "per call"},
		{"retry wait min", []Option{set(func(s *Settings) { s.WaitMin = time.Second })}, "option.WithRetryWait", "per call"},
		{"retry wait max", []Option{set(func(s *Settings) { s.WaitMax = time.Second })}, "option.WithRetryWait", "per call"},
		{"max server wait", []Option{set(func(s *Settings) { s.MaxServerWait = time.Second })}, "option.WithMaxServerWait", "per call"},
		{"logger", []Option{set(func(s *Settings) { s.Logger = slog.New(slog.DiscardHandler) })}, "option.WithLogger", "per call"},
		{"debug bodies", []Option{set(func(s *Settings) { s.DebugBodies = true })}, "option.WithDebugBodies", "per call"},
		{"API version", []Option{set(func(s *Settings) { s.APIVersion = "2.11" })}, "intercom.WithVersion", "per call"},
		{"observer", []Option{set(func(s *Settings) { s.Observer = nopObserver{} })}, "option.WithObserver", "per call"},
		{"nil option", []Option{ok, nil}, "opts[1]", "nil option"},
		{"option error", []Option{optFunc(func(*Settings) error { return boom })}, "opts[0]", "boom"},
		{"typed option error", []Option{optFunc(func(*Settings) error { return &pathparam.Error{Field: "option.WithX", Reason: "bad"} })}, "option.WithX", "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCallEnv(t, Settings{MaxRetries: 1})
			call, err := Call(e.caller, true, tt.opts)
			var pe *pathparam.Error
			if call.Retries != 0 || call.AttemptTimeout != 0 || call.Idempotent || !errors.As(err, &pe) || pe.Vendor != "acme" || pe.Field != tt.wantField || !strings.Contains(pe.Reason, tt.wantIn) {
				t.Errorf("Call = %+v, %v; want no settings and a *pathparam.Error of acme naming %s with %q", call, err, tt.wantField, tt.wantIn)
			}
		})
	}
}

func TestResolvePerCallOnly(t *testing.T) {
	tests := []struct {
		opt  Option
		want string
	}{
		{optFunc(func(s *Settings) error { s.Idempotent = true; return nil }), "option.WithIdempotent"},
		{optFunc(func(s *Settings) error { s.OnResponse = func(transport.Response) {}; return nil }), "option.WithResponseInto"},
	}
	for _, tt := range tests {
		_, err := Resolve("acme", "https://api.acme.test", []Option{tt.opt})
		var pe *pathparam.Error
		if !errors.As(err, &pe) || pe.Vendor != "acme" || pe.Field != tt.want || !strings.Contains(pe.Reason, "only per call") {
			t.Errorf("Resolve = %v, want %s refused as per call only", err, tt.want)
		}
	}
	s, err := Resolve[Option]("acme", "https://api.acme.test", nil)
	if err != nil || s.MaxRetries != transport.DefaultMaxRetries {
		t.Errorf("Resolve = %+v, %v; want the default retry budget", s, err)
	}
}

func TestTransportClientHeader(t *testing.T) {
	var got http.Header
	s := Settings{
		Header: http.Header{"User-Agent": {"mine/1"}, "X-Team": {"a"}},
		Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			got = r.Header.Clone()
			return httpmock.NewStringResponse(200, "ok"), nil
		}),
	}
	c := s.Transport("acme", http.Header{"Accept": {"application/json"}}, nil, transport.Redaction{})
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
	resp, err := c.Do(context.Background(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("User-Agent") != "mine/1" || got.Get("X-Team") != "a" || got.Get("Accept") != "application/json" {
		t.Errorf("headers = %v, want the client's WithHeader values over the defaults", got)
	}
}

// The Idempotent option alone makes an idempotent call at no cost: the
// client's settings, marked; with other options it is one setting among
// them.
func TestCallIdempotentOption(t *testing.T) {
	e := newCallEnv(t, Settings{MaxRetries: 2})
	for _, tc := range []struct {
		name       string
		idempotent bool
		opts       []Option
		shared     bool
		attempts   int
		header     string
	}{
		{"alone", false, []Option{Idempotent{}}, true, 3, ""},
		{"twice", false, []Option{Idempotent{}, Idempotent{}}, true, 3, ""},
		{"operation idempotent too", true, []Option{Idempotent{}}, true, 3, ""},
		{"with a header", false, []Option{Idempotent{}, optFunc(func(s *Settings) error { s.Header = http.Header{"X-Call": {"c"}}; return nil })}, false, 3, "c"},
		{"header only", false, []Option{optFunc(func(s *Settings) error { s.Header = http.Header{"X-Call": {"c"}}; return nil })}, false, 1, "c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			call, err := Call(e.caller, tc.idempotent, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n := e.send(t, call); n != tc.attempts {
				t.Errorf("attempts = %d, want %d", n, tc.attempts)
			}
			if got := e.headers[len(e.headers)-1].Get("X-Call"); got != tc.header {
				t.Errorf("X-Call = %q, want %q", got, tc.header)
			}
			if allocs := testing.AllocsPerRun(20, func() { _, _ = Call(e.caller, tc.idempotent, tc.opts) }); tc.shared && allocs > 0 {
				t.Errorf("Call allocated %.0f times, want none", allocs)
			}
		})
	}
	var s Settings
	if err := (Idempotent{}).Apply(&s); err != nil || !s.Idempotent {
		t.Errorf("Idempotent.Apply: %v, %+v", err, s)
	}
}

// waitCounter is a transport.Limiter that counts its waits.
type waitCounter struct{ n int }

func (w *waitCounter) Wait(context.Context) error { w.n++; return nil }

// The client's Limiter reaches the transport: it is waited on before the
// attempt.
func TestTransportLimiter(t *testing.T) {
	l := &waitCounter{}
	s := Settings{
		Limiter: l,
		Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, "ok"), nil
		}),
	}
	c := s.Transport("acme", nil, nil, transport.Redaction{})
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
	resp, err := c.Do(context.Background(), req, c.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l.n != 1 {
		t.Errorf("%d waits, want 1", l.n)
	}
}

// A per-call Limiter reaches the call's Settings.
func TestCallLimiter(t *testing.T) {
	e := newCallEnv(t, Settings{MaxRetries: 1})
	l := &waitCounter{}
	call, err := Call(e.caller, false, []Option{optFunc(func(s *Settings) error { s.Limiter = l; return nil })})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
	c := (&Settings{Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(200, "ok"), nil
	})}).Transport("acme", nil, nil, transport.Redaction{})
	resp, err := c.Do(context.Background(), req, call)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l.n != 1 {
		t.Errorf("%d waits of the per-call limiter, want 1", l.n)
	}
}

// nopObserver is an observe.Observer that leaves every call alone.
type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ observe.Call) (context.Context, observe.CallObserver) {
	return ctx, nil
}
