package participants

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
)

// Provider adds participants on one vendor. The adapters Intercom, Bird and
// Twilio implement it over the vendor clients; the Client calls it.
//
// Every Provider MUST follow these rules, and RunConformance in package
// participantstest checks them:
//
//  1. Name returns the vendor's lower-case name, used in every error.
//  2. Add sends nothing when it cannot express the request: a set
//     Participant field or CallOptions field the vendor cannot carry is an
//     *Error with code Unimplemented naming the field and the vendor; a value
//     of the wrong form is InvalidArgument naming the field. Nothing is ever
//     silently dropped or sent as null.
//  3. Among several identities, Add uses the first the vendor supports in
//     the order ID, ExternalID, Email, Phone, Identifier.
//  4. Add has ensure semantics: a participant who is already in the
//     conversation is success with Outcome AlreadyPresent, but only where
//     the vendor said so; Unreported where the vendor does not tell; never a
//     second participant for the same person. This is what makes the retry of
//     a lost response safe, and the Client marks Add idempotent for the
//     transport.
//  5. Every error is an *Error (see WrapError) with the vendor's *APIError
//     or the context error in its chain.
//  6. Add calls CallOptions.BeforeAdd, when set, with a pointer to the vendor
//     request body just before sending it, and returns its error unsent.
//  7. Result.As reaches the decoded vendor response.
type Provider interface {
	// Name returns the vendor name: "intercom", "bird", "twilio".
	Name() string
	// Add ensures p is a participant of the conversation.
	Add(ctx context.Context, conversationID string, p Participant, o CallOptions) (*Result, error)
}

// CallOptions are the per-call settings built from AddOptions. A Provider
// that cannot honour a set field refuses the call with Unimplemented.
type CallOptions struct {
	// AdminID overrides the acting Intercom admin for this call.
	AdminID string
	// RoleSID assigns a Twilio conversation role (RL...) to the participant.
	RoleSID string
	// BeforeAdd, when set, is called with a pointer to the vendor request
	// body (*intercom.AttachContactBody, *bird.CreateParticipantBody,
	// *twilio.CreateParticipantParams) just before it is sent. An error
	// stops the call before any request.
	BeforeAdd func(body any) error
}

// AddOption sets a per-call option of Client.Add.
type AddOption func(*CallOptions)

// WithAdmin makes the Intercom admin with this ID the one who adds the
// participant, for this call only.
func WithAdmin(adminID string) AddOption {
	return func(o *CallOptions) { o.AdminID = adminID }
}

// WithRole assigns the Twilio conversation role RoleSid (RL...) to the
// participant.
func WithRole(roleSID string) AddOption {
	return func(o *CallOptions) { o.RoleSID = roleSID }
}

// BeforeAdd calls fn with a pointer to the vendor request body just before
// it is sent, to set what the portable Participant cannot express. An error
// from fn ends the call with nothing sent.
func BeforeAdd(fn func(body any) error) AddOption {
	return func(o *CallOptions) { o.BeforeAdd = fn }
}

// Client adds participants to conversations through one Provider. It is safe
// for concurrent use.
type Client struct {
	p Provider
}

// New returns a Client over p, one of Intercom(...), Bird(...), Twilio(...)
// or your own Provider. With a nil p every call returns an InvalidArgument
// *Error naming the Provider.
func New(p Provider) *Client {
	return &Client{p: p}
}

// check refuses a Client without a Provider (a nil Client, or New(nil)).
func (c *Client) check() error {
	if c == nil || c.p == nil {
		return Errorf(InvalidArgument, "participants", "Provider", "the Client has no Provider: build it with New(Intercom(...)), New(Bird(...)), New(Twilio(...)) or New(yourProvider)")
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
// code InvalidArgument or Unimplemented before any request is sent. Vendor
// errors map to codes (see Code) with the vendor *APIError in the chain. The
// context's deadline covers every retry.
func (c *Client) Add(ctx context.Context, conversationID string, p Participant, opts ...AddOption) (*Result, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	name := c.p.Name()
	if ctx == nil {
		return nil, Errorf(InvalidArgument, name, "ctx", "nil context")
	}
	if conversationID == "" || strings.TrimSpace(conversationID) != conversationID || strings.IndexFunc(conversationID, unicode.IsControl) >= 0 {
		return nil, Errorf(InvalidArgument, name, "conversationID", "%s is empty or has surrounding space or control characters", pathparam.Quote(conversationID))
	}
	if err := p.validate(name); err != nil {
		return nil, err
	}
	var o CallOptions
	for _, opt := range opts {
		if opt == nil {
			return nil, Errorf(InvalidArgument, name, "opts", "nil AddOption")
		}
		opt(&o)
	}
	res, err := c.p.Add(transport.WithIdempotent(ctx), conversationID, p, o)
	if err != nil {
		return nil, WrapError(name, err)
	}
	if res == nil {
		return nil, WrapError(name, errors.New("provider returned neither a result nor an error"))
	}
	return res, nil
}
