// Package clientopt holds the settings shared by the vendor clients and turns
// them into the one internal/transport client.
package clientopt

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
)

// Version is the conversekit release sent in User-Agent.
const Version = "0.1.0"

// UserAgent is the User-Agent header every vendor client sends.
const UserAgent = "conversekit/" + Version

// Settings are what the options set. The zero value of a field means the
// vendor's default.
type Settings struct {
	// BaseURL is what WithBaseURL set; after Resolve, the checked URL or
	// the vendor's default.
	BaseURL        string
	HTTPClient     *http.Client
	Doer           transport.Doer
	MaxRetries     int
	MaxRetriesSet  bool
	AttemptTimeout time.Duration
	WaitMin        time.Duration
	WaitMax        time.Duration
	MaxServerWait  time.Duration
	Logger         *slog.Logger
	// DebugBodies logs each attempt's headers and bodies, redacted, on
	// Logger (option.WithDebugBodies).
	DebugBodies bool
	// APIVersion is the vendor API version header (Intercom-Version).
	APIVersion string
}

// Transport builds the shared transport for a vendor from s, with the given
// static headers (auth and vendor headers; User-Agent is added here), the
// vendor's error-body decoder and what the client must hide: at least its
// credentials in Redact.Secrets, which the transport removes from every
// decoded API error and debug record (the decoder need not redact).
func (s *Settings) Transport(vendor string, header http.Header, decode func(*apierror.Error), redact transport.Redaction) *transport.Client {
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("User-Agent", UserAgent)
	retries := s.MaxRetries
	if s.MaxRetriesSet && retries == 0 {
		retries = -1
	}
	return transport.New(transport.Options{
		Vendor:         vendor,
		HTTPClient:     s.HTTPClient,
		Doer:           s.Doer,
		MaxRetries:     retries,
		AttemptTimeout: s.AttemptTimeout,
		WaitMin:        s.WaitMin,
		WaitMax:        s.WaitMax,
		MaxServerWait:  s.MaxServerWait,
		Logger:         s.Logger,
		DebugBodies:    s.DebugBodies,
		Redact:         redact,
		Header:         h,
		DecodeError:    decode,
	})
}

// Option is what a vendor constructor's options implement (option.Option).
type Option interface {
	Apply(*Settings) error
}

// Resolve applies opts in order and returns the Settings they make, with
// BaseURL set to the checked WithBaseURL value or else defaultBaseURL. A nil
// option is the error "VENDOR: option I is nil"; an option's own error and
// CheckBaseURL's come back naming the vendor. The first error wins.
func Resolve[O Option](vendor, defaultBaseURL string, opts []O) (Settings, error) {
	var s Settings
	for i, o := range opts {
		if any(o) == nil {
			return Settings{}, fmt.Errorf("%s: option %d is nil", vendor, i)
		}
		if err := o.Apply(&s); err != nil {
			return Settings{}, fmt.Errorf("%s: %w", vendor, err)
		}
	}
	if s.BaseURL == "" {
		s.BaseURL = defaultBaseURL
		return s, nil
	}
	u, err := CheckBaseURL(vendor, s.BaseURL)
	if err != nil {
		return Settings{}, err
	}
	s.BaseURL = u.String()
	return s, nil
}

// CheckCredential refuses a credential, or any other value sent as a static
// header, that is empty, blank, padded with white space, not valid UTF-8 or
// holds a control character (which could forge a header line). The error
// names the vendor and the field, never the value.
func CheckCredential(vendor, field, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s: %s is empty", vendor, field)
	case strings.TrimSpace(v) == "":
		return fmt.Errorf("%s: %s is blank", vendor, field)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("%s: %s has leading or trailing white space", vendor, field)
	case !utf8.ValidString(v):
		return fmt.Errorf("%s: %s is not valid UTF-8", vendor, field)
	case strings.ContainsFunc(v, unicode.IsControl):
		return fmt.Errorf("%s: %s contains a control character", vendor, field)
	}
	return nil
}

// CheckBaseURL refuses a base URL that is not absolute http(s), carries
// credentials, a query or a fragment, or is plain http on a host that is not
// loopback.
func CheckBaseURL(vendor, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: base URL: %w", vendor, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%s: base URL %s: scheme must be https", vendor, pathparam.Quote(u.Redacted()))
	case u.Host == "":
		return nil, fmt.Errorf("%s: base URL %s: no host", vendor, pathparam.Quote(u.Redacted()))
	case u.User != nil:
		return nil, fmt.Errorf("%s: base URL %s: must not carry credentials", vendor, pathparam.Quote(u.Redacted()))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("%s: base URL %s: must not have a query or fragment", vendor, pathparam.Quote(u.Redacted()))
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("%s: base URL %s: plain http is allowed only for loopback hosts; use https", vendor, pathparam.Quote(u.Redacted()))
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
