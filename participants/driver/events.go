package driver

import (
	"context"
	"net/http"
	"time"
)

// EventKind is what happened to a participant.
type EventKind int

// Event kinds, with the same values as participants.EventKind.
const (
	// ParticipantJoined: the participant was added to the conversation.
	ParticipantJoined EventKind = iota + 1
	// ParticipantLeft: the participant was removed from (or left) the
	// conversation.
	ParticipantLeft
	// ParticipantUpdated: the participant's role, attributes or status
	// changed.
	ParticipantUpdated
)

// Event is one participant event a Receiver decoded from a verified
// webhook delivery.
type Event struct {
	// Provider is the vendor name.
	Provider string
	// Kind is what happened.
	Kind EventKind
	// ConversationID is the vendor's ID of the conversation.
	ConversationID string
	// Participant is the participant the event is about, in the identity
	// language of Member: its participant ID where the vendor gives one,
	// and the identities the vendor reports.
	Participant Member
	// At is when it happened, as the vendor says; the zero time when the
	// vendor does not say.
	At time.Time
	// ID identifies the event for de-duplication: the vendor's delivery or
	// event ID, the same on every delivery of the event, never empty.
	ID string
	// Raw is the decoded vendor payload (the generated model), which the
	// user reaches with participants.Event.As.
	Raw any
}

// Receiver turns a vendor's webhook deliveries into participant events.
// The provider packages of this module implement it over the vendor
// packages' verifiers and decoders.
//
// Every Receiver MUST follow these rules:
//
//  1. Receive verifies the request's authenticity (signature or shared
//     secret, constant-time) before it decodes anything, reads at most a
//     bounded body, and leaves r.Body readable or consumed (the handler
//     does not read it again).
//  2. A request that fails verification or cannot be decoded is an error
//     whose chain holds an *apierror.WebhookError saying what failed
//     (errors.Is with apierror.ErrWebhookSignature, ...); no event is
//     returned with it.
//  3. A verified delivery about something else than participants (another
//     topic, a pre-action event the library does not answer) returns no
//     event and an error whose chain holds an *apierror.WebhookError of
//     kind apierror.ErrWebhookUnsupported: the handler acknowledges it
//     without calling the user.
//  4. Every Event has its Provider, Kind, ConversationID, an ID that is
//     the same on every delivery of the event, and a Participant with an
//     ID or at least one identity.
//  5. Receive may make requests (Bird: listing the conversation's
//     participants to find who joined or left); ctx bounds them, and a
//     failure of such a request is returned as it is (the handler answers
//     so that the vendor delivers again).
//  6. A Receiver whose deliveries change a state of its own (Bird's
//     snapshot of who is in the conversation) changes it in
//     Delivery.Commit, which the handler calls only once every event of
//     the delivery was handled: a delivery whose handling failed yields
//     the same events, with the same IDs, when the vendor delivers it
//     again.
type Receiver interface {
	// Name returns the vendor name.
	Name() string
	// Receive verifies r and returns the participant events it carries
	// (several for a batched delivery).
	Receive(ctx context.Context, r *http.Request) (*Delivery, error)
}

// Delivery is what a Receiver read from one webhook request.
type Delivery struct {
	// Events are the participant events, in the vendor's order.
	Events []Event
	// Commit, when set, is called by the handler after every event was
	// handled (or was a duplicate), and not when one failed. An error is
	// answered so that the vendor delivers again.
	Commit func(ctx context.Context) error
}
