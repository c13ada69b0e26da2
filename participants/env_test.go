package participants_test

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// vendors are the three providers, in the order every table shows them.
var vendors = []string{"intercom", "bird", "twilio"}

// Credentials of clients that reach no fake (an env's client holds its
// fake's): distinctive, so that a leak is easy to find.
const (
	envIntercomToken = "dG9rOmludGVyY29tLXNlY3JldC1BQUFB"
	envBirdKey       = "bird-access-key-SECRET-BBBB-0123456789"
	envTwilioSID     = "AC0123456789abcdef0123456789abcdef"
	envTwilioToken   = "twilio-auth-token-SECRET-CCCC"
)

// env is one vendor's fake and a participants.Client over it, built with the
// options a test asks for.
type env struct {
	vendor string
	srv    *participantstest.Server
	client *participants.Client
	conv   string
	// person returns distinct people the vendor can add (i >= 0).
	person func(i int) participants.Participant
	// count is how many participants the conversation holds.
	count func() int
	// secrets are the credentials, in every form they travel in.
	secrets []string

	intercom *participantstest.IntercomServer
	bird     *participantstest.BirdServer
	twilio   *participantstest.TwilioServer
	sunshine *participantstest.SunshineServer
}

// newEnv starts vendor's fake with one conversation (the participantstest
// helper's) and returns a client over it with the helper's options and opts.
func newEnv(t testing.TB, vendor string, opts ...option.Option) *env {
	t.Helper()
	return newEnvOf(t, vendor, false, opts)
}

// newMemEnv is newEnv with a client that reaches the fake in memory
// (participantstest's Server.Transport) instead of on loopback: in a
// testing/synctest bubble, its Retry-After waits, deadlines and fault
// delays pass on virtual time. Call it inside the bubble.
func newMemEnv(t testing.TB, vendor string, opts ...option.Option) *env {
	t.Helper()
	return newEnvOf(t, vendor, true, opts)
}

// newEnvOf is newEnv, in memory when mem is set: the participantstest
// helper's fake, seeded the same, with InMemoryClientOptions.
func newEnvOf(t testing.TB, vendor string, mem bool, opts []option.Option) *env {
	t.Helper()
	e := &env{vendor: vendor}
	switch vendor {
	case "intercom":
		var (
			ic  *intercom.Client
			srv *participantstest.IntercomServer
		)
		if mem {
			srv = participantstest.NewIntercomServer()
			t.Cleanup(srv.Close)
			srv.SeedAdmin(intercomAdmin)
			srv.SeedConversation(intercomConversation)
			ic = must(intercom.New(srv.Token(), srv.InMemoryClientOptions(opts...)...))(t)
		} else {
			ic, srv = participantstest.NewIntercom(t, opts...)
		}
		e.intercom, e.srv, e.conv = srv, srv.Server, intercomConversation
		e.client = participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin}))
		e.person = func(i int) participants.Participant {
			return participants.Participant{Email: personEmail(i)}
		}
		e.count = func() int { return len(srv.Customers(intercomConversation)) }
		e.secrets = []string{srv.Token()}
	case "bird":
		var (
			bc  *bird.Client
			srv *participantstest.BirdServer
		)
		if mem {
			srv = participantstest.NewBirdServer()
			t.Cleanup(srv.Close)
			srv.SeedConversation(birdConversation)
			bc = must(bird.New(srv.AccessKey(), srv.InMemoryClientOptions(opts...)...))(t)
		} else {
			bc, srv = participantstest.NewBird(t, opts...)
		}
		e.bird, e.srv, e.conv = srv, srv.Server, birdConversation
		e.client = participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: srv.WorkspaceID()}))
		e.person = func(i int) participants.Participant {
			return participants.Participant{Email: personEmail(i)}
		}
		e.count = func() int { return len(srv.Participants(birdConversation)) }
		e.secrets = []string{srv.AccessKey()}
	case "twilio":
		var (
			tc  *twilio.Client
			srv *participantstest.TwilioServer
		)
		if mem {
			srv = participantstest.NewTwilioServer()
			t.Cleanup(srv.Close)
			srv.SeedConversation(twilioConversation, participantstest.TwilioConversationName)
			tc = must(twilio.New(srv.AccountSID(), srv.AuthToken(), srv.InMemoryClientOptions(opts...)...))(t)
		} else {
			tc, srv = participantstest.NewTwilio(t, opts...)
		}
		e.twilio, e.srv, e.conv = srv, srv.Server, twilioConversation
		e.client = participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
		e.person = func(i int) participants.Participant {
			return participants.Participant{Phone: personPhone(i)}
		}
		e.count = func() int { return len(srv.Participants(twilioConversation)) }
		e.secrets = []string{srv.AuthToken(), base64.StdEncoding.EncodeToString([]byte(srv.AccountSID() + ":" + srv.AuthToken()))}
	case "sunshine":
		// Not in vendors: the fault matrix runs its rows marked only
		// "sunshine" (the multi-request paths of the Sunshine adapter).
		var (
			sc  *sunshine.Client
			srv *participantstest.SunshineServer
		)
		if mem {
			srv = participantstest.NewSunshineServer()
			t.Cleanup(srv.Close)
			srv.SeedConversation(participantstest.SunshineConversationID, "sdkGroup")
			sc = must(sunshine.New(srv.KeyID(), srv.Secret(), srv.InMemoryClientOptions(opts...)...))(t)
		} else {
			sc, srv = participantstest.NewSunshine(t, opts...)
		}
		e.sunshine, e.srv, e.conv = srv, srv.Server, participantstest.SunshineConversationID
		e.client = participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: srv.AppID()}))
		e.person = func(i int) participants.Participant {
			ext := "person-" + strconv.Itoa(i)
			srv.EnsureUser(ext)
			return participants.Participant{ExternalID: ext}
		}
		e.count = func() int { return len(srv.Participants(participantstest.SunshineConversationID)) }
		e.secrets = []string{srv.Secret(), base64.StdEncoding.EncodeToString([]byte(srv.KeyID() + ":" + srv.Secret()))}
	default:
		t.Fatalf("unknown vendor %q", vendor)
	}
	return e
}

func personEmail(i int) string { return "person" + strconv.Itoa(i) + "@example.com" }

func personPhone(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 4 {
		s = "0" + s
	}
	return "+1555867" + s
}

// added is the Outcome of a first add on vendor; present of a repeated one.
func added(vendor string) participants.Outcome {
	if vendor == "intercom" {
		return participants.Unreported
	}
	return participants.Added
}

func present(vendor string) participants.Outcome {
	if vendor == "intercom" {
		return participants.Unreported
	}
	return participants.AlreadyPresent
}

// rewrite is a RoundTripper that sends every request to the fake and lets fn
// change the first response: what a broken proxy or a vendor bug would do
// after the vendor did the work.
type rewrite struct {
	base http.RoundTripper
	n    atomic.Int32
	fn   func(*http.Response)
}

func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err == nil && r.n.Add(1) == 1 {
		r.fn(resp)
	}
	return resp, err
}

// rewriting returns the option that sends attempts through a rewrite of the
// first response, and registers the transport's cleanup.
func rewriting(t testing.TB, fn func(*http.Response)) option.Option {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return option.WithHTTPClient(&http.Client{Transport: &rewrite{base: tr, fn: fn}})
}
