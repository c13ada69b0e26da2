package participantstest

import (
	"net/http"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// What the one-line helpers ([NewIntercom], [NewBird], [NewTwilio] and their
// participants.Client forms) seed, so that a test can name it.
const (
	// IntercomAdminID is the admin NewIntercom seeds and
	// NewIntercomParticipants acts as.
	IntercomAdminID = "781236"
	// IntercomConversationID is the conversation NewIntercom seeds.
	IntercomConversationID = "123"
	// BirdConversationID is the conversation NewBird seeds, in the
	// workspace [DefaultBirdWorkspaceID].
	BirdConversationID = "c9c60caa-eaf5-4628-9687-91de4d452bfa"
	// TwilioConversationSID is the conversation NewTwilio seeds.
	TwilioConversationSID = "CH00000000000000000000000000000001"
	// TwilioConversationName is the unique name of TwilioConversationSID,
	// which request paths may use instead of the SID.
	TwilioConversationName = "support-42"
	// TwilioProxyAddress is the proxy address (the number the vendor sends
	// from) of NewTwilioParticipants.
	TwilioProxyAddress = "+15017122661"
)

// ClientOptions returns the vendor-client options the helpers use for a
// client of s: s's URL as the base URL, retry waits of 1 to 5 ms instead of
// 500 ms to 30 s, and attempts bounded to 5 s, so that injected faults cost
// milliseconds and a hung request fails the test instead of holding it for
// the default 30 s. opts are appended, so that they win. Pass them to a
// vendor constructor for a second client of the same fake, for example one
// with wrong credentials:
//
//	bad, err := intercom.New("wrong-token", fake.ClientOptions()...)
func (s *Server) ClientOptions(opts ...option.Option) []option.Option {
	return clientOptions(s.URL(), nil, opts)
}

// InMemoryClientOptions is [Server.ClientOptions] for a client that
// reaches the fake in memory, through [Server.Transport], rather than on
// loopback: the fake's URL as the base URL (it is not served), an
// *http.Client over Transport, and the same waits. With it, a test in a
// testing/synctest bubble waits out Retry-After, deadlines and
// [Fault.Delay] on virtual time:
//
//	synctest.Test(t, func(t *testing.T) {
//		fake := participantstest.NewBirdServer()
//		defer fake.Close()
//		conv := fake.SeedConversation("")
//		bc, err := bird.New(fake.AccessKey(), fake.InMemoryClientOptions()...)
//		...
//	})
func (s *Server) InMemoryClientOptions(opts ...option.Option) []option.Option {
	return clientOptions(s.baseURL(), &http.Client{Transport: s.Transport()}, opts)
}

// clientOptions are the helpers' options for base, through hc when set,
// with opts appended.
func clientOptions(base string, hc *http.Client, opts []option.Option) []option.Option {
	out := []option.Option{
		option.WithBaseURL(base),
		option.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		option.WithAttemptTimeout(5 * time.Second),
	}
	if hc != nil {
		out = append(out, option.WithHTTPClient(hc))
	}
	return append(out, opts...)
}

// NewIntercom starts an [IntercomServer] with the admin [IntercomAdminID]
// and the conversation [IntercomConversationID], and returns an Intercom
// client of it: the fake's token and [Server.ClientOptions] with opts
// appended (opts win). The fake closes when t's test ends; a bad option
// fails t.
func NewIntercom(t testing.TB, opts ...option.Option) (*intercom.Client, *IntercomServer) {
	t.Helper()
	fake := NewIntercomServer()
	t.Cleanup(fake.Close)
	fake.SeedAdmin(IntercomAdminID)
	fake.SeedConversation(IntercomConversationID)
	return must(intercom.New(fake.Token(), fake.ClientOptions(opts...)...))(t), fake
}

// NewBird starts a [BirdServer] with the conversation [BirdConversationID]
// in its workspace ([DefaultBirdWorkspaceID], also [BirdServer.WorkspaceID]),
// and returns a Bird client of it: the fake's access key and
// [Server.ClientOptions] with opts appended (opts win). The fake closes when
// t's test ends; a bad option fails t.
func NewBird(t testing.TB, opts ...option.Option) (*bird.Client, *BirdServer) {
	t.Helper()
	fake := NewBirdServer()
	t.Cleanup(fake.Close)
	fake.SeedConversation(BirdConversationID)
	return must(bird.New(fake.AccessKey(), fake.ClientOptions(opts...)...))(t), fake
}

// NewTwilio starts a [TwilioServer] with the conversation
// [TwilioConversationSID] (unique name [TwilioConversationName]), and
// returns a Twilio client of it: the fake's account SID and auth token and
// [Server.ClientOptions] with opts appended (opts win). The fake closes when
// t's test ends; a bad option fails t.
func NewTwilio(t testing.TB, opts ...option.Option) (*twilio.Client, *TwilioServer) {
	t.Helper()
	fake := NewTwilioServer()
	t.Cleanup(fake.Close)
	fake.SeedConversation(TwilioConversationSID, TwilioConversationName)
	return must(twilio.New(fake.AccountSID(), fake.AuthToken(), fake.ClientOptions(opts...)...))(t), fake
}

// NewIntercomParticipants is [NewIntercom] with a participants.Client over
// the Intercom client, acting as the admin [IntercomAdminID]. For other
// [intercomparticipants.Options], pass the client of NewIntercom to
// intercomparticipants.New.
func NewIntercomParticipants(t testing.TB, opts ...option.Option) (*participants.Client, *IntercomServer) {
	t.Helper()
	c, fake := NewIntercom(t, opts...)
	return participants.New(intercomparticipants.New(c, intercomparticipants.Options{AdminID: IntercomAdminID})), fake
}

// NewBirdParticipants is [NewBird] with a participants.Client over the Bird
// client, in the fake's workspace. For other [birdparticipants.Options],
// pass the client of NewBird to birdparticipants.New.
func NewBirdParticipants(t testing.TB, opts ...option.Option) (*participants.Client, *BirdServer) {
	t.Helper()
	c, fake := NewBird(t, opts...)
	return participants.New(birdparticipants.New(c, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()})), fake
}

// NewTwilioParticipants is [NewTwilio] with a participants.Client over the
// Twilio client, with the proxy address [TwilioProxyAddress]. For other
// [twilioparticipants.Options], pass the client of NewTwilio to
// twilioparticipants.New.
func NewTwilioParticipants(t testing.TB, opts ...option.Option) (*participants.Client, *TwilioServer) {
	t.Helper()
	c, fake := NewTwilio(t, opts...)
	return participants.New(twilioparticipants.New(c, twilioparticipants.Options{ProxyAddress: TwilioProxyAddress})), fake
}

// must returns a constructor's client, failing the test of its argument
// with the constructor's error: must(intercom.New(...))(t).
func must[C any](c C, err error) func(testing.TB) C {
	return func(t testing.TB) C {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}
