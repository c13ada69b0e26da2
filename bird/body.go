package bird

import (
	"fmt"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// CreateParticipantBody is the request body of AddParticipant
// (POST /workspaces/{workspaceId}/conversations/{conversationId}/participants):
// exactly one of the three shapes of Bird's CreateParticipant oneOf. Build it
// only with UserParticipant, FlowParticipant, ContactByID or
// ContactByIdentifier; AddParticipant refuses the zero value, and a body
// whose arguments were invalid, before any request.
//
// On the wire the keys come in this order, each only when set: type, id,
// status, contact; inside contact: identifierKey, identifierValue,
// platformAddressSelector. For example
//
//	{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"john.doe@bird.com"}}
//
// A body is never null and never carries a key the caller did not set.
type CreateParticipantBody struct {
	req createParticipant // the generated union; set only by the constructors
	err error             // the first invalid argument the constructor saw
}

// ParticipantOption sets an optional field of a CreateParticipantBody.
type ParticipantOption func(*bodyOptions) error

type bodyOptions struct {
	status   *ParticipantStatus
	selector *string
}

// WithStatus sets the participant's status: ParticipantStatusPending,
// ParticipantStatusInvited or ParticipantStatusActive (Bird's default when
// unset). Any other value makes the body invalid.
func WithStatus(s ParticipantStatus) ParticipantOption {
	return func(o *bodyOptions) error {
		if !s.Valid() {
			return &pathparam.Error{Vendor: Vendor, Field: "body.status", Reason: pathparam.Quote(string(s)) + " is not pending, invited or active"}
		}
		o.status = &s
		return nil
	}
}

// WithPlatformAddressSelector sets contact.platformAddressSelector, the
// expression that picks the contact attribute used as the delivery address,
// such as "identifiers.phonenumber" or "attributes.workEmail". Only contact
// bodies (ContactByID, ContactByIdentifier) accept it.
func WithPlatformAddressSelector(expr string) ParticipantOption {
	return func(o *bodyOptions) error {
		if err := checkValue("body.contact.platformAddressSelector", expr); err != nil {
			return err
		}
		o.selector = &expr
		return nil
	}
}

// UserParticipant is the body that adds a user of the Bird workspace:
// {"type":"user","id":userID}. Options: WithStatus.
func UserParticipant(userID string, opts ...ParticipantOption) CreateParticipantBody {
	return userOrFlow("user", userID, opts)
}

// FlowParticipant is the body that adds a flow (bot):
// {"type":"flow","id":flowID}. Options: WithStatus.
func FlowParticipant(flowID string, opts ...ParticipantOption) CreateParticipantBody {
	return userOrFlow("flow", flowID, opts)
}

// ContactByID is the body that adds an existing contact by its contact ID:
// {"type":"contact","id":contactID}. Options: WithStatus,
// WithPlatformAddressSelector (sent as contact.platformAddressSelector).
func ContactByID(contactID string, opts ...ParticipantOption) CreateParticipantBody {
	if err := checkValue("body.id", contactID); err != nil {
		return CreateParticipantBody{err: err}
	}
	o, err := apply(opts)
	if err != nil {
		return CreateParticipantBody{err: err}
	}
	m := createParticipantContactByID{Type: createParticipantContactByIDTypeContact, Id: contactID, Status: o.status}
	if o.selector != nil {
		m.Contact = &contactByIDContact{PlatformAddressSelector: o.selector}
	}
	var b CreateParticipantBody
	return b.set(b.req.fromCreateParticipantContactByID(m))
}

// ContactByIdentifier is the body that adds the contact with an identifier,
// found or else created by Bird:
// {"type":"contact","contact":{"identifierKey":key,"identifierValue":value}}.
// key is the channel's identifier key ("emailaddress", "phonenumber",
// "facebookid-<page>", ...); an empty key is left out of the body. value,
// such as "john.doe@bird.com" or "+31612345678", is required. Options:
// WithStatus, WithPlatformAddressSelector.
func ContactByIdentifier(key, value string, opts ...ParticipantOption) CreateParticipantBody {
	if key != "" {
		if err := checkValue("body.contact.identifierKey", key); err != nil {
			return CreateParticipantBody{err: err}
		}
	}
	if err := checkValue("body.contact.identifierValue", value); err != nil {
		return CreateParticipantBody{err: err}
	}
	o, err := apply(opts)
	if err != nil {
		return CreateParticipantBody{err: err}
	}
	m := createParticipantContactByIdentifier{Type: createParticipantContactByIdentifierTypeContact, Status: o.status,
		Contact: contactIdentifier{IdentifierValue: value, PlatformAddressSelector: o.selector}}
	if key != "" {
		m.Contact.IdentifierKey = &key
	}
	var b CreateParticipantBody
	return b.set(b.req.fromCreateParticipantContactByIdentifier(m))
}

// Validate reports why AddParticipant would refuse the body: unset (the zero
// value) or built from invalid arguments. The error names the field and
// "bird".
func (b CreateParticipantBody) Validate() error {
	_, err := b.wire()
	return err
}

// MarshalJSON returns the body as AddParticipant sends it, or the Validate
// error.
func (b CreateParticipantBody) MarshalJSON() ([]byte, error) {
	raw, err := b.wire()
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), raw...), nil
}

// String returns the JSON body, or a note that it is invalid.
func (b CreateParticipantBody) String() string {
	raw, err := b.wire()
	if err != nil {
		return "invalid bird participant body: " + err.Error()
	}
	return string(raw)
}

func (b CreateParticipantBody) wire() ([]byte, error) {
	switch {
	case b.err != nil:
		return nil, b.err
	case len(b.req.union) == 0:
		return nil, &pathparam.Error{Vendor: Vendor, Field: "body", Reason: "unset: build it with UserParticipant, FlowParticipant, ContactByID or ContactByIdentifier"}
	}
	// The union's MarshalJSON hands back the bytes its constructor encoded.
	return b.req.MarshalJSON()
}

// set is b, or the error of the union constructor that filled it.
func (b CreateParticipantBody) set(err error) CreateParticipantBody {
	if err != nil { // unreachable: strings and a string enum only
		return CreateParticipantBody{err: fmt.Errorf("%s: encode participant body: %w", Vendor, err)}
	}
	return b
}

func userOrFlow(typ, id string, opts []ParticipantOption) CreateParticipantBody {
	if err := checkValue("body.id", id); err != nil {
		return CreateParticipantBody{err: err}
	}
	o, err := apply(opts)
	if err != nil {
		return CreateParticipantBody{err: err}
	}
	if o.selector != nil {
		return CreateParticipantBody{err: &pathparam.Error{Vendor: Vendor, Field: "body.contact.platformAddressSelector", Reason: "only contact participants have one, not " + typ + " participants"}}
	}
	var b CreateParticipantBody
	return b.set(b.req.fromCreateParticipantUserOrFlow(createParticipantUserOrFlow{Type: createParticipantUserOrFlowType(typ), Id: id, Status: o.status}))
}

func apply(opts []ParticipantOption) (bodyOptions, error) {
	var o bodyOptions
	for i, opt := range opts {
		if opt == nil {
			return o, &pathparam.Error{Vendor: Vendor, Field: "body", Reason: fmt.Sprintf("participant option %d is nil", i)}
		}
		if err := opt(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkValue refuses a body string that Bird cannot use (see
// pathparam.CheckText).
func checkValue(field, v string) error {
	return pathparam.CheckText(Vendor, field, v, pathparam.MaxLen)
}
