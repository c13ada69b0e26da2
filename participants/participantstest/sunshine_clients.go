package participantstest

import (
	"testing"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

// SunshineConversationID is the sdkGroup conversation [NewSunshine] seeds,
// in the app [DefaultSunshineAppID].
const SunshineConversationID = "029c31f25a21b47effd7be90"

// NewSunshine starts a [SunshineServer] with the sdkGroup conversation
// [SunshineConversationID] in its app ([DefaultSunshineAppID], also
// [SunshineServer.AppID]), and returns a Sunshine client of it: the fake's
// key ID and secret and [Server.ClientOptions] with opts appended (opts
// win). Users are created with [SunshineServer.SeedUser] or
// [SunshineServer.EnsureUser]. The fake closes when t's test ends; a bad
// option fails t.
func NewSunshine(t testing.TB, opts ...option.Option) (*sunshine.Client, *SunshineServer) {
	t.Helper()
	fake := NewSunshineServer()
	t.Cleanup(fake.Close)
	fake.SeedConversation(SunshineConversationID, "sdkGroup")
	return must(sunshine.New(fake.KeyID(), fake.Secret(), fake.ClientOptions(opts...)...))(t), fake
}

// NewSunshineParticipants is [NewSunshine] with a participants.Client over
// the Sunshine client, in the fake's app. For other
// [sunshineparticipants.Options], pass the client of NewSunshine to
// sunshineparticipants.New.
func NewSunshineParticipants(t testing.TB, opts ...option.Option) (*participants.Client, *SunshineServer) {
	t.Helper()
	c, fake := NewSunshine(t, opts...)
	return participants.New(sunshineparticipants.New(c, sunshineparticipants.Options{AppID: fake.AppID()})), fake
}
