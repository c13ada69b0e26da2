package participants

import (
	"context"

	"github.com/conversekit/conversekit/intercom"
)

// IntercomOptions configure the Intercom provider. Set AdminID (the admin
// who adds participants) or ActingContact (a contact already on the
// conversation who adds them); a per-call WithAdmin overrides both.
type IntercomOptions struct {
	// AdminID is the Intercom admin who adds participants: admin_id.
	AdminID string
	// ActingContact, when AdminID is empty, is the contact on whose behalf
	// participants are added, named by its ID, ExternalID or Email (the
	// first set).
	ActingContact *Participant
}

type intercomProvider struct {
	c *intercom.Client
	o IntercomOptions
}

// Intercom returns the Provider for Intercom's attach contact,
// POST /conversations/{id}/customers, over c.
//
// Mapping: ID → customer.intercom_user_id, ExternalID → customer.user_id,
// Email → customer.email (Intercom creates a lead for an unknown email).
// Phone, Identifier, Attributes, Status, Kind user or bot and WithRole are
// not expressible. Intercom answers with the list of customers whatever
// happened, so Result.Outcome is Unreported and Result.ID is the contact ID
// when the request named it. Result.As reaches that *intercom.CustomersList.
func Intercom(c *intercom.Client, o IntercomOptions) Provider {
	return &intercomProvider{c: c, o: o}
}

func (p *intercomProvider) Name() string { return "intercom" }

// ErrorCode classifies the errors of the Intercom client: the code of the
// status of its *APIError, InvalidArgument for a refused path parameter,
// Unavailable for transport errors, Unknown otherwise.
func (p *intercomProvider) ErrorCode(err error) ErrorCode { return classify(err) }

func (p *intercomProvider) Add(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Result, error) {
	const name = "intercom"
	if p.c == nil {
		return nil, Errorf(InvalidArgument, name, "client", "nil *intercom.Client")
	}
	if err := refuse(name, pt.Kind != "" && pt.Kind != KindContact, "Kind", "only contacts can be attached"); err != nil {
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
		actor, _, ok := intercomCustomer(p.o.ActingContact)
		if !ok {
			return nil, Errorf(InvalidArgument, name, "IntercomOptions.ActingContact", "needs an ID, ExternalID or Email")
		}
		body = intercom.ContactAttach(actor, customer)
	default:
		return nil, Errorf(InvalidArgument, name, "IntercomOptions.AdminID", "set AdminID or ActingContact, or call with WithAdmin")
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&body); err != nil {
			return nil, &Error{Code: InvalidArgument, Provider: name, Field: "BeforeAdd", Err: err}
		}
	}
	list, err := p.c.AttachContact(ctx, conversationID, body, vendorOptions(&o)...)
	if err != nil {
		adminField := "IntercomOptions.AdminID"
		if o.AdminID != "" {
			adminField = "WithAdmin"
		}
		return nil, wrapFields(name, err, map[string]string{"admin_id": adminField})
	}
	return NewResult(name, id, KindContact, "", Unreported, list), nil
}

// intercomCustomer maps the first identity Intercom supports. id is the
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
