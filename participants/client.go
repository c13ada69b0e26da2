package participants

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
)

// Provider adds participants on one vendor. The adapters Intercom, Bird and
// Twilio implement it over the vendor clients; the Client calls it. Anyone
// can implement it: the contract needs nothing from this module's internals,
// and participantstest.RunConformance with participantstest.NewServer runs
// the suite against a provider of your own and a fake of its vendor written
// as a plain http.Handler.
//
// Every Provider MUST follow these rules, and RunConformance in package
// participantstest checks them:
//
//  1. Name returns the vendor's lower-case name, used in every error.
//  2. Add sends nothing when it cannot express the request: a set
//     Participant field or CallOptions field the vendor cannot carry is an
//     *Error with code Unimplemented naming the field and the vendor; a value
//     of the wrong form is InvalidArgument naming the field, and so is a
//     conversation ID that would change the request path ("." or "..").
//     Nothing is ever silently dropped or sent as null.
//  3. Add sends every identity that is set, or refuses before any request:
//     InvalidArgument naming the identities the vendor cannot send together,
//     Unimplemented for one it cannot express. (The Client applies
//     Participant.Use before calling Add, so Add sees the chosen identity
//     alone.)
//  4. Add has ensure semantics: a participant who is already in the
//     conversation is success with Outcome AlreadyPresent, but only where
//     the vendor said so; Unreported where the vendor does not tell; never a
//     second participant for the same person. This is what makes the retry of
//     a lost response safe.
//  5. Add retries, within the context's deadline, what the vendor did not
//     refuse for good: 429, 5xx and a response lost in transit. It sends
//     nothing when the context is already done.
//  6. Every error keeps the vendor's error (or the context error) in its
//     chain. Add may return it as it is: the Client itself makes a context
//     error Canceled or DeadlineExceeded, and asks ErrorCode for the code of
//     any other error. Or Add returns an *Error (Errorf, WrapError, or a
//     literal with the vendor's error in Err), which the Client passes on
//     unchanged; refusals before any request are *Errors.
//  7. Add calls CallOptions.BeforeAdd, when set, with a pointer to the vendor
//     request body just before sending it, and returns its error unsent as
//     an InvalidArgument *Error with Field "BeforeAdd".
//  8. Result.As and Member.As reach the decoded vendor response.
//  9. Remove has ensure semantics both ways: present → Removed; absent →
//     AlreadyAbsent, but only when the conversation is known to exist (a
//     vendor 404 alone does not tell a missing participant from a missing
//     conversation: the provider finds out). Get and Remove name the
//     participant by Participant.ParticipantID or by the identities Add
//     takes, first supported wins, and refuse what the vendor cannot
//     express with Unimplemented before any request.
//  10. List pages are fetched on demand; a participant may appear on two
//     pages (the Client yields it once, by Member.ID), every Member has an
//     ID. Rules 2, 5 and 6 hold for List, Get and Remove as for Add.
type Provider interface {
	// Name returns the vendor name: "intercom", "bird", "twilio", "sunshine", ...
	Name() string
	// Add ensures p is a participant of the conversation.
	Add(ctx context.Context, conversationID string, p Participant, o CallOptions) (*Result, error)
	// List returns one page of the conversation's participants: page is ""
	// for the first page, then the Page.Next of the page before. A Page
	// with Next "" is the last. The Client turns the pages into
	// Client.List's sequence.
	List(ctx context.Context, conversationID, page string, o CallOptions) (*Page, error)
	// Get returns the participant p names (its ParticipantID, or the first
	// identity the vendor supports): an error with code NotFound when the
	// conversation or the participant does not exist.
	Get(ctx context.Context, conversationID string, p Participant, o CallOptions) (*Member, error)
	// Remove ensures p is not a participant of the conversation: Outcome
	// Removed, or AlreadyAbsent when the vendor or a read proved that p was
	// not there. A missing conversation is NotFound, never AlreadyAbsent.
	Remove(ctx context.Context, conversationID string, p Participant, o CallOptions) (*Result, error)
	// ErrorCode returns the portable code of err. The Client calls it for
	// any non-nil error a call returned that is not already an *Error and
	// is not a context error (context.Canceled, context.DeadlineExceeded),
	// and wraps err in an *Error with that code. A code of OK is taken as
	// Unknown: an error is never OK.
	ErrorCode(err error) ErrorCode
}

// CallOptions are the per-call settings built from Options. A Provider
// that cannot honour a set field refuses the call with Unimplemented. The
// Client refuses, before calling the Provider, an option that does not
// apply to the operation (WithRole, BeforeAdd and WithPageSize outside
// their operation).
type CallOptions struct {
	// AdminID overrides the acting Intercom admin for this call.
	AdminID string
	// RoleSID assigns a Twilio conversation role (RL...) to the participant.
	RoleSID string
	// BeforeAdd, when set, is called with a pointer to the vendor request
	// body just before it is sent; see the BeforeAdd option for what it may
	// change. An error stops the call before any request.
	BeforeAdd func(body any) error
	// RequestOptions are vendor-client options for every request the Add
	// sends (the add and any duplicate lookup), from WithRequestOptions.
	RequestOptions []option.Option
	// PageSize asks List for pages of this many participants (WithPageSize);
	// 0 means the vendor's default. A vendor without pages (Intercom) reads
	// every participant at once and ignores it.
	PageSize int
}

// idempotent is the per-call options of an Add without RequestOptions,
// shared to spare an allocation.
var idempotent = []option.Option{option.WithIdempotent()}

// vendorOptions are the per-call options of every vendor request of an
// Add: option.WithIdempotent(), since Add has ensure semantics and a
// repeated request cannot add a second participant, then o.RequestOptions.
func vendorOptions(o *CallOptions) []option.Option {
	if len(o.RequestOptions) == 0 {
		return idempotent
	}
	return append([]option.Option{option.WithIdempotent()}, o.RequestOptions...)
}

// Option sets a per-call option of a Client call. Each option says which
// calls take it; the others refuse it with InvalidArgument before any
// request.
type Option func(*CallOptions)

// AddOption is the former name of Option, kept so that existing code
// compiles.
type AddOption = Option

// WithAdmin makes the Intercom admin with this ID the one who adds or
// removes the participant, for this call only (Add, Remove).
func WithAdmin(adminID string) AddOption {
	return func(o *CallOptions) { o.AdminID = adminID }
}

// WithRole assigns the Twilio conversation role RoleSid (RL...) to the
// participant (Add only).
func WithRole(roleSID string) AddOption {
	return func(o *CallOptions) { o.RoleSID = roleSID }
}

// BeforeAdd (Add only) calls fn with a pointer to the vendor request body
// just before it is sent, to set what the portable Participant cannot express. An error
// from fn ends the call with nothing sent.
//
// What fn may change depends on the vendor:
//   - Twilio: a *twilio.CreateParticipantParams; every field can be set
//     (ProjectedAddress, DateCreated, ...), and the result is validated as
//     any CreateParticipant call.
//   - Bird: a *bird.CreateParticipantBody, a checked union with no fields
//     to edit: replace it whole with one built by bird.UserParticipant,
//     FlowParticipant, ContactByID or ContactByIdentifier (with their
//     options), e.g. *body.(*bird.CreateParticipantBody) =
//     bird.ContactByIdentifier("phonenumber", "+15558675310").
//   - Intercom: an *intercom.AttachContactBody, likewise replaced whole
//     with one built by intercom.AdminAttach or ContactAttach.
//
// Replacing the body changes whom the call adds: the Result then describes
// what the vendor answered for the new body.
func BeforeAdd(fn func(body any) error) AddOption {
	return func(o *CallOptions) { o.BeforeAdd = fn }
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
func WithRequestOptions(opts ...option.Option) AddOption {
	return func(o *CallOptions) { o.RequestOptions = append(o.RequestOptions, opts...) }
}

// Client adds, lists, gets and removes the participants of conversations
// through one Provider. It is safe for concurrent use.
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
// code InvalidArgument or Unimplemented before any request is sent. Every
// error is an *Error with the vendor's error (for the adapters, its
// *APIError) in the chain: a context error is Canceled or DeadlineExceeded,
// and any other error that the Provider did not make an *Error itself gets
// the code its ErrorCode gives. The context's deadline covers every retry.
func (c *Client) Add(ctx context.Context, conversationID string, p Participant, opts ...Option) (*Result, error) {
	name, o, err := c.prepare(ctx, conversationID, opAdd, opts)
	if err != nil {
		return nil, err
	}
	if err := p.validate(name); err != nil {
		return nil, err
	}
	if p.Use != "" {
		p = p.only(p.Use)
	}
	res, err := c.p.Add(ctx, conversationID, p, o)
	if err != nil {
		return nil, c.wrap(name, err)
	}
	if res == nil {
		return nil, &Error{Code: Unknown, Provider: name, Message: "the provider returned neither a result nor an error"}
	}
	return res, nil
}

// prepare checks what every call checks before the Provider runs (a
// Provider, a context, a well-formed conversation ID, options that apply
// to op) and returns the provider name and the call's options.
func (c *Client) prepare(ctx context.Context, conversationID string, op operation, opts []Option) (string, CallOptions, error) {
	var o CallOptions
	if err := c.check(); err != nil {
		return "", o, err
	}
	name := c.p.Name()
	if ctx == nil {
		return name, o, Errorf(InvalidArgument, name, "ctx", "nil context")
	}
	if conversationID == "" || strings.TrimSpace(conversationID) != conversationID || strings.IndexFunc(conversationID, unicode.IsControl) >= 0 {
		return name, o, Errorf(InvalidArgument, name, "conversationID", "%s is empty or has surrounding space or control characters", pathparam.Quote(conversationID))
	}
	for _, opt := range opts {
		if opt == nil {
			return name, o, Errorf(InvalidArgument, name, "opts", "nil Option")
		}
		opt(&o)
	}
	return name, o, o.only(name, op)
}

// wrap turns a non-nil error of the Provider into an *Error: an *Error as
// it is; a context error Canceled or DeadlineExceeded, decided here; any
// other error with the code the Provider's ErrorCode gives (Unknown for OK).
func (c *Client) wrap(name string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return notMisrouted(err, e)
	}
	code := Unknown
	switch {
	case errors.Is(err, context.Canceled):
		code = Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = DeadlineExceeded
	default:
		if pc := c.p.ErrorCode(err); pc != OK {
			code = pc
		}
	}
	return &Error{Code: code, Provider: name, Err: err}
}
