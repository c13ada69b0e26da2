package twilio

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Twilio signs with HMAC-SHA1.
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/internal/webhook"
)

// WebhookError is a webhook request refused by WebhookVerifier.Verify, or a
// payload refused by DecodeWebhook. Its Kind, tested with errors.Is, is one
// of ErrWebhookMissingHeader, ErrWebhookSignature, ErrWebhookTooLarge,
// ErrWebhookMalformed and ErrWebhookUnsupported. It is apierror.WebhookError,
// the same type in every vendor package.
type WebhookError = apierror.WebhookError

// The kinds of WebhookError (the apierror values of the same names), for
// errors.Is.
var (
	// ErrWebhookMissingHeader: no X-Twilio-Signature.
	ErrWebhookMissingHeader = apierror.ErrWebhookMissingHeader
	// ErrWebhookSignature: the signature does not match, or does not cover
	// the body, or the body's SHA-256 is not the signed bodySHA256.
	ErrWebhookSignature = apierror.ErrWebhookSignature
	// ErrWebhookStale is never returned by this package (Twilio signs no
	// timestamp); it is here so that every vendor package names every kind.
	ErrWebhookStale = apierror.ErrWebhookStale
	// ErrWebhookTooLarge: the body is longer than the verifier's limit.
	ErrWebhookTooLarge = apierror.ErrWebhookTooLarge
	// ErrWebhookMalformed: a signature that is not base64, a repeated
	// bodySHA256, a body that is not form-encoded, no EventType.
	ErrWebhookMalformed = apierror.ErrWebhookMalformed
	// ErrWebhookUnsupported: a pre-action event, or not a participant event.
	ErrWebhookUnsupported = apierror.ErrWebhookUnsupported
)

// DefaultWebhookMaxBody is the default cap on a webhook body (1 MiB);
// WithMaxBody changes it.
const DefaultWebhookMaxBody = 1 << 20

// webhookVendor names Twilio in webhook errors.
const webhookVendor = "twilio"

// The headers of a Twilio webhook.
const (
	// SignatureHeader holds Twilio's signature.
	SignatureHeader = "X-Twilio-Signature"
	// IdempotencyTokenHeader holds a token that identifies the delivery,
	// for de-duplication (a secondary source reports it; Twilio's
	// participant event docs do not list it).
	IdempotencyTokenHeader = "I-Twilio-Idempotency-Token"
)

// WebhookOption is a setting of NewWebhookVerifier.
type WebhookOption struct{ apply webhook.Option }

// WithPublicURL sets the URL Twilio calls, as configured in Twilio, without
// its query: scheme://host[:port]/path (for example
// "https://hooks.example.com/twilio"). Set it whenever the server does not
// see that URL itself: behind a proxy or load balancer that terminates TLS
// or rewrites the host or path. The query of each request is appended as
// it arrived. Without it, the URL is rebuilt from the request (https only
// when the server itself terminated TLS, the Host header, the request
// target); forwarding headers are never trusted.
func WithPublicURL(u string) WebhookOption { return WebhookOption{webhook.PublicURL(u)} }

// WithMaxBody caps the body Verify reads (default DefaultWebhookMaxBody);
// a longer body is refused with ErrWebhookTooLarge.
func WithMaxBody(n int64) WebhookOption { return WebhookOption{webhook.MaxBody(n)} }

// WebhookVerifier checks that requests come from Twilio: it checks the
// X-Twilio-Signature header, base64 of HMAC-SHA1 keyed by the account's
// Auth Token (a subaccount's own token for its webhooks). Create it with
// NewWebhookVerifier; it is safe for concurrent use.
type WebhookVerifier struct {
	key []byte
	cfg webhook.Config
}

// NewWebhookVerifier returns a verifier for the webhooks of the account
// whose Auth Token is authToken. An empty authToken, or an invalid option,
// is a *ParamError.
func NewWebhookVerifier(authToken string, opts ...WebhookOption) (*WebhookVerifier, error) {
	fs := make([]webhook.Option, len(opts))
	for i, o := range opts {
		fs[i] = o.apply
	}
	cfg, err := webhook.Build(webhookVendor, "authToken", authToken, fs)
	if err != nil {
		return nil, err
	}
	return &WebhookVerifier{key: []byte(authToken), cfg: cfg}, nil
}

// Verify checks that r was signed by Twilio and returns the signed
// payload: the body, or for a request without a body (a webhook whose
// Method is GET) the raw query, where Twilio then sends the parameters.
// The body stays readable in r.Body. It reads at most the verifier's
// limit. Otherwise it returns a *WebhookError.
//
// What is signed, as Twilio documents and its libraries check:
//
//   - the URL Twilio called (see WithPublicURL), tried as it is and, when
//     it has the scheme's default port (:443, :80), without it, or when it
//     has no port, with it;
//   - for a form-encoded body (application/x-www-form-urlencoded), each
//     parameter name in sorted order followed by its value, with no
//     separators. A name sent more than once is followed by each of its
//     distinct values in sorted order, as twilio-python and twilio-node do
//     (twilio-go keeps only the first value);
//   - for any other body, only the URL, which must then carry bodySHA256,
//     the hex SHA-256 of the body: the body must hash to it
//     (ErrWebhookSignature otherwise), bodySHA256 must appear once
//     (ErrWebhookMalformed), and a body without it is refused
//     (ErrWebhookSignature), since nothing would cover it.
//
// Comparisons take constant time.
func (v *WebhookVerifier) Verify(r *http.Request) ([]byte, error) {
	h := r.Header.Get(SignatureHeader)
	if h == "" {
		return nil, webhook.Error(webhookVendor, ErrWebhookMissingHeader, SignatureHeader, "absent or empty", nil)
	}
	// 28 base64 characters, of which the last is padding: 20 bytes.
	var want [sha1.Size + 1]byte
	if len(h) != base64.StdEncoding.EncodedLen(sha1.Size) {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, SignatureHeader, "not the base64 of a 20-byte HMAC-SHA1", nil)
	}
	if n, err := base64.StdEncoding.Decode(want[:], []byte(h)); err != nil || n != sha1.Size {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, SignatureHeader, "not the base64 of a 20-byte HMAC-SHA1", nil)
	}
	body, err := webhook.ReadBody(r, v.cfg.MaxBody, webhookVendor)
	if err != nil {
		return nil, err
	}
	signedURL := webhook.RequestURL(r, v.cfg.PublicURL)

	var rawQuery string
	if r.URL != nil {
		rawQuery = r.URL.RawQuery
	}
	var bodyHash []string
	if strings.Contains(rawQuery, "SHA256") || strings.Contains(rawQuery, "%") {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "the query does not parse", err)
		}
		bodyHash = q["bodySHA256"]
	}
	var params []byte
	switch {
	case len(bodyHash) > 1:
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "bodySHA256", "repeated in the query", nil)
	case len(bodyHash) == 1:
		// The signature covers the URL only; the body is covered by its hash.
	case len(body) == 0:
		// Nothing but the URL (and its query) to cover.
	case isForm(r.Header.Get("Content-Type")):
		params, err = signedParams(string(body))
		if err != nil {
			return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "the form body does not parse", err)
		}
	default:
		return nil, webhook.Error(webhookVendor, ErrWebhookSignature, "",
			"the body is neither form-encoded nor hashed in the URL's bodySHA256, so the signature does not cover it", nil)
	}

	mac := hmac.New(sha1.New, v.key)
	ok := v.matches(mac, signedURL, params, want[:sha1.Size])
	if alt := portVariant(signedURL); alt != "" && !ok {
		ok = v.matches(mac, alt, params, want[:sha1.Size])
	}
	if !ok {
		return nil, webhook.Error(webhookVendor, ErrWebhookSignature, SignatureHeader, "does not match the URL and parameters", nil)
	}
	if len(bodyHash) == 1 {
		sum := sha256.Sum256(body)
		got, err := hex.DecodeString(bodyHash[0])
		if err != nil || !hmac.Equal(got, sum[:]) {
			return nil, webhook.Error(webhookVendor, ErrWebhookSignature, "bodySHA256", "the body's SHA-256 is not the signed bodySHA256", nil)
		}
	}
	if len(body) == 0 {
		return []byte(rawQuery), nil
	}
	return body, nil
}

// matches reports whether HMAC(u + params) is want.
func (v *WebhookVerifier) matches(mac hash.Hash, u string, params, want []byte) bool {
	mac.Reset()
	mac.Write([]byte(u))
	mac.Write(params)
	var sum [sha1.Size]byte
	return hmac.Equal(mac.Sum(sum[:0]), want)
}

// isForm reports whether a Content-Type is application/x-www-form-urlencoded.
func isForm(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// signedParams returns what Twilio signs of a form body: each name in
// sorted order, followed by each of its distinct values in sorted order.
// Sorting the (name, value) pairs and dropping repeated pairs gives just
// that.
func signedParams(body string) ([]byte, error) {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, 24)
	n := 0
	err := webhook.ScanForm(body, func(k, v string) error {
		pairs = append(pairs, pair{k, v})
		n += len(k) + len(v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	pairs = slices.Compact(pairs)
	b := make([]byte, 0, n)
	for _, p := range pairs {
		b = append(b, p.k...)
		b = append(b, p.v...)
	}
	return b, nil
}

// portVariant returns u with its default port removed (https :443, http
// :80), or with the default port added when u has no port, or "" when u
// has another port or no recognisable scheme and host.
func portVariant(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	var def string
	switch strings.ToLower(scheme) {
	case "https":
		def = "443"
	case "http":
		def = "80"
	default:
		return ""
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, tail := rest[:end], rest[end:]
	if host == "" {
		return ""
	}
	colon := strings.LastIndexByte(host, ':')
	if colon < 0 || colon < strings.LastIndexByte(host, ']') {
		return scheme + "://" + host + ":" + def + tail
	}
	if host[colon+1:] == def {
		return scheme + "://" + host[:colon] + tail
	}
	return ""
}

// DecodeWebhook decodes the payload Verify returned into the participant
// event it carries. The fields are bound by their form names; unknown
// names are ignored and absent ones left empty. It returns a *WebhookError:
// ErrWebhookMalformed for a payload that is not form-encoded, without
// EventType, with a field given twice (the order of repeated values is not
// signed) or with a RetryCount that is not a number; ErrWebhookUnsupported
// for a pre-action event (onParticipantAdd, onParticipantRemove,
// onParticipantUpdate: conversekit does not answer their veto yet; answer
// them 200 to let the action happen) and for an event that is not about
// participants (onMessageAdded, ...).
//
// Decode only what Verify returned: a payload that was not verified is
// anyone's.
func DecodeWebhook(payload []byte) (*ParticipantEvent, error) {
	ev := new(ParticipantEvent)
	if err := webhook.BindForm(ev, string(payload)); err != nil {
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "not a form-encoded event: "+err.Error(), nil)
	}
	switch et := ev.EventType; et {
	case "":
		return nil, webhook.Error(webhookVendor, ErrWebhookMalformed, "", "no EventType", nil)
	case ParticipantEventTypeAdded, ParticipantEventTypeRemoved, ParticipantEventTypeUpdated:
		return ev, nil
	case ParticipantEventTypeAdd, ParticipantEventTypeRemove, ParticipantEventTypeUpdate:
		return nil, webhook.Error(webhookVendor, ErrWebhookUnsupported, "",
			"EventType "+string(et)+" is a pre-action event, whose veto conversekit does not answer", nil)
	default:
		return nil, webhook.Error(webhookVendor, ErrWebhookUnsupported, "",
			"EventType "+clip(string(et))+" is not a participant event", nil)
	}
}

// clip bounds s for an error message and replaces its control characters.
func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return clean(s)
}
