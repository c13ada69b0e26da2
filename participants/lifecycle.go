package participants

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/internal/pager"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
)

// Member is a participant of a conversation as the vendor lists it: the
// portable view of what List and Get return.
type Member struct {
	// Provider is the vendor: "intercom", "bird", "twilio", "sunshine", ...
	Provider string
	// ID is the vendor's participant ID, the one Result.ID returns: Intercom
	// contact ID, Bird participant ID, Twilio participant SID (MB...).
	// Participant{ParticipantID: ID} (Member.Participant) names this
	// participant for Get and Remove.
	ID string
	// Kind is the vendor's participant type as reported, if any.
	Kind Kind
	// Status is the vendor's participant status as reported, if any.
	Status Status
	// ContactID is the vendor's own ID of the contact, user or bot behind
	// the participant, the value Participant.ID takes, when the vendor
	// reports one (Bird contact, user or flow ID; Intercom contact ID, the
	// same as ID). Empty on Twilio, which has no such ID.
	ContactID string
	// ExternalID is your own ID of the person, when the vendor reports it
	// (Intercom external_id, Twilio Identity).
	ExternalID string
	// Email is the person's email address, when the vendor reports it.
	Email string
	// Phone is the person's E.164 phone number, when the vendor reports it
	// (Bird phonenumber identifier, Twilio SMS or WhatsApp binding).
	Phone string
	// Channel says how Phone is reached, when the vendor reports it
	// (Twilio: sms for an SMS binding, whatsapp for a "whatsapp:" address).
	Channel Channel
	// Identifier is the raw channel identifier or address the vendor
	// reports (Bird identifierKey/identifierValue, Twilio binding address).
	Identifier Identifier

	raw any
}

// As sets target, a pointer to the vendor's participant type, to the
// decoded vendor record and reports whether it could: a **bird.Participant
// for Bird, a **twilio.Participant for Twilio, a
// **intercom.ContactReference for Intercom.
func (m *Member) As(target any) bool {
	if m == nil {
		return false
	}
	return assign(m.raw, target)
}

// Participant returns the Participant that names this member for Get and
// Remove: its ParticipantID is m.ID.
func (m *Member) Participant() Participant {
	return Participant{ParticipantID: m.ID}
}

// String describes m for a person: "twilio: participant MB... (ada)".
func (m *Member) String() string {
	if m == nil {
		return "<nil>"
	}
	s := m.Provider + ": participant " + m.ID
	var details []string
	for _, v := range []string{string(m.Kind), string(m.Status), m.ExternalID, m.Email, m.Phone} {
		if v != "" {
			details = append(details, v)
		}
	}
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}

// WithPageSize asks List to fetch n participants per request (the vendor's
// limits apply: Bird and Twilio 1..100). Intercom lists every participant
// in one read and ignores it. List only.
func WithPageSize(n int) Option {
	return func(o *driver.CallOptions) { o.PageSize = n }
}

// only refuses an option set for an operation it does not apply to, and
// a provider package's option given to another provider.
func only(o *driver.CallOptions, provider string, op driver.Operation) error {
	for _, f := range []struct {
		name string
		set  bool
		ops  string
	}{
		{"BeforeAdd", o.BeforeAdd != nil, "Add"},
		{"WithPageSize", o.PageSize != 0, "List"},
	} {
		if f.set && !strings.Contains(f.ops, string(op)) {
			return errorf(InvalidArgument, provider, f.name, "applies to %s, not to %s", f.ops, op)
		}
	}
	if o.PageSize < 0 {
		return errorf(InvalidArgument, provider, "WithPageSize", "%d is negative", o.PageSize)
	}
	// An option of another call is refused as such, whatever the
	// provider; then an option of another provider.
	for i := range o.Vendor {
		if v := &o.Vendor[i]; !v.AppliesTo(op) {
			ops := make([]string, len(v.Ops))
			for j, o := range v.Ops {
				ops[j] = string(o)
			}
			return errorf(InvalidArgument, provider, v.Name, "applies to %s, not to %s", strings.Join(ops, " "), op)
		}
	}
	for i := range o.Vendor {
		if v := &o.Vendor[i]; v.Provider != provider {
			return errorf(Unimplemented, provider, v.Name, "not expressible on %s: %s is an option of %s", provider, v.Name, v.Provider)
		}
	}
	return nil
}

// validateRef checks a Participant that names an existing participant for
// Get or Remove: its ParticipantID, or the identities Add takes. Fields
// that describe a participant to add (Attributes, Status) are refused.
func (p *Participant) validateRef(provider string, op driver.Operation) error {
	where := "is for Add"
	if op == driver.OpUpdate {
		where = "goes in the Update"
	}
	if p.Attributes != nil {
		return errorf(InvalidArgument, provider, "Attributes", "%s names a participant by its identities; Attributes %s", op, where)
	}
	if p.Status != "" {
		return errorf(InvalidArgument, provider, "Status", "%s names a participant by its identities; Status %s", op, where)
	}
	if p.ParticipantID == "" {
		return p.validate(provider)
	}
	if strings.TrimSpace(p.ParticipantID) != p.ParticipantID || strings.IndexFunc(p.ParticipantID, unicode.IsControl) >= 0 {
		return errorf(InvalidArgument, provider, "ParticipantID", "%s has surrounding space or control characters", pathparam.Quote(p.ParticipantID))
	}
	if p.Use != "" {
		return errorf(InvalidArgument, provider, "Use", "chooses among identities; the ParticipantID names the participant")
	}
	q := *p
	q.ParticipantID = ""
	if q.ID != "" || q.ExternalID != "" || q.Email != "" || q.Phone != "" || !q.Identifier.IsZero() {
		return q.validate(provider)
	}
	if q.Kind != "" {
		return errorf(InvalidArgument, provider, "Kind", "qualifies the identity ID; the ParticipantID alone names the participant")
	}
	if q.Channel != "" {
		return errorf(InvalidArgument, provider, "Channel", "set only with Phone")
	}
	return nil
}

// MaxListPages is the most pages List reads of one conversation, and the
// vendor iterators (bird, twilio and sunshine AllParticipants) too: the
// module's one bound against a vendor whose pages never end. Past it, List
// yields an Unknown error rather than following the vendor until the
// context ends.
const MaxListPages = pager.MaxPages

// List returns the participants of the conversation conversationID, one
// page at a time, fetched as the loop asks for more: breaking out of the
// loop stops the fetching. Each participant is yielded once (by Member.ID),
// even when the vendor's pages shift under concurrent changes and list it
// twice. An error (bad input before any request, a vendor or context
// error, an *Error as for Add) is yielded once with a nil Member and ends
// the sequence; a missing conversation is NotFound. A vendor whose pages
// do not end (a next-page token it returned before, or still one after
// MaxListPages pages) is Unknown; the message gives the token's length,
// never the token, which is the vendor's and may echo a credential. Each
// range over the sequence lists the conversation anew.
//
//	for m, err := range c.List(ctx, "CH...") {
//		if err != nil { return err }
//		fmt.Println(m.ID, m.ExternalID)
//	}
func (c *Client) List(ctx context.Context, conversationID string, opts ...Option) iter.Seq2[*Member, error] {
	return func(yield func(*Member, error) bool) {
		name, o, err := c.prepare(ctx, conversationID, driver.OpList, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		seen := make(map[string]struct{})
		tokens := make(map[string]struct{})
		token := ""
		for range MaxListPages {
			page, err := c.p.List(ctx, conversationID, token, o)
			if err == nil && page == nil {
				err = &Error{Code: Unknown, Provider: name, Message: "the provider returned neither a page nor an error"}
			}
			if err != nil {
				yield(nil, c.wrap(name, err))
				return
			}
			members := make([]Member, len(page.Members))
			for i, dm := range page.Members {
				if dm == nil || dm.ID == "" {
					yield(nil, &Error{Code: Unknown, Provider: name, Message: "the vendor listed a participant without an ID"})
					return
				}
				if _, dup := seen[dm.ID]; dup {
					continue
				}
				seen[dm.ID] = struct{}{}
				m := &members[i]
				setMember(m, dm)
				if !yield(m, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			if _, again := tokens[page.Next]; again {
				yield(nil, &Error{Code: Unknown, Provider: name, Message: "the vendor returned a page token it had returned before " + pager.Describe(page.Next)})
				return
			}
			tokens[page.Next] = struct{}{}
			token = page.Next
		}
		yield(nil, &Error{Code: Unknown, Provider: name,
			Message: fmt.Sprintf("the vendor still had more after %d pages (MaxListPages): the list does not end", MaxListPages)})
	}
}

// Get returns the participant of the conversation that p names: by
// p.ParticipantID (a Result.ID or Member.ID), by p.Use, or by the first
// identity the vendor can look up in the order ID, ExternalID, Email,
// Phone, Identifier. A missing conversation or participant is NotFound; an
// identity the vendor cannot look up is Unimplemented before any request.
// The other identities set in p are checked against what the vendor
// reports: a participant that reports another value for one of them is
// not the one p describes, and Get answers NotFound naming that identity.
func (c *Client) Get(ctx context.Context, conversationID string, p Participant, opts ...Option) (*Member, error) {
	name, o, err := c.prepare(ctx, conversationID, driver.OpGet, opts)
	if err != nil {
		return nil, err
	}
	if err := p.validateRef(name, driver.OpGet); err != nil {
		return nil, err
	}
	m, f, err := c.get(ctx, name, conversationID, &p, o)
	if f != "" {
		return nil, &Error{Code: NotFound, Provider: name, Field: string(f),
			Message: "the participant found reports another " + string(f) + " than the one given: no participant has all the identities given"}
	}
	return m, err
}

// get looks up the participant p names (p valid). When the member found
// reports another value for an identity set in p, it returns that
// identity and no member.
func (c *Client) get(ctx context.Context, name, conversationID string, p *Participant, o driver.CallOptions) (*Member, IdentityField, error) {
	lookup := *p
	if p.Use != "" {
		lookup = p.only(p.Use)
	}
	dm, err := c.p.Get(ctx, conversationID, lookup.driver(), o)
	if err != nil {
		return nil, "", c.wrap(name, err)
	}
	if dm == nil {
		return nil, "", &Error{Code: Unknown, Provider: name, Message: "the provider returned neither a participant nor an error"}
	}
	m := fromDriverMember(dm)
	if f := contradiction(p, m); f != "" {
		return nil, f, nil
	}
	return m, "", nil
}

// Remove ensures the participant p names is not in the conversation: Outcome
// Removed when the vendor removed them, AlreadyAbsent when the conversation
// exists and they were not in it. A missing conversation is NotFound, never
// AlreadyAbsent. p names the participant as for Get. Remove has ensure
// semantics, so the Client marks its requests idempotent and a lost
// response is retried safely. A vendor that refuses because of the
// conversation's state (Intercom keeps its last customer, Bird may not
// allow a removal) is FailedPrecondition. When p sets several identities
// (or a ParticipantID and identities), Remove first looks the participant
// up as Get does (one more request) and removes it by its ID only when
// none of its reported identities contradicts those given; a contradiction
// is FailedPrecondition naming the identity, and nothing is removed.
// Errors are as for Add.
func (c *Client) Remove(ctx context.Context, conversationID string, p Participant, opts ...Option) (*Result, error) {
	name, o, err := c.prepare(ctx, conversationID, driver.OpRemove, opts)
	if err != nil {
		return nil, err
	}
	if err := p.validateRef(name, driver.OpRemove); err != nil {
		return nil, err
	}
	n := len(p.identities())
	if p.ParticipantID != "" {
		n++
	}
	if n > 1 {
		// Several identities: find the participant the lookup identity
		// names, check the others against it, and remove it by its ID,
		// so that a participant who is not the one described is never
		// removed. Absent: the provider's Remove tells AlreadyAbsent from
		// a missing conversation.
		m, f, err := c.get(ctx, name, conversationID, &p, driver.CallOptions{RequestOptions: o.RequestOptions})
		switch {
		case f != "":
			return nil, &Error{Code: FailedPrecondition, Provider: name, Field: string(f),
				Message: "not removed: the participant found reports another " + string(f) + " than the one given"}
		case err == nil:
			p = Participant{ParticipantID: m.ID}
		case Code(err) == NotFound:
			if p.Use != "" {
				p = p.only(p.Use)
			}
		default:
			return nil, err
		}
	}
	res, err := c.p.Remove(ctx, conversationID, p.driver(), o)
	return c.result(name, res, err)
}
