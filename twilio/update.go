package twilio

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
)

// removeLiteral is the form value with which Twilio removes a
// messaging-binding address on update.
const removeLiteral = "null"

// AddressUpdate is the change UpdateParticipant makes to one
// messaging-binding address (MessagingBinding.ProxyAddress or
// MessagingBinding.ProjectedAddress). The zero value leaves the address as
// it is and sends nothing; SetAddress sends a new address; RemoveAddress
// sends Twilio's literal "null", which removes it. The three states are
// explicit so that neither an empty string nor the text "null" is ever sent
// by accident.
type AddressUpdate struct {
	value  string
	set    bool
	remove bool
}

// SetAddress is an AddressUpdate that sets the address to addr, such as
// "+15017122661". An empty addr, or the literal "null" (use RemoveAddress),
// is refused by UpdateParticipant before any request.
func SetAddress(addr string) AddressUpdate { return AddressUpdate{value: addr, set: true} }

// RemoveAddress is an AddressUpdate that removes the address: it sends the
// literal value "null", which Twilio documents for this.
func RemoveAddress() AddressUpdate { return AddressUpdate{remove: true} }

// IsZero reports whether u leaves the address as it is.
func (u AddressUpdate) IsZero() bool { return !u.set && !u.remove }

// formValue is what u sends: "" for nothing.
func (u AddressUpdate) formValue() string {
	if u.remove {
		return removeLiteral
	}
	return u.value
}

// validate checks a set address; field is its form key.
func (u AddressUpdate) validate(field string) error {
	if !u.set {
		return nil
	}
	if u.value == removeLiteral {
		return invalid(field, `the literal "null" removes the address: use RemoveAddress()`)
	}
	return pathparam.CheckText(vendor, field, u.value, MaxAddressLen)
}

// UpdateParticipantParams is the form body (and the webhook header) of
// UpdateParticipant, POST /v1/Conversations/{ConversationSid}/Participants/{Sid}.
// Every field is optional and a zero field is not sent, so it leaves the
// participant's value as it is; at least one field must be set.
type UpdateParticipantParams struct {
	// Identity is the form key Identity: a new chat identity, at most 256
	// characters.
	Identity string
	// Attributes is the form key Attributes: JSON text, at most 4096 bytes,
	// replacing the participant's attributes. It is sensitive: it never
	// appears in an error.
	Attributes string
	// RoleSID is the form key RoleSid: a conversation-level role, RL
	// followed by 32 hex digits.
	RoleSID string
	// ProxyAddress is the form key MessagingBinding.ProxyAddress: set with
	// SetAddress, remove with RemoveAddress.
	ProxyAddress AddressUpdate
	// ProjectedAddress is the form key MessagingBinding.ProjectedAddress:
	// set with SetAddress, remove with RemoveAddress.
	ProjectedAddress AddressUpdate
	// DateCreated is the form key DateCreated, sent in UTC as RFC 3339 with
	// whole seconds. The zero time is not sent.
	DateCreated time.Time
	// DateUpdated is the form key DateUpdated, formatted as DateCreated.
	DateUpdated time.Time
	// LastReadMessageIndex is the form key LastReadMessageIndex, the index
	// of the last message the participant read (0 is a real index); nil is
	// not sent, a negative index is refused.
	LastReadMessageIndex *int
	// LastReadTimestamp is the form key LastReadTimestamp, the timestamp of
	// the last message the participant read, sent as it is (at most 256
	// characters).
	LastReadTimestamp string
	// WebhookEnabled sends the header X-Twilio-Webhook-Enabled: true, which
	// makes this REST-originated change fire the conversation's webhooks.
	// It is not a change by itself.
	WebhookEnabled bool
}

func (p *UpdateParticipantParams) validate() error {
	if p.Identity == "" && p.Attributes == "" && p.RoleSID == "" && p.ProxyAddress.IsZero() &&
		p.ProjectedAddress.IsZero() && p.DateCreated.IsZero() && p.DateUpdated.IsZero() &&
		p.LastReadMessageIndex == nil && p.LastReadTimestamp == "" {
		return invalid("params", "nothing to update: set at least one field")
	}
	for _, f := range []struct{ key, v string }{
		{"Identity", p.Identity},
		{"LastReadTimestamp", p.LastReadTimestamp},
	} {
		if f.v == "" {
			continue
		}
		if err := pathparam.CheckText(vendor, f.key, f.v, MaxAddressLen); err != nil {
			return err
		}
	}
	if err := p.ProxyAddress.validate("MessagingBinding.ProxyAddress"); err != nil {
		return err
	}
	if err := p.ProjectedAddress.validate("MessagingBinding.ProjectedAddress"); err != nil {
		return err
	}
	if p.LastReadMessageIndex != nil && *p.LastReadMessageIndex < 0 {
		return invalid("LastReadMessageIndex", fmt.Sprintf("%d is negative", *p.LastReadMessageIndex))
	}
	return validateCommon(p.Attributes, p.RoleSID, p.DateCreated, p.DateUpdated)
}

// encodeUpdateForm encodes p as application/x-www-form-urlencoded, keys in
// alphabetical order. Zero fields are left out. It does not validate.
func encodeUpdateForm(p UpdateParticipantParams) []byte {
	var index string
	if p.LastReadMessageIndex != nil {
		index = strconv.Itoa(*p.LastReadMessageIndex)
	}
	return encodeForm([]formField{
		{"Attributes", p.Attributes},
		{"DateCreated", formDate(p.DateCreated)},
		{"DateUpdated", formDate(p.DateUpdated)},
		{"Identity", p.Identity},
		{"LastReadMessageIndex", index},
		{"LastReadTimestamp", p.LastReadTimestamp},
		{"MessagingBinding.ProjectedAddress", p.ProjectedAddress.formValue()},
		{"MessagingBinding.ProxyAddress", p.ProxyAddress.formValue()},
		{"RoleSid", p.RoleSID},
	})
}

// UpdateParticipant changes a participant of a conversation:
// POST /v1/Conversations/{ConversationSid}/Participants/{Sid}, or on a
// Service view POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}.
// participantSID is the participant's MB SID (Twilio documents no identity
// here). p is validated before any request is sent: an update that sets
// nothing is refused. Twilio answers 200 with the updated participant.
//
// opts are per-call options, as for CreateParticipant. An update sets
// values, so repeating it changes nothing more: the call is idempotent and
// is retried on 5xx and transport errors too.
func (c *Client) UpdateParticipant(ctx context.Context, conversationSID, participantSID string, p UpdateParticipantParams, opts ...option.Option) (*Participant, error) {
	op := c.operation(opUpdate, true)
	return clientopt.Do(ctx, c.conn, op, opts,
		[]clientopt.Param{clientopt.Path("conversationSID", conversationSID), clientopt.SID("participantSID", "MB", participantSID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			if err := p.validate(); err != nil {
				return nil, err
			}
			body := transport.NewBody(encodeUpdateForm(p))
			hook := webhookHeader(p.WebhookEnabled)
			if c.service != "" {
				return newUpdateServiceConversationParticipantRequestWithBody(ctx, server, c.service, conversationSID, participantSID,
					&updateServiceConversationParticipantParams{XTwilioWebhookEnabled: hook}, formContentType, body)
			}
			return newUpdateConversationParticipantRequestWithBody(ctx, server, conversationSID, participantSID,
				&updateConversationParticipantParams{XTwilioWebhookEnabled: hook}, formContentType, body)
		},
		func(resp *http.Response, body []byte) (*Participant, error) { return c.participant(op, resp, body) })
}
