package participantstest

import (
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// One-line helpers for tests of events: each subscribes a fake to url
// (Subscribe) and returns the subscription, closed when t's test ends, and
// the provider package's Receiver that verifies its deliveries with the
// subscription's secret, for participants.NewWebhookHandler:
//
//	sub, recv := participantstest.SubscribeTwilio(t, fake, srv.URL, participantstest.Webhooks{Duplicates: 1})
//	h, err := participants.NewWebhookHandler(recv, handle)
//
// url is the URL the receiving server sees (that of an httptest.Server
// and a path): Twilio and Bird sign it.

// SubscribeTwilio subscribes fake to url and returns the subscription and
// a twilioparticipants Receiver of it.
func SubscribeTwilio(t testing.TB, fake *TwilioServer, url string, w Webhooks) (*Subscription, driver.Receiver) {
	t.Helper()
	sub := fake.Subscribe(url, w)
	t.Cleanup(sub.Close)
	v := must(twilio.NewWebhookVerifier(sub.Secret(), twilio.WithPublicURL(url)))(t)
	return sub, twilioparticipants.NewReceiver(v)
}

// SubscribeIntercom subscribes fake to url and returns the subscription
// and an intercomparticipants Receiver of it.
func SubscribeIntercom(t testing.TB, fake *IntercomServer, url string, w Webhooks) (*Subscription, driver.Receiver) {
	t.Helper()
	sub := fake.Subscribe(url, w)
	t.Cleanup(sub.Close)
	v := must(intercom.NewWebhookVerifier(sub.Secret()))(t)
	return sub, intercomparticipants.NewReceiver(v)
}

// SubscribeBird subscribes fake to url and returns the subscription and a
// birdparticipants Receiver of it, which lists the participants with a
// Bird client of the fake ([Server.ClientOptions]) and keeps its
// snapshots in memory.
func SubscribeBird(t testing.TB, fake *BirdServer, url string, w Webhooks) (*Subscription, driver.Receiver) {
	t.Helper()
	sub := fake.Subscribe(url, w)
	t.Cleanup(sub.Close)
	v := must(bird.NewWebhookVerifier(sub.Secret(), bird.WithPublicURL(url)))(t)
	bc := must(bird.New(fake.AccessKey(), fake.ClientOptions()...))(t)
	p := birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()})
	return sub, must(birdparticipants.NewReceiver(v, p, birdparticipants.ReceiverOptions{}))(t)
}

// SubscribeSunshine subscribes fake to url and returns the subscription
// and a sunshineparticipants Receiver of it.
func SubscribeSunshine(t testing.TB, fake *SunshineServer, url string, w Webhooks) (*Subscription, driver.Receiver) {
	t.Helper()
	sub := fake.Subscribe(url, w)
	t.Cleanup(sub.Close)
	v := must(sunshine.NewWebhookVerifier(sub.Secret()))(t)
	return sub, sunshineparticipants.NewReceiver(v)
}
