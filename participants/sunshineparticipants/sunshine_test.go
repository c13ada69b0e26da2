package sunshineparticipants_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

const sunConv = participantstest.SunshineConversationID

// sunshineSetup returns a participants.Client over a fresh Sunshine fake
// with the user "ada", and the fake.
func sunshineSetup(t *testing.T, o ...func(*sunshineparticipants.Options)) (*participants.Client, *participantstest.SunshineServer, participantstest.SunshineUser) {
	t.Helper()
	sc, srv := participantstest.NewSunshine(t)
	opts := sunshineparticipants.Options{AppID: srv.AppID()}
	for _, f := range o {
		f(&opts)
	}
	return participants.New(sunshineparticipants.New(sc, opts)), srv, srv.SeedUser("ada")
}

// emptyPage is a list answer that shows nobody, for faking a race.
var emptyPage = participantstest.Fault{Status: 200, Body: `{"participants":[],"meta":{"hasMore":false}}`}

func sunFault(status int, code, title string) participantstest.Fault {
	return participantstest.Fault{Status: status, Body: fmt.Sprintf(`{"errors":[{"code":%q,"title":%q}]}`, code, title)}
}

func sunshineWantCode(t *testing.T, err error, code participants.ErrorCode, field string) *participants.Error {
	t.Helper()
	var pe *participants.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want a *participants.Error", err, err)
	}
	if pe.Code != code || pe.Provider != "sunshine" || (field != "-" && pe.Field != field) {
		t.Errorf("err = %v (code %v field %q), want %v field %q", err, pe.Code, pe.Field, code, field)
	}
	return pe
}

func methods(srv *participantstest.SunshineServer) string {
	var s []string
	for _, r := range srv.RequestLog() {
		s = append(s, r.Method+" "+r.Path[strings.LastIndex(r.Path, "/")+1:])
	}
	return strings.Join(s, ",")
}

func TestSunshineAddReadsFirst(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	res, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	ps := srv.Participants(sunConv)
	if res.Outcome != participants.Added || res.ID != ps[0].ID || res.Kind != participants.KindContact || res.Provider != "sunshine" {
		t.Errorf("result = %+v", res)
	}
	var sp *sunshine.Participant
	if !res.As(&sp) || sp.UserID != ada.ID || sp.UserExternalID != "ada" {
		t.Errorf("As = %+v", sp)
	}
	if got, want := methods(srv), "GET participants,POST join"; got != want {
		t.Errorf("requests = %s, want %s", got, want)
	}
	log := srv.RequestLog()
	if got, want := string(log[1].Body), `{"userExternalId":"ada","subscribeSDKClient":false}`; got != want {
		t.Errorf("join body = %s, want %s", got, want)
	}
	if log[0].RawQuery != "page[size]=100" {
		t.Errorf("list query = %q", log[0].RawQuery)
	}
	srv.Reset()
	for _, p := range []participants.Participant{{ExternalID: "ada"}, {ID: ada.ID}, {ID: ada.ID, ExternalID: "other", Use: participants.UseID}} {
		again, err := c.Add(ctx, sunConv, p)
		if err != nil || again.Outcome != participants.AlreadyPresent || again.ID != res.ID {
			t.Errorf("Add(%+v) = %v, %v", p, again, err)
		}
	}
	if got, want := methods(srv), "GET participants,GET participants,GET participants"; got != want {
		t.Errorf("requests = %s, want %s (no join)", got, want)
	}
}

func TestSunshineAddByIDAndSubscribe(t *testing.T) {
	c, srv, _ := sunshineSetup(t, func(o *sunshineparticipants.Options) { o.SubscribeSDKClient = true })
	bob := srv.SeedUser("")
	res, err := c.Add(ctx, sunConv, participants.Participant{ID: bob.ID, Kind: participants.KindContact})
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add = %v, %v", res, err)
	}
	if got, want := lastBody(t, srv.Server), `{"userId":"`+bob.ID+`","subscribeSDKClient":true}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

// Adds read every page: a user on page two is found.
func TestSunshineAddFindsOnLaterPage(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	srv.InjectFaults(participantstest.Fault{Status: 200, Body: `{"participants":[{"id":"p1","userId":"x"}],"meta":{"hasMore":true,"afterCursor":"aaaaaaaaaaaaaaaaaaaaaaaa"}}`},
		participantstest.Fault{Status: 200, Body: `{"participants":[{"id":"p2","userId":"y","userExternalId":"ada"}],"meta":{"hasMore":false}}`})
	res, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	if err != nil || res.Outcome != participants.AlreadyPresent || res.ID != "p2" {
		t.Fatalf("Add = %v, %v", res, err)
	}
	if log := srv.RequestLog(); len(log) != 2 || log[1].RawQuery != "page[after]=aaaaaaaaaaaaaaaaaaaaaaaa&page[size]=100" {
		t.Errorf("requests = %+v", log)
	}
}

func TestSunshineRefusals(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	for _, tc := range []struct {
		name  string
		call  func() error
		code  participants.ErrorCode
		field string
	}{
		{"email", func() error { _, err := c.Add(ctx, sunConv, participants.Participant{Email: "a@b.co"}); return err }, participants.Unimplemented, "Email"},
		{"phone", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{Phone: "+15558675310"})
			return err
		}, participants.Unimplemented, "Phone"},
		{"identifier", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{Identifier: participants.Identifier{Value: "x"}})
			return err
		}, participants.Unimplemented, "Identifier"},
		{"kind user", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ID: "u", Kind: participants.KindUser})
			return err
		}, participants.Unimplemented, "Kind"},
		{"attributes", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada", Attributes: json.RawMessage(`{}`)})
			return err
		}, participants.Unimplemented, "Attributes"},
		{"status", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada", Status: participants.StatusActive})
			return err
		}, participants.Unimplemented, "Status"},
		{"admin", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, intercomparticipants.WithAdmin("1"))
			return err
		}, participants.Unimplemented, "WithAdmin"},
		{"role", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, twilioparticipants.WithRole("RL1"))
			return err
		}, participants.Unimplemented, "WithRole"},
		{"long id", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ID: strings.Repeat("x", 1025)})
			return err
		}, participants.InvalidArgument, "ID"},
		{"long external id", func() error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: strings.Repeat("x", 1025)})
			return err
		}, participants.InvalidArgument, "ExternalID"},
		{"remove email", func() error { _, err := c.Remove(ctx, sunConv, participants.Participant{Email: "a@b.co"}); return err }, participants.Unimplemented, "Email"},
		{"remove kind bot", func() error {
			_, err := c.Remove(ctx, sunConv, participants.Participant{ID: "x", Kind: participants.KindBot})
			return err
		}, participants.Unimplemented, "Kind"},
		{"remove admin", func() error {
			_, err := c.Remove(ctx, sunConv, participants.Participant{ExternalID: "ada"}, intercomparticipants.WithAdmin("1"))
			return err
		}, participants.Unimplemented, "WithAdmin"},
		{"remove long participant", func() error {
			_, err := c.Remove(ctx, sunConv, participants.Participant{ParticipantID: strings.Repeat("x", 1025)})
			return err
		}, participants.InvalidArgument, "ParticipantID"},
		{"get phone", func() error {
			_, err := c.Get(ctx, sunConv, participants.Participant{Phone: "+15558675310"})
			return err
		}, participants.Unimplemented, "Phone"},
		{"get kind user", func() error {
			_, err := c.Get(ctx, sunConv, participants.Participant{ID: "x", Kind: participants.KindUser})
			return err
		}, participants.Unimplemented, "Kind"},
		{"page size", func() error {
			for _, err := range c.List(ctx, sunConv, participants.WithPageSize(101)) {
				return err
			}
			return nil
		}, participants.InvalidArgument, "WithPageSize"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.Requests()
			sunshineWantCode(t, tc.call(), tc.code, tc.field)
			if n := srv.Requests() - before; n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

func TestSunshineProviderMisconfigured(t *testing.T) {
	sc, srv := participantstest.NewSunshine(t)
	c := participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{}))
	_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.InvalidArgument, "sunshineparticipants.Options.AppID")
	_, err = c.Remove(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.InvalidArgument, "sunshineparticipants.Options.AppID")
	_, err = c.Get(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.InvalidArgument, "sunshineparticipants.Options.AppID")
	for _, err := range c.List(ctx, sunConv) {
		sunshineWantCode(t, err, participants.InvalidArgument, "sunshineparticipants.Options.AppID")
	}
	if srv.Requests() != 0 {
		t.Error("requests sent")
	}
	nilc := participants.New(sunshineparticipants.New(nil, sunshineparticipants.Options{AppID: "a"}))
	_, err = nilc.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.InvalidArgument, "client")
	_, err = nilc.Remove(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.InvalidArgument, "client")
	_, err = nilc.Get(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.InvalidArgument, "client")
	for _, err := range nilc.List(ctx, sunConv) {
		sunshineWantCode(t, err, participants.InvalidArgument, "client")
	}
}

func TestSunshineBeforeAdd(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	bob := srv.SeedUser("bob")
	// The hook gets the join body and may replace it: the read looks for
	// the user of the new body.
	res, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, participants.BeforeAdd(func(body any) error {
		b, ok := body.(*sunshine.JoinBody)
		if !ok || b.ExternalID() != "ada" {
			return fmt.Errorf("body %T %v", body, body)
		}
		*b = sunshine.JoinByUserID(bob.ID, sunshine.WithSubscribeSDKClient())
		return nil
	}))
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add = %v, %v", res, err)
	}
	if got, want := lastBody(t, srv.Server), `{"userId":"`+bob.ID+`","subscribeSDKClient":true}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	res, err = c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, participants.BeforeAdd(func(body any) error {
		*body.(*sunshine.JoinBody) = sunshine.JoinByExternalID("bob")
		return nil
	}))
	if err != nil || res.Outcome != participants.AlreadyPresent {
		t.Fatalf("second Add = %v, %v", res, err)
	}
	if ps := srv.Participants(sunConv); len(ps) != 1 || ps[0].UserID != bob.ID || ada.ID == bob.ID {
		t.Errorf("participants = %+v", ps)
	}
	before := srv.Requests()
	_, err = c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, participants.BeforeAdd(func(body any) error {
		*body.(*sunshine.JoinBody) = sunshine.JoinBody{}
		return nil
	}))
	sunshineWantCode(t, err, participants.InvalidArgument, "body")
	_, err = c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, participants.BeforeAdd(func(body any) error {
		*body.(*sunshine.JoinBody) = sunshine.JoinByExternalID(" ")
		return nil
	}))
	sunshineWantCode(t, err, participants.InvalidArgument, "ExternalID")
	if n := srv.Requests() - before; n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestSunshineJoinStateErrors(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	for i := range participantstest.SunshineMaxParticipants {
		if _, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: srv.EnsureUser(fmt.Sprintf("u%d", i)).ExternalID}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	pe := sunshineWantCode(t, err, participants.FailedPrecondition, "")
	var api *sunshine.APIError
	if !errors.Is(err, participants.ErrFailedPrecondition) || !errors.As(err, &api) || api.Code != "bad_request" || !strings.Contains(pe.Message, "full") {
		t.Errorf("err = %v", err)
	}

	personal := srv.SeedConversation("", "personal")
	_, err = c.Add(ctx, personal, participants.Participant{ExternalID: "ada"})
	pe = sunshineWantCode(t, err, participants.FailedPrecondition, "")
	if !strings.Contains(pe.Message, "sdkGroup") || !strings.Contains(pe.Message, "personal") || !errors.As(err, &api) || api.StatusCode != 400 {
		t.Errorf("err = %v", err)
	}
	if got := methods(srv); !strings.HasSuffix(got, "GET participants,POST join,GET participants,GET "+personal) {
		t.Errorf("requests = %s", got)
	}
}

func TestSunshineJoinUnknownUser(t *testing.T) {
	c, _, _ := sunshineSetup(t)
	_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "nobody"})
	sunshineWantCode(t, err, participants.NotFound, "ExternalID")
	_, err = c.Add(ctx, sunConv, participants.Participant{ID: "nobody"})
	sunshineWantCode(t, err, participants.NotFound, "ID")
	var api *sunshine.APIError
	if !errors.As(err, &api) || api.Code != sunshine.CodeUserNotFound {
		t.Errorf("err = %v", err)
	}
	_, err = c.Add(ctx, "000000000000000000000000", participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.NotFound, "")
}

// A join refused because the user is there already (a racing Add) is
// settled by a second read.
func TestSunshineJoinRace(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	if _, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	srv.InjectFaults(emptyPage)
	res, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	if err != nil || res.Outcome != participants.AlreadyPresent {
		t.Fatalf("Add = %v, %v", res, err)
	}
	if got, want := methods(srv), "GET participants,POST join,GET participants"; got != want {
		t.Errorf("requests = %s, want %s", got, want)
	}
	// A vendor that accepts the second join: Added (no second participant).
	srv.SetJoinExistingStatus(http.StatusCreated)
	srv.InjectFaults(emptyPage)
	res, err = c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	if err != nil || res.Outcome != participants.Added || len(srv.Participants(sunConv)) != 1 {
		t.Errorf("Add = %v, %v", res, err)
	}
}

func TestSunshineJoinRefusedAbsent(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	noRetry := participants.WithRequestOptions(option.WithMaxRetries(0))
	for _, tc := range []struct {
		name   string
		faults []participantstest.Fault
		code   participants.ErrorCode
		chain  int // the status of the *APIError expected first in the chain
		reqs   string
	}{
		{"409 but absent", []participantstest.Fault{emptyPage, sunFault(409, "conflict", "x")}, participants.AlreadyExists, 409, "GET participants,POST join,GET participants"},
		{"409, read fails", []participantstest.Fault{emptyPage, sunFault(409, "conflict", "x"), sunFault(503, "unavailable", "down")}, participants.Unavailable, 503, "GET participants,POST join,GET participants"},
		{"400 other", []participantstest.Fault{emptyPage, sunFault(400, "bad_request", "Invalid body")}, participants.InvalidArgument, 400, "GET participants,POST join,GET participants,GET " + sunConv},
		// The read that would tell why decides, not the 400 (both in the chain).
		{"400, type read fails", []participantstest.Fault{emptyPage, sunFault(400, "bad_request", "Invalid body"), {}, sunFault(500, "x", "y")}, participants.Unavailable, 500, "GET participants,POST join,GET participants,GET " + sunConv},
		{"400, conversation gone", []participantstest.Fault{emptyPage, sunFault(400, "bad_request", "Invalid body"), {}, sunFault(404, "conversation_not_found", "Conversation not found")}, participants.NotFound, 404, "GET participants,POST join,GET participants,GET " + sunConv},
		{"503", []participantstest.Fault{emptyPage, sunFault(503, "unavailable", "down")}, participants.Unavailable, 503, "GET participants,POST join"},
		{"403", []participantstest.Fault{emptyPage, sunFault(403, "forbidden", "no")}, participants.PermissionDenied, 403, "GET participants,POST join"},
		{"list 503", []participantstest.Fault{sunFault(503, "unavailable", "down")}, participants.Unavailable, 503, "GET participants"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			srv.InjectFaults(tc.faults...)
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, noRetry)
			sunshineWantCode(t, err, tc.code, "-")
			var api *sunshine.APIError
			if !errors.As(err, &api) || api.StatusCode != tc.chain {
				t.Errorf("first *APIError in the chain = %v, want status %d", api, tc.chain)
			}
			if got := methods(srv); got != tc.reqs {
				t.Errorf("requests = %s, want %s", got, tc.reqs)
			}
		})
	}
	if n := len(srv.Participants(sunConv)); n != 0 {
		t.Errorf("%d participants", n)
	}
}

func TestSunshineJoinLostConnection(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	srv.InjectFaults(participantstest.Fault{}, participantstest.Fault{Drop: true})
	_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}, participants.WithRequestOptions(option.WithMaxRetries(0)))
	sunshineWantCode(t, err, participants.Unavailable, "")
}

func TestSunshineRemove(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	bob := srv.SeedUser("bob")
	carl := srv.SeedUser("carl")
	for _, u := range []string{"ada", "bob", "carl"} {
		if _, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: u}); err != nil {
			t.Fatal(err)
		}
	}
	ps := srv.Participants(sunConv)
	srv.Reset()
	for _, tc := range []struct {
		p    participants.Participant
		body string
		id   string
	}{
		// Several identities: looked up, checked, removed by the
		// participant ID found.
		{participants.Participant{ParticipantID: ps[0].ID, ExternalID: "ada"}, `{"participantId":"` + ps[0].ID + `"}`, ps[0].ID},
		{participants.Participant{ID: bob.ID, ExternalID: "bob"}, `{"participantId":"` + ps[1].ID + `"}`, ps[1].ID},
		{participants.Participant{ExternalID: "carl"}, `{"userExternalId":"carl"}`, ""},
	} {
		res, err := c.Remove(ctx, sunConv, tc.p)
		if err != nil || res.Outcome != participants.Removed || res.ID != tc.id || res.Provider != "sunshine" {
			t.Errorf("Remove(%+v) = %v, %v", tc.p, res, err)
		}
		if got := lastBody(t, srv.Server); got != tc.body {
			t.Errorf("body = %s, want %s", got, tc.body)
		}
	}
	if n := len(srv.Participants(sunConv)); n != 0 {
		t.Errorf("%d participants left", n)
	}
	srv.Reset()
	// not_found: documented as "not a member"; no read.
	res, err := c.Remove(ctx, sunConv, participants.Participant{ExternalID: "ada"})
	if err != nil || res.Outcome != participants.AlreadyAbsent {
		t.Errorf("Remove again = %v, %v", res, err)
	}
	if got := methods(srv); got != "POST leave" {
		t.Errorf("requests = %s", got)
	}
	// user_not_found: the conversation is read to tell.
	srv.Reset()
	res, err = c.Remove(ctx, sunConv, participants.Participant{ExternalID: "nobody"})
	if err != nil || res.Outcome != participants.AlreadyAbsent {
		t.Errorf("Remove unknown user = %v, %v", res, err)
	}
	if got := methods(srv); got != "POST leave,GET "+sunConv {
		t.Errorf("requests = %s", got)
	}
	_, err = c.Remove(ctx, "000000000000000000000000", participants.Participant{ID: ada.ID})
	sunshineWantCode(t, err, participants.NotFound, "")
	if carl.ID == "" {
		t.Fatal("unreachable")
	}
}

func TestSunshineRemoveAmbiguous404(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	html := participantstest.Fault{Status: 404, Body: "<html>Not Found</html>", Header: http.Header{"Content-Type": {"text/html"}}}
	noRetry := participants.WithRequestOptions(option.WithMaxRetries(0))
	for _, tc := range []struct {
		name    string
		conv    string
		faults  []participantstest.Fault
		outcome participants.Outcome
		code    participants.ErrorCode
	}{
		{"exists", sunConv, []participantstest.Fault{html}, participants.AlreadyAbsent, participants.OK},
		{"missing", "000000000000000000000000", []participantstest.Fault{html}, 0, participants.NotFound},
		{"read fails", sunConv, []participantstest.Fault{html, sunFault(503, "x", "y")}, 0, participants.Unavailable},
		{"leave 503", sunConv, []participantstest.Fault{sunFault(503, "x", "y")}, 0, participants.Unavailable},
		{"leave 400", sunConv, []participantstest.Fault{sunFault(400, "bad_request", "y")}, 0, participants.InvalidArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.InjectFaults(tc.faults...)
			res, err := c.Remove(ctx, tc.conv, participants.Participant{ExternalID: "ada"}, noRetry)
			if tc.code == participants.OK {
				if err != nil || res.Outcome != tc.outcome {
					t.Errorf("Remove = %v, %v", res, err)
				}
				return
			}
			sunshineWantCode(t, err, tc.code, "-")
		})
	}
}

func TestSunshineGet(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	if _, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"}); err != nil {
		t.Fatal(err)
	}
	pid := srv.Participants(sunConv)[0].ID
	for _, p := range []participants.Participant{{ParticipantID: pid, ExternalID: "ada"}, {ID: ada.ID, ExternalID: "ada"}, {ID: ada.ID, ExternalID: "ada", Use: participants.UseExternalID}, {ExternalID: "ada"}, {ExternalID: "ada", Email: "a@b.co"}} {
		m, err := c.Get(ctx, sunConv, p)
		if err != nil {
			t.Fatalf("Get(%+v): %v", p, err)
		}
		var sp *sunshine.Participant
		if m.ID != pid || m.Provider != "sunshine" || m.ContactID != ada.ID || m.ExternalID != "ada" || m.Kind != participants.KindContact || !m.As(&sp) || sp.ID != pid {
			t.Errorf("Get(%+v) = %+v", p, m)
		}
	}
	for _, tc := range []struct {
		p     participants.Participant
		field string
	}{{participants.Participant{ParticipantID: "nope"}, "ParticipantID"}, {participants.Participant{ID: "nope"}, "ID"}, {participants.Participant{ExternalID: "nope"}, "ExternalID"}} {
		_, err := c.Get(ctx, sunConv, tc.p)
		sunshineWantCode(t, err, participants.NotFound, tc.field)
	}
	_, err := c.Get(ctx, "000000000000000000000000", participants.Participant{ExternalID: "ada"})
	sunshineWantCode(t, err, participants.NotFound, "")
}

func TestSunshineList(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	var want []string
	for i := range 5 {
		u := srv.EnsureUser(fmt.Sprintf("u%d", i))
		if _, err := c.Add(ctx, sunConv, participants.Participant{ID: u.ID}); err != nil {
			t.Fatal(err)
		}
		want = append(want, u.ExternalID)
	}
	srv.Reset()
	var got []string
	for m, err := range c.List(ctx, sunConv, participants.WithPageSize(2)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ExternalID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	log := srv.RequestLog()
	if len(log) != 3 || log[0].RawQuery != "page[size]=2" || !strings.HasPrefix(log[1].RawQuery, "page[after]=") || !strings.HasSuffix(log[1].RawQuery, "&page[size]=2") {
		t.Errorf("requests = %+v", log)
	}
	srv.Reset()
	n := 0
	for range c.List(ctx, sunConv) {
		n++
	}
	if n != 5 || srv.Requests() != 1 || srv.RequestLog()[0].RawQuery != "" {
		t.Errorf("default page: %d members in %d requests (%+v)", n, srv.Requests(), srv.RequestLog())
	}
	srv.InjectFaults(participantstest.Fault{Status: 200, Body: `{"participants":[{"id":"p1"}],"meta":{"hasMore":true}}`})
	var last error
	for _, err := range c.List(ctx, sunConv) {
		last = err
	}
	sunshineWantCode(t, last, participants.Unknown, "")
	for _, err := range c.List(ctx, "000000000000000000000000") {
		last = err
	}
	sunshineWantCode(t, last, participants.NotFound, "")
}

func TestSunshineErrorCode(t *testing.T) {
	sc, _ := participantstest.NewSunshine(t)
	p := sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: "a"})
	if p.Name() != "sunshine" {
		t.Errorf("Name = %q", p.Name())
	}
	for _, tc := range []struct {
		err  error
		want participants.ErrorCode
	}{
		{&sunshine.APIError{StatusCode: 400, Code: "bad_request", Message: "Too many participants"}, participants.FailedPrecondition},
		{&sunshine.APIError{StatusCode: 400, Code: "bad_request", Message: "Invalid page query parameters"}, participants.InvalidArgument},
		{&sunshine.APIError{StatusCode: 404, Code: "conversation_not_found"}, participants.NotFound},
		{&sunshine.ParamError{Field: "appID"}, participants.InvalidArgument},
		{context.Canceled, participants.Canceled},
		{errors.New("x"), participants.Unknown},
	} {
		if got := participants.ErrorCode(p.ErrorCode(tc.err)); got != tc.want {
			t.Errorf("ErrorCode(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
