package driver

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidPhone reports whether s is an E.164 number: "+", a non-zero digit,
// at most 15 digits in all.
func ValidPhone(s string) bool {
	// "+", a first digit 1-9, then 1 to 14 more digits: 2 to 15 digits.
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

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

// ValidAttributes reports whether raw is a JSON object (surrounding space
// allowed).
func ValidAttributes(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	var obj map[string]json.RawMessage
	return len(t) > 0 && t[0] == '{' && json.Unmarshal(t, &obj) == nil
}

// identities returns the names of the identities set in p, in the order
// ID, ExternalID, Email, Phone, Identifier.
func identities(p *Participant) []string {
	var set []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"ID", p.ID != ""}, {"ExternalID", p.ExternalID != ""}, {"Email", p.Email != ""},
		{"Phone", p.Phone != ""}, {"Identifier", !p.Identifier.IsZero()},
	} {
		if f.set {
			set = append(set, f.name)
		}
	}
	return set
}

// OneIdentity is the refusal of a provider whose vendor takes one identity
// per add: an InvalidArgument *Error naming the identities set in p when
// there are several, with why the vendor cannot send them together; nil
// for one or none.
func OneIdentity(provider string, p *Participant, why string) error {
	set := identities(p)
	if len(set) < 2 {
		return nil
	}
	field := strings.Join(set, ", ")
	return Errorf(InvalidArgument, provider, field, "%s cannot send %s together (%s); set Participant.Use to the one to send", provider, strings.Join(set, " and "), why)
}

// NoIdentity is the Unimplemented *Error of a provider that supports none
// of the identities set in p (or not its Kind), naming them.
func NoIdentity(provider string, p *Participant) error {
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
		return Errorf(Unimplemented, provider, "Kind", "%s cannot add a participant of kind %s", provider, p.Kind)
	}
	return Errorf(Unimplemented, provider, field, "%s cannot identify a participant by %s", provider, field)
}

// Refuse returns an Unimplemented *Error naming field, "not expressible on
// <provider>: why", when cond holds, and nil otherwise.
func Refuse(provider string, cond bool, field, why string) error {
	if !cond {
		return nil
	}
	return Errorf(Unimplemented, provider, field, "not expressible on %s: %s", provider, why)
}
