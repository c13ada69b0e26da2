package birdparticipants

import (
	"context"
	"errors"
	"net/http"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// Options configure the Bird provider.
type Options struct {
	// WorkspaceID is the Bird workspace (a UUID). Required.
	WorkspaceID string
	// Status is the default status of added participants (pending, invited
	// or active); Participant.Status overrides it. Empty means Bird's
	// default, active.
	Status participants.Status
	// PlatformAddressSelector chooses the contact attribute that becomes the
	// delivery address, e.g. "identifiers.phonenumber", for contacts added by
	// ID or identifier.
	PlatformAddressSelector string
}

type birdProvider struct {
	c *bird.Client
	o Options
}

// New returns the driver.Provider for Bird's conversation participants over c:
// add (POST /workspaces/{workspaceId}/conversations/{conversationId}/participants),
// list, get and remove. conversationID must be a UUID.
//
// Mapping: Kind contact + ID → {type: contact, id}; Kind user + ID →
// {type: user, id}; Kind bot + ID → {type: flow, id}; Email → contact
// identifierKey emailaddress; Phone (any Channel) → identifierKey
// phonenumber; Identifier → identifierKey/identifierValue; Status → status.
// ExternalID, Attributes, WithAdmin and WithRole are not expressible.
// Add sends one identity: several set (a contact ID with an identifier,
// Email with Phone, ...) are InvalidArgument naming them before any
// request; Participant.Use chooses one. (Bird's body for a contact by ID
// has a contact block with an identifier key and value, but Bird does not
// document that it checks them against the contact, so they are not sent
// as a second identity.)
//
// Result.As reaches the *bird.Participant Bird returned (Result.ID is its
// ID, Result.Status its Status).
//
// Bird ensures the participant: 201 is Added, 200 AlreadyPresent. A 409 for
// a request by identifier is resolved by looking the participant up by that
// identifier: found, AlreadyPresent; not in this conversation (404),
// AlreadyExists. When the lookup itself fails, its error decides the code
// (Unavailable, Canceled, ...) and a *DuplicateLookupError holds both
// answers. A 409 for a request by ID is AlreadyExists.
//
// Lifecycle. Bird's participant ID is the ID of the contact, user or flow
// behind it, so Member.ID, Member.ContactID and Result.ID are that ID, and
// Participant.ID names a participant directly.
//   - List: GET .../participants, one request per page; WithPageSize is
//     Bird's limit, 1..100 (above 100 is InvalidArgument before any
//     request; 0 means Bird's 10). Members carry Kind (flow is KindBot),
//     Status, and the contact identifier Bird reports as Identifier, and
//     as Email or Phone for emailaddress and phonenumber keys.
//     Member.As reaches the *bird.Participant.
//   - Get: ParticipantID or ID → GET .../participants/{id} (with ID, the
//     participant's type must match Kind: contact by default, user, or
//     flow for KindBot; otherwise NotFound naming Kind); Email →
//     .../participants/emailaddress/{email}; Phone → phonenumber/{phone};
//     Identifier → {Key}/{Value} (Key required). One request; ExternalID
//     alone is Unimplemented. Bird answers 404 alike for a missing
//     participant and a missing conversation: Get then lists one
//     participant to tell which, and says it in the NotFound's message
//     (Field "conversationID" for a missing conversation); if that check
//     fails, its error's code (Unavailable, Canceled, DeadlineExceeded),
//     never NotFound, with the check's error and the 404 in the chain.
//   - Remove: DELETE .../participants/{id}: one request by ParticipantID;
//     by the other identities the lookup of Get first, so two. Removed on
//     204. On a 404 (including the retry of a DELETE whose response was
//     lost) a list of one participant decides: AlreadyAbsent when the
//     conversation exists, NotFound (Field "conversationID") when not; if
//     that check fails, its error's code (Unavailable, Canceled, ...).
//     Bird's 403 "Deleting this participant is not allowed" (plain text) is
//     FailedPrecondition: the participant cannot be removed from this
//     conversation, and retrying will not help; a 403 with a JSON
//     error code and another message is PermissionDenied. WithAdmin is Unimplemented. Result.As
//     reaches the *bird.Participant looked up, when there was a lookup.
func New(c *bird.Client, o Options) driver.Provider {
	return &birdProvider{c: c, o: o}
}

func (p *birdProvider) Name() string { return "bird" }

// ErrorCode classifies the errors of the Bird client: the code of the
// status of its *APIError, InvalidArgument for a refused path parameter,
// Unavailable for transport errors, Unknown otherwise.
func (p *birdProvider) ErrorCode(err error) driver.ErrorCode { return driver.Classify(err) }

func (p *birdProvider) Add(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	const name = "bird"
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, name, "client", "nil *bird.Client")
	}
	if err := driver.Refuse(name, pt.Attributes != nil, "Attributes", "participants carry no attributes"); err != nil {
		return nil, err
	}
	if err := driver.OneIdentity(name, &pt, "a Bird participant is one contact ID, one contact identifier key and value, or one user or flow ID; "+
		"the contact block Bird takes beside a contact ID is not documented to be checked against the contact"); err != nil {
		return nil, err
	}
	var opts []bird.ParticipantOption
	status := pt.Status
	if status == "" {
		status = driver.Status(p.o.Status)
	}
	if status != "" {
		opts = append(opts, bird.WithStatus(bird.ParticipantStatus(status)))
	}
	contactOpts := opts
	if p.o.PlatformAddressSelector != "" {
		contactOpts = append(contactOpts[:len(contactOpts):len(contactOpts)], bird.WithPlatformAddressSelector(p.o.PlatformAddressSelector))
	}

	var body bird.CreateParticipantBody
	var key, value string // the identifier, for resolving a 409
	switch {
	case pt.ID != "" && pt.Kind == driver.KindUser:
		body = bird.UserParticipant(pt.ID, opts...)
	case pt.ID != "" && pt.Kind == driver.KindBot:
		body = bird.FlowParticipant(pt.ID, opts...)
	case pt.ID != "":
		body = bird.ContactByID(pt.ID, contactOpts...)
	case pt.Kind != "" && pt.Kind != driver.KindContact:
		return nil, driver.NoIdentity(name, &pt)
	case pt.Email != "":
		key, value = "emailaddress", pt.Email
	case pt.Phone != "":
		key, value = "phonenumber", pt.Phone
	case pt.Identifier.Value != "":
		key, value = pt.Identifier.Key, pt.Identifier.Value
	default:
		return nil, driver.NoIdentity(name, &pt)
	}
	if value != "" {
		body = bird.ContactByIdentifier(key, value, contactOpts...)
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&body); err != nil {
			return nil, &driver.Error{Code: driver.InvalidArgument, Provider: name, Field: "BeforeAdd", Err: err}
		}
	}
	res, err := p.c.AddParticipant(ctx, p.o.WorkspaceID, conversationID, body, driver.RequestOptions(&o)...)
	if err == nil {
		outcome := driver.AlreadyPresent
		if res.Created {
			outcome = driver.Added
		}
		return birdResult(&res.Participant, outcome), nil
	}
	var api *apierror.Error
	if !errors.As(err, &api) || api.StatusCode != http.StatusConflict {
		return nil, driver.WrapFields(name, err, birdFields)
	}
	if key == "" {
		return nil, &driver.Error{Code: driver.AlreadyExists, Provider: name, Message: "Bird answered 409 and the request named no identifier to look the participant up by", Err: err}
	}
	found, lookupErr := p.c.GetParticipantByIdentifier(ctx, p.o.WorkspaceID, conversationID, key, value, driver.RequestOptions(&o)...)
	var lookupAPI *apierror.Error
	switch {
	case lookupErr == nil:
	case errors.As(lookupErr, &lookupAPI) && lookupAPI.StatusCode == http.StatusNotFound && ctx.Err() == nil:
		// Bird holds the identifier, but not in this conversation.
		return nil, &driver.Error{Code: driver.AlreadyExists, Provider: name, Message: "Bird answered 409 but no participant of this conversation has that identifier",
			Err: &driver.DuplicateLookupError{Duplicate: err, Lookup: lookupErr}}
	default:
		return nil, driver.DuplicateLookupFailed(name, err, lookupErr)
	}
	return birdResult(found, driver.AlreadyPresent), nil
}

// birdFields are the facade names of the bird client's arguments.
var birdFields = map[string]string{
	"workspaceID":                          "birdparticipants.Options.WorkspaceID",
	"body.contact.platformAddressSelector": "birdparticipants.Options.PlatformAddressSelector",
	"body.status":                          "birdparticipants.Options.Status",
	"body.id":                              "ID",
	"body.contact.identifierKey":           "Identifier.Key",
}

func birdResult(bp *bird.Participant, outcome driver.Outcome) *driver.Result {
	kind := driver.Kind(bp.Type)
	if bp.Type == "flow" {
		kind = driver.KindBot
	}
	return driver.NewResult("bird", bp.ID, kind, driver.Status(bp.Status), outcome, bp)
}
