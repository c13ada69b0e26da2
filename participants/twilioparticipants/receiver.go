package twilioparticipants

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/twilio"
)

// NewReceiver returns the driver.Receiver of Twilio Conversations
// participant webhooks (onParticipantAdded, onParticipantRemoved,
// onParticipantUpdated), verified by v, for participants.NewWebhookHandler:
//
//	v, err := twilio.NewWebhookVerifier(authToken, twilio.WithPublicURL("https://example.com/webhooks/twilio"))
//	h, err := participants.NewWebhookHandler(twilioparticipants.NewReceiver(v), handle)
//
// An event's ID is the I-Twilio-Idempotency-Token header, or, when a proxy
// dropped it, the event type, participant SID and date of the change,
// which a retry repeats too. Twilio fires these webhooks for changes made
// through the REST API only when the request asked for them (WithWebhooks
// on Add, Update and Remove; SDK and SMS changes always fire). Pre-action
// events (onParticipantAdd, ...) are acknowledged with 200, which lets the
// action happen, without calling the handler.
func NewReceiver(v *twilio.WebhookVerifier) driver.Receiver {
	return &receiver{v: v}
}

type receiver struct{ v *twilio.WebhookVerifier }

func (*receiver) Name() string { return "twilio" }

// Receive implements driver.Receiver.
func (rc *receiver) Receive(_ context.Context, r *http.Request) (*driver.Delivery, error) {
	if rc.v == nil {
		return nil, errors.New("twilioparticipants: NewReceiver was given a nil *twilio.WebhookVerifier")
	}
	payload, err := rc.v.Verify(r)
	if err != nil {
		return nil, err
	}
	ev, err := twilio.DecodeWebhook(payload)
	if err != nil {
		return nil, err
	}
	e := driver.Event{Provider: "twilio", ConversationID: ev.ConversationSID, Raw: ev}
	var at string
	switch ev.EventType {
	case twilio.ParticipantEventTypeAdded:
		e.Kind, at = driver.ParticipantJoined, ev.DateCreated
	case twilio.ParticipantEventTypeRemoved:
		e.Kind, at = driver.ParticipantLeft, firstOf(ev.DateUpdated, ev.DateCreated)
	case twilio.ParticipantEventTypeUpdated:
		e.Kind, at = driver.ParticipantUpdated, firstOf(ev.DateUpdated, ev.DateCreated)
	default: // DecodeWebhook refuses the others; a new one is not ours
		return nil, &apierror.WebhookError{Vendor: "twilio", Kind: apierror.ErrWebhookUnsupported, Detail: "event type " + string(ev.EventType)}
	}
	if ev.ConversationSID == "" || ev.ParticipantSID == "" {
		return nil, &apierror.WebhookError{Vendor: "twilio", Kind: apierror.ErrWebhookMalformed, Detail: string(ev.EventType) + " without ConversationSid or ParticipantSid"}
	}
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		e.At = t
	}
	e.Participant = driver.Member{Provider: "twilio", ID: ev.ParticipantSID, Kind: driver.KindContact, ExternalID: ev.Identity}
	if a := ev.MessagingBindingAddress; a != "" {
		e.Participant.Identifier = driver.Identifier{Value: a}
		if wa, ok := strings.CutPrefix(a, "whatsapp:"); ok && driver.ValidPhone(wa) {
			e.Participant.Phone, e.Participant.Channel = wa, driver.ChannelWhatsApp
		} else if driver.ValidPhone(a) {
			e.Participant.Phone, e.Participant.Channel = a, driver.ChannelSMS
		}
	}
	e.Participant.Raw = ev
	e.ID = r.Header.Get(twilio.IdempotencyTokenHeader)
	if e.ID == "" {
		e.ID = string(ev.EventType) + ":" + ev.ParticipantSID + ":" + at
	}
	return &driver.Delivery{Events: []driver.Event{e}}, nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
