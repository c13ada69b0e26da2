package apierror

import "errors"

// The kinds of WebhookError, for errors.Is. Every vendor package's webhook
// verifier and decoder return a *WebhookError whose Kind is one of them, and
// the vendor packages re-export them under the same names
// (twilio.ErrWebhookSignature is ErrWebhookSignature, ...), so one
// errors.Is serves the four vendors.
var (
	// ErrWebhookMissingHeader: a header the vendor always sends (the
	// signature, Bird's timestamp, Sunshine's X-API-Key) is absent or empty.
	ErrWebhookMissingHeader = errors.New("missing header")
	// ErrWebhookSignature: the signature or shared secret does not match,
	// or does not cover the body (a Twilio body that is neither form-encoded
	// nor hashed in bodySHA256, a body whose SHA-256 is not bodySHA256).
	ErrWebhookSignature = errors.New("bad signature")
	// ErrWebhookStale: Bird's signed timestamp is outside the verifier's
	// replay window (too old, or too far in the future).
	ErrWebhookStale = errors.New("stale timestamp")
	// ErrWebhookTooLarge: the body is longer than the verifier's limit.
	ErrWebhookTooLarge = errors.New("body too large")
	// ErrWebhookMalformed: a header value or a body that cannot be parsed
	// (a signature that is not base64 or hex, a timestamp that is not a
	// number, a body that is not the vendor's JSON or form encoding, a
	// required field that is missing).
	ErrWebhookMalformed = errors.New("malformed")
	// ErrWebhookUnsupported: a verified and well-formed event that the
	// decoder does not handle: Twilio's pre-action events (onParticipantAdd,
	// ...), whose veto is not designed yet, and events that are not about
	// participants.
	ErrWebhookUnsupported = errors.New("unsupported event")
)

// WebhookError is a webhook request refused by a vendor package's
// WebhookVerifier, or a verified body refused by its decoder.
// intercom.WebhookError, bird.WebhookError, twilio.WebhookError and
// sunshine.WebhookError are this type. Kind says what failed; test it with
// errors.Is against the ErrWebhook* values:
//
//	body, err := v.Verify(r)
//	switch {
//	case errors.Is(err, apierror.ErrWebhookTooLarge):
//		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
//	case err != nil:
//		http.Error(w, "forbidden", http.StatusForbidden)
//	}
//
// Error() never contains a secret, a signature or the body.
type WebhookError struct {
	// Vendor is the vendor package's name: "intercom", "bird", "twilio" or "sunshine".
	Vendor string
	// Kind is one of ErrWebhookMissingHeader, ErrWebhookSignature,
	// ErrWebhookStale, ErrWebhookTooLarge, ErrWebhookMalformed and
	// ErrWebhookUnsupported.
	Kind error
	// Header names the header at fault ("X-Twilio-Signature", ...), or the
	// query parameter ("bodySHA256"); empty when the body is at fault.
	Header string
	// Detail says what was wrong, without secrets or body bytes.
	Detail string
	// Err is the underlying error, if any (a JSON or form parse error, a
	// body read error).
	Err error
}

// Error implements error: "VENDOR webhook: KIND: HEADER: DETAIL".
func (e *WebhookError) Error() string {
	s := e.Vendor + " webhook: "
	if e.Kind != nil {
		s += e.Kind.Error()
	} else {
		s += "refused"
	}
	if e.Header != "" {
		s += ": " + e.Header
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Is reports whether target is e's Kind, so that errors.Is(err,
// ErrWebhookSignature) holds for a bad signature.
func (e *WebhookError) Is(target error) bool { return target != nil && target == e.Kind }

// Unwrap returns the underlying error, Err.
func (e *WebhookError) Unwrap() error { return e.Err }
