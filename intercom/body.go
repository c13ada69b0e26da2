package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// Customer identifies one contact in the body of
// POST /conversations/{id}/customers, by exactly one of its Intercom ID, your
// external user_id or its email. Build it with CustomerByIntercomUserID,
// CustomerByUserID or CustomerByEmail; the zero Customer is refused before
// any request.
type Customer struct {
	key   string // "intercom_user_id", "user_id" or "email"; "" when unset
	value string
}

// CustomerByIntercomUserID identifies a contact by the ID Intercom gave it
// ({"intercom_user_id": id} in POST /conversations/{id}/customers).
func CustomerByIntercomUserID(id string) Customer {
	return Customer{key: "intercom_user_id", value: id}
}

// CustomerByUserID identifies a contact by the external ID you gave it
// ({"user_id": externalID} in POST /conversations/{id}/customers).
func CustomerByUserID(externalID string) Customer {
	return Customer{key: "user_id", value: externalID}
}

// CustomerByEmail identifies a contact by email ({"email": email} in
// POST /conversations/{id}/customers). When no user or lead has that email,
// Intercom creates a lead.
func CustomerByEmail(email string) Customer {
	return Customer{key: "email", value: email}
}

// String returns the key and value, for example "email=jane@example.com".
func (c Customer) String() string {
	if c.key == "" {
		return "<unset>"
	}
	return c.key + "=" + c.value
}

// AttachContactBody is the body of POST /conversations/{id}/customers: who
// acts (an admin or a contact) and which contact to add. Build it with
// AdminAttach or ContactAttach; the zero AttachContactBody is refused before
// any request, and so is a body built from an empty or unset value.
type AttachContactBody struct {
	req attachContactRequest // the generated union; set only by the constructors
	err error                // the first invalid value the constructor saw
}

// AdminAttach is the body in which the admin adminID adds the contact c:
// {"admin_id": adminID, "customer": {...}}.
func AdminAttach(adminID string, c Customer) AttachContactBody {
	if err := checkValue("admin_id", adminID); err != nil {
		return AttachContactBody{err: err}
	}
	cust, err := c.identifier("customer")
	if err != nil {
		return AttachContactBody{err: err}
	}
	var b AttachContactBody
	if err := b.req.fromAdminAttachRequest(adminAttachRequest{AdminID: adminID, CustomerIdentifier: cust}); err != nil {
		return AttachContactBody{err: fmt.Errorf("%s: %w", vendor, err)}
	}
	return b
}

// ContactAttach is the body in which the contact actor adds the contact c:
// {"intercom_user_id" | "user_id" | "email": ..., "customer": {...}}, the
// acting contact identified the same three ways as c.
func ContactAttach(actor Customer, c Customer) AttachContactBody {
	if err := actor.check("actor"); err != nil {
		return AttachContactBody{err: err}
	}
	cust, err := c.identifier("customer")
	if err != nil {
		return AttachContactBody{err: err}
	}
	var contact contactAttachRequest
	switch actor.key {
	case "intercom_user_id":
		err = contact.fromContactAttachByIntercomUserID(contactAttachByIntercomUserID{IntercomUserID: actor.value, CustomerIdentifier: cust})
	case "user_id":
		err = contact.fromContactAttachByUserID(contactAttachByUserID{UserID: actor.value, CustomerIdentifier: cust})
	case "email":
		err = contact.fromContactAttachByEmail(contactAttachByEmail{Email: actor.value, CustomerIdentifier: cust})
	}
	var b AttachContactBody
	if err == nil {
		err = b.req.fromContactAttachRequest(contact)
	}
	if err != nil {
		return AttachContactBody{err: fmt.Errorf("%s: %w", vendor, err)}
	}
	return b
}

// MarshalJSON returns the exact bytes AttachContact sends, or the error it
// would return for an unset or invalid body.
func (b AttachContactBody) MarshalJSON() ([]byte, error) {
	req, err := b.request()
	if err != nil {
		return nil, err
	}
	return req.MarshalJSON()
}

// request returns the generated union, refusing an unset or invalid body.
func (b AttachContactBody) request() (attachContactRequest, error) {
	if b.err != nil {
		return attachContactRequest{}, b.err
	}
	if !unionSet(b.req.union) {
		return attachContactRequest{}, &pathparam.Error{Vendor: vendor, Field: "attach contact body", Reason: "is unset: build it with AdminAttach or ContactAttach"}
	}
	return b.req, nil
}

// unionSet reports whether a generated union holds a JSON object (an unset
// union marshals as null).
func unionSet(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 1 && raw[0] == '{' && json.Valid(raw)
}

// check refuses an unset Customer or an empty value; field names it in the
// error ("customer", "actor").
func (c Customer) check(field string) error {
	if c.key == "" {
		return &pathparam.Error{Vendor: vendor, Field: field, Reason: "is unset: build it with CustomerByIntercomUserID, CustomerByUserID or CustomerByEmail"}
	}
	return checkValue(field+"."+c.key, c.value)
}

// identifier returns c as the generated customer identifier union.
func (c Customer) identifier(field string) (customerIdentifier, error) {
	var id customerIdentifier
	if err := c.check(field); err != nil {
		return id, err
	}
	var err error
	switch c.key {
	case "intercom_user_id":
		err = id.fromContactIntercomUserID(contactIntercomUserID{IntercomUserID: c.value})
	case "user_id":
		err = id.fromContactUserID(contactUserID{UserID: c.value})
	case "email":
		err = id.fromContactEmail(contactEmail{Email: c.value})
	}
	if err != nil {
		return id, fmt.Errorf("%s: %w", vendor, err)
	}
	return id, nil
}

// checkValue refuses a body value Intercom cannot use (see
// pathparam.CheckText).
func checkValue(field, v string) error {
	return pathparam.CheckText(vendor, field, v, pathparam.MaxLen)
}
