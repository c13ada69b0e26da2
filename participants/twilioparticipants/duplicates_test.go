package twilioparticipants_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// The duplicate answers of Add (Twilio 50433 for an identity, 50416 for an
// address): the lookup finds the participant among others, and an address
// bound elsewhere is AlreadyExists.

// withProxy is a Client over tc whose Phone participants talk to proxy.
func withProxy(tc *twilio.Client, proxy string) *participants.Client {
	return participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: proxy}))
}

func TestTwilioDuplicateIdentityAfterOthers(t *testing.T) {
	tc, _ := participantstest.NewTwilio(t)
	c := withProxy(tc, twilioProxy)
	conv := participantstest.TwilioConversationSID
	mustAdd(t, c, conv, participants.Participant{Phone: "+15550000001"}) // a binding, no identity
	mustAdd(t, c, conv, participants.Participant{ExternalID: "alice"})
	for i := range 3 {
		mustAdd(t, c, conv, participants.Participant{ExternalID: fmt.Sprintf("person-%d", i)})
	}
	ada := mustAdd(t, c, conv, participants.Participant{ExternalID: "ada"})
	got, err := c.Add(ctx, conv, participants.Participant{ExternalID: "ada"})
	if err != nil || got.Outcome != participants.AlreadyPresent || got.ID != ada.ID {
		t.Fatalf("ada again: %+v, %v; want AlreadyPresent %s", got, err, ada.ID)
	}
}

func TestTwilioDuplicateBindingAfterOthers(t *testing.T) {
	tc, _ := participantstest.NewTwilio(t)
	c, other := withProxy(tc, twilioProxy), withProxy(tc, otherProxy)
	conv := participantstest.TwilioConversationSID
	const phone = "+15558675310"
	mustAdd(t, c, conv, participants.Participant{ExternalID: "alice"}) // a chat participant: no binding
	decoy := mustAdd(t, other, conv, participants.Participant{Phone: phone})
	mustAdd(t, c, conv, participants.Participant{Phone: "+15550000002"}) // another address, this proxy
	mine := mustAdd(t, c, conv, participants.Participant{Phone: phone})
	got, err := c.Add(ctx, conv, participants.Participant{Phone: phone})
	if err != nil || got.Outcome != participants.AlreadyPresent || got.ID != mine.ID {
		t.Fatalf("same address and proxy again: %+v, %v; want AlreadyPresent %s (not %s)", got, err, mine.ID, decoy.ID)
	}
}

// An address bound with this proxy in another conversation is
// AlreadyExists naming Phone, the address and the proxy.
func TestTwilioBindingElsewhere(t *testing.T) {
	tc, srv := participantstest.NewTwilio(t)
	c := withProxy(tc, twilioProxy)
	const phone = "+15558675310"
	elsewhere := srv.SeedConversation("CH00000000000000000000000000000002", "")
	mustAdd(t, c, elsewhere, participants.Participant{Phone: phone})
	res, err := c.Add(ctx, participantstest.TwilioConversationSID, participants.Participant{Phone: phone})
	var pe *participants.Error
	if participants.Code(err) != participants.AlreadyExists || res != nil || !errors.As(err, &pe) || pe.Field != "Phone" ||
		!strings.Contains(err.Error(), "another active conversation") || !strings.Contains(err.Error(), phone) {
		t.Fatalf("Add = %+v, %v; want AlreadyExists on Phone naming the address", res, err)
	}
}

// Kind contact, said explicitly, is a person added by identity; an
// Identifier is a binding address, without a Key.
func TestTwilioAddKindAndIdentifier(t *testing.T) {
	tc, srv := participantstest.NewTwilio(t)
	c := withProxy(tc, twilioProxy)
	conv := participantstest.TwilioConversationSID
	if _, err := c.Add(ctx, conv, participants.Participant{Kind: participants.KindContact, ExternalID: "carol"}); err != nil {
		t.Fatalf("Add of an explicit contact: %v", err)
	}
	if _, err := c.Add(ctx, conv, participants.Participant{Identifier: participants.Identifier{Value: "+15550000009"}}); err != nil {
		t.Fatalf("Add by Identifier: %v", err)
	}
	if got := lastBody(t, srv.Server); !strings.Contains(got, "MessagingBinding.Address=%2B15550000009") {
		t.Errorf("body %s", got)
	}
	before := srv.Requests()
	_, err := c.Add(ctx, conv, participants.Participant{Identifier: participants.Identifier{Key: "phonenumber", Value: "+15550000010"}})
	if participants.Code(err) != participants.Unimplemented || !strings.Contains(err.Error(), "Identifier.Key") || srv.Requests() != before {
		t.Fatalf("Add by an Identifier with a Key: %v", err)
	}
}

// A role that the twilio client refuses is named as the option it came
// from: WithRole on the call, Options.RoleSID otherwise.
func TestTwilioBadRoleNamesItsOption(t *testing.T) {
	tc, srv := participantstest.NewTwilio(t)
	conv := participantstest.TwilioConversationSID
	before := srv.Requests()
	_, err := withProxy(tc, twilioProxy).Add(ctx, conv, participants.Participant{ExternalID: "dave"}, twilioparticipants.WithRole("RLnot-a-sid"))
	var pe *participants.Error
	if !errors.As(err, &pe) || pe.Field != "WithRole" {
		t.Errorf("WithRole: err = %v, want it on WithRole", err)
	}
	c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy, RoleSID: "RLnot-a-sid"}))
	_, err = c.Add(ctx, conv, participants.Participant{ExternalID: "dave"})
	if !errors.As(err, &pe) || pe.Field != "twilioparticipants.Options.RoleSID" {
		t.Errorf("Options.RoleSID: err = %v, want it on twilioparticipants.Options.RoleSID", err)
	}
	if srv.Requests() != before {
		t.Error("a bad role was sent")
	}
}
