package intercomparticipants

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/driver"
)

// The Intercom lifecycle: List and Get read the conversation
// (GET /conversations/{id}); Remove detaches
// (DELETE /conversations/{id}/customers/{contact_id}) and reads the
// conversation only when the detach or the identity leaves a doubt. The
// request counts are in the documentation of Intercom.

// List returns the conversation's contacts, all on one page: Intercom does
// not paginate them, so CallOptions.PageSize is ignored and Page.Next is "".
func (p *intercomProvider) List(ctx context.Context, conversationID, page string, o driver.CallOptions) (*driver.Page, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if page != "" {
		return nil, driver.Errorf(driver.InvalidArgument, intercomName, "page", "Intercom lists a conversation's contacts in one read: there is no page %s", pathparam.Quote(page))
	}
	list, err := p.read(ctx, conversationID, driver.RequestOptions(&o))
	if err != nil {
		return nil, err
	}
	return driver.NewPage(list.Contacts, "", intercomMember), nil
}

// Get reads the conversation and returns the contact pt names.
func (p *intercomProvider) Get(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	field, value, err := intercomRef(&pt, driver.OpGet)
	if err != nil {
		return nil, err
	}
	list, err := p.read(ctx, conversationID, driver.RequestOptions(&o))
	if err != nil {
		return nil, err
	}
	if ref := findContact(list, &pt); ref != nil {
		return driver.NewMember(intercomMember(ref), ref), nil
	}
	return nil, driver.Errorf(driver.NotFound, intercomName, field, "conversation %s exists but no contact on it has %s %s",
		pathparam.Quote(conversationID), field, pathparam.Quote(value))
}

// Remove detaches the contact pt names, reading the conversation when the
// contact is named by ExternalID or the detach answers 404.
func (p *intercomProvider) Remove(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	field, contactID, err := intercomRef(&pt, driver.OpRemove)
	if err != nil {
		return nil, err
	}
	// named is how the caller named the contact, for messages: they quote
	// what the caller gave, never a contact ID that Intercom supplied (a
	// lookup by ExternalID).
	named := field + " " + pathparam.Quote(contactID)
	admin := callAdmin(&o)
	if admin == "" {
		admin = p.o.AdminID
	}
	if admin == "" {
		return nil, driver.Errorf(driver.InvalidArgument, intercomName, "intercomparticipants.Options.AdminID",
			"Remove needs an admin (Intercom lets only an admin detach a contact): set AdminID or call with WithAdmin")
	}
	opts := driver.RequestOptions(&o)
	if field == "ExternalID" {
		list, err := p.read(ctx, conversationID, opts)
		if err != nil {
			return nil, err
		}
		ref := findContact(list, &pt)
		if ref == nil {
			return driver.NewResult(intercomName, "", driver.KindContact, "", driver.AlreadyAbsent, list), nil
		}
		contactID = ref.ID
	}
	left, err := p.c.DetachContact(ctx, conversationID, contactID, admin, opts...)
	if err == nil {
		if slices.ContainsFunc(left.Customers, func(c intercom.CustomerRef) bool { return c.ID == contactID }) {
			return nil, &driver.Error{Code: driver.Unknown, Provider: intercomName, Message: "Intercom answered the detach of the contact with " +
				named + " with a customers list that still holds it"}
		}
		return driver.NewResult(intercomName, contactID, driver.KindContact, "", driver.Removed, left), nil
	}
	var api *intercom.APIError
	if errors.As(err, &api) {
		switch api.StatusCode {
		case http.StatusNotFound:
			// "User Not Found" or "Resource Not Found": the read tells.
			list, rerr := p.read(ctx, conversationID, opts)
			if rerr != nil {
				return nil, rerr
			}
			if !slices.ContainsFunc(list.Contacts, func(r intercom.ContactReference) bool { return r.ID == contactID }) {
				return driver.NewResult(intercomName, contactID, driver.KindContact, "", driver.AlreadyAbsent, list), nil
			}
			// The contact is there: the 404 is about something else
			// (an unknown admin).
		case http.StatusUnprocessableEntity:
			if lastCustomer(api) {
				// A retried detach whose first answer was lost meets
				// the rule once the first removed the contact: the
				// read tells whether the contact is still there.
				list, rerr := p.read(ctx, conversationID, opts)
				if rerr != nil {
					return nil, rerr
				}
				if !slices.ContainsFunc(list.Contacts, func(r intercom.ContactReference) bool { return r.ID == contactID }) {
					return driver.NewResult(intercomName, contactID, driver.KindContact, "", driver.AlreadyAbsent, list), nil
				}
				return nil, &driver.Error{Code: driver.FailedPrecondition, Provider: intercomName, Err: err, Message: "the contact with " + named +
					" is the conversation's last customer, which Intercom keeps: add another customer first, or close the conversation instead"}
			}
		}
	}
	return nil, driver.WrapFields(intercomName, err, map[string]string{"admin_id": adminField(&o), "contactID": field})
}

// lastCustomer reports whether a detach was refused because the contact is
// the conversation's last customer: 422 parameter_invalid "Removing the
// last customer is not allowed".
func lastCustomer(api *intercom.APIError) bool {
	return api.Code == "parameter_invalid" && strings.Contains(strings.ToLower(api.Message), "last customer")
}

// read returns the conversation's contacts. A missing conversation is a
// NotFound *Error naming it.
func (p *intercomProvider) read(ctx context.Context, conversationID string, opts []option.Option) (*intercom.ConversationContacts, error) {
	list, err := p.c.ConversationContacts(ctx, conversationID, opts...)
	if err == nil {
		return list, nil
	}
	var api *intercom.APIError
	if errors.As(err, &api) && api.StatusCode == http.StatusNotFound {
		return nil, &driver.Error{Code: driver.NotFound, Provider: intercomName, Field: "conversationID", Err: err,
			Message: "no conversation " + pathparam.Quote(conversationID)}
	}
	return nil, driver.WrapError(intercomName, err)
}

// intercomRef returns how Get and Remove find the contact pt names: the
// field used (ParticipantID, ID or ExternalID) and its value. What the
// conversation's contact list cannot match (Kind user or bot, Email,
// Phone, Identifier) is Unimplemented.
func intercomRef(pt *driver.Participant, op driver.Operation) (field, value string, err error) {
	switch {
	case pt.Kind != "" && pt.Kind != driver.KindContact:
		return "", "", driver.Refuse(intercomName, true, "Kind", "Intercom conversations hold contacts only")
	case pt.ParticipantID != "":
		return "ParticipantID", pt.ParticipantID, nil
	case pt.ID != "":
		return "ID", pt.ID, nil
	case pt.ExternalID != "":
		return "ExternalID", pt.ExternalID, nil
	case pt.Email != "":
		field = "Email"
	case pt.Phone != "":
		field = "Phone"
	default:
		field = "Identifier"
	}
	return "", "", driver.Errorf(driver.Unimplemented, intercomName, field,
		"not expressible on intercom: %s finds a contact in the conversation's contact list, which holds only contact IDs and external IDs: name it by ParticipantID, ID or ExternalID", op)
}

// findContact returns the contact of list that pt names by its
// ParticipantID, ID or ExternalID (the first set), or nil.
func findContact(list *intercom.ConversationContacts, pt *driver.Participant) *intercom.ContactReference {
	id, external := pt.ParticipantID, ""
	switch {
	case id != "":
	case pt.ID != "":
		id = pt.ID
	case pt.ExternalID != "":
		external = pt.ExternalID
	default:
		return nil
	}
	for i := range list.Contacts {
		if r := &list.Contacts[i]; (id != "" && r.ID == id) || (external != "" && r.ExternalID == external) {
			return r
		}
	}
	return nil
}

// intercomMember is the Member of one contact on a conversation.
func intercomMember(r *intercom.ContactReference) driver.Member {
	return driver.Member{Provider: intercomName, ID: r.ID, Kind: driver.KindContact, ContactID: r.ID, ExternalID: r.ExternalID}
}
