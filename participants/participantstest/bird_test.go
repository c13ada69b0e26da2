package participantstest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
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
