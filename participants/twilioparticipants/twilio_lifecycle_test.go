package twilioparticipants_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

const (
	twConv    = participantstest.TwilioConversationSID
	twMissing = "CH0000000000000000000000000000dead"
	twService = "IS0123456789abcdef0123456789abcdef"
)

// twLife is a Twilio participants Client over a fresh fake, with the proxy
// address TwilioProxyAddress and the given options.
func twLife(t *testing.T, o twilioparticipants.Options) (*participants.Client, *participantstest.TwilioServer) {
	t.Helper()
	tc, srv := participantstest.NewTwilio(t)
	if o.ProxyAddress == "" {
		o.ProxyAddress = participantstest.TwilioProxyAddress
	}
	return participants.New(twilioparticipants.New(tc, o)), srv
}

// requests returns "METHOD path?query" of every request since mark.
func requests(srv *participantstest.TwilioServer, mark int) []string {
	var out []string
	for _, r := range srv.RequestLog()[mark:] {
		s := r.Method + " " + r.Path
		if r.RawQuery != "" {
			s += "?" + r.RawQuery
		}
		out = append(out, s)
	}
	return out
}

func twilioWantCode(t *testing.T, err error, code participants.ErrorCode, field string) *participants.Error {
	t.Helper()
	var pe *participants.Error
	if !errors.As(err, &pe) || pe.Code != code || pe.Provider != "twilio" || (field != "" && pe.Field != field) {
		t.Fatalf("err = %#v (%v), want a twilio %v naming %q", pe, err, code, field)
	}
	return pe
}

// seedMixed adds a chat identity, an SMS number, a WhatsApp number, a Group
// MMS number (address alone) and an RCS address, through the fake's HTTP
// API, and returns their SIDs in that order.
func seedMixed(t *testing.T, srv *participantstest.TwilioServer) []string {
	t.Helper()
	tc, err := twilio.New(srv.AccountSID(), srv.AuthToken(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	var sids []string
	for _, p := range []twilio.CreateParticipantParams{
		{Identity: "ada"},
		{Address: "+15558675310", ProxyAddress: participantstest.TwilioProxyAddress},
		{Address: "whatsapp:+15558675311", ProxyAddress: "whatsapp:" + participantstest.TwilioProxyAddress},
		{Address: "+15558675312"},
		{Address: "rcs:+15558675313", ProxyAddress: "rcs:brand"},
	} {
		got, err := tc.CreateParticipant(ctx, twConv, p)
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, got.SID)
	}
	return sids
}

func TestTwilioListMembers(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	sids := seedMixed(t, srv)
	mark := srv.Requests()
	var got []*participants.Member
	for m, err := range c.List(ctx, twConv, participants.WithPageSize(2)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	want := []participants.Member{
		{Provider: "twilio", ID: sids[0], Kind: participants.KindContact, ExternalID: "ada"},
		{Provider: "twilio", ID: sids[1], Kind: participants.KindContact, Phone: "+15558675310", Channel: participants.ChannelSMS, Identifier: participants.Identifier{Value: "+15558675310"}},
		{Provider: "twilio", ID: sids[2], Kind: participants.KindContact, Phone: "+15558675311", Channel: participants.ChannelWhatsApp, Identifier: participants.Identifier{Value: "whatsapp:+15558675311"}},
		{Provider: "twilio", ID: sids[3], Kind: participants.KindContact, Phone: "+15558675312", Channel: participants.ChannelSMS, Identifier: participants.Identifier{Value: "+15558675312"}},
		{Provider: "twilio", ID: sids[4], Kind: participants.KindContact, Identifier: participants.Identifier{Value: "rcs:+15558675313"}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d members, want %d", len(got), len(want))
	}
	for i, m := range got {
		w := &want[i]
		if m.String() != w.String() || m.ID != w.ID || m.Identifier != w.Identifier || m.Channel != w.Channel || m.Phone != w.Phone || m.ExternalID != w.ExternalID || m.Kind != w.Kind || m.Provider != w.Provider {
			t.Errorf("member %d = %+v, want %+v", i, *m, want[i])
		}
		var tp *twilio.Participant
		if !m.As(&tp) || tp.SID != sids[i] {
			t.Errorf("member %d: As = %v", i, tp)
		}
	}
	base := "/v1/Conversations/" + twConv + "/Participants"
	if r := requests(srv, mark); !slices.Equal(r, []string{
		"GET " + base + "?PageSize=2",
		"GET " + base + "?PageSize=2&Page=1&PageToken=PT2",
		"GET " + base + "?PageSize=2&Page=2&PageToken=PT4",
	}) {
		t.Errorf("requests = %q", r)
	}
	// Without WithPageSize Twilio's default applies: no PageSize sent.
	mark = srv.Requests()
	n := 0
	for _, err := range c.List(ctx, twConv) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if r := requests(srv, mark); n != 5 || !slices.Equal(r, []string{"GET " + base}) {
		t.Errorf("%d members, requests %q", n, r)
	}
	// Breaking out of the loop stops the fetching.
	mark = srv.Requests()
	for range c.List(ctx, twConv, participants.WithPageSize(1)) {
		break
	}
	if n := len(requests(srv, mark)); n != 1 {
		t.Errorf("%d requests after a break, want 1", n)
	}
}

func TestTwilioListErrors(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	for _, err := range c.List(ctx, twConv, participants.WithPageSize(101)) {
		twilioWantCode(t, err, participants.InvalidArgument, "WithPageSize")
	}
	if srv.Requests() != 0 {
		t.Fatal("a refused List sent requests")
	}
	for _, err := range c.List(ctx, twMissing) {
		twilioWantCode(t, err, participants.NotFound, "")
	}
	for _, err := range c.List(ctx, "..") {
		twilioWantCode(t, err, participants.InvalidArgument, "conversationID")
	}
	for _, err := range participants.New(twilioparticipants.New(nil, twilioparticipants.Options{})).List(ctx, twConv) {
		twilioWantCode(t, err, participants.InvalidArgument, "client")
	}
}

// A next_page_url that cannot be read, or that asks for a PageSize Twilio
// does not take, ends the list with an error; one without PageSize keeps
// the caller's.
func TestTwilioListNextPageURL(t *testing.T) {
	page := func(next string) string {
		return `{"participants":[{"sid":"MB` + strings.Repeat("0", 31) + next[len(next)-1:] + `"}],"meta":{"next_page_url":"` + next + `"}}`
	}
	for _, tt := range []struct {
		name, next string
		code       participants.ErrorCode
		field      string
	}{
		{"unparsable", "https://x/?PageSize=abc&a", participants.Unknown, ""},
		{"page size beyond 100", "https://x/?PageSize=500&PageToken=PT1", participants.InvalidArgument, "WithPageSize"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			mock.RegisterNoResponder(httpmock.NewStringResponder(200, page(tt.next)))
			tc, err := twilio.New("AC0123456789abcdef0123456789abcdef", "tok", option.WithHTTPClient(&http.Client{Transport: mock}))
			if err != nil {
				t.Fatal(err)
			}
			c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{}))
			var last error
			n := 0
			for m, err := range c.List(ctx, twConv) {
				if err != nil {
					last = err
					break
				}
				_ = m
				n++
			}
			if n != 1 {
				t.Errorf("%d members before the error, want 1", n)
			}
			twilioWantCode(t, last, tt.code, tt.field)
		})
	}
	mock := httpmock.NewMockTransport()
	var queries []string
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		queries = append(queries, req.URL.RawQuery)
		if len(queries) == 1 {
			return httpmock.NewStringResponse(200, page("https://x/?PageToken=PT7")), nil
		}
		return httpmock.NewStringResponse(200, `{"participants":[],"meta":{}}`), nil
	})
	tc, _ := twilio.New("AC0123456789abcdef0123456789abcdef", "tok", option.WithHTTPClient(&http.Client{Transport: mock}))
	c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{}))
	for _, err := range c.List(ctx, twConv, participants.WithPageSize(7)) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(queries, []string{"PageSize=7", "PageSize=7&PageToken=PT7"}) {
		t.Errorf("queries = %q", queries)
	}
}

func TestTwilioGet(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	sids := seedMixed(t, srv)
	base := "/v1/Conversations/" + twConv + "/Participants"
	for _, tt := range []struct {
		name string
		p    participants.Participant
		sid  string
		reqs []string
	}{
		{"participant ID", participants.Participant{ParticipantID: sids[1]}, sids[1], []string{"GET " + base + "/" + sids[1]}},
		{"external ID (identity)", participants.Participant{ExternalID: "ada"}, sids[0], []string{"GET " + base + "/ada"}},
		// With its own identity as well, the participant ID is looked up
		// (one fetch) and the identity checked against what it reports;
		// another identity is TestTwilioGetRemoveContradiction's.
		{"participant ID and its identity", participants.Participant{ParticipantID: sids[0], ExternalID: "ada"}, sids[0], []string{"GET " + base + "/" + sids[0]}},
		{"ID skipped for ExternalID", participants.Participant{ID: "x", ExternalID: "ada"}, sids[0], []string{"GET " + base + "/ada"}},
		{"sms phone", participants.Participant{Phone: "+15558675310"}, sids[1], []string{"GET " + base + "?PageSize=100"}},
		{"whatsapp phone", participants.Participant{Phone: "+15558675311", Channel: participants.ChannelWhatsApp}, sids[2], []string{"GET " + base + "?PageSize=100"}},
		{"group mms phone (no proxy in the binding)", participants.Participant{Phone: "+15558675312"}, sids[3], []string{"GET " + base + "?PageSize=100"}},
		{"identifier", participants.Participant{Identifier: participants.Identifier{Value: "rcs:+15558675313"}}, sids[4], []string{"GET " + base + "?PageSize=100"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mark := srv.Requests()
			m, err := c.Get(ctx, twConv, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if m.ID != tt.sid {
				t.Errorf("ID = %s, want %s", m.ID, tt.sid)
			}
			if r := requests(srv, mark); !slices.Equal(r, tt.reqs) {
				t.Errorf("requests = %q, want %q", r, tt.reqs)
			}
		})
	}
	// The unique name works as the conversation ID.
	if m, err := c.Get(ctx, participantstest.TwilioConversationName, participants.Participant{ExternalID: "ada"}); err != nil || m.ID != sids[0] {
		t.Errorf("by unique name: %v, %v", m, err)
	}
}

// The same address may be bound with several proxy addresses: Get and
// Remove prefer the participant that talks to TwilioOptions.ProxyAddress,
// and take the first with the address when none does.
func TestTwilioAddressPrefersProxy(t *testing.T) {
	tc, srv := participantstest.NewTwilio(t)
	var sids []string
	for _, proxy := range []string{"+15017122660", otherProxy} {
		p, err := tc.CreateParticipant(ctx, twConv, twilio.CreateParticipantParams{Address: "+15558675310", ProxyAddress: proxy})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, p.SID)
	}
	for _, tt := range []struct{ proxy, want string }{
		{otherProxy, sids[1]},
		{"+15017122660", sids[0]},
		{"+15017122111", sids[0]},
	} {
		c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: tt.proxy}))
		m, err := c.Get(ctx, twConv, participants.Participant{Phone: "+15558675310"})
		if err != nil || m.ID != tt.want {
			t.Errorf("proxy %s: Get = %v, %v; want %s", tt.proxy, m, err, tt.want)
		}
	}
	c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: otherProxy}))
	if r, err := c.Remove(ctx, twConv, participants.Participant{Phone: "+15558675310"}); err != nil || r.ID != sids[1] {
		t.Errorf("Remove = %v, %v", r, err)
	}
	if got := srv.Participants(twConv); len(got) != 1 || got[0].SID != sids[0] {
		t.Errorf("left %+v", got)
	}
}

func TestTwilioGetRefusalsAndMisses(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	seedMixed(t, srv)
	for _, tt := range []struct {
		name  string
		p     participants.Participant
		opts  []participants.Option
		code  participants.ErrorCode
		field string
	}{
		{"vendor ID", participants.Participant{ID: "c1"}, nil, participants.Unimplemented, "ID"},
		{"email", participants.Participant{Email: "a@b.co"}, nil, participants.Unimplemented, "Email"},
		{"kind user", participants.Participant{Kind: participants.KindUser, ID: "u1", ExternalID: "ada"}, nil, participants.Unimplemented, "Kind"},
		{"identifier key", participants.Participant{Identifier: participants.Identifier{Key: "phonenumber", Value: "+15558675310"}}, nil, participants.Unimplemented, "Identifier"},
		{"participant ID not an MB SID", participants.Participant{ParticipantID: "ada"}, nil, participants.InvalidArgument, "ParticipantID"},
		{"participant ID of another kind", participants.Participant{ParticipantID: "CH" + strings.Repeat("a", 32)}, nil, participants.InvalidArgument, "ParticipantID"},
		{"dot identity", participants.Participant{ExternalID: ".."}, nil, participants.InvalidArgument, "ExternalID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mark := srv.Requests()
			_, err := c.Get(ctx, twConv, tt.p, tt.opts...)
			twilioWantCode(t, err, tt.code, tt.field)
			if n := srv.Requests() - mark; n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
	for _, tt := range []struct {
		name, conv string
		p          participants.Participant
		field      string
	}{
		{"unknown SID", twConv, participants.Participant{ParticipantID: "MB" + strings.Repeat("0", 32)}, ""},
		{"unknown identity", twConv, participants.Participant{ExternalID: "nobody"}, ""},
		{"unknown phone", twConv, participants.Participant{Phone: "+15550000000"}, "Phone"},
		{"unknown identifier", twConv, participants.Participant{Identifier: participants.Identifier{Value: "rcs:x"}}, "Identifier"},
		{"missing conversation, identity", twMissing, participants.Participant{ExternalID: "ada"}, ""},
		{"missing conversation, phone", twMissing, participants.Participant{Phone: "+15558675310"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Get(ctx, tt.conv, tt.p)
			twilioWantCode(t, err, participants.NotFound, tt.field)
		})
	}
}

// Twilio answering a fetch with another participant than the one asked for
// proves nothing: Unknown.
func TestTwilioGetOtherParticipant(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    participants.Participant
		body string
	}{
		{"by SID", participants.Participant{ParticipantID: "MB" + strings.Repeat("1", 32)}, `{"sid":"MB` + strings.Repeat("2", 32) + `"}`},
		{"by identity", participants.Participant{ExternalID: "ada"}, `{"sid":"MB` + strings.Repeat("2", 32) + `","identity":"bob"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			mock.RegisterNoResponder(httpmock.NewStringResponder(200, tt.body))
			tc, _ := twilio.New("AC0123456789abcdef0123456789abcdef", "tok", option.WithHTTPClient(&http.Client{Transport: mock}))
			c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{}))
			_, err := c.Get(ctx, twConv, tt.p)
			pe := twilioWantCode(t, err, participants.Unknown, "")
			if !strings.Contains(pe.Message, "another participant") {
				t.Errorf("message = %q", pe.Message)
			}
			_, err = c.Remove(ctx, twConv, tt.p)
			if tt.p.ExternalID != "" {
				twilioWantCode(t, err, participants.Unknown, "")
			}
		})
	}
	// A SID in another letter case is the same SID.
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(httpmock.NewStringResponder(200, `{"sid":"MB`+strings.Repeat("a", 32)+`"}`))
	tc, _ := twilio.New("AC0123456789abcdef0123456789abcdef", "tok", option.WithHTTPClient(&http.Client{Transport: mock}))
	c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{}))
	if _, err := c.Get(ctx, twConv, participants.Participant{ParticipantID: "MB" + strings.Repeat("A", 32)}); err != nil {
		t.Error(err)
	}
}

func TestTwilioRemove(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{WebhookEnabled: true})
	sids := seedMixed(t, srv)
	base := "/v1/Conversations/" + twConv + "/Participants"
	for _, tt := range []struct {
		name        string
		p           participants.Participant
		sid         string
		reqs, again []string
		againSID    string
		as          bool
	}{
		{
			"participant ID", participants.Participant{ParticipantID: sids[1]}, sids[1],
			[]string{"DELETE " + base + "/" + sids[1]},
			[]string{"DELETE " + base + "/" + sids[1], "GET " + base + "?PageSize=1"}, sids[1], false,
		},
		{
			"external ID", participants.Participant{ExternalID: "ada"}, sids[0],
			[]string{"GET " + base + "/ada", "DELETE " + base + "/" + sids[0]},
			[]string{"GET " + base + "/ada", "GET " + base + "?PageSize=1"}, "", true,
		},
		{
			"whatsapp phone", participants.Participant{Phone: "+15558675311", Channel: participants.ChannelWhatsApp}, sids[2],
			[]string{"GET " + base + "?PageSize=100", "DELETE " + base + "/" + sids[2]},
			[]string{"GET " + base + "?PageSize=100"}, "", true,
		},
		{
			"identifier", participants.Participant{Identifier: participants.Identifier{Value: "rcs:+15558675313"}}, sids[4],
			[]string{"GET " + base + "?PageSize=100", "DELETE " + base + "/" + sids[4]},
			[]string{"GET " + base + "?PageSize=100"}, "", true,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mark := srv.Requests()
			res, err := c.Remove(ctx, twConv, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != participants.Removed || res.ID != tt.sid || res.Provider != "twilio" || res.Kind != participants.KindContact {
				t.Errorf("Remove = %v", res)
			}
			var tp *twilio.Participant
			if res.As(&tp) != tt.as || (tt.as && tp.SID != tt.sid) {
				t.Errorf("As = %v (%v)", res.As(&tp), tp)
			}
			if r := requests(srv, mark); !slices.Equal(r, tt.reqs) {
				t.Errorf("requests = %q, want %q", r, tt.reqs)
			}
			log := srv.RequestLog()
			if del := log[len(log)-1]; del.Method != http.MethodDelete || del.Header.Get("X-Twilio-Webhook-Enabled") != "true" {
				t.Errorf("delete %s without the webhook header: %v", del.Method, del.Header)
			}
			mark = srv.Requests()
			res, err = c.Remove(ctx, twConv, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != participants.AlreadyAbsent || res.ID != tt.againSID || res.As(&tp) {
				t.Errorf("second Remove = %v", res)
			}
			if r := requests(srv, mark); !slices.Equal(r, tt.again) {
				t.Errorf("second requests = %q, want %q", r, tt.again)
			}
		})
	}
	if n := len(srv.Participants(twConv)); n != 1 {
		t.Errorf("%d participants left, want 1", n)
	}
	// Without WebhookEnabled no header.
	c2, srv2 := twLife(t, twilioparticipants.Options{})
	sids2 := seedMixed(t, srv2)
	if _, err := c2.Remove(ctx, twConv, participants.Participant{ParticipantID: sids2[0]}); err != nil {
		t.Fatal(err)
	}
	log := srv2.RequestLog()
	if _, ok := log[len(log)-1].Header["X-Twilio-Webhook-Enabled"]; ok {
		t.Error("webhook header sent without WebhookEnabled")
	}
}

// A missing conversation is NotFound, never AlreadyAbsent, whatever names
// the participant.
func TestTwilioRemoveMissingConversation(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	for _, p := range []participants.Participant{
		{ParticipantID: "MB" + strings.Repeat("0", 32)},
		{ExternalID: "ada"},
		{Phone: "+15558675310"},
	} {
		mark := srv.Requests()
		_, err := c.Remove(ctx, twMissing, p)
		twilioWantCode(t, err, participants.NotFound, "")
		var api *apierror.Error
		if !errors.As(err, &api) || api.StatusCode != 404 {
			t.Errorf("%+v: the 404 is not in the chain: %v", p, err)
		}
		if n := srv.Requests() - mark; n > 2 {
			t.Errorf("%+v: %d requests", p, n)
		}
	}
}

func TestTwilioRemoveRefusals(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	for _, tt := range []struct {
		name  string
		p     participants.Participant
		opts  []participants.Option
		code  participants.ErrorCode
		field string
	}{
		{"admin", participants.Participant{ExternalID: "ada"}, []participants.Option{intercomparticipants.WithAdmin("1")}, participants.Unimplemented, "WithAdmin"},
		{"email", participants.Participant{Email: "a@b.co"}, nil, participants.Unimplemented, "Email"},
		{"kind bot", participants.Participant{Kind: participants.KindBot, ID: "f1"}, nil, participants.Unimplemented, "Kind"},
		{"bad SID", participants.Participant{ParticipantID: "MB12"}, nil, participants.InvalidArgument, "ParticipantID"},
		{"attributes", participants.Participant{ExternalID: "ada", Attributes: []byte(`{}`)}, nil, participants.InvalidArgument, "Attributes"},
		{"page size", participants.Participant{ExternalID: "ada"}, []participants.Option{participants.WithPageSize(5)}, participants.InvalidArgument, "WithPageSize"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Remove(ctx, twConv, tt.p, tt.opts...)
			twilioWantCode(t, err, tt.code, tt.field)
		})
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	if _, err := participants.New(twilioparticipants.New(nil, twilioparticipants.Options{})).Remove(ctx, twConv, participants.Participant{ExternalID: "a"}); participants.Code(err) != participants.InvalidArgument {
		t.Errorf("nil client: %v", err)
	}
	if _, err := participants.New(twilioparticipants.New(nil, twilioparticipants.Options{})).Get(ctx, twConv, participants.Participant{ExternalID: "a"}); participants.Code(err) != participants.InvalidArgument {
		t.Errorf("nil client: %v", err)
	}
}

// The response to a delete is lost after Twilio removed the participant:
// the transport retries (Remove is idempotent), Twilio answers 404, a read
// proves the conversation exists: AlreadyAbsent.
func TestTwilioRemoveLostResponse(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	sids := seedMixed(t, srv)
	srv.InjectFaults(participantstest.Fault{CommitThenDrop: true})
	res, err := c.Remove(ctx, twConv, participants.Participant{ParticipantID: sids[0]})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != participants.AlreadyAbsent || res.ID != sids[0] {
		t.Errorf("Remove = %v", res)
	}
	if n := len(srv.Participants(twConv)); n != 4 {
		t.Errorf("%d participants, want 4", n)
	}
}

// When the read that settles a 404 fails, so does Remove, with the read's
// code and both errors in the chain.
func TestTwilioRemoveCheckFails(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	srv.InjectFaults(participantstest.Fault{Status: 404, Body: `{"code":20404,"message":"nope","status":404}`},
		participantstest.Fault{Status: 403, Body: `{"code":20403,"message":"forbidden","status":403}`})
	_, err := c.Remove(ctx, twConv, participants.Participant{ParticipantID: "MB" + strings.Repeat("0", 32)})
	pe := twilioWantCode(t, err, participants.PermissionDenied, "")
	var api *apierror.Error
	if !errors.As(err, &api) || api.StatusCode != 403 {
		t.Errorf("the read's error is not first in the chain: %v", err)
	}
	if !strings.Contains(err.Error(), "20404") || !strings.Contains(pe.Message, "missing conversation") {
		t.Errorf("err = %v", err)
	}
	// Other errors of the delete are the delete's.
	srv.InjectFaults(participantstest.Fault{Status: 401, Body: `{"code":20003}`})
	_, err = c.Remove(ctx, twConv, participants.Participant{ParticipantID: "MB" + strings.Repeat("0", 32)})
	twilioWantCode(t, err, participants.Unauthenticated, "")
	srv.InjectFaults(participantstest.Fault{Status: 401, Body: `{"code":20003}`})
	_, err = c.Remove(ctx, twConv, participants.Participant{ExternalID: "ada"})
	twilioWantCode(t, err, participants.Unauthenticated, "")
	srv.InjectFaults(participantstest.Fault{Status: 401, Body: `{"code":20003}`})
	_, err = c.Remove(ctx, twConv, participants.Participant{Phone: "+15558675310"})
	twilioWantCode(t, err, participants.Unauthenticated, "")
}

// Issue 10 item 3: Twilio can answer 404 / 20404 to the re-add of a
// participant removed moments before although it created them. Add looks
// the participant up and reports success, Outcome Unreported (the read
// proves presence, not who added them).
func TestTwilioAddAfterReAdd404(t *testing.T) {
	for _, tt := range []struct {
		name, key string
		p         participants.Participant
		lookup    string
	}{
		// A list, not a fetch by identity, which the stale mapping hides
		// the participant from (see TwilioServer.MarkStale).
		{"identity", "ada", participants.Participant{ExternalID: "ada"}, "GET /v1/Conversations/" + twConv + "/Participants?PageSize=100"},
		{"address", "+15558675310", participants.Participant{Phone: "+15558675310"}, "GET /v1/Conversations/" + twConv + "/Participants?PageSize=100"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, srv := twLife(t, twilioparticipants.Options{})
			srv.MarkStale(tt.key)
			first := mustAdd(t, c, twConv, tt.p)
			if _, err := c.Remove(ctx, twConv, participants.Participant{ParticipantID: first.ID}); err != nil {
				t.Fatal(err)
			}
			mark := srv.Requests()
			res, err := c.Add(ctx, twConv, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			got := srv.Participants(twConv)
			if len(got) != 1 || res.Outcome != participants.Unreported || res.ID != got[0].SID || res.ID == first.ID {
				t.Errorf("Add = %v; participants %+v", res, got)
			}
			var tp *twilio.Participant
			if !res.As(&tp) || tp.SID != res.ID {
				t.Errorf("As = %v", tp)
			}
			if r := requests(srv, mark); len(r) != 2 || r[1] != tt.lookup {
				t.Errorf("requests = %q", r)
			}
		})
	}
}

func TestTwilioAdd404NotCreated(t *testing.T) {
	notFound := participantstest.Fault{Status: 404, Body: `{"code":20404,"message":"The requested resource was not found","status":404}`}
	for _, p := range []participants.Participant{{ExternalID: "ada"}, {Phone: "+15558675310"}} {
		c, srv := twLife(t, twilioparticipants.Options{})
		srv.InjectFaults(notFound)
		_, err := c.Add(ctx, twConv, p)
		pe := twilioWantCode(t, err, participants.NotFound, "")
		var api *apierror.Error
		if !errors.As(err, &api) || api.StatusCode != 404 || !strings.Contains(pe.Message, "no such participant") {
			t.Errorf("%+v: err = %v", p, err)
		}
		if n := srv.Requests(); n != 2 {
			t.Errorf("%+v: %d requests, want 2", p, n)
		}
	}
	// A missing conversation: the lookup's own 404 ends it.
	c, srv := twLife(t, twilioparticipants.Options{})
	for _, p := range []participants.Participant{{ExternalID: "ada"}, {Phone: "+15558675310"}} {
		_, err := c.Add(ctx, twMissing, p)
		twilioWantCode(t, err, participants.NotFound, "")
	}
	if n := srv.Requests(); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	// A 404 without Twilio's code 20404 is not looked into.
	srv.InjectFaults(participantstest.Fault{Status: 404, Body: `{"message":"Not Found","status":404}`})
	mark := srv.Requests()
	_, err := c.Add(ctx, twConv, participants.Participant{ExternalID: "ada"})
	twilioWantCode(t, err, participants.NotFound, "")
	if n := srv.Requests() - mark; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// A Group MMS projected address (through BeforeAdd) cannot be looked up.
	srv.InjectFaults(notFound)
	mark = srv.Requests()
	_, err = c.Add(ctx, twConv, participants.Participant{ExternalID: "x"}, participants.BeforeAdd(func(body any) error {
		b := body.(*twilio.CreateParticipantParams)
		b.Identity, b.ProjectedAddress = "", "+15017122661"
		return nil
	}))
	twilioWantCode(t, err, participants.NotFound, "")
	if n := srv.Requests() - mark; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestTwilioAdd404LookupFails(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	srv.InjectFaults(participantstest.Fault{Status: 404, Body: `{"code":20404,"message":"nf","status":404}`},
		participantstest.Fault{Status: 401, Body: `{"code":20003,"message":"auth","status":401}`})
	_, err := c.Add(ctx, twConv, participants.Participant{ExternalID: "ada"})
	pe := twilioWantCode(t, err, participants.Unauthenticated, "")
	if !strings.Contains(pe.Message, "looking the participant up failed") || !strings.Contains(err.Error(), "20404") {
		t.Errorf("err = %v", err)
	}
}

// The adapter over a Service view reaches the service's conversations.
func TestTwilioLifecycleOnAService(t *testing.T) {
	tc, srv := participantstest.NewTwilio(t)
	conv := srv.SeedServiceConversation(twService, "", "")
	svc, err := tc.Service(twService)
	if err != nil {
		t.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(svc, twilioparticipants.Options{ProxyAddress: participantstest.TwilioProxyAddress}))
	res := mustAdd(t, c, conv, participants.Participant{ExternalID: "ada"})
	n := 0
	for m, err := range c.List(ctx, conv) {
		if err != nil {
			t.Fatal(err)
		}
		var tp *twilio.Participant
		if !m.As(&tp) || tp.ChatServiceSID != twService || m.ID != res.ID {
			t.Errorf("member = %v", m)
		}
		n++
	}
	if m, err := c.Get(ctx, conv, participants.Participant{ExternalID: "ada"}); err != nil || m.ID != res.ID {
		t.Errorf("Get = %v, %v", m, err)
	}
	if r, err := c.Remove(ctx, conv, participants.Participant{ExternalID: "ada"}); err != nil || r.Outcome != participants.Removed {
		t.Errorf("Remove = %v, %v", r, err)
	}
	if r, err := c.Remove(ctx, conv, participants.Participant{ExternalID: "ada"}); err != nil || r.Outcome != participants.AlreadyAbsent {
		t.Errorf("Remove again = %v, %v", r, err)
	}
	for _, r := range srv.RequestLog() {
		if !strings.HasPrefix(r.Path, "/v1/Services/"+twService+"/") {
			t.Errorf("request off the service: %s %s", r.Method, r.Path)
		}
	}
	// The plain client does not see the service's conversation.
	plain := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{}))
	_, err = plain.Remove(ctx, conv, participants.Participant{ExternalID: "ada"})
	twilioWantCode(t, err, participants.NotFound, "")
	if n != 1 {
		t.Errorf("%d members", n)
	}
}

// An API-key client works through the adapter like an account one.
func TestTwilioLifecycleWithAPIKey(t *testing.T) {
	_, srv := participantstest.NewTwilio(t)
	tc, err := twilio.NewWithAPIKey(srv.APIKeySID(), srv.APIKeySecret(), srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{}))
	res := mustAdd(t, c, twConv, participants.Participant{ExternalID: "ada"})
	if r, err := c.Remove(ctx, twConv, participants.Participant{ParticipantID: res.ID}); err != nil || r.Outcome != participants.Removed {
		t.Errorf("Remove = %v, %v", r, err)
	}
	bad, _ := twilio.NewWithAPIKey(srv.APIKeySID(), "wrong", srv.ClientOptions()...)
	_, err = participants.New(twilioparticipants.New(bad, twilioparticipants.Options{})).Get(ctx, twConv, participants.Participant{ExternalID: "ada"})
	twilioWantCode(t, err, participants.Unauthenticated, "")
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the secret shows: %v", err)
	}
}

// A canceled context is Canceled before the participant is even checked,
// and sends nothing.
func TestTwilioLifecycleCanceledFirst(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := c.Get(cctx, twConv, participants.Participant{ParticipantID: "p-1"})
	twilioWantCode(t, err, participants.Canceled, "")
	_, err = c.Remove(cctx, twConv, participants.Participant{ParticipantID: "p-1"})
	twilioWantCode(t, err, participants.Canceled, "")
	if !errors.Is(err, context.Canceled) || srv.Requests() != 0 {
		t.Errorf("err = %v, %d requests", err, srv.Requests())
	}
}

// WithPageSize takes Twilio's whole range, 1..100.
func TestTwilioListPageSizeBounds(t *testing.T) {
	c, srv := twLife(t, twilioparticipants.Options{})
	seedMixed(t, srv)
	for _, n := range []int{1, 100} {
		mark := srv.Requests()
		got := 0
		for _, err := range c.List(ctx, twConv, participants.WithPageSize(n)) {
			if err != nil {
				t.Fatalf("WithPageSize(%d): %v", n, err)
			}
			got++
		}
		if r := requests(srv, mark); got != 5 || !strings.Contains(r[0], "PageSize="+strconv.Itoa(n)) {
			t.Errorf("WithPageSize(%d): %d members, requests %q", n, got, r)
		}
	}
}

// For a WhatsApp phone the preferred proxy address carries "whatsapp:" too.
func TestTwilioWhatsAppPrefersProxy(t *testing.T) {
	tc, _ := participantstest.NewTwilio(t)
	var sids []string
	for _, proxy := range []string{"whatsapp:+15017122660", "whatsapp:" + otherProxy} {
		p, err := tc.CreateParticipant(ctx, twConv, twilio.CreateParticipantParams{Address: "whatsapp:+15558675310", ProxyAddress: proxy})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, p.SID)
	}
	for _, proxy := range []string{otherProxy, "whatsapp:" + otherProxy} {
		c := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: proxy}))
		m, err := c.Get(ctx, twConv, participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp})
		if err != nil || m.ID != sids[1] {
			t.Errorf("proxy %s: Get = %v, %v; want %s", proxy, m, err, sids[1])
		}
	}
}
