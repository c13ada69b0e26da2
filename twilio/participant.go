package twilio

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// Limits Twilio documents for the create form.
const (
	// MaxAddressLen is the longest Identity, MessagingBinding.Address,
	// MessagingBinding.ProxyAddress or MessagingBinding.ProjectedAddress, in
	// characters.
	MaxAddressLen = 256
	// MaxAttributesLen is the longest Attributes JSON text, in bytes.
	MaxAttributesLen = 4096
)

// CreateParticipantParams is the form body (and the webhook header) of
// CreateParticipant, POST /v1/Conversations/{ConversationSid}/Participants.
// Empty and zero fields are not sent.
//
// Two shapes are accepted:
//   - a chat (SDK) participant: Identity, and for Group MMS optionally
//     ProjectedAddress; ProjectedAddress may also be set alone for a Twilio
//     number that speaks in a Group MMS conversation;
//   - a messaging participant: Address with ProxyAddress (SMS, or WhatsApp
//     with "whatsapp:+..." addresses), or Address alone for a Group MMS
//     participant.
//
// Identity together with Address or ProxyAddress, ProjectedAddress together
// with Address, ProxyAddress without Address, and none of Identity, Address
// and ProjectedAddress are refused before any request.
type CreateParticipantParams struct {
	// Identity is the form key Identity: the Conversations user identity of
	// a chat participant, at most 256 characters.
	Identity string
	// Address is the form key MessagingBinding.Address: the participant's
	// phone number ("+15558675310") or WhatsApp address
	// ("whatsapp:+15558675310"), at most 256 characters.
	Address string
	// ProxyAddress is the form key MessagingBinding.ProxyAddress: the Twilio
	// number (or "whatsapp:+..." sender) the participant talks to, at most
	// 256 characters.
	ProxyAddress string
	// ProjectedAddress is the form key MessagingBinding.ProjectedAddress: the
	// Twilio number that represents a chat participant in Group MMS, at most
	// 256 characters.
	ProjectedAddress string
	// Attributes is the form key Attributes: JSON text, at most 4096 bytes.
	// It is sensitive: it never appears in an error.
	Attributes string
	// RoleSID is the form key RoleSid: a conversation-level role, RL followed
	// by 32 hex digits.
	RoleSID string
	// DateCreated is the form key DateCreated, sent in UTC as RFC 3339 with
	// whole seconds ("2015-12-16T22:18:37Z"). The zero time is not sent.
	DateCreated time.Time
	// DateUpdated is the form key DateUpdated, formatted as DateCreated.
	DateUpdated time.Time
	// WebhookEnabled sends the header X-Twilio-Webhook-Enabled: true, which
	// makes this REST-originated change fire the conversation's webhooks.
	WebhookEnabled bool
}

func invalid(field, reason string) error {
	return &pathparam.Error{Vendor: vendor, Field: field, Reason: reason}
}

func (p *CreateParticipantParams) validate() error {
	for _, f := range []struct{ key, v string }{
		{"Identity", p.Identity},
		{"MessagingBinding.Address", p.Address},
		{"MessagingBinding.ProxyAddress", p.ProxyAddress},
		{"MessagingBinding.ProjectedAddress", p.ProjectedAddress},
	} {
		if f.v == "" {
			continue
		}
		if err := pathparam.CheckText(vendor, f.key, f.v, MaxAddressLen); err != nil {
			return err
		}
	}
	switch {
	case p.Identity == "" && p.Address == "" && p.ProjectedAddress == "":
		if p.ProxyAddress != "" {
			return invalid("MessagingBinding.ProxyAddress", "set without MessagingBinding.Address")
		}
		return invalid("Identity", "none of Identity, MessagingBinding.Address and MessagingBinding.ProjectedAddress is set")
	case p.Identity != "" && p.Address != "":
		return invalid("MessagingBinding.Address", "set together with Identity: a participant is either a chat identity or a messaging address")
	case p.Identity != "" && p.ProxyAddress != "":
		return invalid("MessagingBinding.ProxyAddress", "set together with Identity: a chat participant has no proxy address")
	case p.ProxyAddress != "" && p.Address == "":
		return invalid("MessagingBinding.ProxyAddress", "set without MessagingBinding.Address")
	case p.ProjectedAddress != "" && p.Address != "":
		return invalid("MessagingBinding.ProjectedAddress", "set together with MessagingBinding.Address: a projected address belongs to a chat participant")
	}
	return validateCommon(p.Attributes, p.RoleSID, p.DateCreated, p.DateUpdated)
}

// validateCommon checks the fields create and update share.
func validateCommon(attributes, roleSID string, dateCreated, dateUpdated time.Time) error {
	if attributes != "" {
		switch {
		case len(attributes) > MaxAttributesLen:
			return invalid("Attributes", fmt.Sprintf("%d bytes, more than %d", len(attributes), MaxAttributesLen))
		case !utf8.ValidString(attributes) || !json.Valid([]byte(attributes)):
			return invalid("Attributes", "not valid JSON")
		}
	}
	if roleSID != "" && !pathparam.IsSID("RL", roleSID) {
		return invalid("RoleSid", "not a role SID (RL followed by 32 hex digits)")
	}
	for _, d := range []struct {
		key string
		t   time.Time
	}{{"DateCreated", dateCreated}, {"DateUpdated", dateUpdated}} {
		if !d.t.IsZero() {
			if y := d.t.UTC().Year(); y < 0 || y > 9999 {
				return invalid(d.key, fmt.Sprintf("year %d is outside 0..9999", y))
			}
		}
	}
	return nil
}

// formTime is the layout of Twilio form dates: RFC 3339, UTC, whole seconds.
const formTime = "2006-01-02T15:04:05Z"

// formDate formats a form date, "" for the zero time.
func formDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(formTime)
}

// encodeCreateForm encodes p as application/x-www-form-urlencoded, keys in
// alphabetical order (as Twilio's own SDKs send them), escaped as
// url.QueryEscape does. Empty fields are left out. It does not validate.
func encodeCreateForm(p CreateParticipantParams) []byte {
	return encodeForm([]formField{
		{"Attributes", p.Attributes},
		{"DateCreated", formDate(p.DateCreated)},
		{"DateUpdated", formDate(p.DateUpdated)},
		{"Identity", p.Identity},
		{"MessagingBinding.Address", p.Address},
		{"MessagingBinding.ProjectedAddress", p.ProjectedAddress},
		{"MessagingBinding.ProxyAddress", p.ProxyAddress},
		{"RoleSid", p.RoleSID},
	})
}

// formField is one key and value of a form; an empty value is not sent.
type formField struct{ key, v string }

// encodeForm returns the non-empty fields as key=value pairs joined by
// '&', both escaped as url.QueryEscape does, in one buffer sized for the
// worst case.
func encodeForm(fields []formField) []byte {
	n := 0
	for _, f := range fields {
		if f.v != "" {
			n += len(f.key) + 2 + 3*len(f.v)
		}
	}
	b := make([]byte, 0, n)
	first := true
	for _, f := range fields {
		if f.v == "" {
			continue
		}
		if !first {
			b = append(b, '&')
		}
		first = false
		b = appendQueryEscape(b, f.key)
		b = append(b, '=')
		b = appendQueryEscape(b, f.v)
	}
	return b
}

// appendQueryEscape appends s escaped as url.QueryEscape does: unreserved
// bytes as they are, space as '+', every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}
