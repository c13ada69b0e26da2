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
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/observe"
)

// Version is the conversekit release sent in User-Agent.
const Version = "0.1.0"

// UserAgent is the User-Agent header every vendor client sends.
const UserAgent = "conversekit/" + Version

// Settings are what the options set, on a client (Resolve) or on one call
// (Call). Resolve and Call set the defaults before the options apply; the
// zero value of any other field means the vendor's default.
type Settings struct {
	// BaseURL is what WithBaseURL set; after Resolve, the checked URL or
	// the vendor's default.
	BaseURL    string
	HTTPClient *http.Client
	Doer       transport.Doer
	// MaxRetries is the retry budget: transport.DefaultMaxRetries unless an
	// option set it; 0 means no retry.
	MaxRetries     int
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
	// Header holds extra request headers (option.WithHeader): static on a
	// client, on one call's requests only per call.
	Header http.Header
	// Idempotent marks one call safe to repeat (option.WithIdempotent):
	// 408, 5xx and transport errors are then retried. Per call only.
	Idempotent bool
	// OnResponse receives the final response of one call
	// (option.WithResponseInto). Per call only.
	OnResponse func(transport.Response)
	// Limiter is waited on before every attempt (option.WithLimiter): on
	// a client for all its calls, per call for that call's attempts (after
	// the client's).
	Limiter transport.Limiter
	// Middleware wraps every attempt (option.WithMiddleware): on a client
	// for all its calls, per call for that call's attempts (inside the
	// client's).
	Middleware []transport.Middleware
	// Observer is told of every call of the client (option.WithObserver).
	// Constructor only.
	Observer observe.Observer
}

// Transport builds the shared transport for a vendor from s, with the given
// static headers (auth and vendor headers; User-Agent is added here), the
// vendor's error-body decoder and what the client must hide: at least its
// credentials in Redact.Secrets, which the transport removes from every
// decoded API error and debug record (the decoder need not redact). Its
// Defaults are s's retry budget and per-attempt timeout.
func (s *Settings) Transport(vendor string, header http.Header, decode func(*apierror.Error), redact transport.Redaction) *transport.Client {
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("User-Agent", UserAgent)
	for k, v := range s.Header {
		h[k] = v
	}
	return transport.New(transport.Options{
		Vendor:         vendor,
		HTTPClient:     s.HTTPClient,
		Doer:           s.Doer,
		MaxRetries:     s.MaxRetries,
		AttemptTimeout: s.AttemptTimeout,
		WaitMin:        s.WaitMin,
		WaitMax:        s.WaitMax,
		MaxServerWait:  s.MaxServerWait,
		Logger:         s.Logger,
		DebugBodies:    s.DebugBodies,
		Redact:         redact,
		Header:         h,
		DecodeError:    decode,
		Limiter:        s.Limiter,
		Middleware:     s.Middleware,
		Observer:       s.Observer,
	})
}

// Option is what a vendor constructor's options implement (option.Option).
type Option interface {
	Apply(*Settings) error
}

// Func is an Option made from a function of the Settings: what the options
// of package option and of the vendor packages are.
type Func func(*Settings) error

// Apply calls f.
func (f Func) Apply(s *Settings) error { return f(s) }

// Resolve applies opts in order to the defaults (transport.DefaultMaxRetries
// retries) and returns the Settings they make, with BaseURL set to the
// checked WithBaseURL value or else defaultBaseURL. Every error is a
// *pathparam.Error naming the vendor and the option (a nil option is field
// "opts[I]"); an option that applies only per call is refused. The first
// error wins.
func Resolve[O Option](vendor, defaultBaseURL string, opts []O) (Settings, error) {
	s := Settings{MaxRetries: transport.DefaultMaxRetries}
	for i, o := range opts {
		if err := apply(vendor, i, o, &s); err != nil {
			return Settings{}, err
		}
		if name := perCallOnly(&s); name != "" {
			return Settings{}, &pathparam.Error{Vendor: vendor, Field: name, Reason: "can be set only per call, on an operation"}
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

// apply applies o, the option at index i, to s. Every error is a
// *pathparam.Error naming the vendor and the option.
func apply[O Option](vendor string, i int, o O, s *Settings) error {
	if any(o) == nil {
		return &pathparam.Error{Vendor: vendor, Field: fmt.Sprintf("opts[%d]", i), Reason: "nil option"}
	}
	err := o.Apply(s)
	if err == nil {
		return nil
	}
	var pe *pathparam.Error
	if errors.As(err, &pe) {
		cp := *pe
		cp.Vendor = vendor
		return &cp
	}
	return &pathparam.Error{Vendor: vendor, Field: fmt.Sprintf("opts[%d]", i), Reason: err.Error(), Err: err}
}

// perCallOnly names the option that set a field s may have only per call,
// or returns "".
func perCallOnly(s *Settings) string {
	switch {
	case s.Idempotent:
		return "option.WithIdempotent"
	case s.OnResponse != nil:
		return "option.WithResponseInto"
	}
	return ""
}

// clientOnly names the option that set a field s may have only on a
// client, or returns "". A call's Settings start with these fields zero,
// so any option that sets one, whoever wrote it, is caught.
func clientOnly(s *Settings) string {
	switch {
	case s.BaseURL != "":
		return "option.WithBaseURL"
	case s.HTTPClient != nil:
		return "option.WithHTTPClient"
	case s.Doer != nil:
		return "option.WithDoer"
	case s.WaitMin != 0 || s.WaitMax != 0:
		return "option.WithRetryWait"
	case s.MaxServerWait != 0:
		return "option.WithMaxServerWait"
	case s.Logger != nil:
		return "option.WithLogger"
	case s.DebugBodies:
		return "option.WithDebugBodies"
	case s.APIVersion != "":
		return "intercom.WithVersion"
	case s.Observer != nil:
		return "option.WithObserver"
	}
	return ""
}

// Caller turns the per-call options of one vendor client's operations into
// the transport.Settings of each call, starting from the client's
// (transport.Client.Defaults). The zero Caller has no retries and no
// per-attempt timeout but the context's.
type Caller struct {
	vendor string
	base   transport.Settings
}

// NewCaller returns the Caller of vendor's client whose transport is tc.
func NewCaller(vendor string, tc *transport.Client) Caller {
	return Caller{vendor: vendor, base: tc.Defaults()}
}

// Call returns the settings of one call of an operation of c's client:
// opts applied in order to the client's settings, marked idempotent when
// the operation is (GET, DELETE) or an option says so. An option that
// cannot apply per call (WithBaseURL, WithHTTPClient, WithDoer,
// WithRetryWait, WithMaxServerWait, WithLogger, WithDebugBodies,
// WithObserver, intercom.WithVersion), a nil one or a bad value is refused with a
// *pathparam.Error naming the vendor and the option, and nothing may be
// sent. Without options other than option.WithIdempotent it costs no
// allocation.
func Call[O Option](c Caller, idempotent bool, opts []O) (transport.Settings, error) {
	call := c.base
	call.Idempotent = idempotent
	if onlyIdempotent(opts) {
		call.Idempotent = call.Idempotent || len(opts) > 0
		return call, nil
	}
	s := Settings{MaxRetries: c.base.Retries, AttemptTimeout: c.base.AttemptTimeout}
	for i, o := range opts {
		if err := apply(c.vendor, i, o, &s); err != nil {
			return transport.Settings{}, err
		}
		if name := clientOnly(&s); name != "" {
			return transport.Settings{}, &pathparam.Error{Vendor: c.vendor, Field: name, Reason: fmt.Sprintf("cannot be set per call (opts[%d]); give it to the constructor", i)}
		}
	}
	call.Header = s.Header
	call.Retries = s.MaxRetries
	call.AttemptTimeout = s.AttemptTimeout
	call.Idempotent = idempotent || s.Idempotent
	call.OnResponse = s.OnResponse
	call.Limiter = s.Limiter
	if len(s.Middleware) > 0 {
		call.Middleware = slices.Concat(c.base.Middleware, s.Middleware)
	}
	return call, nil
}

// Idempotent is the Option of option.WithIdempotent: a zero-size value, so
// that passing it costs no allocation, which Call recognises.
type Idempotent struct{}

// Apply marks the call idempotent.
func (Idempotent) Apply(s *Settings) error {
	s.Idempotent = true
	return nil
}

// onlyIdempotent reports whether opts holds nothing but Idempotent (or
// nothing at all): the call then needs no settings of its own.
func onlyIdempotent[O Option](opts []O) bool {
	for _, o := range opts {
		if _, ok := any(o).(Idempotent); !ok {
			return false
		}
	}
	return true
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

// CheckAPIPrefix refuses a base URL whose path already ends with the start
// of the API's operation paths (apiPaths, such as "/v1/Conversations" for
// Twilio): the client appends every operation path to the base URL, so
// WithBaseURL("https://conversations.twilio.com/v1") would send
// /v1/v1/Conversations/... and get the host's 404 for every call. The error
// is a *pathparam.Error of option.WithBaseURL naming the vendor, the
// repeated segments and the URL to give instead.
func CheckAPIPrefix(vendor, baseURL string, apiPaths ...string) error {
	u, err := url.Parse(baseURL)
	if err != nil {
		return baseURLError(vendor, "not a URL: "+err.Error())
	}
	base := segments(u.Path)
	for _, p := range apiPaths {
		api := segments(p)
		for k := min(len(base), len(api)); k >= 1; k-- {
			if !equalFold(base[len(base)-k:], api[:k]) {
				continue
			}
			fixed := *u
			fixed.Path = "/" + strings.Join(base[:len(base)-k], "/")
			fixed.RawPath = ""
			dup := "/" + strings.Join(base[len(base)-k:], "/")
			return baseURLError(vendor, fmt.Sprintf("%s ends with %s, where the %s API's paths (%s/...) start: requests would go to %s%s/...; give %s",
				pathparam.Quote(u.Redacted()), dup, vendor, p, dup, dup, pathparam.Quote(strings.TrimSuffix(fixed.Redacted(), "/"))))
		}
	}
	return nil
}

// segments splits a URL path into its non-empty segments.
func segments(p string) []string {
	var out []string
	for s := range strings.SplitSeq(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// equalFold reports whether a and b hold the same segments, ignoring case
// (a host that routes /V1 as /v1 doubles it as much).
func equalFold(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}
