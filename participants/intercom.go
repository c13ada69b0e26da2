package participants

import (
	"context"
	"errors"
	"slices"

	"github.com/conversekit/conversekit/intercom"
)

// IntercomOptions configure the Intercom provider. Set AdminID (the admin
// who adds and removes participants) or ActingContact (a contact already on
// the conversation who adds them; Remove needs an admin); a per-call
// WithAdmin overrides both.
type IntercomOptions struct {
	// AdminID is the Intercom admin who adds and removes participants:
	// admin_id.
	AdminID string
	// ActingContact, when AdminID is empty, is the contact on whose behalf
	// participants are added, named by exactly one of its ID, ExternalID
	// or Email (its Use chooses one when several are set). Several
	// identities without Use, or any other field set (Phone, Channel,
	// Identifier, Attributes, Status, ParticipantID, a Kind other than
	// contact), make Add an InvalidArgument *Error naming the field
	// before any request. Intercom lets only an admin detach a contact,
	// so Remove does not use it.
	ActingContact *Participant
	// ReportOutcome makes Add tell Added from AlreadyPresent, which
	// Intercom's attach does not: Add first reads the conversation's
	// contacts (GET /conversations/{id}). A contact named by ID or
	// ExternalID that is already there is AlreadyPresent with its ID, and
	// no attach is sent (one request; Result.As then reaches the
	// *intercom.ConversationContacts of the read). Otherwise Add attaches and compares
	// the attach answer's customers with the read: the one contact that was
	// not there before is Added with its ID (two requests). An Email names
	// no contact ID in advance (and may create a lead), so for an Email
	// the comparison alone decides: no new customer is AlreadyPresent with
	// an empty ID (the contact is one of those already there, Intercom does
	// not say which), one is Added with its ID.
	//
	// The read and the attach are two requests, and another writer may
	// change the conversation in between: if it adds the same contact,
	// Add reports Added although the other writer added them (the contact
	// is there either way); if it adds someone else, two customers are new
	// and Add reports Unreported (or Added, when the contact was named by
	// ID); if it removes the contact after the read saw it, Add reports
	// AlreadyPresent for a contact no longer there. With a BeforeAdd hook,
	// which may change whom the attach names, the attach is always sent
	// and only the comparison decides. Without ReportOutcome, Add sends one
	// request and reports Unreported.
	ReportOutcome bool
}

type intercomProvider struct {
	c *intercom.Client
	o IntercomOptions
}

// Intercom returns the Provider for Intercom's conversation contacts over c.
//
// Add attaches: POST /conversations/{id}/customers. Mapping: ID →
// customer.intercom_user_id, ExternalID → customer.user_id, Email →
// customer.email (Intercom creates a lead for an unknown email). The
// customer is one of the three: a Participant with several of them set is
// an InvalidArgument *Error naming them before any request, unless
// Participant.Use chooses the one to send. Phone,
// Identifier, Attributes, Status, Kind user or bot and WithRole are not
// expressible. Intercom answers with the list of customers whatever
// happened, so Result.Outcome is Unreported and Result.ID is the contact ID
// when the request named it (one request), unless
// IntercomOptions.ReportOutcome is set. Intercom answers with the
// customers list; its official 2.14 definition declares the conversation
// object instead (contacts.contacts): both are accepted. The answer must
// show the contact where it can (named by ID: among the customers; by
// ExternalID: among the conversation's contacts, when the answer is the
// conversation), else Add is Unknown. Result.As reaches the
// *intercom.CustomersList of the attach.
//
// List reads the conversation, GET /conversations/{id}, once: Intercom does
// not paginate its contacts, so there is one page and WithPageSize is
// ignored. Each Member is a contact: ID and ContactID are its Intercom ID,
// ExternalID its external_id, Kind contact; Member.As reaches its
// *intercom.ContactReference. Admins (teammates) are not participants.
//
// Get reads the conversation (one request) and finds the contact named by
// ParticipantID or ID (its Intercom ID) or ExternalID, the first set (or
// the one Participant.Use chooses); the Client checks the others against
// the contact found (an ExternalID that differs is NotFound). The conversation
// lists no emails or phones, so Email, Phone and Identifier are
// Unimplemented before any request. A contact that is not on the
// conversation is NotFound, and so is a missing conversation.
//
// Remove detaches, DELETE /conversations/{id}/customers/{contact_id}, as
// the admin of WithAdmin or IntercomOptions.AdminID (an InvalidArgument
// *Error before any request without one). Named by ParticipantID or ID, the
// detach is sent first: a 2xx whose customers list no longer holds the
// contact is Removed (one request); a 404 does not tell an absent contact
// from a missing conversation, so Remove then reads the conversation (two
// requests): missing is NotFound, present without the contact is
// AlreadyAbsent. Named by ExternalID, Remove reads the conversation first
// to find the contact's ID: absent is AlreadyAbsent (one request), present
// is detached as above (two). Named by several identities, the Client
// reads first (as Get), checks them against the contact found and detaches
// it by its ID. Email, Phone and Identifier are
// Unimplemented. Intercom refuses to detach a conversation's last customer
// (422 parameter_invalid "Removing the last customer is not allowed"):
// Remove then reads the conversation (two requests), because a retried
// detach whose first answer was lost meets that rule once the contact is
// gone: without the contact it is AlreadyAbsent, with it
// FailedPrecondition. When a read that checks a detach fails, Remove
// returns the read's error (Unavailable, Canceled, DeadlineExceeded, ...),
// never NotFound or AlreadyAbsent. What Intercom answers to the detach of a
// contact that is not on the conversation is undocumented; Remove reads
// it as the 404 "User Not Found" its error text suggests (and the fake in
// participantstest gives); were it a 2xx, Remove would report Removed for
// a contact that is absent either way. Result.As reaches the
// *intercom.CustomersList of the detach (Removed) or the
// *intercom.ConversationContacts that proved the contact absent
// (AlreadyAbsent).
func Intercom(c *intercom.Client, o IntercomOptions) Provider {
	return &intercomProvider{c: c, o: o}
}

// intercomName is the Intercom provider's name.
const intercomName = "intercom"

func (p *intercomProvider) Name() string { return intercomName }

// check refuses a provider built over a nil client.
func (p *intercomProvider) check() error {
	if p.c == nil {
		return Errorf(InvalidArgument, intercomName, "client", "nil *intercom.Client")
	}
	return nil
}

// ErrorCode classifies the errors of the Intercom client: the code of the
// status of its *APIError, InvalidArgument for a refused path parameter,
// Unavailable for transport errors, Unknown otherwise.
func (p *intercomProvider) ErrorCode(err error) ErrorCode { return classify(err) }

func (p *intercomProvider) Add(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Result, error) {
	const name = intercomName
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := refuse(intercomName, pt.Kind != "" && pt.Kind != KindContact, "Kind", "only contacts can be attached"); err != nil {
		return nil, err
	}
	if err := refuse(name, pt.Attributes != nil, "Attributes", "attach contact carries no attributes"); err != nil {
		return nil, err
	}
	if err := refuse(name, pt.Status != "", "Status", "attach contact carries no status"); err != nil {
		return nil, err
	}
	if err := refuse(name, o.RoleSID != "", "WithRole", "Intercom has no participant roles"); err != nil {
		return nil, err
	}
	if pt.Use != "" {
		// The facade applied Use already; a Provider called directly
		// gets the same rule.
		if err := pt.validateUse(name); err != nil {
			return nil, err
		}
		pt = pt.only(pt.Use)
	}
	if err := oneIdentity(name, &pt, intercomOneCustomer); err != nil {
		return nil, err
	}
	customer, id, ok := intercomCustomer(&pt)
	if !ok {
		return nil, noIdentity(name, &pt)
	}
	var body intercom.AttachContactBody
	switch {
	case o.AdminID != "":
		body = intercom.AdminAttach(o.AdminID, customer)
	case p.o.AdminID != "":
		body = intercom.AdminAttach(p.o.AdminID, customer)
	case p.o.ActingContact != nil:
		actor, err := actingCustomer(p.o.ActingContact)
		if err != nil {
			return nil, err
		}
		body = intercom.ContactAttach(actor, customer)
	default:
		return nil, Errorf(InvalidArgument, name, "IntercomOptions.AdminID", "set AdminID or ActingContact, or call with WithAdmin")
	}
	opts := vendorOptions(&o)
	var before *intercom.ConversationContacts
	if p.o.ReportOutcome {
		var err error
		if before, err = p.read(ctx, conversationID, opts); err != nil {
			return nil, err
		}
		if o.BeforeAdd == nil {
			if ref := findContact(before, &pt); ref != nil {
				return NewResult(name, ref.ID, KindContact, "", AlreadyPresent, before), nil
			}
		}
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&body); err != nil {
			return nil, &Error{Code: InvalidArgument, Provider: name, Field: "BeforeAdd", Err: err}
		}
		id = "" // the hook may have named someone else
	}
	list, err := p.c.AttachContact(ctx, conversationID, body, opts...)
	if err != nil {
		return nil, wrapFields(name, err, map[string]string{"admin_id": adminField(&o)})
	}
	if o.BeforeAdd == nil {
		if err := attached(list, &pt); err != nil {
			return nil, err
		}
	}
	outcome := Unreported
	if before != nil {
		outcome, id = newcomer(before, list, id)
	}
	return NewResult(name, id, KindContact, "", outcome, list), nil
}

// attached checks that the answer to an attach shows the contact pt
// named where it can: named by ID, the contact must be among the
// customers (either shape); named by ExternalID, among the contacts when
// the answer is the conversation object (the customers list carries no
// external IDs). An Email shows in neither. A 2xx that does not show the
// contact it can show is Unknown, not a success.
func attached(list *intercom.CustomersList, pt *Participant) error {
	switch {
	case pt.ID != "":
		if !slices.ContainsFunc(list.Customers, func(c intercom.CustomerRef) bool { return c.ID == pt.ID }) {
			return &Error{Code: Unknown, Provider: intercomName, Field: "ID",
				Message: "Intercom answered the attach with a customers list without the contact attached"}
		}
	case pt.ExternalID != "" && list.Contacts != nil:
		if !slices.ContainsFunc(list.Contacts.Contacts, func(r intercom.ContactReference) bool { return r.ExternalID == pt.ExternalID }) {
			return &Error{Code: Unknown, Provider: intercomName, Field: "ExternalID",
				Message: "Intercom answered the attach with a conversation whose contacts do not hold the contact attached"}
		}
	}
	return nil
}

// adminField names the option that set the acting admin of a call.
func adminField(o *CallOptions) string {
	if o.AdminID != "" {
		return "WithAdmin"
	}
	return "IntercomOptions.AdminID"
}

// newcomer decides the Outcome of an attach from the contacts read before
// it and the customers it answered: named, when set, is the contact ID the
// attach named. A named contact that is new is Added; without a name, the
// one new customer is Added, none is AlreadyPresent (with no ID: one of
// those already there) and several are Unreported.
func newcomer(before *intercom.ConversationContacts, after *intercom.CustomersList, named string) (Outcome, string) {
	var fresh []string
	for _, c := range after.Customers {
		if !slices.ContainsFunc(before.Contacts, func(r intercom.ContactReference) bool { return r.ID == c.ID }) {
			fresh = append(fresh, c.ID)
		}
	}
	switch {
	case named != "":
		if slices.Contains(fresh, named) {
			return Added, named
		}
		return Unreported, named
	case len(fresh) == 1:
		return Added, fresh[0]
	case len(fresh) == 0:
		return AlreadyPresent, ""
	}
	return Unreported, ""
}

// intercomOneCustomer is why Intercom's attach takes one identity.
const intercomOneCustomer = "Intercom's customer is one of intercom_user_id, user_id or email"

// actingField is the name of IntercomOptions.ActingContact in errors.
const actingField = "IntercomOptions.ActingContact"

// actingCustomer maps IntercomOptions.ActingContact, the contact who
// attaches, to the acting customer of the attach. Like the contact
// attached, it is named by exactly one of ID, ExternalID or Email (its Use
// chooses one when several are set); everything else it could carry
// (Phone, Channel, Identifier, Attributes, Status, ParticipantID, a Kind
// other than contact) has no place in the attach and is refused, naming
// the field, before any request.
func actingCustomer(a *Participant) (intercom.Customer, error) {
	const name = intercomName
	in := func(err error) error {
		var e *Error
		if errors.As(err, &e) {
			e.Field = actingField + "." + e.Field
		}
		return err
	}
	pt := *a
	if pt.Use != "" {
		if err := pt.validateUse(name); err != nil {
			return intercom.Customer{}, in(err)
		}
		pt = pt.only(pt.Use)
	}
	for _, r := range []struct {
		cond  bool
		field string
	}{
		{pt.Kind != "" && pt.Kind != KindContact, "Kind"},
		{pt.Phone != "", "Phone"},
		{pt.Channel != "", "Channel"},
		{!pt.Identifier.IsZero(), "Identifier"},
		{pt.Attributes != nil, "Attributes"},
		{pt.Status != "", "Status"},
		{pt.ParticipantID != "", "ParticipantID"},
	} {
		if r.cond {
			return intercom.Customer{}, Errorf(InvalidArgument, name, actingField+"."+r.field,
				"the acting contact of an attach is named by one of ID, ExternalID or Email and carries nothing else")
		}
	}
	if err := oneIdentity(name, &pt, intercomOneCustomer); err != nil {
		return intercom.Customer{}, in(err)
	}
	actor, _, ok := intercomCustomer(&pt)
	if !ok {
		return intercom.Customer{}, Errorf(InvalidArgument, name, actingField, "needs an ID, ExternalID or Email")
	}
	return actor, nil
}

// intercomCustomer maps the one identity Intercom supports (the caller
// refused several with oneIdentity). id is the
// contact ID when the participant was named by it.
func intercomCustomer(p *Participant) (c intercom.Customer, id string, ok bool) {
	switch {
	case p.ID != "":
		return intercom.CustomerByIntercomUserID(p.ID), p.ID, true
	case p.ExternalID != "":
		return intercom.CustomerByUserID(p.ExternalID), "", true
	case p.Email != "":
		return intercom.CustomerByEmail(p.Email), "", true
	}
	return intercom.Customer{}, "", false
}
