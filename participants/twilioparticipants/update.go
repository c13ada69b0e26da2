package twilioparticipants

import (
	"context"
	"errors"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/twilio"
)

// twilioUpdateFields are the user's names of the twilio client's
// arguments in Update.
var twilioUpdateFields = map[string]string{
	"conversationSID":          "conversationID",
	"participantSID":           "ParticipantID",
	"participantSIDOrIdentity": "ExternalID",
	"RoleSid":                  "Update.Role",
	"Attributes":               "Update.Attributes",
}

// Update changes the participant pt names with POST
// /v1/Conversations/{ConversationSid}/Participants/{Sid} (or its
// service-scoped twin): Update.Role → RoleSid, Update.Attributes →
// Attributes, and X-Twilio-Webhook-Enabled as Options.WebhookEnabled or
// WithWebhooks says. Update.Status is Unimplemented (Twilio participants
// have no status). Twilio updates by SID only: a participant named by
// ParticipantID is updated with one request; by ExternalID a fetch finds
// its SID first; by Phone or Identifier a list does, as for Get. A missing
// conversation or participant is NotFound.
func (p *twilioProvider) Update(ctx context.Context, conversationID string, pt driver.Participant, u driver.Update, o driver.CallOptions) (*driver.Result, error) {
	const name = vendorName
	if err := driver.Refuse(name, u.Status != "", "Update.Status", "participants have no status"); err != nil {
		return nil, err
	}
	if u.Role != "" && !pathparam.IsSID("RL", u.Role) {
		return nil, driver.Errorf(driver.InvalidArgument, name, "Update.Role", "%s is not a Twilio role SID (RL followed by 32 hex digits)", pathparam.Quote(u.Role))
	}
	r, err := p.ref(ctx, &pt, &o)
	if err != nil {
		return nil, err
	}
	if err := r.checkSID(); err != nil {
		return nil, err
	}
	opts := driver.RequestOptions(&o)
	sid := r.sid
	switch {
	case r.identity != "":
		tp, err := p.fetch(ctx, conversationID, &r, opts)
		if err != nil {
			return nil, err
		}
		sid = tp.SID
	case r.address != "":
		tp, err := p.search(ctx, conversationID, &r, opts)
		if err != nil {
			return nil, err
		}
		if tp == nil {
			return nil, driver.Errorf(driver.NotFound, name, r.field, "no participant with the address %s in the conversation", pathparam.Quote(r.address))
		}
		sid = tp.SID
	}
	params := twilio.UpdateParticipantParams{
		RoleSID:        u.Role,
		Attributes:     string(u.Attributes),
		WebhookEnabled: callWebhooks(&o, p.o.WebhookEnabled),
	}
	updated, err := p.c.UpdateParticipant(ctx, conversationID, sid, params, opts...)
	if err != nil {
		var api *apierror.Error
		if errors.As(err, &api) {
			return nil, driver.WrapError(name, err)
		}
		return nil, driver.WrapFields(name, err, twilioUpdateFields)
	}
	return twilioResult(updated, driver.Updated), nil
}
