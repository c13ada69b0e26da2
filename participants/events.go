package participants

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/participants/driver"
)

// EventKind is what happened to a participant.
type EventKind int

// Event kinds.
const (
	// ParticipantJoined: the participant was added to the conversation
	// (Twilio onParticipantAdded, Intercom conversation.contact.attached,
	// Sunshine conversation:join, Bird: a participant listed after a
	// conversation.updated that was not before).
	ParticipantJoined EventKind = EventKind(driver.ParticipantJoined)
	// ParticipantLeft: the participant was removed from the conversation
	// or left it.
	ParticipantLeft EventKind = EventKind(driver.ParticipantLeft)
	// ParticipantUpdated: the participant's role, attributes or status
	// changed (Twilio onParticipantUpdated).
	ParticipantUpdated EventKind = EventKind(driver.ParticipantUpdated)
)

// String returns "joined", "left" or "updated".
func (k EventKind) String() string {
	switch k {
	case ParticipantJoined:
		return "joined"
	case ParticipantLeft:
		return "left"
	case ParticipantUpdated:
		return "updated"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is a participant event from a vendor's webhook, verified and
// normalised: who joined, left or changed in which conversation, in the
// identity language of Member.
type Event struct {
	// Provider is the vendor: "intercom", "bird", "twilio", "sunshine".
	Provider string
	// Kind is what happened.
	Kind EventKind
	// ConversationID is the vendor's ID of the conversation, the one Add
	// and List take.
	ConversationID string
	// Participant is who it happened to: Participant.ID is the vendor's
	// participant ID where the vendor gives one (Member.Participant names
	// them for Get and Remove), with the identities the vendor reports.
	Participant Member
	// At is when it happened, as the vendor says; the zero time when it
	// does not.
	At time.Time
	// ID is the vendor's ID of the event or its delivery, the same on
	// every delivery: the key of de-duplication.
	ID  string
	raw any
}

// As sets target, a pointer to the vendor's payload type (*twilio.ParticipantEvent,
// *intercom.NotificationEvent, *sunshine.WebhookEvent, ...), to the decoded
// payload the event came from, and reports whether it could.
func (e *Event) As(target any) bool {
	if e == nil {
		return false
	}
	return assign(e.raw, target)
}

// fromDriverEvent returns the user's view of de.
func fromDriverEvent(de *driver.Event) Event {
	e := Event{
		Provider:       de.Provider,
		Kind:           EventKind(de.Kind),
		ConversationID: de.ConversationID,
		At:             de.At,
		ID:             de.ID,
		raw:            de.Raw,
	}
	setMember(&e.Participant, &de.Participant)
	return e
}

// HandlerFunc handles one participant event. An error makes the handler
// answer the delivery so that the vendor delivers it again (the event is
// not recorded as handled); it must return within the vendor's timeout
// (5 s for Twilio and Intercom): hand long work to a queue.
type HandlerFunc func(ctx context.Context, e Event) error

// WebhookHandler is an http.Handler that receives a vendor's webhook
// deliveries: it verifies each (the Receiver checks the signature before
// anything is decoded), decodes its participant events, skips those
// already handled (Deduper), calls the HandlerFunc with each new one, and
// answers as the vendor needs:
//
//   - 200 when every event was handled, or was a duplicate, or the
//     delivery carried no participant event (another topic, a Twilio
//     pre-action event, which a 200 lets happen);
//   - 503 when the HandlerFunc failed, or the Deduper, a request of the
//     Receiver or the commit of its state failed: every vendor delivers again after it (503 is neither
//     Intercom's 410, which disables the subscription, nor one of the
//     400, 401, 403, 404, 406 after which Sunshine stops retrying). An
//     event of a batch that was handled is recorded, so the next delivery
//     calls the HandlerFunc only with the others;
//   - 401 for a request that fails verification (missing or bad
//     signature, stale timestamp), 413 for a body over the limit, 400 for
//     a verified body that cannot be decoded; the HandlerFunc is not
//     called.
//
// Every refusal and failure is logged (WithLogger), without secrets or
// body bytes.
type WebhookHandler struct {
	recv   driver.Receiver
	fn     HandlerFunc
	dedupe Deduper
	log    *slog.Logger
}

// A WebhookOption configures NewWebhookHandler.
type WebhookOption func(*WebhookHandler) error

// WithDeduper sets the Deduper (default: NewMemoryDeduper(0, 0), one
// process's memory). Several processes behind a load balancer need a
// shared one, such as contrib/redisdedupe.
func WithDeduper(d Deduper) WebhookOption {
	return func(h *WebhookHandler) error {
		if d == nil {
			return errors.New("WithDeduper(nil)")
		}
		h.dedupe = d
		return nil
	}
}

// WithLogger sets the logger of refusals and failures (default
// slog.Default()).
func WithLogger(l *slog.Logger) WebhookOption {
	return func(h *WebhookHandler) error {
		if l == nil {
			return errors.New("WithLogger(nil)")
		}
		h.log = l
		return nil
	}
}

// NewWebhookHandler returns the handler of recv's deliveries that calls fn
// with each new participant event. recv comes from a provider package
// (twilioparticipants.NewReceiver, ...).
func NewWebhookHandler(recv driver.Receiver, fn HandlerFunc, opts ...WebhookOption) (*WebhookHandler, error) {
	switch {
	case recv == nil:
		return nil, &Error{Code: InvalidArgument, Provider: "participants", Field: "recv", Message: "NewWebhookHandler: the Receiver is nil"}
	case fn == nil:
		return nil, &Error{Code: InvalidArgument, Provider: recv.Name(), Field: "fn", Message: "NewWebhookHandler: the HandlerFunc is nil"}
	}
	h := &WebhookHandler{recv: recv, fn: fn, log: slog.Default()}
	for i, o := range opts {
		if o == nil {
			return nil, &Error{Code: InvalidArgument, Provider: recv.Name(), Field: fmt.Sprintf("opts[%d]", i), Message: "NewWebhookHandler: a nil WebhookOption"}
		}
		if err := o(h); err != nil {
			return nil, &Error{Code: InvalidArgument, Provider: recv.Name(), Field: fmt.Sprintf("opts[%d]", i), Message: "NewWebhookHandler: " + err.Error()}
		}
	}
	if h.dedupe == nil {
		d, err := NewMemoryDeduper(0, 0)
		if err != nil {
			return nil, err
		}
		h.dedupe = d
	}
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	vendor := h.recv.Name()
	d, err := h.recv.Receive(ctx, r)
	if err == nil && d == nil {
		err = errors.New("the Receiver returned no Delivery and no error")
	}
	if err != nil {
		status, level, msg := h.refusal(err)
		h.log.LogAttrs(ctx, level, msg, slog.String("vendor", vendor), slog.Int("status", status), slog.String("error", err.Error()))
		http.Error(w, http.StatusText(status), status)
		return
	}
	for i := range d.Events {
		e := fromDriverEvent(&d.Events[i])
		key := vendor + ":" + e.ID
		first, err := h.dedupe.Claim(ctx, key)
		if err != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "participants: webhook: the Deduper failed: the vendor will deliver again",
				slog.String("vendor", vendor), slog.String("event", e.ID), slog.String("error", err.Error()))
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
		if !first {
			h.log.LogAttrs(ctx, slog.LevelDebug, "participants: webhook: duplicate event acknowledged",
				slog.String("vendor", vendor), slog.String("event", e.ID))
			continue
		}
		if err := h.fn(ctx, e); err != nil {
			if rerr := h.dedupe.Release(context.WithoutCancel(ctx), key); rerr != nil {
				h.log.LogAttrs(ctx, slog.LevelError, "participants: webhook: the Deduper could not release a failed event: its next delivery will be taken for a duplicate",
					slog.String("vendor", vendor), slog.String("event", e.ID), slog.String("error", rerr.Error()))
			}
			h.log.LogAttrs(ctx, slog.LevelError, "participants: webhook: the handler failed: the vendor will deliver again",
				slog.String("vendor", vendor), slog.String("event", e.ID), slog.String("kind", e.Kind.String()), slog.String("error", err.Error()))
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
	}
	if d.Commit != nil {
		if err := d.Commit(ctx); err != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "participants: webhook: the Receiver could not commit the delivery: the vendor will deliver again",
				slog.String("vendor", vendor), slog.String("error", err.Error()))
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// refusal returns the status, log level and message of a failed Receive.
func (h *WebhookHandler) refusal(err error) (int, slog.Level, string) {
	switch {
	case errors.Is(err, apierror.ErrWebhookUnsupported):
		return http.StatusOK, slog.LevelWarn, "participants: webhook: a verified delivery without a participant event, acknowledged"
	case errors.Is(err, apierror.ErrWebhookTooLarge):
		return http.StatusRequestEntityTooLarge, slog.LevelWarn, "participants: webhook: refused"
	case errors.Is(err, apierror.ErrWebhookMalformed):
		return http.StatusBadRequest, slog.LevelWarn, "participants: webhook: refused"
	case errors.Is(err, apierror.ErrWebhookMissingHeader), errors.Is(err, apierror.ErrWebhookSignature), errors.Is(err, apierror.ErrWebhookStale):
		return http.StatusUnauthorized, slog.LevelWarn, "participants: webhook: refused"
	}
	// A request the Receiver made failed (Bird's list), or the context
	// ended: the vendor delivers again.
	return http.StatusServiceUnavailable, slog.LevelError, "participants: webhook: the delivery could not be read: the vendor will deliver again"
}
