package sunshineparticipants

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/sunshine"
)

// NewReceiver returns the driver.Receiver of Sunshine Conversations v2
// webhooks with the conversation:join and conversation:leave triggers,
// verified by v (the webhook's secret in X-API-Key), for
// participants.NewWebhookHandler:
//
//	v, err := sunshine.NewWebhookVerifier(webhookSecret)
//	h, err := participants.NewWebhookHandler(sunshineparticipants.NewReceiver(v), handle)
//
// Sunshine batches events: one delivery yields an event per join or leave
// it carries (other triggers of the batch are skipped; a batch with none
// is acknowledged without calling the handler). An event's ID is the
// event's id, documented for de-duplication. Sunshine sends no participant
// ID: the event's Participant has the user's ID in ContactID (what
// Participant.ID takes for Get and Remove) and their external ID. Sunshine
// sends these triggers for sdkGroup conversations only, and stops retrying
// after 400, 401, 403, 404 and 406: the handler answers a failure 503.
func NewReceiver(v *sunshine.WebhookVerifier) driver.Receiver {
	return &receiver{v: v}
}

type receiver struct{ v *sunshine.WebhookVerifier }

func (*receiver) Name() string { return sunshineName }

// Receive implements driver.Receiver.
func (rc *receiver) Receive(_ context.Context, r *http.Request) (*driver.Delivery, error) {
	if rc.v == nil {
		return nil, errors.New("sunshineparticipants: NewReceiver was given a nil *sunshine.WebhookVerifier")
	}
	body, err := rc.v.Verify(r)
	if err != nil {
		return nil, err
	}
	p, err := sunshine.DecodeWebhook(body)
	if err != nil {
		return nil, err
	}
	pes := p.ParticipantEvents()
	if len(pes) == 0 {
		return nil, &apierror.WebhookError{Vendor: sunshineName, Kind: apierror.ErrWebhookUnsupported, Detail: "a batch without conversation:join or conversation:leave"}
	}
	events := make([]driver.Event, 0, len(pes))
	for i := range pes {
		we := &pes[i]
		e := driver.Event{Provider: sunshineName, ID: we.ID, Raw: we}
		switch we.Type {
		case sunshine.WebhookEventTypeConversationJoin:
			e.Kind = driver.ParticipantJoined
		case sunshine.WebhookEventTypeConversationLeave:
			e.Kind = driver.ParticipantLeft
		}
		// DecodeWebhook guarantees the conversation and the user's ID.
		if we.Payload == nil || we.Payload.Conversation == nil || we.Payload.User == nil || we.ID == "" {
			return nil, &apierror.WebhookError{Vendor: sunshineName, Kind: apierror.ErrWebhookMalformed, Detail: string(we.Type) + " without its id, conversation or user"}
		}
		e.ConversationID = we.Payload.Conversation.ID
		u := we.Payload.User
		e.Participant = driver.Member{Provider: sunshineName, Kind: driver.KindContact, ContactID: u.ID, ExternalID: u.ExternalID, Raw: we}
		if t, err := time.Parse(time.RFC3339Nano, we.CreatedAt); err == nil {
			e.At = t
		}
		events = append(events, e)
	}
	return &driver.Delivery{Events: events}, nil
}
