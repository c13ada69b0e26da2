// Package clientopt holds the settings shared by the vendor clients and turns
// them into the one internal/transport client.
package clientopt

import (
	"errors"
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
// BaseURL set to the checked WithBaseURL value or else defaultBaseURL. Every
// error is a *pathparam.Error naming the vendor and the option (a nil
// option is field "opts[I]"). The first error wins.
func Resolve[O Option](vendor, defaultBaseURL string, opts []O) (Settings, error) {
	var s Settings
	for i, o := range opts {
		if any(o) == nil {
			return Settings{}, &pathparam.Error{Vendor: vendor, Field: fmt.Sprintf("opts[%d]", i), Reason: "nil option"}
		}
		if err := o.Apply(&s); err != nil {
			var pe *pathparam.Error
			if errors.As(err, &pe) {
				cp := *pe
				cp.Vendor = vendor
				return Settings{}, &cp
			}
			return Settings{}, &pathparam.Error{Vendor: vendor, Field: fmt.Sprintf("opts[%d]", i), Reason: err.Error(), Err: err}
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
// holds a control character (which could forge a header line). The error,
// a *pathparam.Error, names the vendor and the field, never the value.
func CheckCredential(vendor, field, v string) error {
	switch {
	case v == "":
		return &pathparam.Error{Vendor: vendor, Field: field, Reason: "is empty"}
	case strings.TrimSpace(v) == "":
		return &pathparam.Error{Vendor: vendor, Field: field, Reason: "is blank"}
	case strings.TrimSpace(v) != v:
		return &pathparam.Error{Vendor: vendor, Field: field, Reason: "has leading or trailing white space"}
	case !utf8.ValidString(v):
		return &pathparam.Error{Vendor: vendor, Field: field, Reason: "is not valid UTF-8"}
	case strings.ContainsFunc(v, unicode.IsControl):
		return &pathparam.Error{Vendor: vendor, Field: field, Reason: "contains a control character"}
	}
	return nil
}

// CheckBaseURL refuses a base URL that is not absolute http(s), carries
// credentials, a query or a fragment, or is plain http on a host that is not
// loopback.
func CheckBaseURL(vendor, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, baseURLError(vendor, "not a URL: "+err.Error())
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, baseURLError(vendor, pathparam.Quote(u.Redacted())+": scheme must be https")
	case u.Host == "":
		return nil, baseURLError(vendor, pathparam.Quote(u.Redacted())+": no host")
	case u.User != nil:
		return nil, baseURLError(vendor, pathparam.Quote(u.Redacted())+": must not carry credentials")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, baseURLError(vendor, pathparam.Quote(u.Redacted())+": must not have a query or fragment")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, baseURLError(vendor, pathparam.Quote(u.Redacted())+": plain http is allowed only for loopback hosts; use https")
	}
	return u, nil
}

// baseURLError is the *pathparam.Error of a bad option.WithBaseURL value.
func baseURLError(vendor, reason string) error {
	return &pathparam.Error{Vendor: vendor, Field: "option.WithBaseURL", Reason: reason}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
