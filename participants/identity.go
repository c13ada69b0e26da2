package participants

import "strings"

// IdentityField names one identity of a Participant, for Participant.Use.
type IdentityField string

// The identities of a Participant, in the order in which Get and Remove
// try them when Use is empty.
const (
	// UseID chooses Participant.ID (with its Kind).
	UseID IdentityField = "ID"
	// UseExternalID chooses Participant.ExternalID.
	UseExternalID IdentityField = "ExternalID"
	// UseEmail chooses Participant.Email.
	UseEmail IdentityField = "Email"
	// UsePhone chooses Participant.Phone (with its Channel).
	UsePhone IdentityField = "Phone"
	// UseIdentifier chooses Participant.Identifier.
	UseIdentifier IdentityField = "Identifier"
)

// identityOrder is the order of the identities: ID, ExternalID, Email,
// Phone, Identifier.
var identityOrder = [...]IdentityField{UseID, UseExternalID, UseEmail, UsePhone, UseIdentifier}

// has reports whether identity f of p is set.
func (p *Participant) has(f IdentityField) bool {
	switch f {
	case UseID:
		return p.ID != ""
	case UseExternalID:
		return p.ExternalID != ""
	case UseEmail:
		return p.Email != ""
	case UsePhone:
		return p.Phone != ""
	case UseIdentifier:
		return !p.Identifier.IsZero()
	}
	return false
}

// identities returns the identities set in p, in the order ID, ExternalID,
// Email, Phone, Identifier.
func (p *Participant) identities() []IdentityField {
	var set []IdentityField
	for _, f := range identityOrder {
		if p.has(f) {
			set = append(set, f)
		}
	}
	return set
}

// only returns p with identity f alone: the others are cleared, and so
// are what qualifies them (Kind qualifies ID, Channel qualifies Phone),
// and Use.
func (p Participant) only(f IdentityField) Participant {
	q := p
	q.Use = ""
	if f != UseID {
		q.ID, q.Kind = "", ""
	}
	if f != UseExternalID {
		q.ExternalID = ""
	}
	if f != UseEmail {
		q.Email = ""
	}
	if f != UsePhone {
		q.Phone, q.Channel = "", ""
	}
	if f != UseIdentifier {
		q.Identifier = Identifier{}
	}
	return q
}

// validateUse checks p.Use: empty, or one of the Use constants naming an
// identity that is set.
func (p *Participant) validateUse(provider string) error {
	if p.Use == "" {
		return nil
	}
	switch p.Use {
	case UseID, UseExternalID, UseEmail, UsePhone, UseIdentifier:
	default:
		return errorf(InvalidArgument, provider, "Use", "%q is not ID, ExternalID, Email, Phone or Identifier", string(p.Use))
	}
	if !p.has(p.Use) {
		return errorf(InvalidArgument, provider, "Use", "names %s, which is empty", p.Use)
	}
	if p.Kind != "" && p.Kind != KindContact && p.Use != UseID {
		return errorf(InvalidArgument, provider, "Use", "names %s, but Kind %s is identified by ID", p.Use, p.Kind)
	}
	return nil
}

// contradiction returns the first identity of p that m reports with
// another value, "" when none does. An identity m does not report (empty)
// contradicts nothing. Emails compare without regard to case.
func contradiction(p *Participant, m *Member) IdentityField {
	differ := func(given, reported string) bool { return given != "" && reported != "" && given != reported }
	switch {
	case differ(p.ID, m.ContactID):
		return UseID
	case differ(p.ExternalID, m.ExternalID):
		return UseExternalID
	case p.Email != "" && m.Email != "" && !strings.EqualFold(p.Email, m.Email):
		return UseEmail
	case differ(p.Phone, m.Phone), p.Phone != "" && m.Phone != "" && differ(string(channel(p.Channel)), string(m.Channel)):
		return UsePhone
	case differ(p.Identifier.Value, m.Identifier.Value), differ(p.Identifier.Key, m.Identifier.Key):
		return UseIdentifier
	}
	return ""
}

// channel is c, or ChannelSMS, the default, when c is empty.
func channel(c Channel) Channel {
	if c == "" {
		return ChannelSMS
	}
	return c
}
