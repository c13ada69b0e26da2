package driver

import "encoding/json"

// Kind is what sort of participant a Participant, Result or Member
// describes. A vendor may report others (Bird "agent", ...): a Result
// keeps the vendor's value as it is.
type Kind string

// Kinds.
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
	// ChannelWhatsApp addresses the number on WhatsApp.
	ChannelWhatsApp Channel = "whatsapp"
)

// Status is a participant's state in a conversation.
type Status string

// Statuses.
const (
	StatusActive  Status = "active"
	StatusInvited Status = "invited"
	StatusPending Status = "pending"
)

// Identifier is a raw channel identifier: a key and a value (Bird's
// identifierKey and identifierValue), or a messaging address in Value.
type Identifier struct {
	Key   string
	Value string
}

// IsZero reports whether neither Key nor Value is set.
func (i Identifier) IsZero() bool { return i.Key == "" && i.Value == "" }

// Participant is the participant of a call as the Client hands it to a
// Provider: validated (well-formed identities, a known Kind, Channel and
// Status, Attributes a JSON object) and, when the user chose one identity
// among several, with that identity alone. For Get, Remove and Update it
// names an existing participant by ParticipantID or by its identities.
type Participant struct {
	// Kind is contact (or empty), user or bot.
	Kind Kind
	// ID is the vendor's own ID of the contact, user or bot.
	ID string
	// ExternalID is the user's own ID for the person.
	ExternalID string
	// Email is an email address.
	Email string
	// Phone is an E.164 phone number.
	Phone string
	// Channel says how Phone is reached: sms (or empty) or whatsapp.
	Channel Channel
	// Identifier is a raw channel identifier.
	Identifier Identifier
	// Attributes is a JSON object stored with the participant (Add).
	Attributes json.RawMessage
	// Status is the participant's initial status (Add).
	Status Status
	// ParticipantID is the vendor's ID of an existing participant (Get,
	// Remove, Update); never set for Add.
	ParticipantID string
}

// Outcome says what the vendor reported about a write.
type Outcome int

// Outcomes, with the same values as the participants package's.
const (
	// Unreported: the vendor does not say whether the participant was new.
	Unreported Outcome = iota
	// Added: the vendor added the participant.
	Added
	// AlreadyPresent: the vendor said the participant was already there.
	AlreadyPresent
	// Removed: the vendor removed the participant.
	Removed
	// AlreadyAbsent: the participant was not in the conversation, which
	// exists.
	AlreadyAbsent
	// Updated: the vendor changed the participant (Update).
	Updated
)

// Result is what the vendor said about a successful write, and nothing
// more.
type Result struct {
	// Provider is the vendor name.
	Provider string
	// ID is the vendor's ID of the participant.
	ID string
	// Kind is the vendor's participant type as reported, if any.
	Kind Kind
	// Status is the vendor's participant status as reported, if any.
	Status Status
	// Outcome says what the write did.
	Outcome Outcome
	// Raw is the decoded vendor response, which the user reaches with
	// participants.Result.As; nil when there is none.
	Raw any
}

// NewResult returns a Result whose Raw is raw, the decoded vendor response.
func NewResult(provider, id string, kind Kind, status Status, outcome Outcome, raw any) *Result {
	return &Result{Provider: provider, ID: id, Kind: kind, Status: status, Outcome: outcome, Raw: raw}
}

// Member is a participant of a conversation as the vendor lists it.
type Member struct {
	// Provider is the vendor name.
	Provider string
	// ID is the vendor's participant ID (never empty), the one
	// Participant.ParticipantID takes.
	ID string
	// Kind is the vendor's participant type as reported, if any.
	Kind Kind
	// Status is the vendor's participant status as reported, if any.
	Status Status
	// ContactID is the vendor's own ID of the contact, user or bot behind
	// the participant, when the vendor reports one.
	ContactID string
	// ExternalID is the user's own ID of the person, when reported.
	ExternalID string
	// Email is the person's email address, when reported.
	Email string
	// Phone is the person's E.164 phone number, when reported.
	Phone string
	// Channel says how Phone is reached, when reported.
	Channel Channel
	// Identifier is the raw channel identifier or address reported.
	Identifier Identifier
	// Raw is the decoded vendor record, which the user reaches with
	// participants.Member.As.
	Raw any
}

// NewMember returns m with Raw set to raw, the decoded vendor record.
func NewMember(m Member, raw any) *Member {
	m.Raw = raw
	return &m
}

// NewPage returns the page of items whose next page has the token next (""
// on the last page). Each item's Member is member(item) with Raw set to
// the item (a pointer into items); the members share one allocation, not
// one each.
func NewPage[T any](items []T, next string, member func(*T) Member) *Page {
	block := make([]Member, len(items))
	p := &Page{Members: make([]*Member, len(items)), Next: next}
	for i := range items {
		block[i] = member(&items[i])
		block[i].Raw = &items[i]
		p.Members[i] = &block[i]
	}
	return p
}

// Page is one page of a conversation's participants.
type Page struct {
	// Members are the participants on this page.
	Members []*Member
	// Next is the vendor's token of the next page, "" on the last page.
	Next string
}
