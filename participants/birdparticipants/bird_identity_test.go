package birdparticipants_test

// Bird: one identity per add (several are refused, Use chooses), Get and
// Remove never answer with or remove a participant that contradicts an
// identity given, and a failed absent-check keeps its own error.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

func TestBirdAddRefusesSeveralIdentities(t *testing.T) {
	b := newBirdLife(t)
	fb := participants.Identifier{Key: "facebookid-1", Value: "fb-9"}
	for _, tt := range []struct {
		p     participants.Participant
		field string
	}{
		{participants.Participant{ID: b.john.ID, Email: "john@example.com"}, "ID, Email"},
		{participants.Participant{ID: b.john.ID, Identifier: participants.Identifier{Key: "phonenumber", Value: "+31612345678"}}, "ID, Identifier"},
		{participants.Participant{Email: "john@example.com", Phone: "+31612345678"}, "Email, Phone"},
		{participants.Participant{Phone: "+31612345678", Identifier: fb}, "Phone, Identifier"},
		{participants.Participant{ExternalID: "crm-7", Email: "john@example.com"}, "ExternalID, Email"},
		{participants.Participant{ID: b.user, Kind: participants.KindUser, Email: "u@example.com"}, "ID, Email"},
		{participants.Participant{ID: b.john.ID, ExternalID: "crm-7", Email: "john@example.com", Phone: "+31612345678", Identifier: fb}, "ID, ExternalID, Email, Phone, Identifier"},
	} {
		_, err := b.c.Add(ctx, birdConversation, tt.p)
		e := wantCode(t, err, participants.InvalidArgument, tt.field)
		if !strings.Contains(e.Message, "set Participant.Use") {
			t.Errorf("%+v: message %q does not say how to choose", tt.p, e.Message)
		}
	}
	if n := b.srv.Requests(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestBirdAddUseChooses(t *testing.T) {
	b := newBirdLife(t)
	p := participants.Participant{ID: b.john.ID, Email: "john@example.com", Phone: "+31612345678"}
	for _, tt := range []struct {
		use  participants.IdentityField
		body string
	}{
		{participants.UsePhone, `{"type":"contact","contact":{"identifierKey":"phonenumber","identifierValue":"+31612345678"}}`},
		{participants.UseEmail, `{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"john@example.com"}}`},
		{participants.UseID, `{"type":"contact","id":"` + b.john.ID + `"}`},
	} {
		p.Use = tt.use
		if _, err := b.c.Add(ctx, birdConversation, p); err != nil {
			t.Fatalf("Use %s: %v", tt.use, err)
		}
		if got := lastBody(t, b.srv.Server); got != tt.body {
			t.Errorf("Use %s: body %s, want %s", tt.use, got, tt.body)
		}
	}
}

// Get and Remove by one identity with another that contradicts the
// participant found: NotFound and FailedPrecondition naming it; nothing
// removed, no DELETE sent.
func TestBirdContradictingIdentity(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{ID: b.john.ID})
	b.add(t, participants.Participant{Email: "ada@example.com"})
	b.srv.Reset()
	for _, tt := range []struct {
		p     participants.Participant
		field string
	}{
		{participants.Participant{Phone: "+31612345678", Identifier: participants.Identifier{Key: "phonenumber", Value: "+31699999999"}}, "Identifier"},
		{participants.Participant{Identifier: participants.Identifier{Key: "phonenumber", Value: "+31612345678"}, Phone: "+31600000000", Use: participants.UseIdentifier}, "Phone"},
		{participants.Participant{Email: "ada@example.com", Identifier: participants.Identifier{Key: "emailaddress", Value: "bob@example.com"}}, "Identifier"},
	} {
		_, err := b.c.Get(ctx, birdConversation, tt.p)
		wantCode(t, err, participants.NotFound, tt.field)
		_, err = b.c.Remove(ctx, birdConversation, tt.p)
		wantCode(t, err, participants.FailedPrecondition, tt.field)
	}
	if n := len(b.srv.Participants(birdConversation)); n != 2 {
		t.Errorf("%d participants left, want 2", n)
	}
	for _, r := range b.requests() {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("request %s, want only lookups", r)
		}
	}
	// Consistent identities: removed by the ID found.
	res, err := b.c.Remove(ctx, birdConversation, participants.Participant{ID: b.john.ID, Phone: "+31612345678"})
	if err != nil || res.Outcome != participants.Removed || res.ID != b.john.ID {
		t.Fatalf("Remove = %v, %v", res, err)
	}
	wantRequests(t, b, "GET participants/"+b.john.ID, "DELETE participants/"+b.john.ID)
}

// cancelOn is a RoundTripper that cancels a context when it sees a request
// match, then sends it on (with its context cancelled, so it fails).
type cancelOn struct {
	rt     http.RoundTripper
	match  func(*http.Request) bool
	cancel context.CancelFunc
}

func (c *cancelOn) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.match(r) {
		c.cancel()
		<-r.Context().Done()
	}
	return c.rt.RoundTrip(r)
}

// A Get or Remove by an identity of someone absent reads the participants
// to tell "absent" from "no such conversation"; when that read fails, its
// error decides, never NotFound: 503 Unavailable, a cancelled context
// Canceled, both answers in the chain.
func TestBirdAbsentCheckFails(t *testing.T) {
	absent := participants.Participant{Email: "nobody@example.com"}
	ops := map[string]func(context.Context, *participants.Client) error{
		"Get": func(ctx context.Context, c *participants.Client) error {
			_, err := c.Get(ctx, birdConversation, absent)
			return err
		},
		"Remove": func(ctx context.Context, c *participants.Client) error {
			_, err := c.Remove(ctx, birdConversation, absent)
			return err
		},
		"Remove with two identities": func(ctx context.Context, c *participants.Client) error {
			_, err := c.Remove(ctx, birdConversation, participants.Participant{Email: "nobody@example.com", ExternalID: "crm-1"})
			return err
		},
	}
	for name, op := range ops {
		t.Run(name+"/503", func(t *testing.T) {
			b := newBirdLife(t, option.WithMaxRetries(0))
			b.srv.InjectFaults(participantstest.Fault{}, participantstest.Fault{Status: 503, Body: `{"code":"Unavailable","message":"busy"}`})
			err := op(ctx, b.c)
			wantCode(t, err, participants.Unavailable, "")
			var api *bird.APIError
			if !errors.As(err, &api) || api.StatusCode != 503 {
				t.Errorf("first *APIError in the chain = %v, want the check's 503", api)
			}
			if !strings.Contains(err.Error(), "HTTP 404") {
				t.Errorf("the lookup's 404 is not in %q", err)
			}
			wantRequests(t, b, "GET participants/emailaddress/nobody@example.com", "GET participants?limit=1")
		})
		t.Run(name+"/canceled", func(t *testing.T) {
			srv := participantstest.NewBirdServer()
			t.Cleanup(srv.Close)
			srv.SeedConversation(birdConversation)
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			rt := &cancelOn{rt: srv.Client().Transport, cancel: cancel,
				match: func(r *http.Request) bool { return r.URL.Query().Get("limit") == "1" }}
			bc, err := bird.New(srv.AccessKey(), srv.ClientOptions(option.WithHTTPClient(&http.Client{Transport: rt}))...)
			if err != nil {
				t.Fatal(err)
			}
			c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: srv.WorkspaceID()}))
			err = op(cctx, c)
			if participants.Code(err) != participants.Canceled || !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v (code %v), want Canceled with context.Canceled in the chain", err, participants.Code(err))
			}
		})
	}
}

// The participant type Bird reports is quoted when it is not the Kind
// asked for: a type that echoes the access key shows it redacted.
func TestBirdQuotedTypeRedacted(t *testing.T) {
	b := newBirdLife(t, option.WithMaxRetries(0))
	key := b.srv.AccessKey()
	b.srv.InjectFaults(participantstest.Fault{Status: 200, Body: `{"id":"` + b.user + `","type":"x-` + key + `","status":"active"}`})
	_, err := b.c.Get(ctx, birdConversation, participants.Participant{ID: b.user, Kind: participants.KindUser})
	e := wantCode(t, err, participants.NotFound, "Kind")
	if msg := err.Error(); strings.Contains(msg, key) || !strings.Contains(e.Message, "is a x-[redacted], not a user") {
		t.Errorf("error %q shows the access key, or not where it was", msg)
	}
}
