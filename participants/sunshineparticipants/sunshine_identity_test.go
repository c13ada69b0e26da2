package sunshineparticipants_test

// Sunshine: one identity per join (several are refused, Use chooses), Get
// and Remove never answer with or remove a participant that contradicts an
// identity given, and a failed read after a refused call keeps its own
// error.

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/sunshine"
)

func TestSunshineAddRefusesSeveralIdentities(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	srv.Reset()
	for _, tt := range []struct {
		p     participants.Participant
		field string
	}{
		{participants.Participant{ID: ada.ID, ExternalID: "ada"}, "ID, ExternalID"},
		{participants.Participant{ExternalID: "ada", Email: "ada@example.com"}, "ExternalID, Email"},
		{participants.Participant{ID: ada.ID, Phone: "+15558675310"}, "ID, Phone"},
	} {
		_, err := c.Add(ctx, sunConv, tt.p)
		e := sunshineWantCode(t, err, participants.InvalidArgument, tt.field)
		if !strings.Contains(e.Message, "userId or by userExternalId") || !strings.Contains(e.Message, "set Participant.Use") {
			t.Errorf("%+v: message %q", tt.p, e.Message)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestSunshineAddUseChooses(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	p := participants.Participant{ID: ada.ID, ExternalID: "someone-else", Use: participants.UseID}
	res, err := c.Add(ctx, sunConv, p)
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add = %v, %v", res, err)
	}
	if got, want := lastBody(t, srv.Server), `{"userId":"`+ada.ID+`","subscribeSDKClient":false}`; got != want {
		t.Errorf("join body %s, want %s", got, want)
	}
}

func TestSunshineContradictingIdentity(t *testing.T) {
	c, srv, ada := sunshineSetup(t)
	srv.SeedUser("bob")
	for _, u := range []string{"ada", "bob"} {
		if _, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: u}); err != nil {
			t.Fatal(err)
		}
	}
	pid := srv.Participants(sunConv)[0].ID
	srv.Reset()
	for _, p := range []participants.Participant{
		{ID: ada.ID, ExternalID: "bob"},
		{ParticipantID: pid, ExternalID: "bob"},
		{ExternalID: "bob", ID: ada.ID, Use: participants.UseExternalID},
	} {
		field := "ExternalID"
		if p.Use != "" {
			field = "ID"
		}
		_, err := c.Get(ctx, sunConv, p)
		sunshineWantCode(t, err, participants.NotFound, field)
		_, err = c.Remove(ctx, sunConv, p)
		sunshineWantCode(t, err, participants.FailedPrecondition, field)
	}
	if n := len(srv.Participants(sunConv)); n != 2 {
		t.Errorf("%d participants left, want 2", n)
	}
	for _, r := range srv.RequestLog() {
		if r.Method != http.MethodGet {
			t.Errorf("request %s %s, want only reads", r.Method, r.Path)
		}
	}
}

// When the read that settles a refused join (its conversation's type) or
// an ambiguous leave (does the conversation exist) fails, its error
// decides: Unavailable for a 503, Canceled for a cancelled context.
func TestSunshineCheckFails(t *testing.T) {
	leave404 := participantstest.Fault{Status: 404, Body: "<html>Not Found</html>", Header: http.Header{"Content-Type": {"text/html"}}}
	for _, tc := range []struct {
		name   string
		faults []participantstest.Fault // before the conversation read
		op     func(context.Context, *participants.Client) error
	}{
		{"join 400", []participantstest.Fault{emptyPage, sunFault(400, "bad_request", "Invalid body"), {}}, func(ctx context.Context, c *participants.Client) error {
			_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
			return err
		}},
		{"leave 404", []participantstest.Fault{leave404}, func(ctx context.Context, c *participants.Client) error {
			_, err := c.Remove(ctx, sunConv, participants.Participant{ExternalID: "ada"})
			return err
		}},
	} {
		t.Run(tc.name+"/503", func(t *testing.T) {
			_, srv, _ := sunshineSetup(t)
			srv.InjectFaults(append(tc.faults, sunFault(503, "unavailable", "down"))...)
			sc := must(sunshine.New(srv.KeyID(), srv.Secret(), srv.ClientOptions(option.WithMaxRetries(0))...))(t)
			err := tc.op(ctx, participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: srv.AppID()})))
			e := sunshineWantCode(t, err, participants.Unavailable, "")
			if !strings.Contains(e.Message, "failed") {
				t.Errorf("message %q", e.Message)
			}
			var api *sunshine.APIError
			if !errors.As(err, &api) || api.StatusCode != 503 {
				t.Errorf("first *APIError in the chain = %v, want the read's 503", api)
			}
		})
		t.Run(tc.name+"/canceled", func(t *testing.T) {
			_, srv, _ := sunshineSetup(t)
			srv.InjectFaults(tc.faults...)
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			rt := &cancelOn{rt: srv.Client().Transport, cancel: cancel,
				match: func(r *http.Request) bool {
					return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/conversations/"+sunConv)
				}}
			sc := must(sunshine.New(srv.KeyID(), srv.Secret(), srv.ClientOptions(option.WithHTTPClient(&http.Client{Transport: rt}))...))(t)
			err := tc.op(cctx, participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: srv.AppID()})))
			if participants.Code(err) != participants.Canceled || !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v (code %v), want Canceled with context.Canceled in the chain", err, participants.Code(err))
			}
		})
	}
}

// A page that names the next one only by links.next is followed: List, Get
// and the ensure read of Add see every participant.
func TestSunshineFollowsLinksNext(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	var want []string
	for _, u := range []string{"u1", "u2", "u3", "u4", "u5"} {
		srv.SeedUser(u)
		mustAdd(t, c, sunConv, participants.Participant{ExternalID: u})
	}
	for _, p := range srv.Participants(sunConv) {
		want = append(want, p.ID)
	}
	srv.OmitMetaCursors(true)
	srv.Reset()
	var got []string
	for m, err := range c.List(ctx, sunConv, participants.WithPageSize(2)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("List = %v, want %v", got, want)
	}
	if n := srv.Requests(); n != 3 {
		t.Errorf("%d list requests, want 3 pages", n)
	}
	for _, r := range srv.RequestLog()[1:] {
		if !strings.Contains(r.RawQuery, "page[after]=") {
			t.Errorf("query %q, want the link's page[after]", r.RawQuery)
		}
	}
	// Add reads every page (100 a page: one here) and Get too.
	if res, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "u5"}); err != nil || res.Outcome != participants.AlreadyPresent {
		t.Errorf("Add = %v, %v", res, err)
	}
	if m, err := c.Get(ctx, sunConv, participants.Participant{ExternalID: "u5"}); err != nil || m.ID != want[4] {
		t.Errorf("Get = %v, %v", m, err)
	}
}

// After a refused join, the conversation type Sunshine reports is quoted:
// a type that echoes the key secret (or the basic credentials) shows it
// redacted.
func TestSunshineQuotedTypeRedacted(t *testing.T) {
	c, srv, _ := sunshineSetup(t)
	basic := base64.StdEncoding.EncodeToString([]byte(srv.KeyID() + ":" + srv.Secret()))
	for _, typ := range []string{srv.Secret(), "t/" + basic} {
		srv.InjectFaults(emptyPage, sunFault(400, "bad_request", "Cannot join"), participantstest.Fault{},
			participantstest.Fault{Status: 200, Body: `{"conversation":{"id":"` + sunConv + `","type":"` + typ + `"}}`})
		_, err := c.Add(ctx, sunConv, participants.Participant{ExternalID: "ada"})
		e := sunshineWantCode(t, err, participants.FailedPrecondition, "")
		if msg := err.Error(); strings.Contains(msg, srv.Secret()) || strings.Contains(msg, basic) || !strings.Contains(e.Message, "[redacted]") {
			t.Errorf("error %q shows a credential, or not where it was", msg)
		}
	}
}
