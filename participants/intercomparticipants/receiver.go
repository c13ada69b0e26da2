package intercomparticipants

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants/driver"
)

// NewReceiver returns the driver.Receiver of Intercom's
// conversation.contact.attached and conversation.contact.detached
// notifications, verified by v (X-Hub-Signature, the app's client
// secret), for participants.NewWebhookHandler:
//
//	v, err := intercom.NewWebhookVerifier(clientSecret)
//	h, err := participants.NewWebhookHandler(intercomparticipants.NewReceiver(v), handle)
//
// An event's ID is the notification's ID (notif_...); Intercom does not
// document that a retry keeps it, so the ID is the notification's ID when
// it has one, else the topic, conversation, contact and creation time,
// which a retry repeats. Other topics (ping included) are acknowledged
// with 200 without calling the handler. Intercom has no subscription API
// in 2.x: topics are chosen in the Developer Hub. Never answer Intercom
// 410 (it disables the subscription): the handler answers a failure 503.
func NewReceiver(v *intercom.WebhookVerifier) driver.Receiver {
	return &receiver{v: v}
}

type receiver struct{ v *intercom.WebhookVerifier }

func (*receiver) Name() string { return intercomName }

// Receive implements driver.Receiver.
func (rc *receiver) Receive(_ context.Context, r *http.Request) (*driver.Delivery, error) {
	if rc.v == nil {
		return nil, errors.New("intercomparticipants: NewReceiver was given a nil *intercom.WebhookVerifier")
	}
	body, err := rc.v.Verify(r)
	if err != nil {
		return nil, err
	}
	n, err := intercom.DecodeWebhook(body)
	if err != nil {
		return nil, err
	}
	e := driver.Event{Provider: intercomName, ConversationID: n.ConversationID(), Raw: n}
	switch n.Topic {
	case intercom.NotificationTopicContactAttached:
		e.Kind = driver.ParticipantJoined
	case intercom.NotificationTopicContactDetached:
		e.Kind = driver.ParticipantLeft
	default: // DecodeWebhook refuses the others
		return nil, &apierror.WebhookError{Vendor: intercomName, Kind: apierror.ErrWebhookUnsupported, Detail: "topic " + string(n.Topic)}
	}
	contact := n.ContactID()
	if e.ConversationID == "" || contact == "" { // DecodeWebhook refuses these too
		return nil, &apierror.WebhookError{Vendor: intercomName, Kind: apierror.ErrWebhookMalformed, Detail: string(n.Topic) + " without a conversation or contact ID"}
	}
	e.Participant = driver.Member{Provider: intercomName, ID: contact, Kind: driver.KindContact, ContactID: contact}
	if c := n.Data.Item.Contact; c != nil {
		e.Participant.ExternalID, e.Participant.Email = c.ExternalID, c.Email
	}
	e.Participant.Raw = n
	if n.CreatedAt > 0 {
		e.At = time.Unix(n.CreatedAt, 0).UTC()
	}
	e.ID = n.ID
	if e.ID == "" {
		e.ID = string(n.Topic) + ":" + e.ConversationID + ":" + contact + ":" + time.Unix(n.CreatedAt, 0).UTC().Format(time.RFC3339)
	}
	return &driver.Delivery{Events: []driver.Event{e}}, nil
}
