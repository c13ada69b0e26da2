package intercomparticipants

import (
	"context"
	"errors"
	"slices"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// Options configure the Intercom provider. Set AdminID (the admin
// who adds and removes participants) or ActingContact (a contact already on
// the conversation who adds them; Remove needs an admin); a per-call
// WithAdmin overrides both.
type Options struct {
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
	ActingContact *participants.Participant
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
	o Options
}

// New returns the driver.Provider for Intercom's conversation contacts over c.
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
// Options.ReportOutcome is set. Intercom answers with the
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
// the admin of WithAdmin or Options.AdminID (an InvalidArgument
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
func New(c *intercom.Client, o Options) driver.Provider {
	return &intercomProvider{c: c, o: o}
}

// intercomName is the Intercom provider's name.
const intercomName = "intercom"

func (p *intercomProvider) Name() string { return intercomName }

// check refuses a provider built over a nil client.
func (p *intercomProvider) check() error {
	if p.c == nil {
		return driver.Errorf(driver.InvalidArgument, intercomName, "client", "nil *intercom.Client")
	}
	return nil
}

// ErrorCode classifies the errors of the Intercom client: the code of the
// status of its *APIError, InvalidArgument for a refused path parameter,
// Unavailable for transport errors, Unknown otherwise.
func (p *intercomProvider) ErrorCode(err error) driver.ErrorCode { return driver.Classify(err) }

func (p *intercomProvider) Add(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	const name = intercomName
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := driver.Refuse(intercomName, pt.Kind != "" && pt.Kind != driver.KindContact, "Kind", "only contacts can be attached"); err != nil {
		return nil, err
	}
	if err := driver.Refuse(name, pt.Attributes != nil, "Attributes", "attach contact carries no attributes"); err != nil {
		return nil, err
	}
	if err := driver.Refuse(name, pt.Status != "", "Status", "attach contact carries no status"); err != nil {
		return nil, err
	}
	if err := driver.OneIdentity(name, &pt, intercomOneCustomer); err != nil {
		return nil, err
	}
	customer, id, ok := intercomCustomer(&pt)
	if !ok {
		return nil, driver.NoIdentity(name, &pt)
	}
	var body intercom.AttachContactBody
	switch {
	case callAdmin(&o) != "":
		body = intercom.AdminAttach(callAdmin(&o), customer)
	case p.o.AdminID != "":
		body = intercom.AdminAttach(p.o.AdminID, customer)
	case p.o.ActingContact != nil:
		actor, err := actingCustomer(p.o.ActingContact)
		if err != nil {
			return nil, err
		}
		body = intercom.ContactAttach(actor, customer)
	default:
		return nil, driver.Errorf(driver.InvalidArgument, name, "intercomparticipants.Options.AdminID", "set AdminID or ActingContact, or call with WithAdmin")
	}
	opts := driver.RequestOptions(&o)
	var before *intercom.ConversationContacts
	if p.o.ReportOutcome {
		var err error
		if before, err = p.read(ctx, conversationID, opts); err != nil {
			return nil, err
		}
		if o.BeforeAdd == nil {
			if ref := findContact(before, &pt); ref != nil {
				return driver.NewResult(name, ref.ID, driver.KindContact, "", driver.AlreadyPresent, before), nil
			}
		}
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&body); err != nil {
			return nil, &driver.Error{Code: driver.InvalidArgument, Provider: name, Field: "BeforeAdd", Err: err}
		}
		id = "" // the hook may have named someone else
	}
	list, err := p.c.AttachContact(ctx, conversationID, body, opts...)
	if err != nil {
		return nil, driver.WrapFields(name, err, map[string]string{"admin_id": adminField(&o)})
	}
	if o.BeforeAdd == nil {
		if err := attached(list, &pt); err != nil {
			return nil, err
		}
	}
	outcome := driver.Unreported
	if before != nil {
		outcome, id = newcomer(before, list, id)
	}
	return driver.NewResult(name, id, driver.KindContact, "", outcome, list), nil
}

// attached checks that the answer to an attach shows the contact pt
// named where it can: named by ID, the contact must be among the
// customers (either shape); named by ExternalID, among the contacts when
// the answer is the conversation object (the customers list carries no
// external IDs). An Email shows in neither. A 2xx that does not show the
// contact it can show is Unknown, not a success.
func attached(list *intercom.CustomersList, pt *driver.Participant) error {
	switch {
	case pt.ID != "":
		if !slices.ContainsFunc(list.Customers, func(c intercom.CustomerRef) bool { return c.ID == pt.ID }) {
			return &driver.Error{Code: driver.Unknown, Provider: intercomName, Field: "ID",
				Message: "Intercom answered the attach with a customers list without the contact attached"}
		}
	case pt.ExternalID != "" && list.Contacts != nil:
		if !slices.ContainsFunc(list.Contacts.Contacts, func(r intercom.ContactReference) bool { return r.ExternalID == pt.ExternalID }) {
			return &driver.Error{Code: driver.Unknown, Provider: intercomName, Field: "ExternalID",
				Message: "Intercom answered the attach with a conversation whose contacts do not hold the contact attached"}
		}
	}
	return nil
}

// adminField names the option that set the acting admin of a call.
func adminField(o *driver.CallOptions) string {
	if callAdmin(o) != "" {
		return "WithAdmin"
	}
	return "intercomparticipants.Options.AdminID"
}

// newcomer decides the Outcome of an attach from the contacts read before
// it and the customers it answered: named, when set, is the contact ID the
// attach named. A named contact that is new is Added; without a name, the
// one new customer is Added, none is AlreadyPresent (with no ID: one of
// those already there) and several are Unreported.
func newcomer(before *intercom.ConversationContacts, after *intercom.CustomersList, named string) (driver.Outcome, string) {
	var fresh []string
	for _, c := range after.Customers {
		if !slices.ContainsFunc(before.Contacts, func(r intercom.ContactReference) bool { return r.ID == c.ID }) {
			fresh = append(fresh, c.ID)
		}
	}
	switch {
	case named != "":
		if slices.Contains(fresh, named) {
			return driver.Added, named
		}
		return driver.Unreported, named
	case len(fresh) == 1:
		return driver.Added, fresh[0]
	case len(fresh) == 0:
		return driver.AlreadyPresent, ""
	}
	return driver.Unreported, ""
}

// intercomOneCustomer is why Intercom's attach takes one identity.
const intercomOneCustomer = "Intercom's customer is one of intercom_user_id, user_id or email"

// actingField is the name of Options.ActingContact in errors.
const actingField = "intercomparticipants.Options.ActingContact"

// actingCustomer maps Options.ActingContact, the contact who
// attaches, to the acting customer of the attach. Like the contact
// attached, it is named by exactly one of ID, ExternalID or Email (its Use
// chooses one when several are set); everything else it could carry
// (Phone, Channel, Identifier, Attributes, Status, ParticipantID, a Kind
// other than contact) has no place in the attach and is refused, naming
// the field, before any request.
func actingCustomer(a *participants.Participant) (intercom.Customer, error) {
	const name = intercomName
	in := func(err error) error {
		var e *driver.Error
		if errors.As(err, &e) {
			e.Field = actingField + "." + e.Field
		}
		return err
	}
	pt, err := acting(a)
	if err != nil {
		return intercom.Customer{}, in(err)
	}
	for _, r := range []struct {
		cond  bool
		field string
	}{
		{pt.Kind != "" && pt.Kind != driver.KindContact, "Kind"},
		{pt.Phone != "", "Phone"},
		{pt.Channel != "", "Channel"},
		{!pt.Identifier.IsZero(), "Identifier"},
		{pt.Attributes != nil, "Attributes"},
		{pt.Status != "", "Status"},
		{pt.ParticipantID != "", "ParticipantID"},
	} {
		if r.cond {
			return intercom.Customer{}, driver.Errorf(driver.InvalidArgument, name, actingField+"."+r.field,
				"the acting contact of an attach is named by one of ID, ExternalID or Email and carries nothing else")
		}
	}
	if err := driver.OneIdentity(name, &pt, intercomOneCustomer); err != nil {
		return intercom.Customer{}, in(err)
	}
	actor, _, ok := intercomCustomer(&pt)
	if !ok {
		return intercom.Customer{}, driver.Errorf(driver.InvalidArgument, name, actingField, "needs an ID, ExternalID or Email")
	}
	return actor, nil
}

// intercomCustomer maps the one identity Intercom supports (the caller
// refused several with oneIdentity). id is the
// contact ID when the participant was named by it.
func intercomCustomer(p *driver.Participant) (c intercom.Customer, id string, ok bool) {
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

// acting is the driver view of the acting contact a: the identity its Use
// chooses alone, or all of them when Use is empty (the caller refuses
// several).
func acting(a *participants.Participant) (driver.Participant, error) {
	pt := driver.Participant{
		Kind: driver.Kind(a.Kind), ID: a.ID, ExternalID: a.ExternalID, Email: a.Email, Phone: a.Phone,
		Channel: driver.Channel(a.Channel), Identifier: driver.Identifier(a.Identifier),
		Attributes: a.Attributes, Status: driver.Status(a.Status), ParticipantID: a.ParticipantID,
	}
	var set bool
	switch a.Use {
	case "":
		return pt, nil
	case participants.UseID:
		set, pt.ExternalID, pt.Email, pt.Phone, pt.Channel, pt.Identifier = a.ID != "", "", "", "", "", driver.Identifier{}
	case participants.UseExternalID:
		set, pt.ID, pt.Kind, pt.Email, pt.Phone, pt.Channel, pt.Identifier = a.ExternalID != "", "", "", "", "", "", driver.Identifier{}
	case participants.UseEmail:
		set, pt.ID, pt.Kind, pt.ExternalID, pt.Phone, pt.Channel, pt.Identifier = a.Email != "", "", "", "", "", "", driver.Identifier{}
	case participants.UsePhone:
		set, pt.ID, pt.Kind, pt.ExternalID, pt.Email, pt.Identifier = a.Phone != "", "", "", "", "", driver.Identifier{}
	case participants.UseIdentifier:
		set, pt.ID, pt.Kind, pt.ExternalID, pt.Email, pt.Phone, pt.Channel = !a.Identifier.IsZero(), "", "", "", "", "", ""
	default:
		return pt, driver.Errorf(driver.InvalidArgument, intercomName, "Use", "%q is not ID, ExternalID, Email, Phone or Identifier", string(a.Use))
	}
	if !set {
		return pt, driver.Errorf(driver.InvalidArgument, intercomName, "Use", "names %s, which is empty", a.Use)
	}
	if a.Kind != "" && a.Kind != participants.KindContact && a.Use != participants.UseID {
		return pt, driver.Errorf(driver.InvalidArgument, intercomName, "Use", "names %s, but Kind %s is identified by ID", a.Use, a.Kind)
	}
	return pt, nil
}
