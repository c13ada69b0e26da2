package participants

import (
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
)

// validate checks what every provider needs, before any adapter runs. The
// provider name goes into the errors.
func (p *Participant) validate(provider string) error {
	if p.ParticipantID != "" {
		return errorf(InvalidArgument, provider, "ParticipantID", "names an existing participant, for Get and Remove; Add takes the person's identities (ID, ExternalID, Email, Phone, Identifier)")
	}
	if p.ID == "" && p.ExternalID == "" && p.Email == "" && p.Phone == "" && p.Identifier.IsZero() {
		return errorf(InvalidArgument, provider, "Participant", "no identity: set ID, ExternalID, Email, Phone or Identifier")
	}
	for _, f := range []struct{ name, v string }{
		{"ID", p.ID}, {"ExternalID", p.ExternalID}, {"Email", p.Email}, {"Phone", p.Phone},
		{"Identifier.Key", p.Identifier.Key}, {"Identifier.Value", p.Identifier.Value},
	} {
		if f.v != strings.TrimSpace(f.v) || strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			return errorf(InvalidArgument, provider, f.name, "%s has surrounding space or control characters", pathparam.Quote(f.v))
		}
	}
	if err := p.validateUse(provider); err != nil {
		return err
	}
	switch p.Kind {
	case "", KindContact, KindUser, KindBot:
	default:
		return errorf(InvalidArgument, provider, "Kind", "%s is not contact, user or bot", pathparam.Quote(string(p.Kind)))
	}
	if p.Kind != "" && p.Kind != KindContact && p.ID == "" {
		return errorf(InvalidArgument, provider, "ID", "Kind %s needs the vendor's ID", p.Kind)
	}
	if p.Email != "" && !driver.ValidEmail(p.Email) {
		return errorf(InvalidArgument, provider, "Email", "%s is not an email address", pathparam.Quote(p.Email))
	}
	if p.Phone != "" && !driver.ValidPhone(p.Phone) {
		return errorf(InvalidArgument, provider, "Phone", "%s is not an E.164 number such as +15558675310", pathparam.Quote(p.Phone))
	}
	switch p.Channel {
	case "", ChannelSMS, ChannelWhatsApp:
	default:
		return errorf(InvalidArgument, provider, "Channel", "%s is not sms or whatsapp", pathparam.Quote(string(p.Channel)))
	}
	if p.Channel != "" && p.Phone == "" {
		return errorf(InvalidArgument, provider, "Channel", "set only with Phone")
	}
	if p.Identifier.Value == "" && p.Identifier.Key != "" {
		return errorf(InvalidArgument, provider, "Identifier.Value", "empty while Identifier.Key is %s", pathparam.Quote(p.Identifier.Key))
	}
	if p.Attributes != nil && !driver.ValidAttributes(p.Attributes) {
		return errorf(InvalidArgument, provider, "Attributes", "not a JSON object")
	}
	switch p.Status {
	case "", StatusActive, StatusInvited, StatusPending:
	default:
		return errorf(InvalidArgument, provider, "Status", "%s is not active, invited or pending", pathparam.Quote(string(p.Status)))
	}
	return nil
}
