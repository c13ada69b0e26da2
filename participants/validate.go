package participants

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/pathparam"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// ValidPhone reports whether s is an E.164 number: "+", a non-zero digit,
// at most 15 digits in all.
func ValidPhone(s string) bool { return e164.MatchString(s) }

// ValidEmail reports whether s is a bare email address (no display name,
// no angle brackets, no control characters), at most 254 bytes.
func ValidEmail(s string) bool {
	// net/mail accepts C1 controls (U+0080..U+009F) in a domain and a tab
	// in a quoted local part; no vendor does.
	if len(s) > 254 || s != strings.TrimSpace(s) || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return false
	}
	if simpleEmail(s) {
		return true
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// simpleEmail reports whether s is local@domain where both sides are
// dot-atoms made of ASCII letters, digits and "!#$%&'*+-/=?^_`{|}~": the
// common case, which net/mail would accept as it is, without its
// allocations. Anything else goes to net/mail.
func simpleEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && dotAtom(s[:at]) && dotAtom(s[at+1:])
}

func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validate checks what every provider needs, before any adapter runs. The
// provider name goes into the errors.
func (p *Participant) validate(provider string) error {
	if p.ParticipantID != "" {
		return Errorf(InvalidArgument, provider, "ParticipantID", "names an existing participant, for Get and Remove; Add takes the person's identities (ID, ExternalID, Email, Phone, Identifier)")
	}
	if p.ID == "" && p.ExternalID == "" && p.Email == "" && p.Phone == "" && p.Identifier.IsZero() {
		return Errorf(InvalidArgument, provider, "Participant", "no identity: set ID, ExternalID, Email, Phone or Identifier")
	}
	for _, f := range []struct{ name, v string }{
		{"ID", p.ID}, {"ExternalID", p.ExternalID}, {"Email", p.Email}, {"Phone", p.Phone},
		{"Identifier.Key", p.Identifier.Key}, {"Identifier.Value", p.Identifier.Value},
	} {
		if f.v != strings.TrimSpace(f.v) || strings.IndexFunc(f.v, unicode.IsControl) >= 0 {
			return Errorf(InvalidArgument, provider, f.name, "%s has surrounding space or control characters", pathparam.Quote(f.v))
		}
	}
	if err := p.validateUse(provider); err != nil {
		return err
	}
	switch p.Kind {
	case "", KindContact, KindUser, KindBot:
	default:
		return Errorf(InvalidArgument, provider, "Kind", "%s is not contact, user or bot", pathparam.Quote(string(p.Kind)))
	}
	if p.Kind != "" && p.Kind != KindContact && p.ID == "" {
		return Errorf(InvalidArgument, provider, "ID", "Kind %s needs the vendor's ID", p.Kind)
	}
	if p.Email != "" && !ValidEmail(p.Email) {
		return Errorf(InvalidArgument, provider, "Email", "%s is not an email address", pathparam.Quote(p.Email))
	}
	if p.Phone != "" && !ValidPhone(p.Phone) {
		return Errorf(InvalidArgument, provider, "Phone", "%s is not an E.164 number such as +15558675310", pathparam.Quote(p.Phone))
	}
	switch p.Channel {
	case "", ChannelSMS, ChannelWhatsApp:
	default:
		return Errorf(InvalidArgument, provider, "Channel", "%s is not sms or whatsapp", pathparam.Quote(string(p.Channel)))
	}
	if p.Channel != "" && p.Phone == "" {
		return Errorf(InvalidArgument, provider, "Channel", "set only with Phone")
	}
	if p.Identifier.Value == "" && p.Identifier.Key != "" {
		return Errorf(InvalidArgument, provider, "Identifier.Value", "empty while Identifier.Key is %s", pathparam.Quote(p.Identifier.Key))
	}
	if p.Attributes != nil {
		t := bytes.TrimSpace(p.Attributes)
		var obj map[string]json.RawMessage
		if len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &obj) != nil {
			return Errorf(InvalidArgument, provider, "Attributes", "not a JSON object")
		}
	}
	switch p.Status {
	case "", StatusActive, StatusInvited, StatusPending:
	default:
		return Errorf(InvalidArgument, provider, "Status", "%s is not active, invited or pending", pathparam.Quote(string(p.Status)))
	}
	return nil
}

// noIdentity is the error of a provider that supports none of the set
// identities of p.
func noIdentity(provider string, p *Participant) error {
	var set []string
	for _, f := range []struct{ name, v string }{
		{"ID", p.ID}, {"ExternalID", p.ExternalID}, {"Email", p.Email}, {"Phone", p.Phone}, {"Identifier", p.Identifier.Value},
	} {
		if f.v != "" {
			set = append(set, f.name)
		}
	}
	field := strings.Join(set, ", ")
	if p.Kind != "" && p.Kind != KindContact {
		field = "Kind"
		return Errorf(Unimplemented, provider, field, "%s cannot add a participant of kind %s", provider, p.Kind)
	}
	return Errorf(Unimplemented, provider, field, "%s cannot identify a participant by %s", provider, field)
}

// refuse returns an Unimplemented error naming field when cond holds.
func refuse(provider string, cond bool, field, why string) error {
	if !cond {
		return nil
	}
	return Errorf(Unimplemented, provider, field, "not expressible on %s: %s", provider, why)
}
