// Package webhook holds what the vendor packages' webhook verifiers share:
// their settings and options, the capped body read, the signed URL, the
// constant-time secret comparison, the error constructor and a form binder
// into generated models. The verifiers themselves, and what each vendor
// signs, stay in the vendor packages.
package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conversekit/conversekit/apierror"
)

// DefaultMaxBody is the default cap on a webhook body: 1 MiB, far above
// any participant event the four vendors send.
const DefaultMaxBody = 1 << 20

// DefaultWindow is the default replay window of a timestamped signature
// (Bird): a timestamp more than this far from the verifier's clock, in
// either direction, is stale.
const DefaultWindow = 5 * time.Minute

// Config is a verifier's settings, set to their defaults before the
// options apply.
type Config struct {
	// MaxBody caps the body read; a longer body is ErrWebhookTooLarge.
	MaxBody int64
	// PublicURL is the URL the vendor called without its query
	// (scheme://host[:port]/path), or "" to rebuild it from the request.
	PublicURL string
	// Window is the replay window of a timestamped signature.
	Window time.Duration
	// Now is the verifier's clock.
	Now func() time.Time
}

// Option is one setting of a Config, validated when applied.
type Option func(*Config) error

// Build returns the Config of a verifier for vendor: it refuses an empty
// secret (named field), then applies the options to the defaults. Its
// errors are *apierror.ParamError.
func Build(vendor, field, secret string, opts []Option) (Config, error) {
	if secret == "" {
		return Config{}, &apierror.ParamError{Vendor: vendor, Field: field,
			Reason: "empty: a webhook verifier without a secret would accept forged requests"}
	}
	c := Config{MaxBody: DefaultMaxBody, Window: DefaultWindow, Now: time.Now}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			var pe *apierror.ParamError
			if errors.As(err, &pe) {
				pe.Vendor = vendor
			}
			return Config{}, err
		}
	}
	return c, nil
}

func invalid(field, reason string) error {
	return &apierror.ParamError{Field: field, Reason: reason}
}

// MaxBody sets Config.MaxBody; n must be positive.
func MaxBody(n int64) Option {
	return func(c *Config) error {
		if n <= 0 {
			return invalid("WithMaxBody", fmt.Sprintf("%d is not a positive number of bytes", n))
		}
		c.MaxBody = n
		return nil
	}
}

// Window sets Config.Window; d must be positive.
func Window(d time.Duration) Option {
	return func(c *Config) error {
		if d <= 0 {
			return invalid("WithReplayWindow", fmt.Sprintf("%v is not a positive duration", d))
		}
		c.Window = d
		return nil
	}
}

// Clock sets Config.Now; now must not be nil.
func Clock(now func() time.Time) Option {
	return func(c *Config) error {
		if now == nil {
			return invalid("WithClock", "nil clock")
		}
		c.Now = now
		return nil
	}
}

// PublicURL sets Config.PublicURL from an absolute http or https URL with
// a host and without user information, query or fragment: the query a
// vendor signs is the one the request arrives with.
func PublicURL(s string) Option {
	return func(c *Config) error {
		u, err := url.Parse(s)
		switch {
		case err != nil:
			return invalid("WithPublicURL", "not a URL")
		case u.Scheme != "https" && u.Scheme != "http":
			return invalid("WithPublicURL", "the scheme must be https or http")
		case u.Host == "" || u.Opaque != "":
			return invalid("WithPublicURL", "no host")
		case u.User != nil:
			return invalid("WithPublicURL", "user information is not allowed")
		case u.RawQuery != "" || u.ForceQuery || strings.Contains(s, "?"):
			return invalid("WithPublicURL", "a query is not allowed: the query signed is the one each request arrives with")
		case u.Fragment != "" || strings.Contains(s, "#"):
			return invalid("WithPublicURL", "a fragment is not allowed")
		}
		c.PublicURL = s
		return nil
	}
}

// Error returns a *apierror.WebhookError.
func Error(vendor string, kind error, header, detail string, err error) error {
	return &apierror.WebhookError{Vendor: vendor, Kind: kind, Header: header, Detail: detail, Err: err}
}

// ReadBody reads r's body, at most max bytes, and puts the bytes back in
// r.Body so that the caller can read them again. A longer body (declared or
// read) is ErrWebhookTooLarge and is not read further; a failed read is
// ErrWebhookMalformed.
func ReadBody(r *http.Request, max int64, vendor string) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > max {
		return nil, Error(vendor, apierror.ErrWebhookTooLarge, "",
			fmt.Sprintf("Content-Length %d is over the limit of %d bytes", r.ContentLength, max), nil)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	_ = r.Body.Close()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, Error(vendor, apierror.ErrWebhookTooLarge, "", "the server's own body limit was reached", err)
		}
		return nil, Error(vendor, apierror.ErrWebhookMalformed, "", "reading the body", err)
	}
	if int64(len(b)) > max {
		return nil, Error(vendor, apierror.ErrWebhookTooLarge, "",
			fmt.Sprintf("over the limit of %d bytes", max), nil)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// RequestURL returns the URL the vendor called: public (when set) followed
// by the request's raw query, or else the URL rebuilt from the request
// itself: https when it came over TLS, http otherwise, the Host header, and
// the request target as received. Forwarding headers (X-Forwarded-Proto,
// Forwarded, ...) are never used: behind a proxy, set the public URL.
func RequestURL(r *http.Request, public string) string {
	if public != "" {
		if r.URL != nil && r.URL.RawQuery != "" {
			return public + "?" + r.URL.RawQuery
		}
		return public
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	uri := r.RequestURI
	if !strings.HasPrefix(uri, "/") && r.URL != nil {
		uri = r.URL.RequestURI()
	}
	return scheme + "://" + r.Host + uri
}

// EqualSecret compares a and b in time that depends on neither their
// contents nor their lengths: it compares their SHA-256 digests.
func EqualSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return hmac.Equal(ha[:], hb[:])
}
