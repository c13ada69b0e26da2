package sunshine

import (
	"encoding/json"
	"net/http"
	"strconv"
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
	// ErrWebhookMissingHeader: no X-API-Key.
	ErrWebhookMissingHeader = apierror.ErrWebhookMissingHeader
	// ErrWebhookSignature: X-API-Key is not the webhook's secret.
	ErrWebhookSignature = apierror.ErrWebhookSignature
	// ErrWebhookStale is never returned by this package (Sunshine sends no
	// timestamp); it is here so that every vendor package names every kind.
	ErrWebhookStale = apierror.ErrWebhookStale
	// ErrWebhookTooLarge: the body is longer than the verifier's limit.
	ErrWebhookTooLarge = apierror.ErrWebhookTooLarge
	// ErrWebhookMalformed: a body that is not a JSON v2 webhook payload
	// with events, an event without id or type, a participant event
	// without conversation or user ID.
	ErrWebhookMalformed = apierror.ErrWebhookMalformed
	// ErrWebhookUnsupported: a payload of another version than v2.
	ErrWebhookUnsupported = apierror.ErrWebhookUnsupported
)

// DefaultWebhookMaxBody is the default cap on a webhook body (1 MiB);
// WithMaxBody changes it.
const DefaultWebhookMaxBody = 1 << 20

// APIKeyHeader is the header in which Sunshine Conversations sends the
// webhook's secret.
const APIKeyHeader = "X-API-Key"

// webhookVendor names Sunshine in webhook errors.
const webhookVendor = "sunshine"

// WebhookOption is a setting of NewWebhookVerifier.
type WebhookOption struct{ apply webhook.Option }

// WithMaxBody caps the body Verify reads (default DefaultWebhookMaxBody);
// a longer body is refused with ErrWebhookTooLarge. A request batches
// events, and includeFullUser makes each larger: raise it if needed.
func WithMaxBody(n int64) WebhookOption { return WebhookOption{webhook.MaxBody(n)} }

// WebhookVerifier checks that requests come from Sunshine Conversations:
// the X-API-Key header must be the webhook's secret (the secret member of
// the webhook, returned when it is created). Sunshine signs nothing and
// sends no timestamp: the secret proves only that the sender knows it, so
// serve the webhook over HTTPS only, and de-duplicate by event ID. Create
// it with NewWebhookVerifier; it is safe for concurrent use.
type WebhookVerifier struct {
	secret string
	cfg    webhook.Config
}

// NewWebhookVerifier returns a verifier for the webhook whose secret is
// secret. An empty secret, or an invalid option, is a *ParamError.
func NewWebhookVerifier(secret string, opts ...WebhookOption) (*WebhookVerifier, error) {
	fs := make([]webhook.Option, len(opts))
	for i, o := range opts {
		fs[i] = o.apply
	}
	cfg, err := webhook.Build(webhookVendor, "secret", secret, fs)
	if err != nil {
		return nil, err
	}
	return &WebhookVerifier{secret: secret, cfg: cfg}, nil
}

// Verify checks that r carries the webhook's secret and returns its body;
// the body also stays readable in r.Body. The comparison takes a time that
// depends neither on the secret nor on the header (their SHA-256 digests
// are compared). It reads at most the verifier's limit. Otherwise it
// returns a *WebhookError: ErrWebhookMissingHeader, ErrWebhookSignature or
// ErrWebhookTooLarge.
//
// Sunshine does not retry after 400, 401, 403, 404 or 406: refuse a bad
// key with one of them, but answer a transient fault of your own with 5xx
// or 429.
func (v *WebhookVerifier) Verify(r *http.Request) ([]byte, error) {
	key := r.Header.Get(APIKeyHeader)
	if key == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMissingHeader, APIKeyHeader, "absent or empty", nil)
	}
	if !webhook.EqualSecret(key, v.secret) {
		return nil, webhook.Error(webhookVendor, ErrWebhookSignature, APIKeyHeader, "is not the webhook's secret", nil)
	}
	return webhook.ReadBody(r, v.cfg.MaxBody, webhookVendor)
}

// DecodeWebhook decodes the body Verify returned into the batch of events
// it carries, every event kept in order (use ParticipantEvents for the
// joins and leaves). It returns a *WebhookError: ErrWebhookUnsupported for
// a payload whose webhook version is not v2; ErrWebhookMalformed for a
// body that is not a JSON v2 payload with at least one event (unknown
// members are ignored, but a known member of the wrong JSON type fails the
// whole batch), for an event without id or type, and for a
// conversation:join or conversation:leave without conversation ID or user
// ID.
//
// Decode only what Verify returned: a body that was not verified is
// anyone's.
func DecodeWebhook(body []byte) (*WebhookPayload, error) {
	p := new(WebhookPayload)
	if err := json.Unmarshal(body, p); err != nil {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "not a JSON webhook payload", err)
	}
	if p.Webhook != nil && p.Webhook.Version != "" && p.Webhook.Version != "v2" {
		return nil, webhook.Error(webhookVendor, ErrWebhookUnsupported, "",
			"webhook version "+clipVersion(p.Webhook.Version)+" (conversekit reads v2)", nil)
	}
	if len(p.Events) == 0 {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no events", nil)
	}
	for i, e := range p.Events {
		at := "events[" + strconv.Itoa(i) + "]"
		switch {
		case e.ID == "":
			return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", at+" has no id", nil)
		case e.Type == "":
			return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", at+" has no type", nil)
		case !isParticipantEvent(e.Type):
			// Other events are kept as they are.
		case e.Payload == nil || e.Payload.Conversation == nil || e.Payload.Conversation.ID == "":
			return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", at+" ("+string(e.Type)+") has no conversation id", nil)
		case e.Payload.User == nil || e.Payload.User.ID == "":
			return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", at+" ("+string(e.Type)+") has no user id", nil)
		}
	}
	return p, nil
}

// ParticipantEvents returns the conversation:join and conversation:leave
// events of the batch, in order. After DecodeWebhook, each has a
// conversation ID and a user ID.
func (p *WebhookPayload) ParticipantEvents() []WebhookEvent {
	var out []WebhookEvent
	for _, e := range p.Events {
		if isParticipantEvent(e.Type) {
			out = append(out, e)
		}
	}
	return out
}

func isParticipantEvent(t WebhookEventType) bool {
	return t == WebhookEventTypeConversationJoin || t == WebhookEventTypeConversationLeave
}

// clipVersion bounds a version for an error message and replaces its
// control characters.
func clipVersion(s string) string {
	if len(s) > 16 {
		s = s[:16] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
