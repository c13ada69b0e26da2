package driver

import (
	"context"
	"encoding/json"

	"github.com/conversekit/conversekit/option"
)

// Provider adds, lists, gets and removes the participants of conversations
// on one vendor. The provider packages of this module implement it over
// the vendor clients; anyone can implement it, and drivertest.RunConformanceTests
// runs the suite against a provider of your own and a fake of its vendor.
//
// Every Provider MUST follow these rules, and drivertest checks them:
//
//  1. Name returns the vendor's lower-case name, used in every error.
//  2. Add sends nothing when it cannot express the request: a set
//     Participant field or option the vendor cannot carry is an *Error with
//     code Unimplemented naming the field and the vendor; a value of the
//     wrong form is InvalidArgument naming the field, and so is a
//     conversation ID that would change the request path ("." or "..").
//     Nothing is ever silently dropped or sent as null.
//  3. Add sends every identity that is set, or refuses before any request:
//     InvalidArgument naming the identities the vendor cannot send together
//     (OneIdentity), Unimplemented for one it cannot express (NoIdentity).
//     The Client applies the user's choice of identity before calling Add,
//     so Add sees the chosen identity alone.
//  4. Add has ensure semantics: a participant who is already in the
//     conversation is success with Outcome AlreadyPresent, but only where
//     the vendor said so; Unreported where the vendor does not tell; never a
//     second participant for the same person. This is what makes the retry
//     of a lost response safe.
//  5. Add retries, within the context's deadline, what the vendor did not
//     refuse for good: 429, 5xx and a response lost in transit. It sends
//     nothing when the context is already done.
//  6. Every error keeps the vendor's error (or the context error) in its
//     chain. Add may return it as it is: the Client itself makes a context
//     error Canceled or DeadlineExceeded, and asks ErrorCode for the code
//     of any other error. Or Add returns an *Error (Errorf, WrapError, or a
//     literal with the vendor's error in Err); refusals before any request
//     are *Errors.
//  7. Add calls CallOptions.BeforeAdd, when set, with a pointer to the
//     vendor request body just before sending it, and returns its error
//     unsent as an InvalidArgument *Error with Field "BeforeAdd".
//  8. Result.Raw and Member.Raw hold the decoded vendor response, which
//     the user reaches with As.
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
	// with Next "" is the last.
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
	// is not a context error, and wraps err with that code. OK is taken as
	// Unknown: an error is never OK.
	ErrorCode(err error) ErrorCode
}

// Updater is the optional interface of a Provider that can change an
// existing participant (the Client's Update). A Provider that does not
// implement it gets Unimplemented from the Client, before any request.
//
// Update changes the participant p names (as for Get: ParticipantID, or
// the first identity the vendor can look up) as u says, and returns a
// Result with Outcome Updated describing the participant as the vendor
// answered. The Client has checked that u changes something and that its
// Attributes are a JSON object; a field of u the vendor cannot carry is
// Unimplemented naming the field and the vendor, before any request, and a
// value the vendor cannot take is InvalidArgument. Nothing is silently
// dropped or sent as null. A missing conversation or participant is
// NotFound. Rules 5 and 6 of Provider hold.
type Updater interface {
	Update(ctx context.Context, conversationID string, p Participant, u Update, o CallOptions) (*Result, error)
}

// Update is the change an Updater makes to a participant. A zero field is
// not changed.
type Update struct {
	// Role is the vendor's role of the participant in the conversation
	// (Twilio RoleSid, RL...).
	Role string
	// Attributes is a JSON object that replaces the participant's
	// attributes (Twilio Attributes).
	Attributes json.RawMessage
	// Status is the participant's new status (Bird status).
	Status Status
}

// IsZero reports whether u changes nothing.
func (u Update) IsZero() bool { return u.Role == "" && u.Attributes == nil && u.Status == "" }

// Operation is a Client call, as VendorOption.Ops and errors name it.
type Operation string

// Operations.
const (
	OpAdd    Operation = "Add"
	OpList   Operation = "List"
	OpGet    Operation = "Get"
	OpRemove Operation = "Remove"
	OpUpdate Operation = "Update"
)

// CallOptions are the per-call settings the Client hands a Provider, built
// from the user's options. A Provider that cannot honour a set field
// refuses the call with Unimplemented.
type CallOptions struct {
	// BeforeAdd, when set, is called with a pointer to the vendor request
	// body just before it is sent (Add only). An error stops the call
	// before any request.
	BeforeAdd func(body any) error
	// RequestOptions are vendor-client options for every request the call
	// sends, from participants.WithRequestOptions.
	RequestOptions []option.Option
	// PageSize asks List for pages of this many participants; 0 means the
	// vendor's default.
	PageSize int
	// Vendor are the VendorOptions of the call, in order: each one of this
	// Provider (VendorOption.Provider is its Name) and applying to the
	// operation.
	Vendor []VendorOption
}

// VendorOption is a per-call option that one provider package makes (as
// twilioparticipants.WithRole) and only that provider reads. It travels
// through the portable Client opaquely: the Client checks Provider and Ops
// and hands it over in CallOptions.Vendor; Value's type is the provider
// package's own, so only it can read the option.
type VendorOption struct {
	// Provider is the Name of the provider that reads the option. Given to
	// another provider, the Client refuses the call with Unimplemented
	// naming Name, before any request.
	Provider string
	// Name names the option in errors: "WithRole".
	Name string
	// Ops are the operations the option applies to; the Client refuses it
	// for the others with InvalidArgument, before any request.
	Ops []Operation
	// Value is what the provider reads, of a type of the provider package.
	Value any
}

// AppliesTo reports whether the option applies to op.
func (v *VendorOption) AppliesTo(op Operation) bool {
	for _, o := range v.Ops {
		if o == op {
			return true
		}
	}
	return false
}

// idempotent is the request options of a call without RequestOptions,
// shared to spare an allocation.
var idempotent = []option.Option{option.WithIdempotent()}

// RequestOptions returns the vendor-client options for every request of a
// call with ensure semantics (Add, Remove, and the reads they make):
// option.WithIdempotent(), since a repeated request cannot add a second
// participant, then o.RequestOptions.
func RequestOptions(o *CallOptions) []option.Option {
	if len(o.RequestOptions) == 0 {
		return idempotent
	}
	return append([]option.Option{option.WithIdempotent()}, o.RequestOptions...)
}
