package main

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// target is the vendor and conversation to import into.
type target struct {
	name         string
	client       *participants.Client
	conversation string
}

// vendorEnv is what a vendor needs from the environment: the same variables
// as examples/quickstart.
// <VENDOR>_BASE_URL, when set, replaces the production host.
var vendorEnv = []vendorVars{
	{"intercom", []string{"INTERCOM_TOKEN", "INTERCOM_ADMIN_ID"}},
	{"bird", []string{"BIRD_ACCESS_KEY", "BIRD_WORKSPACE_ID"}},
	{"twilio", []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"}},
	// Sunshine has no default host: its base URL is one of the credentials.
	{"sunshine", []string{"SUNSHINE_KEY_ID", "SUNSHINE_SECRET", "SUNSHINE_APP_ID", "SUNSHINE_BASE_URL"}},
}

// vendorVars are a vendor's name and the variables it needs.
type vendorVars struct {
	name     string
	required []string
}

// fromEnv returns the target of the vendor whose credentials are in the
// environment, or nil when no vendor's are (and -vendor is not set). Half a
// vendor's credentials, several vendors without -vendor, or credentials
// without -conversation are errors.
func fromEnv(env func(string) string, f *flags, p *pauses) (*target, error) {
	var ready []string
	for _, v := range vendorEnv {
		var set, unset []string
		for _, n := range v.required {
			if env(n) == "" {
				unset = append(unset, n)
			} else {
				set = append(set, n)
			}
		}
		switch {
		case len(set) > 0 && len(unset) > 0:
			return nil, fmt.Errorf("%s: %s is set but %s is not", v.name, strings.Join(set, " and "), strings.Join(unset, " and "))
		case len(unset) == 0:
			ready = append(ready, v.name)
		}
	}
	name := f.vendor
	switch {
	case name != "" && !slices.ContainsFunc(vendorEnv, func(v vendorVars) bool { return v.name == name }):
		return nil, fmt.Errorf("-vendor %q: not intercom, bird, twilio or sunshine", name)
	case name != "" && !slices.Contains(ready, name):
		return nil, fmt.Errorf("-vendor %s: its credentials are not in the environment", name)
	case name == "" && len(ready) > 1:
		return nil, fmt.Errorf("credentials of %s are set: choose one with -vendor", strings.Join(ready, ", "))
	case name == "" && len(ready) == 0:
		if f.conversation != "" {
			return nil, errors.New("-conversation needs a vendor's credentials in the environment")
		}
		return nil, nil
	case name == "":
		name = ready[0]
	}
	if f.conversation == "" {
		return nil, fmt.Errorf("%s credentials are set: name the conversation to import into with -conversation", name)
	}
	// Every attempt goes through p, which counts the 429s.
	opts := []option.Option{option.WithHTTPClient(&http.Client{Transport: p.wrap(http.DefaultTransport)})}
	if u := env(strings.ToUpper(name) + "_BASE_URL"); u != "" {
		opts = append(opts, option.WithBaseURL(u))
	}
	var prov driver.Provider
	switch name {
	case "intercom":
		ic, err := intercom.New(env("INTERCOM_TOKEN"), opts...)
		if err != nil {
			return nil, err
		}
		prov = intercomparticipants.New(ic, intercomparticipants.Options{AdminID: env("INTERCOM_ADMIN_ID")})
	case "bird":
		bc, err := bird.New(env("BIRD_ACCESS_KEY"), opts...)
		if err != nil {
			return nil, err
		}
		prov = birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: env("BIRD_WORKSPACE_ID")})
	case "twilio":
		tc, err := twilio.New(env("TWILIO_ACCOUNT_SID"), env("TWILIO_AUTH_TOKEN"), opts...)
		if err != nil {
			return nil, err
		}
		prov = twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: env("TWILIO_PROXY_ADDRESS")})
	case "sunshine":
		sc, err := sunshine.New(env("SUNSHINE_KEY_ID"), env("SUNSHINE_SECRET"), opts...)
		if err != nil {
			return nil, err
		}
		prov = sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: env("SUNSHINE_APP_ID")})
	}
	return &target{name: name, client: participants.New(prov), conversation: f.conversation}, nil
}

// fake is the in-process Bird fake the import runs on without credentials.
type fake struct {
	target
	server *participantstest.BirdServer
	// users are the IDs of the Bird users (agents) seeded on the fake.
	users []string
	close func()
}

// fakeLimit is how many requests a second the fake lets through before it
// answers 429 with Retry-After: 1.
const fakeLimit = 2000

// startFake starts a Bird fake with a conversation and a few users, that
// answers 429 above fakeLimit requests a second, and a client of it, in
// memory, whose attempts go through p.
func startFake(p *pauses) (*fake, error) {
	s := participantstest.NewBirdServer()
	conv := s.SeedConversation("")
	var users []string
	for range 5 {
		users = append(users, s.SeedUser(""))
	}
	s.SetRateLimit(fakeLimit, time.Second)
	bc, err := bird.New(s.AccessKey(), s.InMemoryClientOptions(
		option.WithHTTPClient(&http.Client{Transport: p.wrap(s.Transport())}))...)
	if err != nil {
		s.Close()
		return nil, err
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: s.WorkspaceID()}))
	return &fake{
		target: target{name: "bird", client: c, conversation: conv},
		server: s,
		users:  users,
		close:  s.Close,
	}, nil
}

// pauses counts the vendor's 429 answers and how long they asked every
// request to wait (the union of the waits: overlapping 429s count once).
type pauses struct {
	mu      sync.Mutex
	limited int
	until   time.Time
	paused  time.Duration
}

// wrap returns a RoundTripper that sends through next and tells p of each
// 429.
func (p *pauses) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			p.observe(time.Now(), resp.Header)
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// observe counts a 429 received at now with header h, and the wait it asks
// for: Retry-After in seconds or as an HTTP date, or Intercom's
// X-RateLimit-Reset in Unix seconds.
func (p *pauses) observe(now time.Time, h http.Header) {
	var until time.Time
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s >= 0 {
		until = now.Add(time.Duration(s) * time.Second)
	} else if t, err := http.ParseTime(h.Get("Retry-After")); err == nil {
		until = t
	} else if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		until = time.Unix(s, 0)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limited++
	if until.After(p.until) {
		p.paused += until.Sub(maxTime(now, p.until))
		p.until = until
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// totals returns the number of 429s and the time they paused.
func (p *pauses) totals() (int, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limited, p.paused
}

// describe is the progress bar's description: the vendor and its 429s.
func (p *pauses) describe(vendor string) string {
	n, d := p.totals()
	if n == 0 {
		return vendor
	}
	return fmt.Sprintf("%s (429 ×%d, paused %.1fs)", vendor, n, d.Seconds())
}
