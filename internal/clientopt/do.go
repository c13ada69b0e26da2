package clientopt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
)

// Conn is the sending half of a vendor client: its base URL as the
// generated request builders take it, its transport and the Caller that
// turns per-call options into each call's settings. A vendor client holds
// one and hands it to Do; copying it (a view of the client) is cheap.
type Conn struct {
	server string
	tc     *transport.Client
	call   Caller
}

// NewConn returns the Conn of vendor's client whose generated request
// builders take the base URL server and whose requests go through tc.
func NewConn(vendor, server string, tc *transport.Client) Conn {
	return Conn{server: server, tc: tc, call: NewCaller(vendor, tc)}
}

// Operation is one vendor operation: its vendor ("bird"), its name as
// errors give it ("POST /conversations/{id}/customers") and whether it is
// safe to repeat: an
// idempotent operation (GET, DELETE, a PATCH that sets values) is retried
// on 408, 5xx and transport errors, any other only when the call says so
// (option.WithIdempotent).
type Operation struct {
	Vendor     string
	Name       string
	Idempotent bool
}

// paramKind is the check a Param must pass.
type paramKind uint8

const (
	kindPath paramKind = iota // pathparam.Check
	kindUUID                  // pathparam.CheckUUID
	kindSID                   // pathparam.CheckSID
)

// Param is one path parameter of an operation: its name in errors, its
// value and the check it must pass before any request is built. Make it
// with Path, UUID or SID.
type Param struct {
	field  string
	value  string
	prefix string
	kind   paramKind
}

// Path is a path parameter that pathparam.Check must accept: not empty,
// ".", "..", invalid UTF-8, a control character or longer than
// pathparam.MaxLen.
func Path(field, value string) Param { return Param{field: field, value: value, kind: kindPath} }

// UUID is a path parameter that must be a UUID (pathparam.CheckUUID).
func UUID(field, value string) Param { return Param{field: field, value: value, kind: kindUUID} }

// SID is a path parameter that must be a Twilio-style SID: prefix followed
// by 32 hex digits (pathparam.CheckSID).
func SID(field, prefix, value string) Param {
	return Param{field: field, value: value, prefix: prefix, kind: kindSID}
}

// check returns the *pathparam.Error of p for vendor, or nil.
func (p Param) check(vendor string) error {
	switch p.kind {
	case kindUUID:
		return pathparam.CheckUUID(vendor, p.field, p.value)
	case kindSID:
		return pathparam.CheckSID(vendor, p.field, p.prefix, p.value)
	}
	return pathparam.Check(vendor, p.field, p.value)
}

// Do runs one call of op on c, the skeleton of every vendor method:
//
//  1. each path parameter is checked, in order (a *pathparam.Error);
//  2. build makes the request from the generated request builder, given
//     ctx and the base URL; an error from it (a body or query parameter
//     refused by the vendor package's own checks, a *pathparam.Error, or
//     the builder's) is returned through CallError and nothing is sent;
//  3. opts become the call's settings (Call), marked idempotent when op
//     is and named by op.Name (the operation an observer is told of); a
//     refused option is a *pathparam.Error and nothing is sent;
//  4. the request is sent through the transport, which turns every
//     non-2xx into an *apierror.Error and passes context errors through;
//  5. the 2xx body is read whole (an error names the vendor, op and the
//     status) and decode turns the response and its body into the result.
//
// Every error of steps 2 and 4 passes through CallError. decode's error is
// returned as it is: decode names the vendor and operation itself, as the
// steps Decode makes do.
func Do[T any, O Option](ctx context.Context, c Conn, op Operation, opts []O, path []Param,
	build func(ctx context.Context, server string) (*http.Request, error),
	decode func(resp *http.Response, body []byte) (*T, error)) (*T, error) {
	for _, p := range path {
		if err := p.check(op.Vendor); err != nil {
			return nil, err
		}
	}
	req, err := build(ctx, c.server)
	if err != nil {
		return nil, CallError(op.Vendor, op.Name, err)
	}
	call, err := Call(c.call, op.Idempotent, opts)
	if err != nil {
		return nil, err
	}
	call.Operation = op.Name // for the call's observer (option.WithObserver)
	resp, err := c.tc.Do(ctx, req, call)
	if err != nil {
		return nil, CallError(op.Vendor, op.Name, err)
	}
	body, err := ReadBody(op.Vendor, op.Name, resp)
	if err != nil {
		return nil, err
	}
	return decode(resp, body)
}

// ReadBody reads and closes the body of resp, a 2xx response of op. An
// error names the vendor, op and the status and wraps the read error.
func ReadBody(vendor, op string, resp *http.Response) ([]byte, error) {
	b, err := transport.ReadBody(resp)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: reading the %d response: %w", vendor, op, resp.StatusCode, err)
	}
	return b, nil
}

// CallError returns err as it is when it is an *apierror.Error, a
// *pathparam.Error, a context error or already names the vendor (a
// transport error: "vendor: ..."), and otherwise names the vendor and op
// on it, wrapping it.
func CallError(vendor, op string, err error) error {
	var apiErr *apierror.Error
	var paramErr *pathparam.Error
	if errors.As(err, &apiErr) || errors.As(err, &paramErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.HasPrefix(err.Error(), vendor+": ") {
		return err
	}
	return fmt.Errorf("%s: %s: %w", vendor, op, err)
}

// Decode returns a decode step for Do: the 2xx body, whatever its
// Content-Type, decoded into a new T (apierror.DecodeSuccess), which
// present must accept; a body it does not accept is an
// *apierror.SuccessBodyError naming op's vendor and name and missing (what
// the body lacks, such as "a participant ID"). Make it once per operation
// (a package variable): the step holds no per-call state.
func Decode[T any](op Operation, missing string, present func(*T) bool) func(*http.Response, []byte) (*T, error) {
	return func(resp *http.Response, body []byte) (*T, error) {
		return apierror.DecodeSuccess(op.Vendor, op.Name, resp.StatusCode, body, missing, present)
	}
}

// BuildBody returns the request of a generated "...WithBody" builder for a
// JSON body already encoded (raw, as a generated model's MarshalJSON
// returns it, sent as it is without a second encoding), or err when the
// body could not be made: the one place a vendor method hands a checked
// generated body to its builder.
func BuildBody(raw []byte, err error, builder func(body *transport.Body) (*http.Request, error)) (*http.Request, error) {
	if err != nil {
		return nil, err
	}
	return builder(transport.NewBody(raw))
}
