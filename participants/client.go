package participants

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/driver"
)

// Option sets a per-call option of a Client call: this package's
// (BeforeAdd, WithRequestOptions, WithPageSize) or a provider package's
// (intercomparticipants.WithAdmin, twilioparticipants.WithRole, ...). Each
// option says which calls take it; the others refuse it with
// InvalidArgument before any request, and a provider package's option
// given to a Client over another provider is Unimplemented naming the
// option, before any request.
//
// An Option records itself in the driver.CallOptions that the Client
// hands the provider; a provider package's option travels there
// opaquely, as a driver.VendorOption only its provider reads.
type Option func(*driver.CallOptions)

// BeforeAdd (Add only) calls fn with a pointer to the vendor request body
// just before it is sent, to set what the portable Participant cannot express. An error
// from fn ends the call with nothing sent.
//
// What body is, and what fn may change, depends on the provider: each
// provider package documents it (twilioparticipants: a
// *twilio.CreateParticipantParams; birdparticipants: a
// *bird.CreateParticipantBody; intercomparticipants: an
// *intercom.AttachContactBody; sunshineparticipants: a *sunshine.JoinBody).
//
// Replacing the body changes whom the call adds: the Result then describes
// what the vendor answered for the new body.
func BeforeAdd(fn func(body any) error) Option {
	return func(o *driver.CallOptions) { o.BeforeAdd = fn }
}

// WithRequestOptions passes per-call options of the vendor clients
// (option.WithHeader, option.WithMaxRetries, option.WithAttemptTimeout,
// option.WithResponseInto) to every request of this call (Add, List, Get,
// Remove): for an Add, the add and, on a duplicate, the lookup
// (option.WithResponseInto then holds the last response). Options from several WithRequestOptions add up, in order. An
// option that cannot apply per call (option.WithBaseURL, ...) or a bad one
// makes the call fail with InvalidArgument before any request. With AddMany,
// pass it through WithAddOptions.
//
// It is named for what it carries, options of the vendor requests: the
// other AddOptions shape the participant; these shape the HTTP requests.
func WithRequestOptions(opts ...option.Option) Option {
	return func(o *driver.CallOptions) { o.RequestOptions = append(o.RequestOptions, opts...) }
}

// Client adds, lists, gets, updates and removes the participants of
// conversations through one provider. It is safe for concurrent use.
type Client struct {
	p driver.Provider
}

// New returns a Client over p, the provider of a provider package
// (intercomparticipants.New, birdparticipants.New, twilioparticipants.New,
// sunshineparticipants.New) or your own driver.Provider. With a nil p
// every call returns an InvalidArgument *Error naming the Provider.
func New(p driver.Provider) *Client {
	return &Client{p: p}
}

// check refuses a Client without a Provider (a nil Client, or New(nil)).
func (c *Client) check() error {
	if c == nil || c.p == nil {
		return errorf(InvalidArgument, "participants", "Provider", "the Client has no Provider: build it with New(twilioparticipants.New(...)), New(birdparticipants.New(...)), ... or New(yourProvider)")
	}
	return nil
}

// Provider returns the Client's provider name, "" when it has none.
func (c *Client) Provider() string {
	if c == nil || c.p == nil {
		return ""
	}
	return c.p.Name()
}

// Add ensures p is a participant of the conversation conversationID: a
// participant who is already there is success with Outcome AlreadyPresent
// (or Unreported where the vendor does not tell). Bad input is an *Error with
// code InvalidArgument or Unimplemented before any request is sent. Every
// error is an *Error with the vendor's error (for the adapters, its
// *APIError) in the chain: a context error is Canceled or DeadlineExceeded,
// and any other error that the Provider did not make an *Error itself gets
// the code its ErrorCode gives. The context's deadline covers every retry.
func (c *Client) Add(ctx context.Context, conversationID string, p Participant, opts ...Option) (*Result, error) {
	name, o, err := c.prepare(ctx, conversationID, driver.OpAdd, opts)
	if err != nil {
		return nil, err
	}
	if err := p.validate(name); err != nil {
		return nil, err
	}
	if p.Use != "" {
		p = p.only(p.Use)
	}
	res, err := c.p.Add(ctx, conversationID, p.driver(), o)
	return c.result(name, res, err)
}

// prepare checks what every call checks before the Provider runs (a
// Provider, a context, a well-formed conversation ID, options that apply
// to op) and returns the provider name and the call's options.
func (c *Client) prepare(ctx context.Context, conversationID string, op driver.Operation, opts []Option) (string, driver.CallOptions, error) {
	var o driver.CallOptions
	if err := c.check(); err != nil {
		return "", o, err
	}
	name := c.p.Name()
	if ctx == nil {
		return name, o, errorf(InvalidArgument, name, "ctx", "nil context")
	}
	if conversationID == "" || strings.TrimSpace(conversationID) != conversationID || strings.IndexFunc(conversationID, unicode.IsControl) >= 0 {
		return name, o, errorf(InvalidArgument, name, "conversationID", "%s is empty or has surrounding space or control characters", pathparam.Quote(conversationID))
	}
	for _, opt := range opts {
		if opt == nil {
			return name, o, errorf(InvalidArgument, name, "opts", "nil Option")
		}
		opt(&o)
	}
	return name, o, only(&o, name, op)
}

// wrap turns a non-nil error of the Provider into an *Error: an *Error
// as it is; a *driver.Error into the *Error with its code, field, message
// and chain; a context error Canceled or DeadlineExceeded, decided here;
// any other error with the code the Provider's ErrorCode gives (Unknown
// for OK).
func (c *Client) wrap(name string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return notMisrouted(err, e)
	}
	var de *driver.Error
	if errors.As(err, &de) {
		e := fromDriver(name, err, de)
		return notMisrouted(e, e)
	}
	code := Unknown
	switch {
	case errors.Is(err, context.Canceled):
		code = Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = DeadlineExceeded
	default:
		if pc := c.p.ErrorCode(err); pc != driver.OK {
			code = ErrorCode(pc)
		}
	}
	return &Error{Code: code, Provider: name, Err: err}
}

// result is the Result of a write the provider answered with res and err.
func (c *Client) result(name string, res *driver.Result, err error) (*Result, error) {
	if err != nil {
		return nil, c.wrap(name, err)
	}
	if res == nil {
		return nil, &Error{Code: Unknown, Provider: name, Message: "the provider returned neither a result nor an error"}
	}
	return fromDriverResult(res), nil
}
