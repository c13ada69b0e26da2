package twilioparticipants

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/twilio"
)

// Options configure the Twilio provider.
type Options struct {
	// ProxyAddress is the Twilio number (MessagingBinding.ProxyAddress) that
	// participants added by Phone talk to, e.g. "+15017122661". For
	// ChannelWhatsApp it is sent with the "whatsapp:" prefix.
	ProxyAddress string
	// WebhookEnabled sends X-Twilio-Webhook-Enabled: true so the add and
	// the remove fire the conversation's webhooks.
	WebhookEnabled bool
	// RoleSID is the default conversation role (RL...) of added
	// participants; WithRole overrides it per call.
	RoleSID string
}

type twilioProvider struct {
	c *twilio.Client
	o Options
}

// New returns the driver.Provider for Twilio Conversations' create participant,
// POST /v1/Conversations/{ConversationSid}/Participants, over c.
// conversationID is a CH SID or the conversation's unique name.
//
// Mapping: ExternalID → Identity (a chat participant); Phone →
// MessagingBinding.Address ("whatsapp:+..." for ChannelWhatsApp) with
// Options.ProxyAddress, which is then required; Identifier.Value →
// MessagingBinding.Address as it is (with ProxyAddress when set; Key must be
// empty); Attributes → Attributes; WithRole → RoleSid. ID, Email, Kind user
// or bot, Status and WithAdmin are not expressible. A participant is either
// a chat identity or one messaging binding with one address, so Add takes
// one of ExternalID, Phone and Identifier: with several set it is
// InvalidArgument naming them, before any request (Participant.Use
// chooses the one to send). Result.As reaches the
// *twilio.Participant (Result.ID is its SID; its MessagingBinding is nil for
// a chat identity).
//
// Twilio reports a duplicate as an error code: for 50433 (identity) and
// 50437 (group address) the conversation's participants are listed and the
// existing one is returned as AlreadyPresent; for 50416 (address and proxy
// bound to an active conversation) the result is AlreadyPresent when the
// address is in this conversation and AlreadyExists when it is bound to
// another one. When listing the participants fails, the listing's error
// decides the code (Unavailable, Canceled, ...) and a *DuplicateLookupError
// holds both answers.
//
// Twilio can answer 404 / 20404 to the create of a participant removed
// moments before although it created them (its support article "Resolving
// Error 20404 When Re-Adding the Same Participant"). On a 404 with code
// 20404, Add looks the participant up by listing the conversation's
// participants, as the article says a later list shows them (a fetch by
// identity may not): found, the result is success with Outcome
// Unreported, because the read proves the participant is there but not that
// this call added them (another writer may have, between the two requests);
// not found, or no conversation, NotFound with the create's *APIError.
//
// The lifecycle, and what each call costs in requests in the common case
// (n participants, pages of 100 when listing to find an address):
//
//	List    GET .../Participants per page (WithPageSize 1..100, default
//	        Twilio's 50); Member: ID = SID, ExternalID = identity,
//	        Identifier.Value = binding address, Phone and Channel for an
//	        E.164 (sms) or "whatsapp:" address, Kind contact.
//	Get     ParticipantID (MB SID) or ExternalID: one fetch, GET
//	        .../Participants/{Sid or identity}. Phone or Identifier: list
//	        pages until the address is found (up to n/100 requests).
//	Remove  ParticipantID: one DELETE. ExternalID: a fetch for the SID,
//	        then the DELETE (2). Phone or Identifier: list pages until the
//	        address is found, then the DELETE; an address not listed is
//	        AlreadyAbsent (the list proved the conversation exists).
//	        A 404 to the fetch or the DELETE costs one more request, a list
//	        of one participant, to tell AlreadyAbsent (the conversation
//	        exists) from NotFound; so does the retry of a DELETE whose
//	        answer was lost.
//
// Get and Remove look the participant up by ParticipantID, else by
// Participant.Use, else by the first of ExternalID, Phone, Identifier that
// is set; the Client checks the other identities against the participant
// found (Get answers NotFound, Remove FailedPrecondition and removes
// nothing when one is contradicted). ID, Email, Kind user or bot and an
// Identifier with a Key are Unimplemented for Get and Remove as for Add,
// and so is WithAdmin for Remove. An address found by Phone or Identifier is the
// participant whose binding has that address and Options.ProxyAddress
// (for Phone with ChannelWhatsApp both with "whatsapp:"), else the first
// with that address. Result.As of a Remove reaches the *twilio.Participant
// it looked up (none when named by ParticipantID, or already absent).
//
// For a Conversation Service other than the account's default, give
// New the view c.Service("IS..."): every request then uses the
// /v1/Services/{ChatServiceSid}/... paths.
func New(c *twilio.Client, o Options) driver.Provider {
	return &twilioProvider{c: c, o: o}
}

func (p *twilioProvider) Name() string { return "twilio" }

// ErrorCode classifies the errors of the Twilio client: the code of the
// status of its *APIError, InvalidArgument for a refused path parameter,
// Unavailable for transport errors, Unknown otherwise.
func (p *twilioProvider) ErrorCode(err error) driver.ErrorCode { return driver.Classify(err) }

func (p *twilioProvider) Add(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	const name = "twilio"
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, name, "client", "nil *twilio.Client")
	}
	if err := driver.Refuse(name, pt.Status != "", "Status", "participants have no status"); err != nil {
		return nil, err
	}
	if err := driver.Refuse(name, pt.Kind != "" && pt.Kind != driver.KindContact, "Kind", "only people reached by identity or address can be added"); err != nil {
		return nil, err
	}
	// The conversation ID first, as the client checks it: an ID that
	// would change the request path is refused whatever the participant.
	if err := pathparam.Check("twilio", "conversationSID", conversationID); err != nil {
		return nil, driver.WrapFields(name, err, twilioFields)
	}
	if err := driver.Refuse(name, pt.ID != "", "ID", "a participant is an identity or a messaging binding, not a contact ID"); err != nil {
		return nil, err
	}
	if err := driver.Refuse(name, pt.Email != "", "Email", "a participant is an identity or a messaging binding, not an email address"); err != nil {
		return nil, err
	}
	if err := driver.OneIdentity(name, &pt, "Twilio's Identity (a chat participant) cannot be combined with a messaging binding, and a binding has one address"); err != nil {
		return nil, err
	}
	params := twilio.CreateParticipantParams{
		Attributes:     string(pt.Attributes),
		RoleSID:        callRole(&o, p.o.RoleSID),
		WebhookEnabled: callWebhooks(&o, p.o.WebhookEnabled),
	}
	switch {
	case pt.ExternalID != "":
		params.Identity = pt.ExternalID
	case pt.Phone != "":
		if p.o.ProxyAddress == "" {
			return nil, driver.Errorf(driver.InvalidArgument, name, "twilioparticipants.Options.ProxyAddress", "a participant added by Phone needs the Twilio number it talks to")
		}
		params.Address, params.ProxyAddress = pt.Phone, p.o.ProxyAddress
		if pt.Channel == driver.ChannelWhatsApp {
			params.Address = "whatsapp:" + pt.Phone
			if !strings.HasPrefix(params.ProxyAddress, "whatsapp:") {
				params.ProxyAddress = "whatsapp:" + params.ProxyAddress
			}
		}
	case pt.Identifier.Value != "":
		if pt.Identifier.Key != "" {
			return nil, driver.Errorf(driver.Unimplemented, name, "Identifier.Key", "not expressible on twilio: an identifier is a messaging-binding address; leave Key empty")
		}
		params.Address, params.ProxyAddress = pt.Identifier.Value, p.o.ProxyAddress
	default:
		return nil, driver.NoIdentity(name, &pt)
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&params); err != nil {
			return nil, &driver.Error{Code: driver.InvalidArgument, Provider: name, Field: "BeforeAdd", Err: err}
		}
	}
	created, err := p.c.CreateParticipant(ctx, conversationID, params, driver.RequestOptions(&o)...)
	if err == nil {
		return twilioResult(created, driver.Added), nil
	}
	var api *apierror.Error
	if !errors.As(err, &api) {
		fields := twilioFields
		if callRole(&o, "") != "" {
			fields = twilioFieldsWithRole
		}
		return nil, driver.WrapFields(name, err, fields)
	}
	switch {
	case api.StatusCode == http.StatusNotFound && api.Code == twilio.CodeNotFound:
		return p.createNotFound(ctx, conversationID, &params, err, driver.RequestOptions(&o))
	case api.Code == twilio.CodeIdentityExists, api.Code == twilio.CodeGroupAddressExists, api.Code == twilio.CodeBindingInUse:
	default:
		return nil, driver.WrapError(name, err)
	}
	existing, lookupErr := p.find(ctx, conversationID, &params, driver.RequestOptions(&o))
	switch {
	case lookupErr != nil:
		return nil, driver.DuplicateLookupFailed(name, err, lookupErr)
	case existing != nil:
		return twilioResult(existing, driver.AlreadyPresent), nil
	case api.Code == twilio.CodeBindingInUse:
		return nil, &driver.Error{Code: driver.AlreadyExists, Provider: name, Field: "Phone",
			Message: "the address " + params.Address + " with proxy " + params.ProxyAddress + " is bound to another active conversation", Err: err}
	}
	return nil, &driver.Error{Code: driver.AlreadyExists, Provider: name, Message: "Twilio answered duplicate code " + api.Code + " but the participant is not in this conversation", Err: err}
}

// find returns the participant of the conversation that params names, or
// nil.
func (p *twilioProvider) find(ctx context.Context, conversationID string, params *twilio.CreateParticipantParams, opts []option.Option) (*twilio.Participant, error) {
	for tp, err := range p.c.AllParticipants(ctx, conversationID, &twilio.ListParticipantsParams{PageSize: 100}, opts...) {
		if err != nil {
			return nil, err
		}
		if params.Identity != "" {
			if tp.Identity == params.Identity {
				return tp, nil
			}
			continue
		}
		b := tp.MessagingBinding
		if b != nil && b.Address == params.Address && (params.ProxyAddress == "" || b.ProxyAddress == params.ProxyAddress) {
			return tp, nil
		}
	}
	return nil, nil
}

// twilioFields are the facade names of the twilio client's arguments.
var twilioFields = map[string]string{
	"conversationSID":               "conversationID",
	"Identity":                      "ExternalID",
	"MessagingBinding.ProxyAddress": "twilioparticipants.Options.ProxyAddress",
	"RoleSid":                       "twilioparticipants.Options.RoleSID",
	"Attributes":                    "Attributes",
}

// twilioFieldsWithRole are twilioFields for a call with WithRole.
var twilioFieldsWithRole = func() map[string]string {
	m := maps.Clone(twilioFields)
	m["RoleSid"] = "WithRole"
	return m
}()

func twilioResult(tp *twilio.Participant, outcome driver.Outcome) *driver.Result {
	return driver.NewResult("twilio", tp.SID, driver.KindContact, "", outcome, tp)
}
