package participantstest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants/participantstest"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

type birdFixture struct {
	s    *participantstest.BirdServer
	conv string
	john participantstest.BirdContact
	user string
	flow string
}

func newBird(t *testing.T) *birdFixture {
	t.Helper()
	s := participantstest.NewBirdServer()
	t.Cleanup(s.Close)
	f := &birdFixture{s: s}
	f.conv = s.SeedConversation("c9c60caa-eaf5-4628-9687-91de4d452bfa")
	f.john = s.SeedContact(participantstest.BirdContact{
		DisplayName: "John",
		Identifiers: []participantstest.BirdIdentifier{
			{Key: "phonenumber", Value: "+31612345678"},
			{Key: "emailaddress", Value: "john@example.com"},
		},
	})
	f.user = s.SeedUser("")
	f.flow = s.SeedFlow("")
	return f
}

func (f *birdFixture) base() string {
	return f.s.URL() + "/workspaces/" + f.s.WorkspaceID() + "/conversations/" + f.conv + "/participants"
}

func (f *birdFixture) auth() http.Header {
	return hdr("Authorization", "AccessKey "+f.s.AccessKey(), "Content-Type", "application/json")
}

func (f *birdFixture) add(t *testing.T, body string) resp {
	t.Helper()
	return mustSend(t, http.MethodPost, f.base(), f.auth(), body)
}

func decodeBird(t *testing.T, r resp) participantstest.BirdParticipant {
	t.Helper()
	var p participantstest.BirdParticipant
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decoding participant: %v\n%s", err, r.body)
	}
	return p
}

func TestBirdAddByIdentifier(t *testing.T) {
	f := newBird(t)
	body := `{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"john.doe@bird.com"}}`
	r := f.add(t, body)
	wantStatus(t, r, http.StatusCreated)
	m := r.json(t)
	for _, k := range []string{"id", "type", "status", "displayName", "avatarUrl", "contact"} {
		if _, ok := m[k]; !ok {
			t.Errorf("participant lacks %q: %s", k, r.body)
		}
	}
	p := decodeBird(t, r)
	want := participantstest.BirdParticipant{
		ID: p.ID, Type: "contact", Status: "active",
		Contact: &participantstest.BirdParticipantContact{
			IdentifierKey: "emailaddress", IdentifierValue: "john.doe@bird.com", PlatformAddress: "john.doe@bird.com",
		},
	}
	if !uuidRE.MatchString(p.ID) || p.Type != want.Type || p.Status != want.Status || *p.Contact != *want.Contact {
		t.Fatalf("participant = %+v %+v", p, p.Contact)
	}
	c, ok := f.s.Contact(p.ID)
	if !ok || len(c.Identifiers) != 1 || c.Identifiers[0].Value != "john.doe@bird.com" {
		t.Fatalf("created contact = %+v, %v", c, ok)
	}

	// The same identifier again: 200 with the same participant.
	r = f.add(t, body)
	wantStatus(t, r, http.StatusOK)
	if p2 := decodeBird(t, r); p2.ID != p.ID {
		t.Fatalf("second add gave %s, want %s", p2.ID, p.ID)
	}
	// Without a key the value finds the same contact.
	r = f.add(t, `{"type":"contact","contact":{"identifierValue":"john.doe@bird.com"}}`)
	wantStatus(t, r, http.StatusOK)
	if n := len(f.s.Participants(f.conv)); n != 1 {
		t.Fatalf("%d participants, want 1", n)
	}

	// A seeded contact is found by any of its identifiers.
	r = f.add(t, `{"type":"contact","status":"invited","contact":{"identifierKey":"emailaddress","identifierValue":"john@example.com","platformAddressSelector":"identifiers.phonenumber"}}`)
	wantStatus(t, r, http.StatusCreated)
	p = decodeBird(t, r)
	if p.ID != f.john.ID || p.DisplayName != "John" || p.Status != "invited" ||
		p.Contact.PlatformAddress != "+31612345678" || p.Contact.PlatformAddressSelector != "identifiers.phonenumber" {
		t.Fatalf("participant = %+v %+v", p, p.Contact)
	}
	r = f.add(t, `{"type":"contact","contact":{"identifierKey":"phonenumber","identifierValue":"+31612345678"}}`)
	wantStatus(t, r, http.StatusOK)
	if decodeBird(t, r).Status != "invited" {
		t.Fatal("a duplicate add changed the status")
	}

	// An unknown phone number without a key is inferred as phonenumber.
	r = f.add(t, `{"type":"contact","contact":{"identifierValue":"+15551234567","identifierKey":null,"platformAddressSelector":null}}`)
	wantStatus(t, r, http.StatusCreated)
	if p := decodeBird(t, r); p.Contact.IdentifierKey != "phonenumber" {
		t.Fatalf("inferred key = %q", p.Contact.IdentifierKey)
	}
	if n := len(f.s.Participants(f.conv)); n != 3 {
		t.Fatalf("%d participants, want 3", n)
	}
}

func TestBirdAddByID(t *testing.T) {
	f := newBird(t)
	r := f.add(t, `{"type":"contact","id":"`+f.john.ID+`"}`)
	wantStatus(t, r, http.StatusCreated)
	p := decodeBird(t, r)
	if p.ID != f.john.ID || p.Contact == nil || p.Contact.IdentifierKey != "phonenumber" || p.Contact.PlatformAddress != "+31612345678" {
		t.Fatalf("participant = %+v %+v", p, p.Contact)
	}
	r = f.add(t, `{"type":"contact","id":"`+f.john.ID+`","contact":{"identifierKey":"emailaddress"}}`)
	wantStatus(t, r, http.StatusOK)
	// contact may be null in this branch.
	wantStatus(t, f.add(t, `{"type":"contact","id":"`+f.john.ID+`","contact":null}`), http.StatusOK)

	r = f.add(t, `{"type":"user","id":"`+f.user+`","status":"pending"}`)
	wantStatus(t, r, http.StatusCreated)
	p = decodeBird(t, r)
	if p.Type != "user" || p.ID != f.user || p.Status != "pending" || p.Contact != nil {
		t.Fatalf("user participant = %+v", p)
	}
	if _, ok := r.json(t)["contact"]; ok {
		t.Error("user participant has a contact")
	}
	wantStatus(t, f.add(t, `{"type":"user","id":"`+f.user+`"}`), http.StatusOK)
	wantStatus(t, f.add(t, `{"type":"flow","id":"`+f.flow+`"}`), http.StatusCreated)
	if n := len(f.s.Participants(f.conv)); n != 3 {
		t.Fatalf("%d participants, want 3", n)
	}
}

func TestBirdDuplicateConflict(t *testing.T) {
	f := newBird(t)
	f.s.SetDuplicateStatus(http.StatusConflict)
	body := `{"type":"contact","id":"` + f.john.ID + `"}`
	wantStatus(t, f.add(t, body), http.StatusCreated)
	r := f.add(t, body)
	wantBirdError(t, r, http.StatusConflict, "Conflict")
	f.s.SetDuplicateStatus(http.StatusOK)
	wantStatus(t, f.add(t, body), http.StatusOK)
	defer func() {
		if recover() == nil {
			t.Fatal("SetDuplicateStatus(400) did not panic")
		}
	}()
	f.s.SetDuplicateStatus(http.StatusBadRequest)
}

func wantBirdError(t *testing.T, r resp, status int, code string) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.json(t)
	if m["code"] != code {
		t.Errorf("code = %v, want %s; body %s", m["code"], code, r.body)
	}
	if msg, _ := m["message"].(string); msg == "" {
		t.Error("empty message")
	}
	return m
}

func TestBirdRefusals(t *testing.T) {
	f := newBird(t)
	good := `{"type":"contact","id":"` + f.john.ID + `"}`
	unknownUUID := "00000000-0000-4000-8000-000000000000"
	type tc struct {
		name, method, url string
		header            http.Header
		body              string
		status            int
		code              string
		detail            string // a key expected in details (422)
	}
	auth := f.auth()
	cases := []tc{
		{name: "no auth", header: hdr("Content-Type", "application/json"), status: 401, code: "Unauthorized"},
		{name: "bearer", header: hdr("Authorization", "Bearer "+f.s.AccessKey(), "Content-Type", "application/json"), status: 401, code: "Unauthorized"},
		{name: "wrong key", header: hdr("Authorization", "AccessKey nope", "Content-Type", "application/json"), status: 401, code: "Unauthorized"},
		{name: "unknown workspace", url: f.s.URL() + "/workspaces/" + unknownUUID + "/conversations/" + f.conv + "/participants", status: 404, code: "ResourceNotFound"},
		{name: "unknown conversation", url: f.s.URL() + "/workspaces/" + f.s.WorkspaceID() + "/conversations/" + unknownUUID + "/participants", status: 404, code: "ResourceNotFound"},
		{name: "non-UUID conversation", url: f.s.URL() + "/workspaces/" + f.s.WorkspaceID() + "/conversations/abc/participants", status: 404, code: "ResourceNotFound"},
		{name: "dot-dot conversation", url: f.s.URL() + "/workspaces/" + f.s.WorkspaceID() + "/conversations/%2e%2e/participants", status: 404, code: "ResourceNotFound"},
		{name: "unknown route", url: f.s.URL() + "/workspaces/" + f.s.WorkspaceID() + "/conversations/" + f.conv, status: 404, code: "ResourceNotFound"},
		{name: "wrong method", method: http.MethodPut, status: 405, code: "MethodNotAllowed"},
		{name: "unknown contact", body: `{"type":"contact","id":"` + unknownUUID + `"}`, status: 404, code: "ResourceNotFound"},
		{name: "unknown user", body: `{"type":"user","id":"u1"}`, status: 404, code: "ResourceNotFound"},
		{name: "unknown flow", body: `{"type":"flow","id":"` + f.user + `"}`, status: 404, code: "ResourceNotFound"},
		{name: "wrong content type", header: hdr("Authorization", "AccessKey "+f.s.AccessKey(), "Content-Type", "text/plain"), status: 422, code: "InvalidPayload", detail: "body"},
		{name: "not JSON", body: `type=contact`, status: 422, code: "InvalidPayload", detail: "body"},
		{name: "null", body: `null`, status: 422, code: "InvalidPayload", detail: "body"},
		{name: "missing type", body: `{"id":"x"}`, status: 422, code: "InvalidPayload", detail: "type"},
		{name: "bad type", body: `{"type":"agent","id":"x"}`, status: 422, code: "InvalidPayload", detail: "type"},
		{name: "type number", body: `{"type":1,"id":"x"}`, status: 422, code: "InvalidPayload", detail: "type"},
		{name: "user without id", body: `{"type":"user"}`, status: 422, code: "InvalidPayload", detail: "id"},
		{name: "user with contact", body: `{"type":"user","id":"` + f.user + `","contact":{}}`, status: 422, code: "InvalidPayload", detail: "contact"},
		{name: "empty id", body: `{"type":"user","id":""}`, status: 422, code: "InvalidPayload", detail: "id"},
		{name: "id number", body: `{"type":"contact","id":5}`, status: 422, code: "InvalidPayload", detail: "id"},
		{name: "unknown key", body: `{"type":"contact","id":"` + f.john.ID + `","name":"x"}`, status: 422, code: "InvalidPayload", detail: "name"},
		{name: "bad status", body: `{"type":"contact","id":"` + f.john.ID + `","status":"inactive"}`, status: 422, code: "InvalidPayload", detail: "status"},
		{name: "contact branch needs contact", body: `{"type":"contact"}`, status: 422, code: "InvalidPayload", detail: "contact"},
		{name: "contact branch null contact", body: `{"type":"contact","contact":null}`, status: 422, code: "InvalidPayload", detail: "contact"},
		{name: "missing identifierValue", body: `{"type":"contact","contact":{"identifierKey":"emailaddress"}}`, status: 422, code: "InvalidPayload", detail: "contact.identifierValue"},
		{name: "null identifierValue", body: `{"type":"contact","contact":{"identifierValue":null}}`, status: 422, code: "InvalidPayload", detail: "contact.identifierValue"},
		{name: "empty identifierValue", body: `{"type":"contact","contact":{"identifierValue":""}}`, status: 422, code: "InvalidPayload", detail: "contact.identifierValue"},
		{name: "contact extra key", body: `{"type":"contact","contact":{"identifierValue":"a@b.io","name":"x"}}`, status: 422, code: "InvalidPayload", detail: "contact.name"},
		{name: "contact not object", body: `{"type":"contact","contact":"a@b.io"}`, status: 422, code: "InvalidPayload", detail: "contact"},
		{name: "identifierKey number", body: `{"type":"contact","contact":{"identifierValue":"a@b.io","identifierKey":1}}`, status: 422, code: "InvalidPayload", detail: "contact.identifierKey"},
		{name: "uninferable key", body: `{"type":"contact","contact":{"identifierValue":"someone"}}`, status: 422, code: "InvalidPayload", detail: "contact.identifierKey"},
		{name: "id with missing key", body: `{"type":"contact","id":"` + f.john.ID + `","contact":{"identifierKey":"facebookid-1"}}`, status: 422, code: "InvalidPayload", detail: "contact.identifierKey"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.method == "" {
				c.method = http.MethodPost
			}
			if c.url == "" {
				c.url = f.base()
			}
			if c.header == nil {
				c.header = auth
			}
			if c.body == "" {
				c.body = good
			}
			r := mustSend(t, c.method, c.url, c.header, c.body)
			m := wantBirdError(t, r, c.status, c.code)
			if c.detail != "" {
				if _, ok := get(m, "details", c.detail).([]any); !ok {
					t.Errorf("details lack %q: %s", c.detail, r.body)
				}
			}
		})
	}
	if n := len(f.s.Participants(f.conv)); n != 0 {
		t.Fatalf("refused requests changed state: %d participants", n)
	}
	if n := len(f.s.Contacts()); n != 1 {
		t.Fatalf("refused requests created contacts: %d", n)
	}
}

func TestBirdListGetDelete(t *testing.T) {
	f := newBird(t)
	var ids []string
	for i := range 25 {
		r := f.add(t, fmt.Sprintf(`{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"p%02d@example.com"}}`, i))
		wantStatus(t, r, http.StatusCreated)
		ids = append(ids, decodeBird(t, r).ID)
	}
	list := func(query string) (ids []string, next string) {
		t.Helper()
		r := mustSend(t, http.MethodGet, f.base()+query, f.auth(), "")
		wantStatus(t, r, http.StatusOK)
		var body struct {
			Results       []participantstest.BirdParticipant `json:"results"`
			NextPageToken string                             `json:"nextPageToken"`
		}
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatal(err)
		}
		for _, p := range body.Results {
			ids = append(ids, p.ID)
		}
		return ids, body.NextPageToken
	}
	var all []string
	page, next := list("")
	if len(page) != 10 || next == "" {
		t.Fatalf("first page: %d results, next %q", len(page), next)
	}
	all = append(all, page...)
	for next != "" {
		page, next = list("?pageToken=" + next)
		all = append(all, page...)
	}
	if fmt.Sprint(all) != fmt.Sprint(ids) {
		t.Fatalf("paged ids differ:\n%v\n%v", all, ids)
	}
	page, next = list("?limit=100&reverse=true")
	if len(page) != 25 || next != "" || page[0] != ids[24] {
		t.Fatalf("reverse page: %d results, next %q", len(page), next)
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?limit=x", "?reverse=maybe", "?pageToken=%21%21"} {
		r := mustSend(t, http.MethodGet, f.base()+q, f.auth(), "")
		wantBirdError(t, r, http.StatusUnprocessableEntity, "InvalidPayload")
	}

	// Get by id and by identifier (the value is path-escaped).
	r := mustSend(t, http.MethodGet, f.base()+"/"+ids[3], f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	if decodeBird(t, r).ID != ids[3] {
		t.Fatal("get by id returned another participant")
	}
	wantStatus(t, f.add(t, `{"type":"contact","id":"`+f.john.ID+`"}`), http.StatusCreated)
	for _, path := range []string{"/phonenumber/%2B31612345678", "/phonenumber/+31612345678", "/emailaddress/john@example.com", "/emailaddress/john%40example.com"} {
		r = mustSend(t, http.MethodGet, f.base()+path, f.auth(), "")
		wantStatus(t, r, http.StatusOK)
		if decodeBird(t, r).ID != f.john.ID {
			t.Fatalf("get %s returned another participant", path)
		}
	}
	wantBirdError(t, mustSend(t, http.MethodGet, f.base()+"/phonenumber/%2B31000000000", f.auth(), ""), 404, "ResourceNotFound")
	wantBirdError(t, mustSend(t, http.MethodGet, f.base()+"/nope", f.auth(), ""), 404, "ResourceNotFound")

	// Patch the status.
	r = mustSend(t, http.MethodPatch, f.base()+"/"+f.john.ID, f.auth(), `{"status":"pending"}`)
	wantStatus(t, r, http.StatusOK)
	if decodeBird(t, r).Status != "pending" {
		t.Fatal("patch ignored")
	}
	wantBirdError(t, mustSend(t, http.MethodPatch, f.base()+"/"+f.john.ID, f.auth(), `{"status":"gone"}`), 422, "InvalidPayload")
	wantBirdError(t, mustSend(t, http.MethodPatch, f.base()+"/"+f.john.ID, f.auth(), `{}`), 422, "InvalidPayload")

	// Delete.
	r = mustSend(t, http.MethodDelete, f.base()+"/"+f.john.ID, f.auth(), "")
	wantStatus(t, r, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Fatalf("204 with a body: %s", r.body)
	}
	wantBirdError(t, mustSend(t, http.MethodDelete, f.base()+"/"+f.john.ID, f.auth(), ""), 404, "ResourceNotFound")
	wantBirdError(t, mustSend(t, http.MethodDelete, f.base()+"/phonenumber/%2B31612345678", f.auth(), ""), 405, "MethodNotAllowed")
	if n := len(f.s.Participants(f.conv)); n != 25 {
		t.Fatalf("%d participants, want 25", n)
	}
}

func TestBirdOptions(t *testing.T) {
	ws := "11111111-2222-4333-8444-555555555555"
	s := participantstest.NewBirdServer(participantstest.WithBirdAccessKey("k"), participantstest.WithBirdWorkspaceID(ws))
	defer s.Close()
	if s.AccessKey() != "k" || s.WorkspaceID() != ws {
		t.Fatal("options ignored")
	}
	if d := participantstest.NewBirdServer(); d.WorkspaceID() != participantstest.DefaultBirdWorkspaceID || d.AccessKey() != participantstest.DefaultBirdAccessKey {
		d.Close()
		t.Fatal("defaults")
	} else {
		d.Close()
	}
	if id := s.SeedConversation(""); !uuidRE.MatchString(id) {
		t.Fatalf("generated conversation id %q", id)
	}
	for name, fn := range map[string]func(){
		"bad workspace":    func() { participantstest.NewBirdServer(participantstest.WithBirdWorkspaceID("x")) },
		"empty key":        func() { participantstest.NewBirdServer(participantstest.WithBirdAccessKey("")) },
		"bad conversation": func() { s.SeedConversation("x") },
		"taken identifier": func() {
			s.SeedContact(participantstest.BirdContact{Identifiers: []participantstest.BirdIdentifier{{Key: "k", Value: "v"}}})
			s.SeedContact(participantstest.BirdContact{Identifiers: []participantstest.BirdIdentifier{{Key: "k", Value: "v"}}})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}

// birdPage is one list page as the fake sends it.
type birdPage struct {
	ids     []string
	next    string
	hasNext bool // the nextPageToken key is present
}

func (f *birdFixture) list(t *testing.T, query string) birdPage {
	t.Helper()
	r := mustSend(t, http.MethodGet, f.base()+query, f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	var body struct {
		Results       []participantstest.BirdParticipant `json:"results"`
		NextPageToken *string                            `json:"nextPageToken"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	var p birdPage
	for _, x := range body.Results {
		p.ids = append(p.ids, x.ID)
	}
	if body.NextPageToken != nil {
		p.next, p.hasNext = *body.NextPageToken, true
	}
	return p
}

// addUsers adds n user participants and returns their IDs in order.
func (f *birdFixture) addUsers(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		id := f.s.SeedUser("")
		wantStatus(t, f.add(t, `{"type":"user","id":"`+id+`"}`), http.StatusCreated)
		ids = append(ids, id)
	}
	return ids
}

func (f *birdFixture) remove(t *testing.T, id string) resp {
	t.Helper()
	return mustSend(t, http.MethodDelete, f.base()+"/"+id, f.auth(), "")
}

func TestBirdListPaging(t *testing.T) {
	f := newBird(t)
	ids := f.addUsers(t, 4)

	// A full last page has no nextPageToken key at all.
	p1 := f.list(t, "?limit=2")
	if fmt.Sprint(p1.ids) != fmt.Sprint(ids[:2]) || !p1.hasNext || p1.next == "" {
		t.Fatalf("page 1 = %+v", p1)
	}
	p2 := f.list(t, "?limit=2&pageToken="+p1.next)
	if fmt.Sprint(p2.ids) != fmt.Sprint(ids[2:]) || p2.hasNext {
		t.Fatalf("page 2 = %+v", p2)
	}
	// The bounds of limit, and an empty pageToken is the first page.
	if p := f.list(t, "?limit=1&pageToken="); fmt.Sprint(p.ids) != fmt.Sprint(ids[:1]) || !p.hasNext {
		t.Fatalf("limit 1 = %+v", p)
	}
	if p := f.list(t, "?limit=100"); len(p.ids) != 4 || p.hasNext {
		t.Fatalf("limit 100 = %+v", p)
	}
	// Reverse pages go backwards from the token.
	r1 := f.list(t, "?limit=3&reverse=true")
	r2 := f.list(t, "?limit=3&reverse=true&pageToken="+r1.next)
	if fmt.Sprint(r1.ids) != fmt.Sprint([]string{ids[3], ids[2], ids[1]}) || fmt.Sprint(r2.ids) != fmt.Sprint(ids[:1]) || r2.hasNext {
		t.Fatalf("reverse pages = %+v %+v", r1, r2)
	}
	// An empty conversation is one empty page.
	other := f.s.SeedConversation("")
	r := mustSend(t, http.MethodGet, f.s.URL()+"/workspaces/"+f.s.WorkspaceID()+"/conversations/"+other+"/participants", f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	if string(r.body) != "{\"results\":[]}\n" {
		t.Fatalf("empty list = %s", r.body)
	}
}

func TestBirdListPagingSurvivesRemovals(t *testing.T) {
	f := newBird(t)
	ids := f.addUsers(t, 6)
	p1 := f.list(t, "?limit=2")
	// Remove both participants of page 1 and the first of page 2: the
	// token still points after page 1.
	for _, id := range []string{ids[0], ids[1], ids[2]} {
		wantStatus(t, f.remove(t, id), http.StatusNoContent)
	}
	p2 := f.list(t, "?limit=2&pageToken="+p1.next)
	if fmt.Sprint(p2.ids) != fmt.Sprint(ids[3:5]) {
		t.Fatalf("page 2 after removals = %v, want %v", p2.ids, ids[3:5])
	}
	p3 := f.list(t, "?limit=2&pageToken="+p2.next)
	if fmt.Sprint(p3.ids) != fmt.Sprint(ids[5:]) || p3.hasNext {
		t.Fatalf("page 3 = %+v", p3)
	}
}

func TestBirdListRefusesBadParameters(t *testing.T) {
	f := newBird(t)
	f.addUsers(t, 3)
	tok := f.list(t, "?limit=1").next
	for q, field := range map[string]string{
		"?limit=0":                                "limit",
		"?limit=101":                              "limit",
		"?limit=-1":                               "limit",
		"?limit=x":                                "limit",
		"?limit=1&limit=2":                        "limit",
		"?reverse=maybe":                          "reverse",
		"?reverse=true&reverse=false":             "reverse",
		"?pageToken=%21%21":                       "pageToken",
		"?pageToken=" + tok + "x":                 "pageToken",
		"?pageToken=W10":                          "pageToken", // base64 of []
		"?pageToken=WzAsImEiXQ":                   "pageToken", // [0,"a"]
		"?pageToken=WzEsIiJd":                     "pageToken", // [1,""]
		"?pageToken=" + tok + "&pageToken=" + tok: "pageToken",
		"?pageToken=" + strings.Repeat("A", 8001): "pageToken",
	} {
		m := wantBirdError(t, mustSend(t, http.MethodGet, f.base()+q, f.auth(), ""), http.StatusUnprocessableEntity, "InvalidPayload")
		if d, _ := m["details"].(map[string]any); len(d) != 1 || d[field] == nil {
			t.Errorf("%s: details = %v, want only %s", q, m["details"], field)
		}
	}
}

func TestBirdNotFoundIsTheSameForEverything(t *testing.T) {
	f := newBird(t)
	missing := f.s.URL() + "/workspaces/" + f.s.WorkspaceID() + "/conversations/00000000-0000-4000-8000-000000000000/participants"
	want := mustSend(t, http.MethodDelete, f.base()+"/"+f.user, f.auth(), "")
	wantBirdError(t, want, http.StatusNotFound, "ResourceNotFound")
	if string(want.body) != `{"code":"ResourceNotFound","message":"The requested resource does not exist","details":{}}`+"\n" {
		t.Fatalf("404 body = %s", want.body)
	}
	for _, r := range []resp{
		mustSend(t, http.MethodDelete, missing+"/"+f.user, f.auth(), ""),
		mustSend(t, http.MethodGet, missing, f.auth(), ""),
		mustSend(t, http.MethodGet, f.base()+"/"+f.user, f.auth(), ""),
		mustSend(t, http.MethodPatch, f.base()+"/emailaddress/nobody@example.com", f.auth(), `{"status":"active"}`),
		mustSend(t, http.MethodGet, f.s.URL()+"/workspaces/"+f.s.WorkspaceID()+"/other", f.auth(), ""),
	} {
		if r.status != http.StatusNotFound || string(r.body) != string(want.body) || r.header.Get("Content-Type") != want.header.Get("Content-Type") {
			t.Errorf("404 = %d %s %s, want the same as %s", r.status, r.header.Get("Content-Type"), r.body, want.body)
		}
	}
}

func TestBirdPatch(t *testing.T) {
	f := newBird(t)
	wantStatus(t, f.add(t, `{"type":"contact","id":"`+f.john.ID+`"}`), http.StatusCreated)
	byID := f.base() + "/" + f.john.ID
	byIdentifier := f.base() + "/emailaddress/john%40example.com"
	status := func() string { return f.s.Participants(f.conv)[0].Status }

	for i, u := range []string{byID, byIdentifier} {
		st := []string{"invited", "pending"}[i]
		r := mustSend(t, http.MethodPatch, u, f.auth(), `{"status":"`+st+`"}`)
		wantStatus(t, r, http.StatusOK)
		if p := decodeBird(t, r); p.ID != f.john.ID || p.Status != st || status() != st {
			t.Fatalf("PATCH %s: %+v, stored %s", u, p, status())
		}
		// null changes nothing.
		r = mustSend(t, http.MethodPatch, u, f.auth(), `{"status":null}`)
		wantStatus(t, r, http.StatusOK)
		if decodeBird(t, r).Status != st || status() != st {
			t.Fatalf("PATCH null changed the status to %s", status())
		}
		for body, field := range map[string]string{
			`{}`:                            "body",
			`{"status":"active","extra":1}`: "extra",
			`{"extra":1}`:                   "extra",
			`{"status":"inactive"}`:         "status",
			`{"status":1}`:                  "status",
			`[]`:                            "body",
			`null`:                          "body",
		} {
			m := wantBirdError(t, mustSend(t, http.MethodPatch, u, f.auth(), body), http.StatusUnprocessableEntity, "InvalidPayload")
			if d, _ := m["details"].(map[string]any); d[field] == nil {
				t.Errorf("PATCH %s: details = %v, want %s", body, m["details"], field)
			}
		}
		plain := hdr("Authorization", "AccessKey "+f.s.AccessKey(), "Content-Type", "text/plain")
		wantBirdError(t, mustSend(t, http.MethodPatch, u, plain, `{"status":"active"}`), http.StatusUnprocessableEntity, "InvalidPayload")
		if status() != st {
			t.Fatalf("a refused PATCH changed the status to %s", status())
		}
	}
	wantBirdError(t, mustSend(t, http.MethodPatch, f.base()+"/"+f.user, f.auth(), `{"status":"active"}`), 404, "ResourceNotFound")
	wantBirdError(t, mustSend(t, http.MethodPatch, f.base()+"/phonenumber/%2B15550000000", f.auth(), `{"status":"active"}`), 404, "ResourceNotFound")
	// Bird validates the body before looking the participant up.
	wantBirdError(t, mustSend(t, http.MethodPatch, f.base()+"/"+f.user, f.auth(), `{}`), 422, "InvalidPayload")
}

func TestBirdSetRemovable(t *testing.T) {
	f := newBird(t)
	ids := f.addUsers(t, 2)
	f.s.SetRemovable(f.conv, ids[0], false)
	r := f.remove(t, ids[0])
	wantStatus(t, r, http.StatusForbidden)
	if string(r.body) != participantstest.BirdDeleteForbidden || r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("403 = %q %s", r.header.Get("Content-Type"), r.body)
	}
	if n := len(f.s.Participants(f.conv)); n != 2 {
		t.Fatalf("the forbidden DELETE removed someone: %d left", n)
	}
	// Others stay removable, and the flag can be lifted.
	wantStatus(t, f.remove(t, ids[1]), http.StatusNoContent)
	f.s.SetRemovable(f.conv, ids[0], true)
	wantStatus(t, f.remove(t, ids[0]), http.StatusNoContent)
	wantBirdError(t, f.remove(t, ids[0]), http.StatusNotFound, "ResourceNotFound")
	// A non-removable ID that is not a participant is still 404.
	f.s.SetRemovable(f.conv, ids[1], false)
	wantBirdError(t, f.remove(t, ids[1]), http.StatusNotFound, "ResourceNotFound")
	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetRemovable on an unknown conversation: no panic")
			}
		}()
		f.s.SetRemovable("00000000-0000-4000-8000-000000000000", ids[0], false)
	}()
}

func TestBirdFaultsOnLifecycleRoutes(t *testing.T) {
	f := newBird(t)
	ids := f.addUsers(t, 3)
	// A 503 changes nothing, on every new route.
	for _, c := range []struct{ method, url, body string }{
		{http.MethodGet, f.base() + "?limit=1", ""},
		{http.MethodPatch, f.base() + "/" + ids[0], `{"status":"pending"}`},
		{http.MethodPatch, f.base() + "/emailaddress/john@example.com", `{"status":"pending"}`},
		{http.MethodDelete, f.base() + "/" + ids[0], ""},
	} {
		f.s.InjectFaults(participantstest.Fault{Status: 503, Body: `{"code":"ServiceUnavailable","message":"try later"}`})
		wantBirdError(t, mustSend(t, c.method, c.url, f.auth(), c.body), 503, "ServiceUnavailable")
	}
	if ps := f.s.Participants(f.conv); len(ps) != 3 || ps[0].Status != "active" {
		t.Fatalf("a faulted request changed state: %+v", ps)
	}
	// A DELETE whose response is lost still removes.
	f.s.InjectFaults(participantstest.Fault{CommitThenDrop: true})
	if _, err := send(t, http.MethodDelete, f.base()+"/"+ids[0], f.auth(), ""); err == nil {
		t.Fatal("CommitThenDrop: the client got a response")
	}
	if n := len(f.s.Participants(f.conv)); n != 2 {
		t.Fatalf("%d participants after the lost DELETE, want 2", n)
	}
	wantBirdError(t, f.remove(t, ids[0]), http.StatusNotFound, "ResourceNotFound")
}
