package participants

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Kind is what sort of participant a Participant or Result describes.
type Kind string

// Kinds. A vendor may report others (Bird "agent", "accessKey", ...): a
// Result keeps the vendor's value as it is.
const (
	// KindContact is a customer: the default when Kind is empty.
	KindContact Kind = "contact"
	// KindUser is a member of your team (a Bird user, an agent).
	KindUser Kind = "user"
	// KindBot is an automated participant (a Bird flow).
	KindBot Kind = "bot"
)

// Channel says how a phone number is reached.
type Channel string

// Channels.
const (
	// ChannelSMS is the default channel for a phone number.
	ChannelSMS Channel = "sms"
	// ChannelWhatsApp addresses the number on WhatsApp (Twilio sends it as
	// "whatsapp:+1555...").
	ChannelWhatsApp Channel = "whatsapp"
)

// Status is a participant's state in a conversation (Bird).
type Status string

// Statuses.
const (
	StatusActive  Status = "active"
	StatusInvited Status = "invited"
	StatusPending Status = "pending"
)

// Identifier is a raw channel identifier: Bird's identifierKey and
// identifierValue ("phonenumber", "+31612345678"; "facebookid-<page>", ...)
// or, on Twilio, a messaging-binding address in Value (Twilio refuses a Key).
type Identifier struct {
	Key   string
	Value string
}

// IsZero reports whether neither Key nor Value is set.
func (i Identifier) IsZero() bool { return i.Key == "" && i.Value == "" }

// Participant is the portable description of a person or bot to add to a
// conversation. Set at least one identity: ID, ExternalID, Email, Phone or
// Identifier (see the mapping table in the package documentation).
//
// Add sends every identity that is set, or none: a vendor that cannot send
// them together (each of Intercom, Bird, Twilio and Sunshine takes one
// identity per add) refuses with InvalidArgument naming them, and one it
// cannot express at all is Unimplemented, both before any request. When you
// hold several identities of a person, set Use to the one to send:
//
//	participants.Participant{ExternalID: "crm-42", Phone: "+15558675310", Use: participants.UsePhone}
//
// Get and Remove look the participant up by Use, or, when Use is empty, by
// the first identity the vendor can look up in the order ID, ExternalID,
// Email, Phone, Identifier; they never return or remove a participant whose
// reported identities contradict the others that are set.
type Participant struct {
	// Kind is contact (default), user or bot.
	Kind Kind
	// ID is the vendor's own ID of the contact, user or bot.
	ID string
	// ExternalID is your own ID for the person: Intercom user_id, Twilio
	// Identity.
	ExternalID string
	// Email is an email address.
	Email string
	// Phone is an E.164 phone number such as "+15558675310".
	Phone string
	// Channel says how Phone is reached: sms (default) or whatsapp.
	Channel Channel
	// Identifier is a raw channel identifier.
	Identifier Identifier
	// Attributes is a JSON object stored with the participant (Twilio).
	Attributes json.RawMessage
	// Status is the participant's initial status (Bird): active, invited or
	// pending. Empty means the vendor's default.
	Status Status
	// Use chooses the identity that Add sends, and that Get and Remove
	// look up, when several are set: UseID, UseExternalID, UseEmail,
	// UsePhone or UseIdentifier. Add sends that identity alone (with Kind
	// for ID and Channel for Phone); Get and Remove still check the others
	// against what the vendor reports. Empty: see Participant.
	Use IdentityField
	// ParticipantID is the vendor's ID of an existing participant, as
	// Result.ID and Member.ID give it. Get and Remove take it, before any
	// identity; Add refuses it.
	ParticipantID string
}

// Outcome says what the vendor reported about an add or a remove.
type Outcome int

// Outcomes.
const (
	// Unreported: the vendor does not say whether the participant was new
	// (Intercom).
	Unreported Outcome = iota
	// Added: the vendor added the participant.
	Added
	// AlreadyPresent: the vendor said the participant was already there.
	AlreadyPresent
	// Removed: the vendor removed the participant (Remove).
	Removed
	// AlreadyAbsent: the participant was not in the conversation, which
	// exists (Remove).
	AlreadyAbsent
	// Updated: the vendor changed the participant (Update).
	Updated
)

func (o Outcome) String() string {
	switch o {
	case Added:
		return "Added"
	case AlreadyPresent:
		return "AlreadyPresent"
	case Unreported:
		return "Unreported"
	case Removed:
		return "Removed"
	case AlreadyAbsent:
		return "AlreadyAbsent"
	case Updated:
		return "Updated"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Result is what the vendor said about a successful add, update or remove,
// and nothing more.
type Result struct {
	// Provider is the vendor: "intercom", "bird", "twilio", "sunshine", ...
	Provider string
	// ID is the vendor's ID of the participant: Intercom contact ID (when the
	// request named it), Bird participant ID, Twilio participant SID (MB...).
	ID string
	// Kind is the vendor's participant type as reported, if any.
	Kind Kind
	// Status is the vendor's participant status as reported, if any.
	Status Status
	// Outcome says whether the participant was added or already there,
	// updated, or removed or already absent.
	Outcome Outcome

	raw any
}

// String describes r for a person: "bird: Added participant 0511f314-...
// (contact, active)". A nil Result is "<nil>".
func (r *Result) String() string {
	if r == nil {
		return "<nil>"
	}
	s := r.Provider + ": " + r.Outcome.String() + " participant"
	if r.ID != "" {
		s += " " + r.ID
	}
	var details []string
	if r.Kind != "" {
		details = append(details, string(r.Kind))
	}
	if r.Status != "" {
		details = append(details, string(r.Status))
	}
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}

// As sets target, a pointer to the vendor's response type, to the decoded
// vendor response and reports whether it could: a **bird.Participant for
// Bird, a **twilio.Participant for Twilio, a **intercom.CustomersList for
// Intercom (a **intercom.ConversationContacts when a read of the
// conversation alone decided the Outcome: Remove's AlreadyAbsent, Add's
// AlreadyPresent with intercomparticipants.Options.ReportOutcome); each
// provider package documents its type.
func (r *Result) As(target any) bool {
	return assign(r.raw, target)
}

// assign sets *target to v when target is a non-nil pointer whose element v
// is assignable to.
func assign(v any, target any) bool {
	if v == nil || target == nil {
		return false
	}
	t := reflect.ValueOf(target)
	if t.Kind() != reflect.Pointer || t.IsNil() {
		return false
	}
	val := reflect.ValueOf(v)
	if !val.Type().AssignableTo(t.Elem().Type()) {
		return false
	}
	t.Elem().Set(val)
	return true
}
