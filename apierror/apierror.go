// Package apierror holds the error types of conversekit's vendor clients,
// one type each for every vendor, so that one errors.As serves Intercom, Bird,
// Twilio and Sunshine alike:
//
//   - Error, a non-2xx response (intercom.APIError, bird.APIError,
//     twilio.APIError and sunshine.APIError are this type);
//   - SuccessBodyError, a 2xx response whose body does not carry what the
//     operation returns (the vendor packages' SuccessBodyError);
//   - ParamError, an argument or option refused before any request was sent
//     (the vendor packages' ParamError);
//   - LimiterError, an attempt the client's rate limiter refused, unsent
//     (option.LimiterError);
//   - WebhookError, a webhook request refused by a vendor package's
//     WebhookVerifier or decoder, with the ErrWebhook* kinds for errors.Is.
//
// The vendor packages name each of them; most code reaches them through
// those names:
//
//	var apiErr *intercom.APIError // the same type as *apierror.Error
//	if errors.As(err, &apiErr) {
//		log.Printf("%s answered %d %s [request %s]", apiErr.Vendor, apiErr.StatusCode, apiErr.Code, apiErr.RequestID)
//	}
//
// The values are built by the clients; a program only reads them.
package apierror

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxBodyBytes is how much of an error body is kept in Error.Body.
const MaxBodyBytes = 1 << 20

// Error is a non-2xx response from a vendor API, returned by every call of
// a vendor client and kept in the chain of the participants facade's errors:
// reach it with errors.As. intercom.APIError, bird.APIError, twilio.APIError
// and sunshine.APIError are this type, so one errors.As serves the four
// vendors; Vendor says which one answered. Each vendor package's APIError
// doc says which vendor fields fill Code, Message, RequestID and Details.
//
// Error() never contains a credential: it is built only from the status, the
// vendor's code and message and the request ID, never from request headers.
// The transport that builds an Error also removes the client's credentials
// (and, for Twilio, the request's Attributes) from every field, Header, Body
// and Details included, in case the vendor echoes them, so that %#v of an
// Error shows none either.
// Those vendor-supplied strings are clipped, and control characters and
// invalid UTF-8 in them are replaced, so Error() is always one line of
// bounded length.
type Error struct {
	// Vendor is the vendor package's name: "intercom", "bird", "twilio" or "sunshine".
	Vendor string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the vendor's own error code: Intercom errors[0].code
	// ("not_found"), Bird code ("ResourceNotFound"), Twilio code as a decimal
	// string ("50433"). Empty when the body carried none.
	Code string
	// Message is the vendor's human-readable message, if any.
	Message string
	// Field names the offending request field when the vendor says so
	// (Intercom errors[0].field).
	Field string
	// RequestID identifies the request at the vendor: Intercom request_id (or
	// the X-Request-Id header), Twilio the Twilio-Request-Id header.
	RequestID string
	// MoreInfo is Twilio's more_info documentation URL.
	MoreInfo string
	// Details is the vendor's free-form details object (Bird, Twilio), raw.
	Details json.RawMessage
	// RetryAfter is how long the vendor asked us to wait (Retry-After or
	// X-RateLimit-Reset), zero when it did not say.
	RetryAfter time.Duration
	// Header is the response header, with secrets replaced by
	// "[redacted]" (in a copy: the response's own map is left alone).
	Header http.Header
	// Body is the raw response body, at most MaxBodyBytes, with secrets
	// replaced by "[redacted]".
	Body []byte
	// Truncated reports that the body was longer than MaxBodyBytes or ended
	// early.
	Truncated bool
	// Attempts is how many times the request was sent.
	Attempts int
	// Host is the host the request went to (the base URL's), for saying
	// which server answered.
	Host string
	// UnknownShape reports that the body is not the vendor's error shape:
	// HTML, empty, plain text or another API's JSON, where the vendor sends
	// its own error object. On a 404 (see Misrouted) it means the server at
	// Host did not answer as the vendor would: the 404 says nothing about
	// the conversation or participant.
	UnknownShape bool
	// Reason, when set, says why the client gave up on this response before
	// its retry budget was spent, for example "rate limited: Retry-After 30s
	// exceeds the context deadline".
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString(clip(e.Vendor, 50))
	b.WriteString(": HTTP ")
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(clip(e.Code, 100))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(clip(e.Message, 300))
	}
	if e.Field != "" {
		b.WriteString(" (field ")
		b.WriteString(clip(e.Field, 100))
		b.WriteString(")")
	}
	if e.RequestID != "" {
		b.WriteString(" [request ")
		b.WriteString(clip(e.RequestID, 100))
		b.WriteString("]")
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(clip(e.Reason, 300))
	}
	if e.Misrouted() {
		b.WriteString(": not a ")
		b.WriteString(clip(e.Vendor, 50))
		b.WriteString(" error: the server")
		if e.Host != "" {
			b.WriteString(" at ")
			b.WriteString(clip(e.Host, 100))
		}
		b.WriteString(" does not answer as ")
		b.WriteString(clip(e.Vendor, 50))
		b.WriteString(" would (check option.WithBaseURL)")
	}
	if e.Truncated {
		b.WriteString(" (body truncated)")
	}
	return b.String()
}

// Misrouted reports a 404 whose body is not the vendor's error shape
// (UnknownShape): the server at Host is not answering as the vendor would,
// most often because option.WithBaseURL names the wrong host or path, so
// the 404 does not mean that the conversation or participant is missing.
func (e *Error) Misrouted() bool {
	return e != nil && e.StatusCode == http.StatusNotFound && e.UnknownShape
}

// Temporary reports whether the same request may succeed later: 408, 429 and
// 5xx but 501 Not Implemented, the statuses the clients retry (408 and 5xx
// only for an idempotent call).
func (e *Error) Temporary() bool {
	s := e.StatusCode
	return s == http.StatusRequestTimeout || s == http.StatusTooManyRequests ||
		(s >= 500 && s <= 599 && s != http.StatusNotImplemented)
}

// clip returns s cut to at most n bytes on a rune boundary (with "…" when
// cut), control characters and line separators replaced by spaces and invalid UTF-8 by U+FFFD.
func clip(s string, n int) string {
	var b strings.Builder
	for i, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		if i+size > n {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
