package intercom

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Intercom signs with HMAC-SHA1.
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/internal/webhook"
)

// WebhookError is a webhook request refused by WebhookVerifier.Verify, or a
// body refused by DecodeWebhook. Its Kind, tested with errors.Is, is one
// of ErrWebhookMissingHeader, ErrWebhookSignature, ErrWebhookTooLarge,
// ErrWebhookMalformed and ErrWebhookUnsupported. It is apierror.WebhookError,
// the same type in every vendor package.
type WebhookError = apierror.WebhookError

// The kinds of WebhookError (the apierror values of the same names), for
// errors.Is.
var (
	// ErrWebhookMissingHeader: no X-Hub-Signature.
	ErrWebhookMissingHeader = apierror.ErrWebhookMissingHeader
	// ErrWebhookSignature: the signature does not match the body.
	ErrWebhookSignature = apierror.ErrWebhookSignature
	// ErrWebhookStale is never returned by this package (Intercom signs no
	// timestamp); it is here so that every vendor package names every kind.
	ErrWebhookStale = apierror.ErrWebhookStale
	// ErrWebhookTooLarge: the body is longer than the verifier's limit.
	ErrWebhookTooLarge = apierror.ErrWebhookTooLarge
	// ErrWebhookMalformed: a signature that is not "sha1=" and 40 hex
	// digits; a body that is not a notification_event, or a contact
	// notification without the conversation or contact ID.
	ErrWebhookMalformed = apierror.ErrWebhookMalformed
	// ErrWebhookUnsupported: a notification of another topic (ping, ...).
	ErrWebhookUnsupported = apierror.ErrWebhookUnsupported
)

// DefaultWebhookMaxBody is the default cap on a webhook body (1 MiB);
// WithMaxBody changes it.
const DefaultWebhookMaxBody = 1 << 20

// SignatureHeader is the header in which Intercom sends its signature:
// "sha1=" and the lowercase hex HMAC-SHA1 of the body.
const SignatureHeader = "X-Hub-Signature"

// webhookVendor names Intercom in webhook errors.
const webhookVendor = "intercom"

// WebhookOption is a setting of NewWebhookVerifier.
type WebhookOption struct{ apply webhook.Option }

// WithMaxBody caps the body Verify reads (default DefaultWebhookMaxBody);
// a longer body is refused with ErrWebhookTooLarge. Intercom's contact
// notifications carry the whole conversation: raise it for conversations
// with very many parts.
func WithMaxBody(n int64) WebhookOption { return WebhookOption{webhook.MaxBody(n)} }

// WebhookVerifier checks that requests come from Intercom: X-Hub-Signature
// is "sha1=" followed by the hex HMAC-SHA1 of the raw body, keyed by the
// app's client secret (Developer Hub, Basic information). Create it with
// NewWebhookVerifier; it is safe for concurrent use.
type WebhookVerifier struct {
	key []byte
	cfg webhook.Config
}

// NewWebhookVerifier returns a verifier for the webhooks of the app whose
// client secret is clientSecret. An empty clientSecret, or an invalid
// option, is a *ParamError.
func NewWebhookVerifier(clientSecret string, opts ...WebhookOption) (*WebhookVerifier, error) {
	fs := make([]webhook.Option, len(opts))
	for i, o := range opts {
		fs[i] = o.apply
	}
	cfg, err := webhook.Build(webhookVendor, "clientSecret", clientSecret, fs)
	if err != nil {
		return nil, err
	}
	return &WebhookVerifier{key: []byte(clientSecret), cfg: cfg}, nil
}

// Verify checks that r's body was signed by Intercom and returns it; the
// body also stays readable in r.Body. It reads at most the verifier's
// limit, and compares in constant time. Otherwise it returns a
// *WebhookError: ErrWebhookMissingHeader, ErrWebhookMalformed (a header
// that is not "sha1=" and 40 hex digits), ErrWebhookTooLarge or
// ErrWebhookSignature. Intercom signs no timestamp, so a captured request
// can be replayed: de-duplicate by NotificationEvent.ID.
func (v *WebhookVerifier) Verify(r *http.Request) ([]byte, error) {
	h := r.Header.Get(SignatureHeader)
	if h == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMissingHeader, SignatureHeader, "absent or empty", nil)
	}
	hexSig, ok := strings.CutPrefix(h, "sha1=")
	var want [sha1.Size]byte
	if !ok || len(hexSig) != hex.EncodedLen(sha1.Size) {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, SignatureHeader, `not "sha1=" and 40 hex digits`, nil)
	}
	if _, err := hex.Decode(want[:], []byte(hexSig)); err != nil {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, SignatureHeader, `not "sha1=" and 40 hex digits`, nil)
	}
	body, err := webhook.ReadBody(r, v.cfg.MaxBody, webhookVendor)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha1.New, v.key)
	mac.Write(body)
	var sum [sha1.Size]byte
	if !hmac.Equal(mac.Sum(sum[:0]), want[:]) {
		return nil, webhook.Error(webhookVendor, ErrWebhookSignature, SignatureHeader, "does not match the body", nil)
	}
	return body, nil
}

// DecodeWebhook decodes the body Verify returned into the notification it
// carries. It returns a *WebhookError: ErrWebhookMalformed for a body that
// is not a JSON notification_event (unknown members are ignored), or a
// contact notification whose conversation ID or contact ID cannot be
// found; ErrWebhookUnsupported for a notification of a topic other than
// conversation.contact.attached and conversation.contact.detached (ping
// included: answer it 2xx).
//
// Decode only what Verify returned: a body that was not verified is
// anyone's.
func DecodeWebhook(body []byte) (*NotificationEvent, error) {
	ev := new(NotificationEvent)
	if err := json.Unmarshal(body, ev); err != nil {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "not a JSON notification", err)
	}
	if ev.Type != "notification_event" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", `type is not "notification_event"`, nil)
	}
	switch ev.Topic {
	case NotificationTopicContactAttached, NotificationTopicContactDetached:
	case "":
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no topic", nil)
	default:
		return nil, webhook.Error(webhookVendor, ErrWebhookUnsupported, "",
			"topic "+clipTopic(string(ev.Topic))+" is not a contact attach or detach", nil)
	}
	if ev.ConversationID() == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no conversation ID in data.item", nil)
	}
	if ev.ContactID() == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no contact ID in data.item.contact", nil)
	}
	return ev, nil
}

// ConversationID returns the ID of the conversation the notification is
// about, wherever the item holds it: data.item.conversation.id,
// data.item.conversation.model.id, or data.item.id when the item is the
// conversation itself (type "conversation"). A numeric ID is returned in
// decimal. It returns "" when there is none.
func (e *NotificationEvent) ConversationID() string {
	it := e.Data.Item
	if c := it.Conversation; c != nil {
		if id := rawID(c.ID); id != "" {
			return id
		}
		if c.Model != nil {
			if id := rawID(c.Model.ID); id != "" {
				return id
			}
		}
	}
	if it.Type == "conversation" {
		return it.ID
	}
	return ""
}

// ContactID returns the Intercom ID of the contact attached or detached
// (data.item.contact.id), or "".
func (e *NotificationEvent) ContactID() string {
	if e.Data.Item.Contact == nil {
		return ""
	}
	return e.Data.Item.Contact.ID
}

// rawID returns a JSON string's value or a JSON integer's digits, or "".
func rawID(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&n) != nil {
		return ""
	}
	if _, err := n.Int64(); err != nil {
		return ""
	}
	return n.String()
}

// clipTopic bounds a topic for an error message and replaces its control
// characters.
func clipTopic(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
