package twilioparticipants_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
)

// Issue 18 item 2: a Twilio participant is a chat identity or one
// messaging binding with one address. Add with several identities set
// refuses before any request, naming them all; it never sends one and
// drops the others.
func TestTwilioAddRefusesSeveralIdentities(t *testing.T) {
	wa := participants.ChannelWhatsApp
	for _, tt := range []struct {
		name  string
		p     participants.Participant
		code  participants.ErrorCode
		field string
		msg   string
	}{
		{"ExternalID and Phone", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}, participants.InvalidArgument, "ExternalID, Phone", "cannot send ExternalID and Phone together"},
		{"ExternalID and WhatsApp Phone", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310", Channel: wa}, participants.InvalidArgument, "ExternalID, Phone", "Identity (a chat participant) cannot be combined with a messaging binding"},
		{"Phone and Identifier", participants.Participant{Phone: "+15558675310", Identifier: participants.Identifier{Value: "rcs:+15558675313"}}, participants.InvalidArgument, "Phone, Identifier", "a binding has one address"},
		{"ExternalID and Identifier", participants.Participant{ExternalID: "crm-42", Identifier: participants.Identifier{Value: "rcs:+15558675313"}}, participants.InvalidArgument, "ExternalID, Identifier", "set Participant.Use"},
		{"all three", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310", Identifier: participants.Identifier{Value: "rcs:+1"}}, participants.InvalidArgument, "ExternalID, Phone, Identifier", ""},
		// An identity Twilio cannot express is Unimplemented, with another
		// one or alone: never dropped for the one it can.
		{"ID and ExternalID", participants.Participant{ID: "c1", ExternalID: "crm-42"}, participants.Unimplemented, "ID", "not expressible on twilio"},
		{"Email and Phone", participants.Participant{Email: "ada@example.com", Phone: "+15558675310"}, participants.Unimplemented, "Email", "not expressible on twilio"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, srv := twLife(t, twilioparticipants.Options{})
			_, err := c.Add(ctx, twConv, tt.p)
			pe := twilioWantCode(t, err, tt.code, tt.field)
			if !strings.Contains(pe.Message, tt.msg) {
				t.Errorf("message %q, want %q", pe.Message, tt.msg)
			}
			if n := srv.Requests(); n != 0 {
				t.Errorf("%d requests, want none", n)
			}
		})
	}
}

// Participant.Use chooses the identity Add sends, alone.
func TestTwilioAddUseChooses(t *testing.T) {
	both := participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}
	for _, tt := range []struct {
		use  participants.IdentityField
		body string
	}{
		{participants.UsePhone, "MessagingBinding.Address=%2B15558675310&MessagingBinding.ProxyAddress=%2B15017122661"},
		{participants.UseExternalID, "Identity=crm-42"},
	} {
		t.Run(string(tt.use), func(t *testing.T) {
			c, srv := twLife(t, twilioparticipants.Options{})
			p := both
			p.Use = tt.use
			res, err := c.Add(ctx, twConv, p)
			if err != nil {
				t.Fatal(err)
			}
			if got := lastBody(t, srv.Server); got != tt.body {
				t.Errorf("body = %s, want %s", got, tt.body)
			}
			got := srv.Participants(twConv)
			if len(got) != 1 || got[0].SID != res.ID {
				t.Fatalf("participants %+v", got)
			}
			if (tt.use == participants.UsePhone) != (got[0].MessagingBinding != nil && got[0].Identity == nil) {
				t.Errorf("Use %s added %+v", tt.use, got[0])
			}
		})
	}
}

// Get and Remove with several identities never return or remove a
// participant that reports another value for one of them.
func TestTwilioGetRemoveContradiction(t *testing.T) {
	wa := participants.ChannelWhatsApp
	c, srv := twLife(t, twilioparticipants.Options{})
	sids := seedMixed(t, srv)
	base := "/v1/Conversations/" + twConv + "/Participants"
	for _, tt := range []struct {
		name  string
		p     participants.Participant
		field string
	}{
		{"participant ID and another identity", participants.Participant{ParticipantID: sids[0], ExternalID: "nobody"}, "ExternalID"},
		{"participant ID and another phone", participants.Participant{ParticipantID: sids[1], Phone: "+15550000000"}, "Phone"},
		{"participant ID and another channel", participants.Participant{ParticipantID: sids[1], Phone: "+15558675310", Channel: wa}, "Phone"},
		{"phone and another identifier", participants.Participant{Phone: "+15558675311", Channel: wa, Identifier: participants.Identifier{Value: "rcs:+15558675313"}}, "Identifier"},
		{"Use phone, another identifier", participants.Participant{Identifier: participants.Identifier{Value: "rcs:+15558675313"}, Phone: "+15558675310", Use: participants.UsePhone}, "Identifier"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := c.Get(ctx, twConv, tt.p)
			twilioWantCode(t, err, participants.NotFound, tt.field)
			if m != nil {
				t.Errorf("Get returned %v", m)
			}
			mark := srv.Requests()
			res, err := c.Remove(ctx, twConv, tt.p)
			twilioWantCode(t, err, participants.FailedPrecondition, tt.field)
			if res != nil {
				t.Errorf("Remove returned %v", res)
			}
			for _, r := range requests(srv, mark) {
				if strings.HasPrefix(r, "DELETE") {
					t.Errorf("Remove sent %s", r)
				}
			}
			if n := len(srv.Participants(twConv)); n != len(sids) {
				t.Errorf("%d participants left, want %d", n, len(sids))
			}
		})
	}
	// Identities that agree: Get returns the participant, Remove looks it
	// up, then removes it by its SID.
	p := participants.Participant{ParticipantID: sids[1], Phone: "+15558675310"}
	if m, err := c.Get(ctx, twConv, p); err != nil || m.ID != sids[1] {
		t.Fatalf("Get = %v, %v", m, err)
	}
	mark := srv.Requests()
	res, err := c.Remove(ctx, twConv, p)
	if err != nil || res.Outcome != participants.Removed || res.ID != sids[1] {
		t.Fatalf("Remove = %v, %v", res, err)
	}
	want := []string{"GET " + base + "/" + sids[1], "DELETE " + base + "/" + sids[1]}
	if r := requests(srv, mark); !slices.Equal(r, want) {
		t.Errorf("requests = %q, want %q", r, want)
	}
	if n := len(srv.Participants(twConv)); n != len(sids)-1 {
		t.Errorf("%d participants left, want %d", n, len(sids)-1)
	}
}
