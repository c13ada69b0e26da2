package clientopt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
)

const (
	doServer = "https://api.example.test"
	doUUID   = "0b9f3f0e-2c3e-4a4e-9a8e-5d1b6f7c8d9e"
	doSID    = "MB0123456789abcdef0123456789abcdef"
)

// doEnv is a Conn of "acme" whose transport answers every attempt with the
// responders' next answer (the last one repeats), with one retry and no
// wait, counting the attempts.
type doEnv struct {
	conn     Conn
	attempts int
	bodies   []string
}

func newDoEnv(t *testing.T, answers ...func() (*http.Response, error)) *doEnv {
	t.Helper()
	e := &doEnv{}
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		e.bodies = append(e.bodies, r.Method+" "+r.URL.String()+" "+string(b))
		a := answers[min(e.attempts, len(answers)-1)]
		e.attempts++
		return a()
	})
	s := Settings{MaxRetries: 1, HTTPClient: &http.Client{Transport: mock}, WaitMin: time.Microsecond, WaitMax: time.Microsecond}
	tc := s.Transport("acme", nil, nil, transport.Redaction{})
	e.conn = NewConn("acme", doServer+"/", tc)
	return e
}

func answer(status int, body string) func() (*http.Response, error) {
	return func() (*http.Response, error) { return httpmock.NewStringResponse(status, body), nil }
}

// thing is the result type of the tests' operations.
type thing struct {
	ID string `json:"id"`
}

var (
	opPost = Operation{Vendor: "acme", Name: "POST /things/{id}"}
	opGet  = Operation{Vendor: "acme", Name: "GET /things/{id}", Idempotent: true}
)

var decodeThing = Decode(opGet, "a thing ID", func(v *thing) bool { return v.ID != "" })

// get builds GET <server>things/<id>.
func get(id string) func(context.Context, string) (*http.Request, error) {
	return func(ctx context.Context, server string) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, server+"things/"+id, nil)
	}
}

func TestDoSuccess(t *testing.T) {
	e := newDoEnv(t, answer(200, `{"id":"t-1"}`))
	var gotServer string
	var gotStatus int
	got, err := Do(context.Background(), e.conn, opGet, []Option(nil), []Param{Path("id", "t-1")},
		func(ctx context.Context, server string) (*http.Request, error) {
			gotServer = server
			return get("t-1")(ctx, server)
		},
		func(resp *http.Response, body []byte) (*thing, error) {
			gotStatus = resp.StatusCode
			return decodeThing(resp, body)
		})
	if err != nil || got == nil || got.ID != "t-1" {
		t.Fatalf("Do = %+v, %v", got, err)
	}
	if gotServer != doServer+"/" || gotStatus != 200 || e.attempts != 1 || e.bodies[0] != "GET "+doServer+"/things/t-1 " {
		t.Errorf("server %q, status %d, attempts %d, requests %q", gotServer, gotStatus, e.attempts, e.bodies)
	}
}

// Each kind of path parameter is checked with its own rule, in order, before
// the request is built; nothing is sent.
func TestDoPathParams(t *testing.T) {
	for _, tt := range []struct {
		name  string
		path  []Param
		field string
	}{
		{"empty path", []Param{Path("id", "")}, "id"},
		{"dot segment", []Param{Path("id", "..")}, "id"},
		{"not a UUID", []Param{UUID("workspaceID", "w-1")}, "workspaceID"},
		{"UUID rule is not the plain one", []Param{Path("ok", "x"), UUID("conversationID", "abc")}, "conversationID"},
		{"not a SID", []Param{SID("participantSID", "MB", "MB1")}, "participantSID"},
		{"wrong SID prefix", []Param{SID("participantSID", "MB", "CH"+doSID[2:])}, "participantSID"},
		{"first bad one wins", []Param{Path("a", ""), UUID("b", "x")}, "a"},
		{"later one is checked too", []Param{UUID("a", doUUID), SID("b", "MB", doSID), Path("c", "")}, "c"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newDoEnv(t, answer(200, `{"id":"t"}`))
			built := false
			_, err := Do(context.Background(), e.conn, opGet, []Option(nil), tt.path,
				func(ctx context.Context, server string) (*http.Request, error) {
					built = true
					return get("t")(ctx, server)
				}, decodeThing)
			var pe *pathparam.Error
			if !errors.As(err, &pe) || pe.Vendor != "acme" || pe.Field != tt.field {
				t.Fatalf("err = %v, want a *pathparam.Error of acme for %s", err, tt.field)
			}
			if built || e.attempts != 0 {
				t.Errorf("built %v, attempts %d: want neither", built, e.attempts)
			}
		})
	}
	// Good values of each kind pass.
	e := newDoEnv(t, answer(200, `{"id":"t"}`))
	if _, err := Do(context.Background(), e.conn, opGet, []Option(nil),
		[]Param{Path("a", "x"), UUID("b", doUUID), SID("c", "MB", doSID)}, get("t"), decodeThing); err != nil {
		t.Errorf("good parameters: %v", err)
	}
}

// A build error is returned through CallError and nothing is sent: a
// *pathparam.Error as it is, anything else named.
func TestDoBuildError(t *testing.T) {
	e := newDoEnv(t, answer(200, `{"id":"t"}`))
	bad := &pathparam.Error{Vendor: "acme", Field: "body", Reason: "unset"}
	_, err := Do(context.Background(), e.conn, opPost, []Option(nil), nil,
		func(context.Context, string) (*http.Request, error) { return nil, bad }, decodeThing)
	if err != bad {
		t.Errorf("err = %v, want the *pathparam.Error as it is", err)
	}
	boom := errors.New("boom")
	_, err = Do(context.Background(), e.conn, opPost, []Option(nil), nil,
		func(context.Context, string) (*http.Request, error) { return nil, boom }, decodeThing)
	if !errors.Is(err, boom) || err.Error() != "acme: POST /things/{id}: boom" {
		t.Errorf("err = %v", err)
	}
	if e.attempts != 0 {
		t.Errorf("%d attempts, want 0", e.attempts)
	}
}

// A refused option stops the call after the build, before anything is sent.
func TestDoOptionError(t *testing.T) {
	e := newDoEnv(t, answer(200, `{"id":"t"}`))
	_, err := Do(context.Background(), e.conn, opGet, []Option{nil}, nil, get("t"), decodeThing)
	var pe *pathparam.Error
	if !errors.As(err, &pe) || pe.Vendor != "acme" || pe.Field != "opts[0]" {
		t.Errorf("err = %v, want a *pathparam.Error for opts[0]", err)
	}
	if e.attempts != 0 {
		t.Errorf("%d attempts, want 0", e.attempts)
	}
}

// The operation's idempotence reaches the transport: a 503 is retried for
// an idempotent operation only, unless an option marks the call.
func TestDoIdempotent(t *testing.T) {
	for _, tt := range []struct {
		name     string
		op       Operation
		opts     []Option
		attempts int
	}{
		{"idempotent", opGet, nil, 2},
		{"not idempotent", opPost, nil, 1},
		{"marked per call", opPost, []Option{Idempotent{}}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newDoEnv(t, answer(503, `{}`))
			_, err := Do(context.Background(), e.conn, tt.op, tt.opts, nil, get("t"), decodeThing)
			var api *apierror.Error
			if !errors.As(err, &api) || api.StatusCode != 503 {
				t.Fatalf("err = %v, want the 503 *apierror.Error", err)
			}
			if err.Error() != api.Error() {
				t.Errorf("err = %v, want the *apierror.Error as it is", err)
			}
			if e.attempts != tt.attempts {
				t.Errorf("%d attempts, want %d", e.attempts, tt.attempts)
			}
		})
	}
}

// Errors of the transport that already name the vendor pass as they are;
// context errors too; decode errors are returned as decode made them.
func TestDoSendAndDecodeErrors(t *testing.T) {
	e := newDoEnv(t, func() (*http.Response, error) { return nil, errors.New("connection refused") })
	_, err := Do(context.Background(), e.conn, opPost, []Option(nil), nil, get("t"), decodeThing)
	if err == nil || !strings.HasPrefix(err.Error(), "acme: GET "+doServer+"/things/t: ") || strings.Contains(err.Error(), "{id}") {
		t.Errorf("err = %v, want the transport's error as it is", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e = newDoEnv(t, answer(200, `{"id":"t"}`))
	if _, err := Do(ctx, e.conn, opGet, []Option(nil), nil, get("t"), decodeThing); err != context.Canceled || e.attempts != 0 {
		t.Errorf("err = %v after %d attempts, want context.Canceled before any", err, e.attempts)
	}

	e = newDoEnv(t, answer(201, `{}`))
	_, err = Do(context.Background(), e.conn, opGet, []Option(nil), nil, get("t"), decodeThing)
	var sb *apierror.SuccessBodyError
	if !errors.As(err, &sb) || sb.Vendor != "acme" || sb.Op != opGet.Name || sb.StatusCode != 201 || sb.Missing != "a thing ID" {
		t.Errorf("err = %v, want a *SuccessBodyError of acme, %s, 201, a thing ID", err, opGet.Name)
	}

	mine := errors.New("decode says no")
	e = newDoEnv(t, answer(200, `{"id":"t"}`))
	_, err = Do(context.Background(), e.conn, opGet, []Option(nil), nil, get("t"),
		func(*http.Response, []byte) (*thing, error) { return nil, mine })
	if err != mine {
		t.Errorf("err = %v, want decode's error as it is", err)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestReadBody(t *testing.T) {
	boom := errors.New("boom")
	resp := &http.Response{StatusCode: 201, Body: io.NopCloser(io.MultiReader(strings.NewReader("{"), failingReader{boom}))}
	_, err := ReadBody("acme", "POST /things", resp)
	if !errors.Is(err, boom) || err.Error() != "acme: POST /things: reading the 201 response: boom" {
		t.Errorf("err = %v", err)
	}
	b, err := ReadBody("acme", "x", &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{"id":"t"}`))})
	if err != nil || string(b) != `{"id":"t"}` {
		t.Errorf("ReadBody = %q, %v", b, err)
	}
}

func TestCallError(t *testing.T) {
	api := &apierror.Error{Vendor: "other", StatusCode: 404}
	param := &pathparam.Error{Vendor: "other", Field: "f", Reason: "r"}
	named := errors.New("acme: GET https://x/y: refused")
	deadline := fmt.Errorf("waiting: %w", context.DeadlineExceeded)
	canceled := fmt.Errorf("waiting: %w", context.Canceled)
	for _, err := range []error{api, param, named, deadline, canceled} {
		if got := CallError("acme", "GET /y", err); got != err {
			t.Errorf("CallError(%v) = %v, want it as it is", err, got)
		}
	}
	for _, err := range []error{errors.New("boom"), errors.New("acme:boom"), errors.New("acmex: boom"), errors.New("x acme: boom")} {
		got := CallError("acme", "GET /y", err)
		if !errors.Is(got, err) || got.Error() != "acme: GET /y: "+err.Error() {
			t.Errorf("CallError(%v) = %v, want it named", err, got)
		}
	}
}

func TestDecode(t *testing.T) {
	resp := &http.Response{StatusCode: 202}
	v, err := decodeThing(resp, []byte(`{"id":"t-9","other":1}`))
	if err != nil || v.ID != "t-9" {
		t.Errorf("decode = %+v, %v", v, err)
	}
	_, err = decodeThing(resp, []byte(`{"id":""}`))
	var sb *apierror.SuccessBodyError
	if !errors.As(err, &sb) || sb.StatusCode != 202 || sb.Op != opGet.Name || sb.Vendor != "acme" {
		t.Errorf("err = %v", err)
	}
}

func TestBuildBody(t *testing.T) {
	boom := errors.New("boom")
	called := false
	req, err := BuildBody(nil, boom, func(*transport.Body) (*http.Request, error) { called = true; return nil, nil })
	if err != boom || req != nil || called {
		t.Errorf("BuildBody with an error = %v, %v, builder called %v", req, err, called)
	}
	req, err = BuildBody([]byte(`{"a":1}`), nil, func(b *transport.Body) (*http.Request, error) {
		return http.NewRequest(http.MethodPost, doServer, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(req.Body)
	if string(got) != `{"a":1}` {
		t.Errorf("body = %q", got)
	}
}

// A body built with BuildBody goes on the wire as it is.
func TestDoSendsTheBuiltBody(t *testing.T) {
	e := newDoEnv(t, answer(201, `{"id":"t"}`))
	_, err := Do(context.Background(), e.conn, opPost, []Option(nil), []Param{Path("id", "t")},
		func(ctx context.Context, server string) (*http.Request, error) {
			return BuildBody([]byte(`{"name":"n"}`), nil, func(b *transport.Body) (*http.Request, error) {
				return http.NewRequestWithContext(ctx, http.MethodPost, server+"things/t", b)
			})
		}, decodeThing)
	if err != nil || len(e.bodies) != 1 || e.bodies[0] != "POST "+doServer+"/things/t "+`{"name":"n"}` {
		t.Errorf("err %v, requests %q", err, e.bodies)
	}
}
