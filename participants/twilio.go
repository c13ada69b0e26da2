package participants

import (
	"context"
	"errors"
	"maps"
	"strings"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/twilio"
)

// TwilioOptions configure the Twilio provider.
type TwilioOptions struct {
	// ProxyAddress is the Twilio number (MessagingBinding.ProxyAddress) that
	// participants added by Phone talk to, e.g. "+15017122661". For
	// ChannelWhatsApp it is sent with the "whatsapp:" prefix.
	ProxyAddress string
	// WebhookEnabled sends X-Twilio-Webhook-Enabled: true so the add fires
	// the conversation's webhooks.
	WebhookEnabled bool
	// RoleSID is the default conversation role (RL...) of added
	// participants; WithRole overrides it per call.
	RoleSID string
}

type twilioProvider struct {
	c *twilio.Client
	o TwilioOptions
}

// Twilio returns the Provider for Twilio Conversations' create participant,
// POST /v1/Conversations/{ConversationSid}/Participants, over c.
// conversationID is a CH SID or the conversation's unique name.
//
// Mapping: ExternalID → Identity (a chat participant); Phone →
// MessagingBinding.Address ("whatsapp:+..." for ChannelWhatsApp) with
// TwilioOptions.ProxyAddress, which is then required; Identifier.Value →
// MessagingBinding.Address as it is (with ProxyAddress when set; Key must be
// empty); Attributes → Attributes; WithRole → RoleSid. ID, Email, Kind user
// or bot, Status and WithAdmin are not expressible. Result.As reaches the
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
func Twilio(c *twilio.Client, o TwilioOptions) Provider {
	return &twilioProvider{c: c, o: o}
}

func (p *twilioProvider) Name() string { return "twilio" }

// ErrorCode classifies the errors of the Twilio client: the code of the
// status of its *APIError, InvalidArgument for a refused path parameter,
// Unavailable for transport errors, Unknown otherwise.
func (p *twilioProvider) ErrorCode(err error) ErrorCode { return classify(err) }

func (p *twilioProvider) Add(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Result, error) {
	const name = "twilio"
	if p.c == nil {
		return nil, Errorf(InvalidArgument, name, "client", "nil *twilio.Client")
	}
	if err := refuse(name, pt.Status != "", "Status", "participants have no status"); err != nil {
		return nil, err
	}
	if err := refuse(name, o.AdminID != "", "WithAdmin", "the account acts, not an admin"); err != nil {
		return nil, err
	}
	if err := refuse(name, pt.Kind != "" && pt.Kind != KindContact, "Kind", "only people reached by identity or address can be added"); err != nil {
		return nil, err
	}
	params := twilio.CreateParticipantParams{
		Attributes:     string(pt.Attributes),
		RoleSID:        p.o.RoleSID,
		WebhookEnabled: p.o.WebhookEnabled,
	}
	if o.RoleSID != "" {
		params.RoleSID = o.RoleSID
	}
	switch {
	case pt.ExternalID != "":
		params.Identity = pt.ExternalID
	case pt.Phone != "":
		if p.o.ProxyAddress == "" {
			return nil, Errorf(InvalidArgument, name, "TwilioOptions.ProxyAddress", "a participant added by Phone needs the Twilio number it talks to")
		}
		params.Address, params.ProxyAddress = pt.Phone, p.o.ProxyAddress
		if pt.Channel == ChannelWhatsApp {
			params.Address = "whatsapp:" + pt.Phone
			if !strings.HasPrefix(params.ProxyAddress, "whatsapp:") {
				params.ProxyAddress = "whatsapp:" + params.ProxyAddress
			}
		}
	case pt.Identifier.Value != "":
		if pt.Identifier.Key != "" {
			return nil, Errorf(Unimplemented, name, "Identifier.Key", "not expressible on twilio: an identifier is a messaging-binding address; leave Key empty")
		}
		params.Address, params.ProxyAddress = pt.Identifier.Value, p.o.ProxyAddress
	default:
		return nil, noIdentity(name, &pt)
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&params); err != nil {
			return nil, &Error{Code: InvalidArgument, Provider: name, Field: "BeforeAdd", Err: err}
		}
	}
	created, err := p.c.CreateParticipant(ctx, conversationID, params, vendorOptions(&o)...)
	if err == nil {
		return twilioResult(created, Added), nil
	}
	var api *apierror.Error
	if !errors.As(err, &api) {
		fields := twilioFields
		if o.RoleSID != "" {
			fields = twilioFieldsWithRole
		}
		return nil, wrapFields(name, err, fields)
	}
	switch api.Code {
	case twilio.CodeIdentityExists, twilio.CodeGroupAddressExists, twilio.CodeBindingInUse:
	default:
		return nil, WrapError(name, err)
	}
	existing, lookupErr := p.find(ctx, conversationID, &params, vendorOptions(&o))
	switch {
	case lookupErr != nil:
		return nil, duplicateLookupFailed(name, err, lookupErr)
	case existing != nil:
		return twilioResult(existing, AlreadyPresent), nil
	case api.Code == twilio.CodeBindingInUse:
		return nil, &Error{Code: AlreadyExists, Provider: name, Field: "Phone",
			Message: "the address " + params.Address + " with proxy " + params.ProxyAddress + " is bound to another active conversation", Err: err}
	}
	return nil, &Error{Code: AlreadyExists, Provider: name, Message: "Twilio answered duplicate code " + api.Code + " but the participant is not in this conversation", Err: err}
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
	"MessagingBinding.ProxyAddress": "TwilioOptions.ProxyAddress",
	"RoleSid":                       "TwilioOptions.RoleSID",
	"Attributes":                    "Attributes",
}

// twilioFieldsWithRole are twilioFields for a call with WithRole.
var twilioFieldsWithRole = func() map[string]string {
	m := maps.Clone(twilioFields)
	m["RoleSid"] = "WithRole"
	return m
}()

func twilioResult(tp *twilio.Participant, outcome Outcome) *Result {
	return NewResult("twilio", tp.SID, KindContact, "", outcome, tp)
}
