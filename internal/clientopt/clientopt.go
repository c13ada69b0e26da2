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

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/transport"
)

// Version is the conversekit release sent in User-Agent.
const Version = "0.1.0"

// UserAgent is the User-Agent header every vendor client sends.
const UserAgent = "conversekit/" + Version

// Settings are what the options set. The zero value of a field means the
// vendor's default.
type Settings struct {
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
// vendor's error-body decoder and what its debug records must hide (at least
// its credentials in Redact.Secrets).
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
		return nil, fmt.Errorf("%s: base URL %q: scheme must be https", vendor, u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("%s: base URL %q: no host", vendor, u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("%s: base URL %q: must not carry credentials", vendor, u.Redacted())
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("%s: base URL %q: must not have a query or fragment", vendor, u.Redacted())
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("%s: base URL %q: plain http is allowed only for loopback hosts; use https", vendor, u.Redacted())
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
