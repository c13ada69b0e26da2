package main

import (
	"errors"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
)

// fakes are the four in-process fake vendor servers and a target for each,
// and the loopback server that receives their webhooks.
type fakes struct {
	targets []target
	events  *events
	close   func()
}

// startFakes starts a fake of each vendor, subscribes it to the webhook
// endpoint of the loopback receiver, seeds a conversation on it that person
// can be added to, and points a target's client at it with the fake's
// credentials. Call close when done.
func startFakes(person participants.Participant) (*fakes, error) {
	ic := participantstest.NewIntercomServer()
	bs := participantstest.NewBirdServer()
	ts := participantstest.NewTwilioServer()
	ss := participantstest.NewSunshineServer()
	rcv := newReceiver()
	closeAll := func() {
		// Each fake closes its subscription first.
		ic.Close()
		bs.Close()
		ts.Close()
		ss.Close()
		rcv.srv.Close()
	}
	// Subscribed before the conversations are seeded: Bird's receiver
	// learns of the conversation from its conversation.created.
	icSub, icHookErr := rcv.subscribeIntercom(ic)
	bsSub, bsHookErr := rcv.subscribeBird(bs)
	tsSub, tsHookErr := rcv.subscribeTwilio(ts)
	ssSub, ssHookErr := rcv.subscribeSunshine(ss)

	// Intercom: an admin who adds people, the person as a known contact
	// (attach needs an existing user_id), and a conversation with a first
	// customer (Intercom never removes a conversation's last customer).
	const adminID = "781236"
	ic.SeedAdmin(adminID)
	if person.ExternalID != "" || person.Email != "" {
		ic.SeedContact(participantstest.IntercomContact{UserID: person.ExternalID, Email: person.Email})
	}
	first := ic.SeedContact(participantstest.IntercomContact{Email: "first-customer@example.com"})
	icConv := ic.SeedConversation("", first.ID)
	icTarget, icErr := intercomTarget(ic.Token(), adminID, icConv,
		option.WithBaseURL(ic.URL()), option.WithHTTPClient(ic.Client()))
	icTarget.missing = "404"
	icTarget.count = func() int { return len(ic.Customers(icConv)) }
	icTarget.flush = icSub.Flush

	// Bird: a conversation in the fake's one workspace.
	bsConv := bs.SeedConversation("")
	bsTarget, bsErr := birdTarget(bs.AccessKey(), bs.WorkspaceID(), bsConv,
		option.WithBaseURL(bs.URL()), option.WithHTTPClient(bs.Client()))
	bsTarget.missing = "00000000-0000-4000-8000-000000000000"
	bsTarget.count = func() int { return len(bs.Participants(bsConv)) }
	bsTarget.flush = bsSub.Flush

	// Twilio: a conversation, and a Twilio number for people added by phone.
	tsConv := ts.SeedConversation("", "")
	tsTarget, tsErr := twilioTarget(ts.AccountSID(), ts.AuthToken(), "+15017122661", tsConv,
		option.WithBaseURL(ts.URL()), option.WithHTTPClient(ts.Client()))
	tsTarget.missing = "CH00000000000000000000000000000000"
	tsTarget.count = func() int { return len(ts.Participants(tsConv)) }
	tsTarget.flush = tsSub.Flush
	// Twilio sends webhooks for changes made through the REST API only
	// when the request asks for them.
	tsTarget.opts = []participants.Option{twilioparticipants.WithWebhooks(true)}

	// Sunshine: the person as a user of the app (join takes existing users
	// only), and a group conversation.
	if person.ExternalID != "" {
		ss.EnsureUser(person.ExternalID)
	}
	ssConv := ss.SeedConversation("", "sdkGroup")
	ssTarget, ssErr := sunshineTarget(ss.KeyID(), ss.Secret(), ss.AppID(), ssConv,
		option.WithBaseURL(ss.URL()), option.WithHTTPClient(ss.Client()))
	ssTarget.missing = "000000000000000000000000"
	ssTarget.count = func() int { return len(ss.Participants(ssConv)) }
	ssTarget.flush = ssSub.Flush

	if err := errors.Join(icErr, bsErr, tsErr, ssErr, icHookErr, bsHookErr, tsHookErr, ssHookErr); err != nil {
		closeAll()
		return nil, err
	}
	return &fakes{targets: []target{icTarget, bsTarget, tsTarget, ssTarget}, events: rcv.got, close: closeAll}, nil
}
