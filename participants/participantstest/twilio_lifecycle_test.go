package participantstest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants/participantstest"
)

// A Group MMS participant is created with MessagingBinding.Address alone
// (Twilio's example createGmmsSmsNoAttributes): 201, an sms binding without
// a proxy; a second one with the same address is 50437.
func TestTwilioGroupMMSAddressOnly(t *testing.T) {
	f := newTwilio(t)
	gmms := url.Values{"MessagingBinding.Address": {"+15558675310"}}
	r := f.create(t, f.conv, gmms)
	wantStatus(t, r, http.StatusCreated)
	p := decodeTwilio(t, r)
	if p.MessagingBinding == nil || *p.MessagingBinding != (participantstest.TwilioMessagingBinding{Type: "sms", Address: "+15558675310"}) || p.Identity != nil {
		t.Fatalf("participant = %s", r.body)
	}
	if m := r.json(t); get(m, "messaging_binding", "proxy_address") != nil {
		t.Errorf("proxy_address sent: %s", r.body)
	}
	wantTwilioError(t, f.create(t, f.conv, gmms), http.StatusConflict, 50437)
	// The same address with a proxy is another participant, and so is the
	// Group MMS address in another conversation.
	wantStatus(t, f.create(t, f.conv, url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"}}), http.StatusCreated)
	wantStatus(t, f.create(t, f.s.SeedConversation("", ""), gmms), http.StatusCreated)
}

// The binding type follows the address: whatsapp:, rcs:, otherwise sms.
func TestTwilioBindingTypes(t *testing.T) {
	f := newTwilio(t)
	for _, c := range []struct{ addr, proxy, typ string }{
		{"rcs:+15558675310", "rcs:brand_agent", "rcs"},
		{"whatsapp:+15558675311", "whatsapp:+15017122661", "whatsapp"},
		{"+15558675312", "+15017122661", "sms"},
		{"messenger:1234", "messenger:5678", "sms"},
	} {
		r := f.create(t, f.conv, url.Values{"MessagingBinding.Address": {c.addr}, "MessagingBinding.ProxyAddress": {c.proxy}})
		wantStatus(t, r, http.StatusCreated)
		if b := decodeTwilio(t, r).MessagingBinding; b == nil || b.Type != c.typ || b.Address != c.addr || b.ProxyAddress != c.proxy {
			t.Errorf("%s: binding = %s, want type %s", c.addr, r.body, c.typ)
		}
	}
}

func (f *twilioFixture) update(t *testing.T, conv, sid string, form url.Values, extra ...string) resp {
	t.Helper()
	h := f.auth()
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return mustSend(t, http.MethodPost, f.base(conv)+"/"+sid, h, form.Encode())
}

func TestTwilioUpdate(t *testing.T) {
	f := newTwilio(t)
	chat := decodeTwilio(t, f.create(t, f.conv, url.Values{"Identity": {"alice"}, "MessagingBinding.ProjectedAddress": {"+15017122661"}}))
	sms := decodeTwilio(t, f.create(t, f.conv, url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"}}))
	f.create(t, f.conv, url.Values{"Identity": {"bob"}})

	r := f.update(t, f.conv, chat.SID, url.Values{
		"Identity":             {"alice2"},
		"Attributes":           {`{"a":1}`},
		"RoleSid":              {"RL" + strings.Repeat("cd", 16)},
		"DateCreated":          {"2015-12-16T23:18:37+01:00"},
		"DateUpdated":          {"2016-01-01T00:00:00Z"},
		"LastReadMessageIndex": {"0"},
		"LastReadTimestamp":    {"2016-01-01T00:00:00Z"},
	}, "X-Twilio-Webhook-Enabled", "true")
	wantStatus(t, r, http.StatusOK)
	p := decodeTwilio(t, r)
	if p.SID != chat.SID || p.Identity == nil || *p.Identity != "alice2" || p.Attributes != `{"a":1}` ||
		p.RoleSID == nil || *p.RoleSID != "RL"+strings.Repeat("cd", 16) ||
		p.DateCreated != "2015-12-16T22:18:37Z" || p.DateUpdated != "2016-01-01T00:00:00Z" ||
		p.LastReadMessageIndex == nil || *p.LastReadMessageIndex != 0 ||
		p.LastReadTimestamp == nil || *p.LastReadTimestamp != "2016-01-01T00:00:00Z" ||
		p.MessagingBinding == nil || p.MessagingBinding.ProjectedAddress != "+15017122661" {
		t.Fatalf("updated = %s", r.body)
	}
	if !f.s.WebhookEnabled(chat.SID) {
		t.Error("webhook header of the update not recorded")
	}
	if got := f.s.Participants(f.conv)[0]; got.Attributes != `{"a":1}` || *got.Identity != "alice2" {
		t.Errorf("state = %+v", got)
	}
	// The literal null removes the projected address: a chat participant
	// without one has no binding.
	r = f.update(t, f.conv, chat.SID, url.Values{"MessagingBinding.ProjectedAddress": {"null"}})
	wantStatus(t, r, http.StatusOK)
	if m := r.json(t); m["messaging_binding"] != nil {
		t.Errorf("binding after removal = %v", m["messaging_binding"])
	}
	r = f.update(t, f.conv, chat.SID, url.Values{"MessagingBinding.ProjectedAddress": {"+15017122662"}})
	wantStatus(t, r, http.StatusOK)
	if b := decodeTwilio(t, r).MessagingBinding; b == nil || *b != (participantstest.TwilioMessagingBinding{Type: "sms", ProjectedAddress: "+15017122662"}) {
		t.Errorf("binding = %s", r.body)
	}
	// Proxy: set, then removed with null; the address stays.
	r = f.update(t, f.conv, sms.SID, url.Values{"MessagingBinding.ProxyAddress": {"+15017122669"}})
	wantStatus(t, r, http.StatusOK)
	if b := decodeTwilio(t, r).MessagingBinding; b.ProxyAddress != "+15017122669" || b.Address != "+15558675310" {
		t.Errorf("binding = %s", r.body)
	}
	r = f.update(t, f.conv, sms.SID, url.Values{"MessagingBinding.ProxyAddress": {"null"}})
	wantStatus(t, r, http.StatusOK)
	if b := decodeTwilio(t, r).MessagingBinding; b.ProxyAddress != "" || b.Address != "+15558675310" || b.Type != "sms" {
		t.Errorf("binding = %s", r.body)
	}
	// An empty form changes nothing but is accepted.
	before := f.s.Participants(f.conv)[1]
	r = f.update(t, f.conv, sms.SID, url.Values{})
	wantStatus(t, r, http.StatusOK)
	if after := decodeTwilio(t, r); after.Attributes != before.Attributes || after.MessagingBinding.Address != before.MessagingBinding.Address {
		t.Errorf("empty update changed %s", r.body)
	}

	// Refusals change nothing.
	sid := chat.SID
	state := f.s.Participants(f.conv)
	for _, c := range []struct {
		name, sid    string
		form         url.Values
		status, code int
	}{
		{"identity taken", sid, url.Values{"Identity": {"bob"}}, 409, 50433},
		{"by identity", "alice2", url.Values{"Attributes": {"{}"}}, 404, 20404},
		{"unknown sid", "MB" + strings.Repeat("0", 32), url.Values{"Attributes": {"{}"}}, 404, 20404},
		{"address is not updatable", sid, url.Values{"MessagingBinding.Address": {"+15558675310"}}, 400, 20001},
		{"unknown key", sid, url.Values{"FriendlyName": {"x"}}, 400, 20001},
		{"repeated key", sid, url.Values{"Identity": {"x", "y"}}, 400, 20001},
		{"empty identity", sid, url.Values{"Identity": {""}}, 400, 20001},
		{"bad attributes", sid, url.Values{"Attributes": {"{"}}, 400, 20001},
		{"bad role", sid, url.Values{"RoleSid": {"RL1"}}, 400, 20001},
		{"bad date", sid, url.Values{"DateUpdated": {"yesterday"}}, 400, 20001},
		{"bad created date", sid, url.Values{"DateCreated": {"yesterday"}}, 400, 20001},
		{"negative index", sid, url.Values{"LastReadMessageIndex": {"-1"}}, 400, 20001},
		{"index not a number", sid, url.Values{"LastReadMessageIndex": {"x"}}, 400, 20001},
		{"bad proxy", sms.SID, url.Values{"MessagingBinding.ProxyAddress": {"nope"}}, 400, 50408},
		{"proxy of a chat participant", sid, url.Values{"MessagingBinding.ProxyAddress": {"+15017122661"}}, 400, 50408},
		{"bad projected", sid, url.Values{"MessagingBinding.ProjectedAddress": {"nope"}}, 400, 50408},
		{"projected of an sms participant", sms.SID, url.Values{"MessagingBinding.ProjectedAddress": {"+15017122661"}}, 400, 20001},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantTwilioError(t, f.update(t, f.conv, c.sid, c.form), c.status, c.code)
		})
	}
	h := f.auth()
	h.Set("Content-Type", "application/json")
	wantTwilioError(t, mustSend(t, http.MethodPost, f.base(f.conv)+"/"+sid, h, `{"Identity":"x"}`), 400, 20001)
	wantTwilioError(t, mustSend(t, http.MethodPost, f.base(f.conv)+"/"+sid, f.auth(), "Identity=%zz"), 400, 20001)
	if after := f.s.Participants(f.conv); len(after) != len(state) || *after[0].Identity != "alice2" || after[0].Attributes != `{"a":1}` {
		t.Errorf("refused updates changed state")
	}
}

// Only fetch takes an identity: delete by identity is 404, by SID 204.
func TestTwilioDeleteBySIDOnly(t *testing.T) {
	f := newTwilio(t)
	p := decodeTwilio(t, f.create(t, f.conv, url.Values{"Identity": {"alice"}}))
	wantTwilioError(t, mustSend(t, http.MethodDelete, f.base(f.conv)+"/alice", f.auth(), ""), 404, 20404)
	wantStatus(t, mustSend(t, http.MethodDelete, f.base(f.conv)+"/"+p.SID, f.auth(), ""), http.StatusNoContent)
	if n := len(f.s.Participants(f.conv)); n != 0 {
		t.Errorf("%d participants left", n)
	}
}

func TestTwilioServicePaths(t *testing.T) {
	f := newTwilio(t)
	svc := "IS" + strings.Repeat("ab", 16)
	conv := f.s.SeedServiceConversation(svc, "", "support-42") // unique names are per service
	base := f.s.URL() + "/v1/Services/" + svc + "/Conversations/" + conv + "/Participants"

	r := mustSend(t, http.MethodPost, f.s.URL()+"/v1/Services/"+svc+"/Conversations/support-42/Participants", f.auth(), "Identity=alice")
	wantStatus(t, r, http.StatusCreated)
	p := decodeTwilio(t, r)
	if p.ChatServiceSID != svc || p.ConversationSID != conv || p.URL != base+"/"+p.SID {
		t.Fatalf("created = %s", r.body)
	}
	r = mustSend(t, http.MethodGet, base+"?PageSize=1", f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	m := r.json(t)
	if get(m, "participants", 0, "chat_service_sid") != svc || !strings.HasPrefix(get(m, "meta", "url").(string), base+"?") {
		t.Errorf("list = %s", r.body)
	}
	r = mustSend(t, http.MethodGet, base+"/alice", f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	if decodeTwilio(t, r).SID != p.SID {
		t.Errorf("fetch = %s", r.body)
	}
	r = mustSend(t, http.MethodPost, base+"/"+p.SID, f.auth(), "Attributes=%7B%7D")
	wantStatus(t, r, http.StatusOK)
	if decodeTwilio(t, r).ChatServiceSID != svc {
		t.Errorf("update = %s", r.body)
	}
	// The plain paths do not reach another service's conversation, nor does
	// another service.
	wantTwilioError(t, mustSend(t, http.MethodGet, f.base(conv), f.auth(), ""), 404, 20404)
	other := "IS" + strings.Repeat("cd", 16)
	wantTwilioError(t, mustSend(t, http.MethodGet, strings.Replace(base, svc, other, 1), f.auth(), ""), 404, 20404)
	// The default service's SID reaches the default conversations, and the
	// plain responses carry no chat_service_sid.
	def := f.s.URL() + "/v1/Services/" + participantstest.DefaultTwilioChatServiceSID + "/Conversations/" + f.conv + "/Participants"
	wantStatus(t, mustSend(t, http.MethodPost, def, f.auth(), "Identity=bob"), http.StatusCreated)
	r = mustSend(t, http.MethodGet, f.base(f.conv)+"/bob", f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	if _, ok := r.json(t)["chat_service_sid"]; ok {
		t.Errorf("plain fetch carries chat_service_sid: %s", r.body)
	}
	wantStatus(t, mustSend(t, http.MethodDelete, base+"/"+p.SID, f.auth(), ""), http.StatusNoContent)
	if n := len(f.s.Participants(conv)); n != 0 {
		t.Errorf("%d participants after the delete", n)
	}
	// Participants of a non-default service show its scoped URL.
	wantStatus(t, mustSend(t, http.MethodPost, base, f.auth(), "Identity=carol"), http.StatusCreated)
	if got := f.s.Participants(conv)[0]; !strings.HasPrefix(got.URL, base+"/") || got.ChatServiceSID != "" {
		t.Errorf("Participants = %+v", got)
	}
	for name, fn := range map[string]func(){
		"bad service": func() { f.s.SeedServiceConversation("IS1", "", "") },
		"taken name":  func() { f.s.SeedServiceConversation(svc, "", "support-42") },
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

func TestTwilioAPIKeyAuth(t *testing.T) {
	f := newTwilio(t)
	key := func(user, pass string) http.Header {
		h := hdr("Content-Type", "application/x-www-form-urlencoded")
		req, _ := http.NewRequest(http.MethodGet, "/", nil)
		req.SetBasicAuth(user, pass)
		h.Set("Authorization", req.Header.Get("Authorization"))
		return h
	}
	wantStatus(t, mustSend(t, http.MethodPost, f.base(f.conv), key(f.s.APIKeySID(), f.s.APIKeySecret()), "Identity=a"), http.StatusCreated)
	for _, h := range []http.Header{
		key(f.s.APIKeySID(), "wrong"),
		key(f.s.APIKeySID(), f.s.AuthToken()),
		key(f.s.AccountSID(), f.s.APIKeySecret()),
		key("SK"+strings.Repeat("0", 32), f.s.APIKeySecret()),
	} {
		wantTwilioError(t, mustSend(t, http.MethodGet, f.base(f.conv), h, ""), 401, 20003)
	}
	sk := "SK" + strings.Repeat("2", 32)
	s := participantstest.NewTwilioServer(participantstest.WithTwilioAPIKey(sk, "sec"))
	defer s.Close()
	if s.APIKeySID() != sk || s.APIKeySecret() != "sec" {
		t.Fatal("WithTwilioAPIKey ignored")
	}
	if participantstest.DefaultTwilioAPIKeySID == "" || f.s.APIKeySID() != participantstest.DefaultTwilioAPIKeySID || f.s.APIKeySecret() != participantstest.DefaultTwilioAPIKeySecret {
		t.Error("default API key")
	}
	for name, fn := range map[string]func(){
		"bad key sid": func() { participantstest.NewTwilioServer(participantstest.WithTwilioAPIKey("SK1", "sec")) },
		"account sid": func() {
			participantstest.NewTwilioServer(participantstest.WithTwilioAPIKey(participantstest.DefaultTwilioAccountSID, "sec"))
		},
		"empty secret": func() { participantstest.NewTwilioServer(participantstest.WithTwilioAPIKey(sk, "")) },
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

// MarkStale reproduces the 20404 re-add hazard: after a delete, re-adding a
// marked identity or address creates the participant yet answers 404.
func TestTwilioMarkStale(t *testing.T) {
	f := newTwilio(t)
	other := f.s.SeedConversation("", "")
	f.s.MarkStale("alice")
	f.s.MarkStale("+15558675310")
	alice := url.Values{"Identity": {"alice"}}
	// Never deleted: normal.
	p := decodeTwilio(t, f.create(t, f.conv, alice))
	wantStatus(t, mustSend(t, http.MethodDelete, f.base(f.conv)+"/"+p.SID, f.auth(), ""), http.StatusNoContent)
	r := f.create(t, f.conv, alice)
	wantTwilioError(t, r, 404, 20404)
	if msg := r.json(t)["message"].(string); !strings.Contains(msg, "/v1/Services/"+participantstest.DefaultTwilioChatServiceSID+"/Conversations/"+f.conv+"/Participants") {
		t.Errorf("message = %q", msg)
	}
	// ... and yet the participant is there.
	got := f.s.Participants(f.conv)
	if len(got) != 1 || *got[0].Identity != "alice" {
		t.Fatalf("participants = %+v", got)
	}
	// As the support article says, a list shows them; a fetch by SID finds
	// them, a fetch by identity (the stale mapping) does not.
	list := mustSend(t, http.MethodGet, f.base(f.conv), f.auth(), "")
	wantStatus(t, list, http.StatusOK)
	if ps := list.json(t)["participants"].([]any); len(ps) != 1 || ps[0].(map[string]any)["sid"] != got[0].SID {
		t.Errorf("list = %v", ps)
	}
	wantStatus(t, mustSend(t, http.MethodGet, f.base(f.conv)+"/"+got[0].SID, f.auth(), ""), http.StatusOK)
	wantTwilioError(t, mustSend(t, http.MethodGet, f.base(f.conv)+"/alice", f.auth(), ""), 404, 20404)
	// A repeat is a duplicate, as usual.
	wantTwilioError(t, f.create(t, f.conv, alice), 409, 50433)
	// Another conversation, and an unmarked identity, are unaffected.
	wantStatus(t, f.create(t, other, alice), http.StatusCreated)
	bob := decodeTwilio(t, f.create(t, f.conv, url.Values{"Identity": {"bob"}}))
	wantStatus(t, mustSend(t, http.MethodDelete, f.base(f.conv)+"/"+bob.SID, f.auth(), ""), http.StatusNoContent)
	wantStatus(t, f.create(t, f.conv, url.Values{"Identity": {"bob"}}), http.StatusCreated)
	// Addresses too.
	sms := url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"}}
	q := decodeTwilio(t, f.create(t, f.conv, sms))
	wantStatus(t, mustSend(t, http.MethodDelete, f.base(f.conv)+"/"+q.SID, f.auth(), ""), http.StatusNoContent)
	wantTwilioError(t, f.create(t, f.conv, sms), 404, 20404)
	if n := len(f.s.Participants(f.conv)); n != 3 {
		t.Errorf("%d participants, want 3", n)
	}
}

// Injected faults reach the new routes like the old ones.
func TestTwilioFaultsOnNewRoutes(t *testing.T) {
	f := newTwilio(t)
	svc := "IS" + strings.Repeat("ab", 16)
	conv := f.s.SeedServiceConversation(svc, "", "")
	base := f.s.URL() + "/v1/Services/" + svc + "/Conversations/" + conv + "/Participants"
	p := decodeTwilio(t, mustSend(t, http.MethodPost, base, f.auth(), "Identity=alice"))

	f.s.InjectFaults(participantstest.Fault{Status: 503, Body: `{"code":20500,"message":"down","status":503}`})
	wantStatus(t, mustSend(t, http.MethodPost, base+"/"+p.SID, f.auth(), "Attributes=%7B%22x%22%3A1%7D"), 503)
	if got := f.s.Participants(conv)[0].Attributes; got != "{}" {
		t.Errorf("a faulted update changed state: %s", got)
	}
	f.s.InjectFaults(participantstest.Fault{CommitThenDrop: true})
	if _, err := send(t, http.MethodDelete, base+"/"+p.SID, f.auth(), ""); err == nil {
		t.Fatal("the dropped delete answered")
	}
	if n := len(f.s.Participants(conv)); n != 0 {
		t.Errorf("the committed delete left %d participants", n)
	}
	f.s.InjectFaults(participantstest.Fault{Status: 429, Body: `{"code":20429}`})
	wantStatus(t, mustSend(t, http.MethodGet, base, f.auth(), ""), 429)
	var body map[string]any
	r := mustSend(t, http.MethodGet, base, f.auth(), "")
	if err := json.Unmarshal(r.body, &body); err != nil || r.status != 200 {
		t.Fatalf("after the faults: %d %s", r.status, r.body)
	}
}
