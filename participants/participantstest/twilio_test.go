package participantstest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants/participantstest"
)

var (
	mbSID      = regexp.MustCompile(`^MB[0-9a-f]{32}$`)
	requestID  = regexp.MustCompile(`^RQ[0-9a-f]{32}$`)
	twilioDate = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
)

type twilioFixture struct {
	s    *participantstest.TwilioServer
	conv string
}

func newTwilio(t *testing.T) *twilioFixture {
	t.Helper()
	s := participantstest.NewTwilioServer()
	t.Cleanup(s.Close)
	return &twilioFixture{s: s, conv: s.SeedConversation("", "support-42")}
}

func (f *twilioFixture) base(conv string) string {
	return f.s.URL() + "/v1/Conversations/" + conv + "/Participants"
}

func (f *twilioFixture) auth() http.Header {
	h := hdr("Content-Type", "application/x-www-form-urlencoded")
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(f.s.AccountSID(), f.s.AuthToken())
	h.Set("Authorization", req.Header.Get("Authorization"))
	return h
}

func (f *twilioFixture) create(t *testing.T, conv string, form url.Values, extra ...string) resp {
	t.Helper()
	h := f.auth()
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return mustSend(t, http.MethodPost, f.base(conv), h, form.Encode())
}

func decodeTwilio(t *testing.T, r resp) participantstest.TwilioParticipant {
	t.Helper()
	var p participantstest.TwilioParticipant
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decoding participant: %v\n%s", err, r.body)
	}
	return p
}

func TestTwilioCreateChat(t *testing.T) {
	f := newTwilio(t)
	r := f.create(t, f.conv, url.Values{"Identity": {"alice"}}, "X-Twilio-Webhook-Enabled", "true")
	wantStatus(t, r, http.StatusCreated)
	if !requestID.MatchString(r.header.Get("Twilio-Request-Id")) {
		t.Errorf("Twilio-Request-Id = %q", r.header.Get("Twilio-Request-Id"))
	}
	m := r.json(t)
	for _, k := range []string{"account_sid", "conversation_sid", "sid", "identity", "attributes", "messaging_binding",
		"role_sid", "date_created", "date_updated", "url", "last_read_message_index", "last_read_timestamp"} {
		if _, ok := m[k]; !ok {
			t.Errorf("participant lacks %q", k)
		}
	}
	for _, k := range []string{"messaging_binding", "role_sid", "last_read_message_index", "last_read_timestamp"} {
		if m[k] != nil {
			t.Errorf("%s = %v, want null", k, m[k])
		}
	}
	p := decodeTwilio(t, r)
	if p.AccountSID != f.s.AccountSID() || p.ConversationSID != f.conv || !mbSID.MatchString(p.SID) ||
		p.Identity == nil || *p.Identity != "alice" || p.Attributes != "{}" ||
		!twilioDate.MatchString(p.DateCreated) || !twilioDate.MatchString(p.DateUpdated) ||
		p.URL != f.base(f.conv)+"/"+p.SID {
		t.Fatalf("participant = %s", r.body)
	}
	if !f.s.WebhookEnabled(p.SID) {
		t.Error("webhook header not recorded")
	}

	// By unique name, with every optional field.
	r = f.create(t, "support-42", url.Values{
		"Identity":    {"bob"},
		"Attributes":  {`{"vip":true}`},
		"RoleSid":     {"RL" + strings.Repeat("ab", 16)},
		"DateCreated": {"2015-12-16T22:18:37+01:00"},
		"DateUpdated": {"2015-12-17T22:18:37Z"},
	}, "X-Twilio-Webhook-Enabled", "false")
	wantStatus(t, r, http.StatusCreated)
	p = decodeTwilio(t, r)
	if p.ConversationSID != f.conv || p.Attributes != `{"vip":true}` || p.RoleSID == nil ||
		p.DateCreated != "2015-12-16T21:18:37Z" || p.DateUpdated != "2015-12-17T22:18:37Z" {
		t.Fatalf("participant = %s", r.body)
	}
	if f.s.WebhookEnabled(p.SID) {
		t.Error("webhook recorded as enabled")
	}
	if n := len(f.s.Participants("support-42")); n != 2 {
		t.Fatalf("%d participants, want 2", n)
	}
}

func TestTwilioCreateBindings(t *testing.T) {
	f := newTwilio(t)
	cases := []struct {
		form url.Values
		want participantstest.TwilioMessagingBinding
	}{
		{url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"}},
			participantstest.TwilioMessagingBinding{Type: "sms", Address: "+15558675310", ProxyAddress: "+15017122661"}},
		{url.Values{"MessagingBinding.Address": {"whatsapp:+15558675310"}, "MessagingBinding.ProxyAddress": {"whatsapp:+15017122661"}},
			participantstest.TwilioMessagingBinding{Type: "whatsapp", Address: "whatsapp:+15558675310", ProxyAddress: "whatsapp:+15017122661"}},
		{url.Values{"Identity": {"carol"}, "MessagingBinding.ProjectedAddress": {"+15017122661"}},
			participantstest.TwilioMessagingBinding{Type: "sms", ProjectedAddress: "+15017122661"}},
	}
	for _, c := range cases {
		r := f.create(t, f.conv, c.form)
		wantStatus(t, r, http.StatusCreated)
		p := decodeTwilio(t, r)
		if p.MessagingBinding == nil || *p.MessagingBinding != c.want {
			t.Errorf("binding = %s, want %+v", r.body, c.want)
		}
		if c.form.Get("Identity") == "" && p.Identity != nil {
			t.Errorf("identity = %v, want null", *p.Identity)
		}
	}
}

func wantTwilioError(t *testing.T, r resp, status, code int) {
	t.Helper()
	wantStatus(t, r, status)
	var e struct {
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
		Status   int    `json:"status"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body: %v\n%s", err, r.body)
	}
	if e.Code != code || e.Status != status || e.Message == "" || e.MoreInfo != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code) {
		t.Errorf("error = %+v, want code %d", e, code)
	}
	if !requestID.MatchString(r.header.Get("Twilio-Request-Id")) {
		t.Errorf("Twilio-Request-Id = %q", r.header.Get("Twilio-Request-Id"))
	}
}

func TestTwilioDuplicates(t *testing.T) {
	f := newTwilio(t)
	other := f.s.SeedConversation("", "")
	sms := url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"}}

	wantStatus(t, f.create(t, f.conv, url.Values{"Identity": {"alice"}}), http.StatusCreated)
	wantTwilioError(t, f.create(t, f.conv, url.Values{"Identity": {"alice"}}), http.StatusConflict, 50433)
	// The same identity in another conversation is fine.
	wantStatus(t, f.create(t, other, url.Values{"Identity": {"alice"}}), http.StatusCreated)

	wantStatus(t, f.create(t, f.conv, sms), http.StatusCreated)
	wantTwilioError(t, f.create(t, f.conv, sms), http.StatusConflict, 50416)
	wantTwilioError(t, f.create(t, other, sms), http.StatusConflict, 50416)
	// Another proxy address is another binding.
	wantStatus(t, f.create(t, other, url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122662"}}), http.StatusCreated)

	group := url.Values{"Identity": {"bob"}, "MessagingBinding.ProjectedAddress": {"+15017122661"}}
	wantStatus(t, f.create(t, f.conv, group), http.StatusCreated)
	group.Set("Identity", "carol")
	wantTwilioError(t, f.create(t, f.conv, group), http.StatusConflict, 50437)

	f.s.SetDuplicateStatus(http.StatusBadRequest)
	wantTwilioError(t, f.create(t, f.conv, url.Values{"Identity": {"alice"}}), http.StatusBadRequest, 50433)

	// Closing the conversation frees its bindings.
	f.s.CloseConversation(f.conv)
	third := f.s.SeedConversation("", "")
	wantStatus(t, f.create(t, third, sms), http.StatusCreated)

	if n := len(f.s.Participants(f.conv)); n != 3 {
		t.Fatalf("%d participants, want 3", n)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("SetDuplicateStatus(200) did not panic")
		}
	}()
	f.s.SetDuplicateStatus(http.StatusOK)
}

func TestTwilioRefusals(t *testing.T) {
	f := newTwilio(t)
	long := strings.Repeat("x", 257)
	type tc struct {
		name, method, url string
		header            http.Header
		body              string
		status, code      int
	}
	auth := f.auth()
	with := func(k, v string) http.Header {
		h := auth.Clone()
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
		return h
	}
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	wrong := &http.Request{Header: http.Header{}}
	wrong.SetBasicAuth(f.s.AccountSID(), "wrong")
	cases := []tc{
		{name: "no auth", header: with("Authorization", ""), status: 401, code: 20003},
		{name: "wrong token", header: with("Authorization", wrong.Header.Get("Authorization")), status: 401, code: 20003},
		{name: "bearer", header: with("Authorization", "Bearer "+f.s.AuthToken()), status: 401, code: 20003},
		{name: "unknown conversation", url: f.base("CH" + strings.Repeat("0", 32)), status: 404, code: 20404},
		{name: "unknown unique name", url: f.base("nope"), status: 404, code: 20404},
		{name: "dot dot", url: f.base(".."), status: 404, code: 20404},
		{name: "escaped slash", url: f.base("support%2F42"), status: 404, code: 20404},
		{name: "unknown route", url: f.s.URL() + "/v1/Conversations/" + f.conv, status: 404, code: 20404},
		{name: "service scoped", url: f.s.URL() + "/v1/Services/IS" + strings.Repeat("0", 32) + "/Conversations/" + f.conv + "/Participants", status: 404, code: 20404},
		{name: "wrong method", method: http.MethodPut, status: 405, code: 20004},
		{name: "update unknown participant", url: f.base(f.conv) + "/MB" + strings.Repeat("0", 32), status: 404, code: 20404},
		{name: "delete a collection", method: http.MethodDelete, status: 405, code: 20004},
		{name: "service without conversations", url: f.s.URL() + "/v1/Services/IS" + strings.Repeat("0", 32) + "/Participants", status: 404, code: 20404},
		{name: "empty service", url: f.s.URL() + "/v1/Services//Conversations/" + f.conv + "/Participants", status: 404, code: 20404},
		{name: "json body", header: with("Content-Type", "application/json"), body: `{"Identity":"x"}`, status: 400, code: 20001},
		{name: "webhook header", header: with("X-Twilio-Webhook-Enabled", "yes"), status: 400, code: 20001},
		{name: "unknown key", body: form("Identity", "x", "FriendlyName", "y"), status: 400, code: 20001},
		{name: "lower-case key", body: form("identity", "x"), status: 400, code: 20001},
		{name: "repeated key", body: form("Identity", "x", "Identity", "y"), status: 400, code: 20001},
		{name: "bad form", body: "Identity=%zz", status: 400, code: 20001},
		{name: "nothing", body: form("Attributes", "{}"), status: 400, code: 20001},
		{name: "empty identity", body: form("Identity", ""), status: 400, code: 20001},
		{name: "long identity", body: form("Identity", long), status: 400, code: 20001},
		{name: "bad attributes", body: form("Identity", "x", "Attributes", "{"), status: 400, code: 20001},
		{name: "huge attributes", body: form("Identity", "x", "Attributes", `"`+strings.Repeat("a", 4096)+`"`), status: 400, code: 20001},
		{name: "bad date", body: form("Identity", "x", "DateCreated", "2015-12-16"), status: 400, code: 20001},
		{name: "bad role", body: form("Identity", "x", "RoleSid", "RL123"), status: 400, code: 20001},
		{name: "identity and address", body: form("Identity", "x", "MessagingBinding.Address", "+15558675310", "MessagingBinding.ProxyAddress", "+15017122661"), status: 400, code: 20001},
		{name: "projected without identity", body: form("MessagingBinding.ProjectedAddress", "+15017122661"), status: 400, code: 20001},
		{name: "empty address with proxy", body: form("MessagingBinding.Address", "", "MessagingBinding.ProxyAddress", "+15017122661"), status: 400, code: 50411},
		{name: "whatsapp address without proxy", body: form("MessagingBinding.Address", "whatsapp:+15558675310"), status: 400, code: 50408},
		{name: "rcs address without proxy", body: form("MessagingBinding.Address", "rcs:+15558675310"), status: 400, code: 50408},
		{name: "empty proxy", body: form("MessagingBinding.Address", "+15558675310", "MessagingBinding.ProxyAddress", ""), status: 400, code: 50408},
		{name: "proxy without address", body: form("MessagingBinding.ProxyAddress", "+15017122661"), status: 400, code: 50407},
		{name: "bad address", body: form("MessagingBinding.Address", "555-1234", "MessagingBinding.ProxyAddress", "+15017122661"), status: 400, code: 50407},
		{name: "long address", body: form("MessagingBinding.Address", "messenger:"+long, "MessagingBinding.ProxyAddress", "+15017122661"), status: 400, code: 50407},
		{name: "bad proxy", body: form("MessagingBinding.Address", "+15558675310", "MessagingBinding.ProxyAddress", "nope"), status: 400, code: 50408},
		{name: "mixed channels", body: form("MessagingBinding.Address", "whatsapp:+15558675310", "MessagingBinding.ProxyAddress", "+15017122661"), status: 400, code: 50408},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.method == "" {
				c.method = http.MethodPost
			}
			if c.url == "" {
				c.url = f.base(f.conv)
			}
			if c.header == nil {
				c.header = auth
			}
			if c.body == "" {
				c.body = form("Identity", "alice")
			}
			r := mustSend(t, c.method, c.url, c.header, c.body)
			wantTwilioError(t, r, c.status, c.code)
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	if n := len(f.s.Participants(f.conv)); n != 0 {
		t.Fatalf("refused requests changed state: %d participants", n)
	}
}

func TestTwilioListFetchDelete(t *testing.T) {
	f := newTwilio(t)
	var sids []string
	for i := range 7 {
		r := f.create(t, f.conv, url.Values{"Identity": {fmt.Sprintf("user/%d", i)}})
		wantStatus(t, r, http.StatusCreated)
		sids = append(sids, decodeTwilio(t, r).SID)
	}
	type page struct {
		Participants []participantstest.TwilioParticipant `json:"participants"`
		Meta         struct {
			Page            int     `json:"page"`
			PageSize        int     `json:"page_size"`
			FirstPageURL    string  `json:"first_page_url"`
			PreviousPageURL *string `json:"previous_page_url"`
			NextPageURL     *string `json:"next_page_url"`
			URL             string  `json:"url"`
			Key             string  `json:"key"`
		} `json:"meta"`
	}
	fetch := func(u string) page {
		t.Helper()
		r := mustSend(t, http.MethodGet, u, f.auth(), "")
		wantStatus(t, r, http.StatusOK)
		var p page
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := fetch(f.base(f.conv))
	if len(p.Participants) != 7 || p.Meta.PageSize != 50 || p.Meta.Key != "participants" || p.Meta.NextPageURL != nil || p.Meta.PreviousPageURL != nil {
		t.Fatalf("default page = %+v", p.Meta)
	}
	var got []string
	u := f.base("support-42") + "?PageSize=3"
	pages := 0
	for {
		p = fetch(u)
		pages++
		for _, x := range p.Participants {
			got = append(got, x.SID)
		}
		if p.Meta.NextPageURL == nil {
			break
		}
		u = *p.Meta.NextPageURL
	}
	if pages != 3 || fmt.Sprint(got) != fmt.Sprint(sids) {
		t.Fatalf("%d pages, sids %v, want %v", pages, got, sids)
	}
	if p.Meta.Page != 2 || p.Meta.PreviousPageURL == nil {
		t.Fatalf("last page meta = %+v", p.Meta)
	}
	if p = fetch(f.base(f.conv) + "?PageSize=3&Page=1"); len(p.Participants) != 3 || p.Participants[0].SID != sids[3] {
		t.Fatalf("Page=1: %+v", p.Participants)
	}
	for _, q := range []string{"?PageSize=0", "?PageSize=101", "?Page=-1", "?PageToken=bogus"} {
		wantTwilioError(t, mustSend(t, http.MethodGet, f.base(f.conv)+q, f.auth(), ""), 400, 20001)
	}

	// Fetch by SID and by (escaped) identity.
	r := mustSend(t, http.MethodGet, f.base(f.conv)+"/"+sids[2], f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	if decodeTwilio(t, r).SID != sids[2] {
		t.Fatal("fetch by sid")
	}
	r = mustSend(t, http.MethodGet, f.base(f.conv)+"/user%2F4", f.auth(), "")
	wantStatus(t, r, http.StatusOK)
	if decodeTwilio(t, r).SID != sids[4] {
		t.Fatal("fetch by identity")
	}
	wantTwilioError(t, mustSend(t, http.MethodGet, f.base(f.conv)+"/user/4", f.auth(), ""), 404, 20404)

	r = mustSend(t, http.MethodDelete, f.base(f.conv)+"/"+sids[0], f.auth(), "")
	wantStatus(t, r, http.StatusNoContent)
	wantTwilioError(t, mustSend(t, http.MethodDelete, f.base(f.conv)+"/"+sids[0], f.auth(), ""), 404, 20404)
	// The identity is free again.
	wantStatus(t, f.create(t, f.conv, url.Values{"Identity": {"user/0"}}), http.StatusCreated)
}

func TestTwilioOptions(t *testing.T) {
	sid := "AC" + strings.Repeat("1", 32)
	s := participantstest.NewTwilioServer(participantstest.WithTwilioCredentials(sid, "tok"))
	defer s.Close()
	if s.AccountSID() != sid || s.AuthToken() != "tok" {
		t.Fatal("options ignored")
	}
	for name, fn := range map[string]func(){
		"bad sid":        func() { participantstest.NewTwilioServer(participantstest.WithTwilioCredentials("AC1", "tok")) },
		"empty token":    func() { participantstest.NewTwilioServer(participantstest.WithTwilioCredentials(sid, "")) },
		"bad conv sid":   func() { s.SeedConversation("XX", "") },
		"taken name":     func() { s.SeedConversation("", "n"); s.SeedConversation("", "n") },
		"close unknown":  func() { s.CloseConversation("nope") },
		"taken conv sid": func() { c := s.SeedConversation("", ""); s.SeedConversation(c, "") },
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
