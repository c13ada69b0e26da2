package birdparticipants_test

// The Bird lifecycle (List, Get, Remove) against the stateful fake: what
// each identity reaches, how many requests each call costs, and how a 404
// is told apart (AlreadyAbsent, or NotFound for a missing conversation).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

const birdMissing = "00000000-0000-4000-8000-000000000000"

// birdLife is a Bird client over a fresh fake with a contact John (two
// identifiers), a user and a flow seeded, none of them in the conversation.
type birdLife struct {
	c    *participants.Client
	srv  *participantstest.BirdServer
	john participantstest.BirdContact
	user string
	flow string
}

func newBirdLife(t *testing.T, opts ...option.Option) *birdLife {
	t.Helper()
	c, srv := participantstest.NewBirdParticipants(t, opts...)
	return &birdLife{
		c: c, srv: srv,
		john: srv.SeedContact(participantstest.BirdContact{DisplayName: "John", Identifiers: []participantstest.BirdIdentifier{
			{Key: "phonenumber", Value: "+31612345678"}, {Key: "emailaddress", Value: "john@example.com"},
		}}),
		user: srv.SeedUser(""),
		flow: srv.SeedFlow(""),
	}
}

func (b *birdLife) add(t *testing.T, p participants.Participant) *participants.Result {
	t.Helper()
	return mustAdd(t, b.c, birdConversation, p)
}

// requests returns the method and path (after the conversation) of every
// request since the last call, and resets the log.
func (b *birdLife) requests() []string {
	var out []string
	prefix := "/workspaces/" + b.srv.WorkspaceID() + "/conversations/"
	for _, r := range b.srv.RequestLog() {
		p := strings.TrimPrefix(r.Path, prefix)
		if _, rest, ok := strings.Cut(p, "/"); ok {
			p = rest
		}
		if r.RawQuery != "" {
			p += "?" + r.RawQuery
		}
		out = append(out, r.Method+" "+p)
	}
	b.srv.Reset()
	return out
}

func wantRequests(t *testing.T, b *birdLife, want ...string) {
	t.Helper()
	if got := b.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func wantCode(t *testing.T, err error, code participants.ErrorCode, field string) *participants.Error {
	t.Helper()
	var e *participants.Error
	if !errors.As(err, &e) || e.Code != code || e.Field != field || e.Provider != "bird" {
		t.Fatalf("err = %v, want a bird %v *Error on field %q", err, code, field)
	}
	return e
}

func TestBirdListMembers(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{Email: "ada@example.com"})
	b.add(t, participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp})
	b.add(t, participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "fb-9"}})
	b.add(t, participants.Participant{ID: b.user, Kind: participants.KindUser})
	b.add(t, participants.Participant{ID: b.flow, Kind: participants.KindBot})
	b.add(t, participants.Participant{Identifier: participants.Identifier{Key: "emailaddress", Value: "not an email"}})
	stored := b.srv.Participants(birdConversation)
	b.srv.Reset()

	var got []*participants.Member
	for m, err := range b.c.List(ctx, birdConversation, participants.WithPageSize(2)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	reqs := b.requests()
	if len(reqs) != 3 || reqs[0] != "GET participants?limit=2" ||
		!strings.HasPrefix(reqs[1], "GET participants?limit=2&pageToken=") || !strings.HasPrefix(reqs[2], "GET participants?limit=2&pageToken=") || reqs[1] == reqs[2] {
		t.Errorf("requests %q, want three pages of two", reqs)
	}
	if len(got) != 6 {
		t.Fatalf("%d members, want 6", len(got))
	}
	want := []participants.Member{
		{Kind: "contact", Email: "ada@example.com", Identifier: participants.Identifier{Key: "emailaddress", Value: "ada@example.com"}},
		{Kind: "contact", Phone: "+15558675310", Identifier: participants.Identifier{Key: "phonenumber", Value: "+15558675310"}},
		{Kind: "contact", Identifier: participants.Identifier{Key: "facebookid-1", Value: "fb-9"}},
		{Kind: participants.KindUser},
		{Kind: participants.KindBot},
		{Kind: "contact", Identifier: participants.Identifier{Key: "emailaddress", Value: "not an email"}},
	}
	for i, m := range got {
		w := want[i]
		w.Provider, w.ID, w.ContactID, w.Status = "bird", stored[i].ID, stored[i].ID, participants.StatusActive
		if exported(m) != exported(&w) {
			t.Errorf("member %d = %+v, want %+v", i, *m, w)
		}
		var bp *bird.Participant
		if !m.As(&bp) || bp.ID != stored[i].ID {
			t.Errorf("member %d: As = %+v", i, bp)
		}
	}
}

func TestBirdListBreakAndPageSize(t *testing.T) {
	b := newBirdLife(t)
	for i := range 5 {
		b.add(t, participants.Participant{Email: fmt.Sprintf("p%d@example.com", i)})
	}
	b.srv.Reset()
	for _, err := range b.c.List(ctx, birdConversation, participants.WithPageSize(1)) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	wantRequests(t, b, "GET participants?limit=1")

	n := 0
	for _, err := range b.c.List(ctx, birdConversation, participants.WithPageSize(100)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d members, want 5", n)
	}
	wantRequests(t, b, "GET participants?limit=100")

	for _, size := range []int{101, 1000} {
		for m, err := range b.c.List(ctx, birdConversation, participants.WithPageSize(size)) {
			if m != nil {
				t.Fatal("a member with the refusal")
			}
			e := wantCode(t, err, participants.InvalidArgument, "WithPageSize")
			if !strings.Contains(e.Message, fmt.Sprint(size)) || !strings.Contains(e.Message, "100") {
				t.Errorf("message %q", e.Message)
			}
		}
	}
	wantRequests(t, b)
}

func TestBirdListMissingConversation(t *testing.T) {
	b := newBirdLife(t)
	for m, err := range b.c.List(ctx, birdMissing) {
		if m != nil {
			t.Fatal("member")
		}
		e := wantCode(t, err, participants.NotFound, "conversationID")
		if e.Message != `no conversation "`+birdMissing+`" in workspace "`+b.srv.WorkspaceID()+`"` {
			t.Errorf("message %q", e.Message)
		}
		var api *bird.APIError
		if !errors.As(err, &api) || api.StatusCode != 404 {
			t.Errorf("the 404 is not in the chain: %v", err)
		}
	}
	wantRequests(t, b, "GET participants")
}

func TestBirdListErrorMidway(t *testing.T) {
	b := newBirdLife(t, option.WithMaxRetries(1))
	for i := range 3 {
		b.add(t, participants.Participant{Email: fmt.Sprintf("p%d@example.com", i)})
	}
	b.srv.Reset()
	var ids []string
	var errs []error
	for m, err := range b.c.List(ctx, birdConversation, participants.WithPageSize(2)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.ID)
		if len(ids) == 1 {
			b.srv.InjectFaults(participantstest.Fault{Status: 503}, participantstest.Fault{Status: 503})
		}
	}
	if len(ids) != 2 || len(errs) != 1 {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	wantCode(t, errs[0], participants.Unavailable, "")
	if n := len(b.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (one page, two attempts at the second)", n)
	}
}

func TestBirdListCanceledMidIteration(t *testing.T) {
	b := newBirdLife(t)
	for i := range 3 {
		b.add(t, participants.Participant{Email: fmt.Sprintf("p%d@example.com", i)})
	}
	b.srv.Reset()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var errs []error
	n := 0
	for _, err := range b.c.List(cctx, birdConversation, participants.WithPageSize(1)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		cancel()
	}
	if n != 1 || len(errs) != 1 {
		t.Fatalf("%d members, errs %v", n, errs)
	}
	wantCode(t, errs[0], participants.Canceled, "")
	wantRequests(t, b, "GET participants?limit=1")
}

func TestBirdGetByEachIdentity(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{ID: b.john.ID})
	b.add(t, participants.Participant{ID: b.user, Kind: participants.KindUser})
	b.add(t, participants.Participant{ID: b.flow, Kind: participants.KindBot})
	b.add(t, participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "fb/9"}})
	fb := b.srv.Participants(birdConversation)[3].ID
	b.srv.Reset()
	for _, tt := range []struct {
		p       participants.Participant
		id      string
		kind    participants.Kind
		request string
	}{
		{participants.Participant{ParticipantID: b.john.ID, Email: "ignored@example.com"}, b.john.ID, "contact", "GET participants/" + b.john.ID},
		{participants.Participant{ID: b.john.ID}, b.john.ID, "contact", "GET participants/" + b.john.ID},
		{participants.Participant{ID: b.john.ID, Kind: participants.KindContact}, b.john.ID, "contact", "GET participants/" + b.john.ID},
		{participants.Participant{ID: b.user, Kind: participants.KindUser}, b.user, participants.KindUser, "GET participants/" + b.user},
		{participants.Participant{ID: b.flow, Kind: participants.KindBot}, b.flow, participants.KindBot, "GET participants/" + b.flow},
		{participants.Participant{ExternalID: "x-1", Email: "john@example.com"}, b.john.ID, "contact", "GET participants/emailaddress/john@example.com"},
		{participants.Participant{Phone: "+31612345678", Identifier: participants.Identifier{Key: "phonenumber", Value: "+31612345678"}}, b.john.ID, "contact", "GET participants/phonenumber/+31612345678"},
		{participants.Participant{Phone: "+31612345678", Identifier: participants.Identifier{Key: "phonenumber", Value: "+31612345678"}, Use: participants.UseIdentifier}, b.john.ID, "contact", "GET participants/phonenumber/+31612345678"},
		{participants.Participant{ID: fb, Identifier: participants.Identifier{Key: "facebookid-1", Value: "fb/9"}, Use: participants.UseIdentifier}, fb, "contact", "GET participants/facebookid-1/fb%2F9"},
		{participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "fb/9"}}, fb, "contact", "GET participants/facebookid-1/fb%2F9"},
	} {
		m, err := b.c.Get(ctx, birdConversation, tt.p)
		if err != nil {
			t.Fatalf("%+v: %v", tt.p, err)
		}
		if m.ID != tt.id || m.ContactID != tt.id || m.Kind != tt.kind || m.Provider != "bird" || m.Status != participants.StatusActive {
			t.Errorf("%+v: member %+v", tt.p, m)
		}
		var bp *bird.Participant
		if !m.As(&bp) || bp.ID != tt.id {
			t.Errorf("%+v: As = %+v", tt.p, bp)
		}
		wantRequests(t, b, tt.request)
	}
}

func TestBirdGetRefusals(t *testing.T) {
	b := newBirdLife(t)
	for _, tt := range []struct {
		p     participants.Participant
		code  participants.ErrorCode
		field string
	}{
		{participants.Participant{ExternalID: "x-1"}, participants.Unimplemented, "ExternalID"},
		{participants.Participant{Identifier: participants.Identifier{Value: "fb-9"}}, participants.InvalidArgument, "Identifier.Key"},
		{participants.Participant{ID: ".."}, participants.InvalidArgument, "ID"},
		{participants.Participant{ParticipantID: "."}, participants.InvalidArgument, "ParticipantID"},
		{participants.Participant{Identifier: participants.Identifier{Key: "..", Value: "v"}}, participants.InvalidArgument, "Identifier.Key"},
		{participants.Participant{Identifier: participants.Identifier{Key: "k", Value: ".."}}, participants.InvalidArgument, "Identifier.Value"},
	} {
		_, err := b.c.Get(ctx, birdConversation, tt.p)
		wantCode(t, err, tt.code, tt.field)
		_, err = b.c.Remove(ctx, birdConversation, tt.p)
		wantCode(t, err, tt.code, tt.field)
	}
	_, err := b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.user}, intercomparticipants.WithAdmin("a-1"))
	wantCode(t, err, participants.Unimplemented, "WithAdmin")
	_, err = b.c.Get(ctx, "not-a-uuid", participants.Participant{ParticipantID: b.user})
	wantCode(t, err, participants.InvalidArgument, "conversationID")
	wantRequests(t, b)

	nilClient := participants.New(birdparticipants.New(nil, birdparticipants.Options{WorkspaceID: b.srv.WorkspaceID()}))
	_, err = nilClient.Get(ctx, birdConversation, participants.Participant{ParticipantID: b.user})
	wantCode(t, err, participants.InvalidArgument, "client")
	_, err = nilClient.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.user})
	wantCode(t, err, participants.InvalidArgument, "client")
	for _, err := range nilClient.List(ctx, birdConversation) {
		wantCode(t, err, participants.InvalidArgument, "client")
	}
}

func TestBirdGetWrongKind(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{ID: b.user, Kind: participants.KindUser})
	b.srv.Reset()
	for _, kind := range []participants.Kind{"", participants.KindContact, participants.KindBot} {
		_, err := b.c.Get(ctx, birdConversation, participants.Participant{ID: b.user, Kind: kind})
		e := wantCode(t, err, participants.NotFound, "Kind")
		if !strings.Contains(e.Message, "is a user, not a ") {
			t.Errorf("message %q", e.Message)
		}
		// Remove does not take it for absent, and removes nothing.
		_, err = b.c.Remove(ctx, birdConversation, participants.Participant{ID: b.user, Kind: kind})
		wantCode(t, err, participants.NotFound, "Kind")
	}
	if n := len(b.srv.Participants(birdConversation)); n != 1 {
		t.Fatalf("%d participants, want the user still there", n)
	}
	for _, r := range b.requests() {
		if !strings.HasPrefix(r, "GET participants/"+b.user) {
			t.Errorf("request %s, want only the lookups", r)
		}
	}
}

func TestBirdGetNotFoundSaysWhich(t *testing.T) {
	b := newBirdLife(t)
	_, err := b.c.Get(ctx, birdConversation, participants.Participant{Email: "nobody@example.com"})
	e := wantCode(t, err, participants.NotFound, "")
	if e.Message != `no participant with Email "nobody@example.com" in conversation "`+birdConversation+`"` {
		t.Errorf("message %q", e.Message)
	}
	var api *bird.APIError
	if !errors.As(err, &api) || api.StatusCode != 404 {
		t.Errorf("the 404 is not in the chain: %v", err)
	}
	wantRequests(t, b, "GET participants/emailaddress/nobody@example.com", "GET participants?limit=1")

	_, err = b.c.Get(ctx, birdMissing, participants.Participant{ParticipantID: b.user})
	wantCode(t, err, participants.NotFound, "conversationID")
	wantRequests(t, b, "GET participants/"+b.user, "GET participants?limit=1")

	// When the check fails, its failure decides (see
	// TestBirdAbsentCheckFails): not NotFound, which no answer proved.
	b2 := newBirdLife(t, option.WithMaxRetries(0))
	b2.srv.InjectFaults(participantstest.Fault{}, participantstest.Fault{Status: 503})
	_, err = b2.c.Get(ctx, birdConversation, participants.Participant{ID: b2.john.ID})
	e = wantCode(t, err, participants.Unavailable, "")
	if e.Message != `Bird answered 404 to the lookup by ID "`+b2.john.ID+`", and checking whether conversation "`+birdConversation+`" exists failed` {
		t.Errorf("message %q", e.Message)
	}
}

func TestBirdRemoveByParticipantID(t *testing.T) {
	b := newBirdLife(t)
	added := b.add(t, participants.Participant{ID: b.user, Kind: participants.KindUser})
	b.srv.Reset()
	p := participants.Participant{ParticipantID: added.ID}

	res, err := b.c.Remove(ctx, birdConversation, p)
	if err != nil || res.Outcome != participants.Removed || res.ID != b.user || res.Provider != "bird" {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
	wantRequests(t, b, "DELETE participants/"+b.user)
	if n := len(b.srv.Participants(birdConversation)); n != 0 {
		t.Fatalf("%d participants left", n)
	}

	res, err = b.c.Remove(ctx, birdConversation, p)
	if err != nil || res.Outcome != participants.AlreadyAbsent || res.ID != b.user {
		t.Fatalf("Remove again = %+v, %v", res, err)
	}
	wantRequests(t, b, "DELETE participants/"+b.user, "GET participants?limit=1")

	_, err = b.c.Remove(ctx, birdMissing, p)
	wantCode(t, err, participants.NotFound, "conversationID")
	wantRequests(t, b, "DELETE participants/"+b.user, "GET participants?limit=1")
}

func TestBirdRemoveByIdentity(t *testing.T) {
	for _, tt := range []struct {
		name   string
		p      participants.Participant
		lookup string
	}{
		{"ID", participants.Participant{ID: "JOHN"}, "GET participants/JOHN"},
		{"Email", participants.Participant{Email: "john@example.com"}, "GET participants/emailaddress/john@example.com"},
		{"Phone", participants.Participant{Phone: "+31612345678"}, "GET participants/phonenumber/+31612345678"},
		{"Identifier", participants.Participant{Identifier: participants.Identifier{Key: "phonenumber", Value: "+31612345678"}}, "GET participants/phonenumber/+31612345678"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := newBirdLife(t)
			b.add(t, participants.Participant{ID: b.john.ID, Status: participants.StatusInvited})
			b.srv.Reset()
			if tt.p.ID == "JOHN" {
				tt.p.ID = b.john.ID
				tt.lookup = "GET participants/" + b.john.ID
			}
			res, err := b.c.Remove(ctx, birdConversation, tt.p)
			if err != nil || res.Outcome != participants.Removed || res.ID != b.john.ID || res.Kind != participants.KindContact || res.Status != participants.StatusInvited {
				t.Fatalf("Remove = %+v, %v", res, err)
			}
			var bp *bird.Participant
			if !res.As(&bp) || bp.ID != b.john.ID {
				t.Errorf("As = %+v", bp)
			}
			wantRequests(t, b, tt.lookup, "DELETE participants/"+b.john.ID)

			res, err = b.c.Remove(ctx, birdConversation, tt.p)
			wantID := ""
			if tt.p.ID != "" {
				wantID = b.john.ID
			}
			if err != nil || res.Outcome != participants.AlreadyAbsent || res.ID != wantID || res.As(&bp) {
				t.Fatalf("Remove again = %+v, %v", res, err)
			}
			wantRequests(t, b, tt.lookup, "GET participants?limit=1")

			_, err = b.c.Remove(ctx, birdMissing, tt.p)
			wantCode(t, err, participants.NotFound, "conversationID")
			wantRequests(t, b, tt.lookup, "GET participants?limit=1")
		})
	}
}

// A DELETE whose response is lost is retried; the retry's 404 is
// AlreadyAbsent once the conversation is known to exist.
func TestBirdRemoveLostResponse(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{ID: b.user, Kind: participants.KindUser})
	b.srv.Reset()
	b.srv.InjectFaults(participantstest.Fault{CommitThenDrop: true})
	res, err := b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.user})
	if err != nil || res.Outcome != participants.AlreadyAbsent {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
	wantRequests(t, b, "DELETE participants/"+b.user, "DELETE participants/"+b.user, "GET participants?limit=1")
}

// Between the lookup and the DELETE someone else removed the participant.
func TestBirdRemoveRace(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{Email: "ada@example.com"})
	b.srv.Reset()
	b.srv.InjectFaults(participantstest.Fault{}, participantstest.Fault{Status: 404, Body: `{"code":"ResourceNotFound","message":"The requested resource does not exist"}`})
	res, err := b.c.Remove(ctx, birdConversation, participants.Participant{Email: "ada@example.com"})
	if err != nil || res.Outcome != participants.AlreadyAbsent || res.Kind != participants.KindContact {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
}

func TestBirdRemoveCheckFails(t *testing.T) {
	b := newBirdLife(t, option.WithMaxRetries(0))
	b.srv.InjectFaults(participantstest.Fault{}, participantstest.Fault{Status: 503, Body: "busy"})
	_, err := b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.user})
	e := wantCode(t, err, participants.Unavailable, "")
	if e.Message != "Bird answered 404 to the DELETE, and checking whether the conversation exists failed" {
		t.Errorf("message %q", e.Message)
	}
	var api *bird.APIError
	if !errors.As(err, &api) || api.StatusCode != 503 {
		t.Errorf("the check's 503 is not first in the chain: %v", err)
	}
	var statuses []int
	for _, u := range e.Err.(interface{ Unwrap() []error }).Unwrap() {
		if errors.As(u, &api) {
			statuses = append(statuses, api.StatusCode)
		}
	}
	if fmt.Sprint(statuses) != "[503 404]" {
		t.Errorf("chain statuses %v, want [503 404]", statuses)
	}
}

func TestBirdRemoveForbidden(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{ID: b.flow, Kind: participants.KindBot})
	b.srv.SetRemovable(birdConversation, b.flow, false)
	b.srv.Reset()
	_, err := b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.flow})
	e := wantCode(t, err, participants.FailedPrecondition, "")
	if !errors.Is(err, participants.ErrFailedPrecondition) || !strings.Contains(e.Message, b.flow) || !strings.Contains(e.Message, "retrying will not help") {
		t.Errorf("err = %v", err)
	}
	var api *bird.APIError
	if !errors.As(err, &api) || api.StatusCode != 403 || api.Message != participantstest.BirdDeleteForbidden {
		t.Errorf("the 403 is not in the chain: %v", err)
	}
	wantRequests(t, b, "DELETE participants/"+b.flow)

	// A JSON 403 that says the same is FailedPrecondition too; one with
	// another code and message is an access key without the permission.
	for _, tt := range []struct {
		body string
		code participants.ErrorCode
	}{
		{`{"code":"Forbidden","message":"Deleting this participant is Not Allowed"}`, participants.FailedPrecondition},
		{`{"code":"Forbidden","message":"The access key lacks the permission"}`, participants.PermissionDenied},
		{`{"message":"nope"}`, participants.FailedPrecondition},
	} {
		b.srv.InjectFaults(participantstest.Fault{Status: 403, Body: tt.body})
		_, err = b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.user})
		wantCode(t, err, tt.code, "")
	}
	// A 403 to the lookup is not about the removal.
	b.srv.InjectFaults(participantstest.Fault{Status: 403, Body: "Deleting this participant is not allowed"})
	_, err = b.c.Remove(ctx, birdConversation, participants.Participant{Email: "a@example.com"})
	wantCode(t, err, participants.PermissionDenied, "")
}

func TestBirdLifecycleRetries(t *testing.T) {
	b := newBirdLife(t)
	b.add(t, participants.Participant{ID: b.user, Kind: participants.KindUser})
	b.srv.Reset()
	b.srv.InjectFaults(participantstest.Fault{Status: 429}, participantstest.Fault{Status: 503})
	n := 0
	for _, err := range b.c.List(ctx, birdConversation) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 || b.srv.Requests() != 3 {
		t.Errorf("%d members after %d requests", n, b.srv.Requests())
	}
	b.srv.Reset()
	b.srv.InjectFaults(participantstest.Fault{Status: 502}, participantstest.Fault{Drop: true})
	res, err := b.c.Remove(ctx, birdConversation, participants.Participant{ID: b.user, Kind: participants.KindUser})
	if err != nil || res.Outcome != participants.Removed {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
	wantRequests(t, b, "GET participants/"+b.user, "GET participants/"+b.user, "GET participants/"+b.user, "DELETE participants/"+b.user)
}

func TestBirdRemovePassesRequestOptions(t *testing.T) {
	b := newBirdLife(t)
	var r option.Response
	_, err := b.c.Remove(ctx, birdConversation, participants.Participant{ParticipantID: b.user},
		participants.WithRequestOptions(option.WithHeader("X-Trace", "t-1"), option.WithResponseInto(&r)))
	if err != nil {
		t.Fatal(err)
	}
	log := b.srv.RequestLog()
	if len(log) != 2 || log[0].Header.Get("X-Trace") != "t-1" || log[1].Header.Get("X-Trace") != "t-1" {
		t.Errorf("the header did not reach every request: %+v", log)
	}
	if r.StatusCode != http.StatusOK {
		t.Errorf("WithResponseInto holds %d, want the check's 200", r.StatusCode)
	}
}

// exported is m without its vendor record, for comparisons.
func exported(m *participants.Member) participants.Member {
	return participants.Member{Provider: m.Provider, ID: m.ID, Kind: m.Kind, Status: m.Status, ContactID: m.ContactID,
		ExternalID: m.ExternalID, Email: m.Email, Phone: m.Phone, Identifier: m.Identifier}
}
