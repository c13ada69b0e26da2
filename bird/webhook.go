package bird

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/internal/webhook"
)

// WebhookError is a webhook request refused by WebhookVerifier.Verify, or a
// body refused by DecodeWebhook. Its Kind, tested with errors.Is, is one
// of ErrWebhookMissingHeader, ErrWebhookSignature, ErrWebhookStale,
// ErrWebhookTooLarge, ErrWebhookMalformed and ErrWebhookUnsupported. It is
// apierror.WebhookError, the same type in every vendor package.
type WebhookError = apierror.WebhookError

// The kinds of WebhookError (the apierror values of the same names), for
// errors.Is.
var (
	// ErrWebhookMissingHeader: no messagebird-signature or no
	// messagebird-request-timestamp.
	ErrWebhookMissingHeader = apierror.ErrWebhookMissingHeader
	// ErrWebhookSignature: the signature does not match the timestamp, URL
	// and body.
	ErrWebhookSignature = apierror.ErrWebhookSignature
	// ErrWebhookStale: an authentic signature whose timestamp is outside
	// the replay window (a replay, or a clock that is off).
	ErrWebhookStale = apierror.ErrWebhookStale
	// ErrWebhookTooLarge: the body is longer than the verifier's limit.
	ErrWebhookTooLarge = apierror.ErrWebhookTooLarge
	// ErrWebhookMalformed: a signature that is not the base64 of 32 bytes, a
	// timestamp that is not Unix seconds, a body that is not a JSON
	// conversation event.
	ErrWebhookMalformed = apierror.ErrWebhookMalformed
	// ErrWebhookUnsupported: an event other than conversation.created,
	// conversation.updated and conversation.deleted.
	ErrWebhookUnsupported = apierror.ErrWebhookUnsupported
)

// Webhook defaults; WithMaxBody and WithReplayWindow change them.
const (
	// DefaultWebhookMaxBody is the default cap on a webhook body, 1 MiB.
	DefaultWebhookMaxBody = 1 << 20
	// DefaultReplayWindow is how far, by default, the signed timestamp may
	// be from the verifier's clock, in the past or the future: 5 minutes.
	// Bird documents no window; 5 minutes is the common choice of signed
	// webhooks with timestamps, long enough for clock skew and slow
	// deliveries, short enough that a captured request soon stops working.
	DefaultReplayWindow = 5 * time.Minute
)

// The headers of a signed Bird webhook.
const (
	// SignatureHeader holds the base64 HMAC-SHA256 signature.
	SignatureHeader = "messagebird-signature"
	// TimestampHeader holds the signed time, in Unix seconds.
	TimestampHeader = "messagebird-request-timestamp"
	// RequestIDHeader holds Bird's ID of the delivery, for de-duplication
	// (Bird does not document whether a retry keeps it).
	RequestIDHeader = "messagebird-request-id"
)

// webhookVendor names Bird in webhook errors.
const webhookVendor = "bird"

// WebhookOption is a setting of NewWebhookVerifier.
type WebhookOption struct{ apply webhook.Option }

// WithPublicURL sets the URL of the webhook subscription, without its
// query: scheme://host[:port]/path (for example
// "https://hooks.example.com/bird"). Bird signs that URL; set it whenever
// the server does not see it itself (behind a proxy or load balancer that
// terminates TLS or rewrites the host or path). The query of each request
// is appended as it arrived. Without it, the URL is rebuilt from the
// request (https only when the server itself terminated TLS, the Host
// header, the request target); forwarding headers are never trusted.
func WithPublicURL(u string) WebhookOption { return WebhookOption{webhook.PublicURL(u)} }

// WithMaxBody caps the body Verify reads (default DefaultWebhookMaxBody);
// a longer body is refused with ErrWebhookTooLarge.
func WithMaxBody(n int64) WebhookOption { return WebhookOption{webhook.MaxBody(n)} }

// WithReplayWindow sets how far the signed timestamp may be from the
// verifier's clock, either way (default DefaultReplayWindow). A shorter
// window narrows replays; de-duplicate by RequestIDHeader within it.
func WithReplayWindow(d time.Duration) WebhookOption { return WebhookOption{webhook.Window(d)} }

// WithClock sets the verifier's clock (default time.Now), for tests.
func WithClock(now func() time.Time) WebhookOption { return WebhookOption{webhook.Clock(now)} }

// WebhookVerifier checks that requests come from Bird: messagebird-signature
// is the base64 HMAC-SHA256, keyed by the subscription's signing key, of
// the timestamp in messagebird-request-timestamp, "\n", the URL, "\n" and
// the SHA-256 of the body (raw bytes); the timestamp must be within the
// replay window. Bird signs only when the subscription has a signingKey:
// set one. Create it with NewWebhookVerifier; it is safe for concurrent use.
type WebhookVerifier struct {
	key []byte
	cfg webhook.Config
}

// NewWebhookVerifier returns a verifier for the webhook subscriptions whose
// signing key is signingKey. An empty signingKey, or an invalid option, is
// a *ParamError.
func NewWebhookVerifier(signingKey string, opts ...WebhookOption) (*WebhookVerifier, error) {
	fs := make([]webhook.Option, len(opts))
	for i, o := range opts {
		fs[i] = o.apply
	}
	cfg, err := webhook.Build(webhookVendor, "signingKey", signingKey, fs)
	if err != nil {
		return nil, err
	}
	return &WebhookVerifier{key: []byte(signingKey), cfg: cfg}, nil
}

// Verify checks that r was signed by Bird, recently, and returns its body;
// the body also stays readable in r.Body. It reads at most the verifier's
// limit, and compares in constant time. Otherwise it returns a
// *WebhookError: ErrWebhookMissingHeader, ErrWebhookMalformed (a signature
// that is not the base64 of 32 bytes, a timestamp that is not Unix
// seconds), ErrWebhookTooLarge, ErrWebhookSignature, or ErrWebhookStale
// for an authentic request whose timestamp is outside the replay window.
func (v *WebhookVerifier) Verify(r *http.Request) ([]byte, error) {
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMissingHeader, SignatureHeader,
			"absent or empty (does the subscription have a signingKey?)", nil)
	}
	ts := r.Header.Get(TimestampHeader)
	if ts == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMissingHeader, TimestampHeader, "absent or empty", nil)
	}
	var want [sha256.Size + 1]byte
	if len(sig) != base64.StdEncoding.EncodedLen(sha256.Size) {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, SignatureHeader, "not the base64 of a 32-byte HMAC-SHA256", nil)
	}
	if n, err := base64.StdEncoding.Decode(want[:], []byte(sig)); err != nil || n != sha256.Size {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, SignatureHeader, "not the base64 of a 32-byte HMAC-SHA256", nil)
	}
	sec, err := unixSeconds(ts)
	if err != nil {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, TimestampHeader, "not Unix seconds", nil)
	}
	body, err := webhook.ReadBody(r, v.cfg.MaxBody, webhookVendor)
	if err != nil {
		return nil, err
	}
	bodySum := sha256.Sum256(body)
	mac := hmac.New(sha256.New, v.key)
	mac.Write([]byte(ts))
	mac.Write([]byte{'\n'})
	mac.Write([]byte(webhook.RequestURL(r, v.cfg.PublicURL)))
	mac.Write([]byte{'\n'})
	mac.Write(bodySum[:])
	var sum [sha256.Size]byte
	if !hmac.Equal(mac.Sum(sum[:0]), want[:sha256.Size]) {
		return nil, webhook.Error(webhookVendor, ErrWebhookSignature, SignatureHeader, "does not match the timestamp, URL and body", nil)
	}
	age := v.cfg.Now().Sub(time.Unix(sec, 0))
	if age > v.cfg.Window || age < -v.cfg.Window {
		when := age.Round(time.Second).String() + " ago"
		if age < 0 {
			when = (-age).Round(time.Second).String() + " in the future"
		}
		return nil, webhook.Error(webhookVendor, ErrWebhookStale, TimestampHeader,
			"signed "+when+", outside the window of "+v.cfg.Window.String(), nil)
	}
	return body, nil
}

// unixSeconds parses 1 to 12 decimal digits.
func unixSeconds(s string) (int64, error) {
	if len(s) > 12 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}

// DecodeWebhook decodes the body Verify returned into the conversation
// event it carries. It returns a *WebhookError: ErrWebhookMalformed for a
// body that is not a JSON event with an event name and a conversation
// with an ID (unknown members are ignored); ErrWebhookUnsupported for an
// event other than conversation.created, conversation.updated and
// conversation.deleted. Bird sends no participant event: a
// conversation.updated says that the participants (or the attributes, or
// the status) may have changed; list them to know.
//
// Decode only what Verify returned: a body that was not verified is
// anyone's.
func DecodeWebhook(body []byte) (*WebhookEvent, error) {
	ev := new(WebhookEvent)
	err := json.Unmarshal(body, ev)
	if err != nil {
		// Another event's payload need not fit a conversation: say which.
		var head struct {
			Event string `json:"event"`
		}
		if json.Unmarshal(body, &head) == nil && head.Event != "" && !isConversationEvent(WebhookEventType(head.Event)) {
			return nil, unsupported(head.Event)
		}
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "not a JSON conversation event", err)
	}
	switch {
	case ev.Event == "":
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no event", nil)
	case !isConversationEvent(ev.Event):
		return nil, unsupported(string(ev.Event))
	case ev.Payload.ID == "":
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no payload.id", nil)
	}
	return ev, nil
}

func isConversationEvent(e WebhookEventType) bool {
	switch e {
	case WebhookEventTypeConversationCreated, WebhookEventTypeConversationUpdated, WebhookEventTypeConversationDeleted:
		return true
	}
	return false
}

func unsupported(event string) error {
	if len(event) > 64 {
		event = event[:64] + "..."
	}
	event = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(event, "\uFFFD"))
	return webhook.Error(webhookVendor, ErrWebhookUnsupported, "", "event "+event+" is not a conversation event", nil)
}
