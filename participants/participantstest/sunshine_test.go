package participantstest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

var recordIDRE = regexp.MustCompile(`^[0-9a-f]{24}$`)

type sunFixture struct {
	s    *participantstest.SunshineServer
	conv string
	ada  participantstest.SunshineUser
}

func newSun(t *testing.T, opts ...participantstest.SunshineOption) *sunFixture {
	t.Helper()
	s := participantstest.NewSunshineServer(opts...)
	t.Cleanup(s.Close)
	return &sunFixture{s: s, conv: s.SeedConversation("", "sdkGroup"), ada: s.SeedUser("ada")}
}

func (f *sunFixture) url(path string) string {
	return f.s.URL() + "/v2/apps/" + f.s.AppID() + path
}

func (f *sunFixture) auth() http.Header {
	basic := base64.StdEncoding.EncodeToString([]byte(f.s.KeyID() + ":" + f.s.Secret()))
	return hdr("Authorization", "Basic "+basic, "Content-Type", "application/json")
}

func (f *sunFixture) post(t *testing.T, path, body string) resp {
	t.Helper()
	return mustSend(t, http.MethodPost, f.url(path), f.auth(), body)
}

func (f *sunFixture) get(t *testing.T, path string) resp {
	t.Helper()
	return mustSend(t, http.MethodGet, f.url(path), f.auth(), "")
}

func (f *sunFixture) join(t *testing.T, conv, body string) resp {
	t.Helper()
	return f.post(t, "/conversations/"+conv+"/join", body)
}

func wantSunError(t *testing.T, r resp, status int, code, title string) {
	t.Helper()
	wantStatus(t, r, status)
	var b struct {
		Errors []struct{ Code, Title string }
	}
	if err := json.Unmarshal(r.body, &b); err != nil || len(b.Errors) != 1 {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if b.Errors[0].Code != code || (title != "" && b.Errors[0].Title != title) {
		t.Errorf("error = %+v, want %s %q", b.Errors[0], code, title)
	}
}

func TestSunshineJoinListLeave(t *testing.T) {
	f := newSun(t)
	r := f.join(t, f.conv, `{"userExternalId":"ada","subscribeSDKClient":false}`)
	wantStatus(t, r, http.StatusCreated)
	p := r.json(t)["participant"].(map[string]any)
	if !recordIDRE.MatchString(p["id"].(string)) || p["userId"] != f.ada.ID || p["userExternalId"] != "ada" || p["unreadCount"] != 0.0 ||
		fmt.Sprint(p["clientAssociations"]) != "[]" {
		t.Errorf("participant = %v", p)
	}
	bob := f.s.SeedUser("")
	wantStatus(t, f.join(t, f.conv, `{"userId":"`+bob.ID+`","subscribeSDKClient":true}`), http.StatusCreated)
	got := f.s.Participants(f.conv)
	if len(got) != 2 || got[0].UserExternalID != "ada" || got[1].UserID != bob.ID || got[1].UserExternalID != "" || got[0].ID >= got[1].ID {
		t.Fatalf("participants = %+v", got)
	}
	r = f.get(t, "/conversations/"+f.conv+"/participants")
	wantStatus(t, r, http.StatusOK)
	m := r.json(t)
	if len(m["participants"].([]any)) != 2 || fmt.Sprint(m["meta"]) != "map[hasMore:false]" {
		t.Errorf("list = %s", r.body)
	}
	if _, ok := get(m, "participants", 1).(map[string]any)["userExternalId"]; ok {
		t.Errorf("a user without externalId is listed with one: %s", r.body)
	}
	r = f.post(t, "/conversations/"+f.conv+"/leave", `{"participantId":"`+got[0].ID+`"}`)
	wantStatus(t, r, http.StatusOK)
	if strings.TrimSpace(string(r.body)) != "{}" {
		t.Errorf("leave body = %s", r.body)
	}
	wantStatus(t, f.post(t, "/conversations/"+f.conv+"/leave", `{"userId":"`+bob.ID+`"}`), http.StatusOK)
	if n := len(f.s.Participants(f.conv)); n != 0 {
		t.Errorf("%d participants left", n)
	}
	wantSunError(t, f.post(t, "/conversations/"+f.conv+"/leave", `{"userExternalId":"ada"}`), 404, "not_found", "User is not a member of the conversation")
	wantSunError(t, f.post(t, "/conversations/"+f.conv+"/leave", `{"participantId":"`+got[0].ID+`"}`), 404, "not_found", "User is not a member of the conversation")
	wantSunError(t, f.post(t, "/conversations/"+f.conv+"/leave", `{"userExternalId":"nobody"}`), 404, "user_not_found", "")
	wantSunError(t, f.post(t, "/conversations/"+f.conv+"/leave", `{"userId":"ffffffffffffffffffffffff"}`), 404, "user_not_found", "")
}

func TestSunshineJoinRefusals(t *testing.T) {
	f := newSun(t)
	personal := f.s.SeedConversation("", "personal")
	for _, tc := range []struct {
		name, conv, body, code, title string
		status                        int
	}{
		{"missing conversation", "000000000000000000000000", `{"userExternalId":"ada","subscribeSDKClient":false}`, "conversation_not_found", "Conversation not found", 404},
		{"unknown user", f.conv, `{"userExternalId":"nobody","subscribeSDKClient":false}`, "user_not_found", "User not found", 404},
		{"unknown user id", f.conv, `{"userId":"nobody","subscribeSDKClient":false}`, "user_not_found", "", 404},
		{"personal", personal, `{"userExternalId":"ada","subscribeSDKClient":false}`, "bad_request", "Cannot join a personal conversation", 400},
		{"both", f.conv, `{"userId":"` + f.ada.ID + `","userExternalId":"ada","subscribeSDKClient":false}`, "bad_request", "", 400},
		{"neither", f.conv, `{"subscribeSDKClient":false}`, "bad_request", "", 400},
		{"empty id", f.conv, `{"userId":"","subscribeSDKClient":false}`, "bad_request", "", 400},
		{"number id", f.conv, `{"userId":5,"subscribeSDKClient":false}`, "bad_request", "", 400},
		{"no subscribe", f.conv, `{"userExternalId":"ada"}`, "bad_request", "", 400},
		{"subscribe string", f.conv, `{"userExternalId":"ada","subscribeSDKClient":"yes"}`, "bad_request", "", 400},
		{"extra key", f.conv, `{"userExternalId":"ada","subscribeSDKClient":false,"role":"x"}`, "bad_request", "", 400},
		{"not an object", f.conv, `[]`, "bad_request", "", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantSunError(t, f.join(t, tc.conv, tc.body), tc.status, tc.code, tc.title)
		})
	}
	if n := len(f.s.Participants(f.conv)) + len(f.s.Participants(personal)); n != 0 {
		t.Errorf("%d participants after refusals", n)
	}
	// A personal conversation without subscribeSDKClient is refused for its type.
	wantSunError(t, f.join(t, personal, `{"userExternalId":"ada"}`), 400, "bad_request", "Cannot join a personal conversation")
}

func TestSunshineJoinExisting(t *testing.T) {
	f := newSun(t)
	body := `{"userExternalId":"ada","subscribeSDKClient":false}`
	first := f.join(t, f.conv, body)
	wantStatus(t, first, http.StatusCreated)
	wantSunError(t, f.join(t, f.conv, body), 409, "conflict", "User is already a participant of the conversation")
	f.s.SetJoinExistingStatus(http.StatusCreated)
	again := f.join(t, f.conv, `{"userId":"`+f.ada.ID+`","subscribeSDKClient":true}`)
	wantStatus(t, again, http.StatusCreated)
	if get(again.json(t), "participant", "id") != get(first.json(t), "participant", "id") {
		t.Errorf("second join = %s, first %s", again.body, first.body)
	}
	if n := len(f.s.Participants(f.conv)); n != 1 {
		t.Errorf("%d participants, want 1", n)
	}
	for _, st := range []int{200, 400} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetJoinExistingStatus(%d) did not panic", st)
				}
			}()
			f.s.SetJoinExistingStatus(st)
		}()
	}
}

func TestSunshineTooManyParticipants(t *testing.T) {
	f := newSun(t)
	for i := range participantstest.SunshineMaxParticipants {
		u := f.s.EnsureUser(fmt.Sprintf("u%d", i))
		wantStatus(t, f.join(t, f.conv, `{"userId":"`+u.ID+`","subscribeSDKClient":false}`), http.StatusCreated)
	}
	wantSunError(t, f.join(t, f.conv, `{"userExternalId":"ada","subscribeSDKClient":false}`), 400, "bad_request", "Too many participants")
	if n := len(f.s.Participants(f.conv)); n != participantstest.SunshineMaxParticipants {
		t.Errorf("%d participants", n)
	}
}

func TestSunshinePaging(t *testing.T) {
	f := newSun(t)
	var ids []string
	for i := range 7 {
		u := f.s.EnsureUser(fmt.Sprintf("p%d", i))
		r := f.join(t, f.conv, `{"userId":"`+u.ID+`","subscribeSDKClient":false}`)
		wantStatus(t, r, http.StatusCreated)
		ids = append(ids, get(r.json(t), "participant", "id").(string))
	}
	list := func(q string) (got []string, meta map[string]any) {
		t.Helper()
		r := f.get(t, "/conversations/"+f.conv+"/participants?"+q)
		wantStatus(t, r, http.StatusOK)
		m := r.json(t)
		for _, p := range m["participants"].([]any) {
			got = append(got, p.(map[string]any)["id"].(string))
		}
		return got, m["meta"].(map[string]any)
	}
	got, meta := list("page[size]=3")
	if fmt.Sprint(got) != fmt.Sprint(ids[:3]) || meta["hasMore"] != true || meta["afterCursor"] != ids[2] || meta["beforeCursor"] != nil {
		t.Errorf("page 1 = %v %v", got, meta)
	}
	got, meta = list("page[size]=3&page[after]=" + ids[2])
	if fmt.Sprint(got) != fmt.Sprint(ids[3:6]) || meta["hasMore"] != true || meta["afterCursor"] != ids[5] || meta["beforeCursor"] != ids[3] {
		t.Errorf("page 2 = %v %v", got, meta)
	}
	got, meta = list("page%5Bsize%5D=3&page%5Bafter%5D=" + ids[5])
	if fmt.Sprint(got) != fmt.Sprint(ids[6:]) || meta["hasMore"] != false || meta["afterCursor"] != nil || meta["beforeCursor"] != ids[6] {
		t.Errorf("page 3 = %v %v", got, meta)
	}
	got, meta = list("page[before]=" + ids[5] + "&page[size]=2")
	if fmt.Sprint(got) != fmt.Sprint(ids[3:5]) || meta["hasMore"] != true || meta["afterCursor"] != ids[4] || meta["beforeCursor"] != ids[3] {
		t.Errorf("before page = %v %v", got, meta)
	}
	got, meta = list("page[before]=" + ids[1])
	if fmt.Sprint(got) != fmt.Sprint(ids[:1]) || meta["beforeCursor"] != nil {
		t.Errorf("first before page = %v %v", got, meta)
	}
	// The cursor of a participant who left still pages.
	wantStatus(t, f.post(t, "/conversations/"+f.conv+"/leave", `{"participantId":"`+ids[2]+`"}`), http.StatusOK)
	got, _ = list("page[size]=2&page[after]=" + ids[2])
	if fmt.Sprint(got) != fmt.Sprint(ids[3:5]) {
		t.Errorf("after a removed cursor = %v", got)
	}
	got, meta = list("page[size]=100")
	if len(got) != 6 || meta["hasMore"] != false {
		t.Errorf("everything = %v %v", got, meta)
	}
	for _, q := range []string{"page[size]=0", "page[size]=101", "page[size]=x", "page[after]=short", "page[before]=" + ids[0] + "0",
		"page[after]=" + ids[0] + "&page[before]=" + ids[1], "page[size]=2&page[size]=3"} {
		wantSunError(t, f.get(t, "/conversations/"+f.conv+"/participants?"+q), 400, "bad_request", "Invalid page query parameters")
	}
	wantSunError(t, f.get(t, "/conversations/000000000000000000000000/participants"), 404, "conversation_not_found", "")
}

func TestSunshineUsersAndConversations(t *testing.T) {
	f := newSun(t)
	r := f.post(t, "/users", `{"externalId":"grace","profile":{"givenName":"Grace"}}`)
	wantStatus(t, r, http.StatusCreated)
	u := r.json(t)["user"].(map[string]any)
	if !recordIDRE.MatchString(u["id"].(string)) || u["externalId"] != "grace" || get(u, "profile", "givenName") != "Grace" || u["signedUpAt"] == nil {
		t.Errorf("user = %v", u)
	}
	wantSunError(t, f.post(t, "/users", `{"externalId":"grace"}`), 409, "conflict", "User already exists")
	wantSunError(t, f.post(t, "/users", `{"externalId":""}`), 400, "bad_request", "")
	wantSunError(t, f.post(t, "/users", `{"externalId":"`+strings.Repeat("x", 1025)+`"}`), 400, "bad_request", "")
	wantSunError(t, f.post(t, "/users", `{"profile":"x"}`), 400, "bad_request", "")
	r = f.post(t, "/users", `{}`)
	wantStatus(t, r, http.StatusCreated)
	if _, ok := r.json(t)["user"].(map[string]any)["externalId"]; ok {
		t.Errorf("anonymous user has an externalId: %s", r.body)
	}
	if n := len(f.s.Users()); n != 3 || f.s.Users()[1].ExternalID != "grace" {
		t.Errorf("users = %+v", f.s.Users())
	}

	r = f.post(t, "/conversations", `{"type":"sdkGroup","displayName":"Room","description":"Chat"}`)
	wantStatus(t, r, http.StatusCreated)
	c := r.json(t)["conversation"].(map[string]any)
	if !recordIDRE.MatchString(c["id"].(string)) || c["type"] != "sdkGroup" || c["displayName"] != "Room" || c["description"] != "Chat" || c["isDefault"] != false {
		t.Errorf("conversation = %v", c)
	}
	r = f.get(t, "/conversations/"+c["id"].(string))
	wantStatus(t, r, http.StatusOK)
	if got := r.json(t)["conversation"].(map[string]any); got["id"] != c["id"] || got["displayName"] != "Room" || got["createdAt"] == nil || got["lastUpdatedAt"] == nil {
		t.Errorf("get = %v", got)
	}
	r = f.get(t, "/conversations/"+f.conv)
	if got := r.json(t)["conversation"].(map[string]any); got["displayName"] != nil || got["type"] != "sdkGroup" {
		t.Errorf("seeded = %v", got)
	}
	for _, body := range []string{`{}`, `{"type":"group"}`, `{"type":"personal","displayName":5}`, `{"type":"personal","description":""}`} {
		wantSunError(t, f.post(t, "/conversations", body), 400, "bad_request", "")
	}
	wantSunError(t, f.get(t, "/conversations/000000000000000000000000"), 404, "conversation_not_found", "Conversation not found")
}

func TestSunshineRoutesAndAuth(t *testing.T) {
	f := newSun(t)
	wantSunError(t, mustSend(t, http.MethodGet, f.url("/conversations/"+f.conv), hdr(), ""), 401, "unauthorized", "")
	bad := hdr("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(f.s.KeyID()+":wrong")))
	wantSunError(t, mustSend(t, http.MethodGet, f.url("/conversations/"+f.conv), bad, ""), 401, "unauthorized", "")
	wantSunError(t, mustSend(t, http.MethodGet, f.url("/conversations/"+f.conv), hdr("Authorization", "Basic !!!"), ""), 401, "unauthorized", "")
	wantSunError(t, mustSend(t, http.MethodGet, f.url("/conversations/"+f.conv), hdr("Authorization", "Bearer x"), ""), 401, "unauthorized", "")
	for _, p := range []string{"/v1/apps/x/users", "/v2/apps//users", "/v2/apps/x", "/v2/apps/x/y", "/v2/apps/x/conversations/c/other", "/v2/apps/x/conversations/c/join/more", "/v2/apps/x/conversations//join"} {
		wantSunError(t, mustSend(t, http.MethodGet, f.s.URL()+p, f.auth(), ""), 404, "not_found", "Route not found")
	}
	r := mustSend(t, http.MethodGet, f.url("/conversations/"+f.conv+"/join"), f.auth(), "")
	wantSunError(t, r, 405, "method_not_allowed", "")
	if r.header.Get("Allow") != http.MethodPost {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	wantSunError(t, mustSend(t, http.MethodPost, f.url("/conversations/"+f.conv+"/participants"), f.auth(), "{}"), 405, "method_not_allowed", "")
	wantSunError(t, mustSend(t, http.MethodGet, f.s.URL()+"/v2/apps/other/conversations/"+f.conv, f.auth(), ""), 404, "app_not_found", "App not found")
	wantSunError(t, mustSend(t, http.MethodPost, f.url("/users"), hdr("Authorization", f.auth().Get("Authorization"), "Content-Type", "text/plain"), `{}`), 400, "bad_request", "")
	wantSunError(t, f.post(t, "/users", `{"externalId":"x"} {}`), 400, "bad_request", "")
}

func TestSunshineLeaveBodies(t *testing.T) {
	f := newSun(t)
	wantStatus(t, f.join(t, f.conv, `{"userExternalId":"ada","subscribeSDKClient":false}`), http.StatusCreated)
	// Sunshine's oneOf cannot refuse these; the fake does.
	for _, body := range []string{`{}`, `{"userId":"` + f.ada.ID + `","userExternalId":"ada"}`, `{"userExternalId":"ada","participantId":"x"}`,
		`{"userExternalId":"ada","extra":1}`, `{"userExternalId":null}`, `{"userExternalId":""}`, `null`} {
		wantSunError(t, f.post(t, "/conversations/"+f.conv+"/leave", body), 400, "bad_request", "")
	}
	wantSunError(t, f.post(t, "/conversations/000000000000000000000000/leave", `{"userExternalId":"ada"}`), 404, "conversation_not_found", "")
	if n := len(f.s.Participants(f.conv)); n != 1 {
		t.Errorf("%d participants, want 1", n)
	}
}

func TestSunshineOptionsAndSeeds(t *testing.T) {
	f := newSun(t, participantstest.WithSunshineCredentials("act_1", "s3cret"), participantstest.WithSunshineAppID("myapp"))
	if f.s.KeyID() != "act_1" || f.s.Secret() != "s3cret" || f.s.AppID() != "myapp" {
		t.Errorf("options not applied: %s %s %s", f.s.KeyID(), f.s.Secret(), f.s.AppID())
	}
	wantStatus(t, f.get(t, "/conversations/"+f.conv), http.StatusOK)
	if f.s.Participants("nope") != nil {
		t.Error("unknown conversation has participants")
	}
	if id := f.s.SeedConversation("fixed", "personal"); id != "fixed" {
		t.Errorf("SeedConversation = %q", id)
	}
	if u := f.s.EnsureUser("ada"); u != f.ada {
		t.Errorf("EnsureUser = %+v, want %+v", u, f.ada)
	}
	for name, fn := range map[string]func(){
		"empty credentials": func() { participantstest.NewSunshineServer(participantstest.WithSunshineCredentials("", "x")) },
		"empty secret":      func() { participantstest.NewSunshineServer(participantstest.WithSunshineCredentials("x", "")) },
		"empty app":         func() { participantstest.NewSunshineServer(participantstest.WithSunshineAppID("")) },
		"bad type":          func() { f.s.SeedConversation("", "group") },
		"taken id":          func() { f.s.SeedConversation("fixed", "sdkGroup") },
		"taken user":        func() { f.s.SeedUser("ada") },
		"empty ensure":      func() { f.s.EnsureUser("") },
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

func TestSunshineRateLimitAndLargeBody(t *testing.T) {
	f := newSun(t)
	f.s.SetRateLimit(1, 2*time.Second)
	wantStatus(t, f.get(t, "/conversations/"+f.conv), http.StatusOK)
	r := f.get(t, "/conversations/"+f.conv)
	wantSunError(t, r, 429, "too_many_requests", "")
	if r.header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	f.s.SetRateLimit(0, 0)
	wantSunError(t, f.post(t, "/users", `{"externalId":"`+strings.Repeat("x", 1<<20)+`"}`), 413, "request_entity_too_large", "")
}

func TestSunshineHelpers(t *testing.T) {
	c, fake := participantstest.NewSunshineParticipants(t)
	fake.SeedUser("ada")
	res, err := c.Add(context.Background(), participantstest.SunshineConversationID, participants.Participant{ExternalID: "ada"})
	if err != nil || res.Outcome != participants.Added {
		t.Fatalf("Add = %v, %v", res, err)
	}
	sc, _ := participantstest.NewSunshine(t)
	if _, err := sc.GetConversation(context.Background(), participantstest.DefaultSunshineAppID, participantstest.SunshineConversationID); err != nil {
		t.Errorf("seeded conversation: %v", err)
	}
}

// The list sends links.next and links.prev, full URLs of the same list with
// page[after] or page[before] and page[size], whenever there is such a
// page; OmitMetaCursors leaves the meta cursors out and keeps the links.
func TestSunshinePagingLinks(t *testing.T) {
	f := newSun(t)
	var ids []string
	for i := range 5 {
		u := f.s.EnsureUser(fmt.Sprintf("p%d", i))
		r := f.join(t, f.conv, `{"userId":"`+u.ID+`","subscribeSDKClient":false}`)
		wantStatus(t, r, http.StatusCreated)
		ids = append(ids, get(r.json(t), "participant", "id").(string))
	}
	list := f.url("/conversations/" + f.conv + "/participants")
	page := func(q string) (links, meta map[string]any) {
		t.Helper()
		r := f.get(t, "/conversations/"+f.conv+"/participants?"+q)
		wantStatus(t, r, http.StatusOK)
		m := r.json(t)
		links, _ = m["links"].(map[string]any)
		return links, m["meta"].(map[string]any)
	}
	links, meta := page("page[size]=2")
	if links["next"] != list+"?page%5Bafter%5D="+ids[1]+"&page%5Bsize%5D=2" || links["prev"] != nil || meta["afterCursor"] != ids[1] {
		t.Errorf("page 1: links %v meta %v", links, meta)
	}
	links, _ = page("page[size]=2&page[after]=" + ids[1])
	if links["next"] != list+"?page%5Bafter%5D="+ids[3]+"&page%5Bsize%5D=2" || links["prev"] != list+"?page%5Bbefore%5D="+ids[2]+"&page%5Bsize%5D=2" {
		t.Errorf("page 2: links %v", links)
	}
	links, _ = page("page[size]=2&page[after]=" + ids[3])
	if links["next"] != nil || links["prev"] == nil {
		t.Errorf("last page: links %v", links)
	}
	if links, _ := page("page[size]=100"); links != nil {
		t.Errorf("one page: links %v, want none", links)
	}
	f.s.OmitMetaCursors(true)
	links, meta = page("page[size]=2&page[after]=" + ids[1])
	if meta["afterCursor"] != nil || meta["beforeCursor"] != nil || meta["hasMore"] != true || links["next"] == nil || links["prev"] == nil {
		t.Errorf("without meta cursors: links %v meta %v", links, meta)
	}
}
