package sunshine

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/option"
)

var ctx = context.Background()

func wantParamError(t *testing.T, err error, field string) {
	t.Helper()
	var pe *ParamError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want a *ParamError", err, err)
	}
	if pe.Field != field || pe.Vendor != Vendor {
		t.Errorf("ParamError field %q vendor %q, want %q %q (%v)", pe.Field, pe.Vendor, field, Vendor, err)
	}
}

func TestNewKeyID(t *testing.T) {
	for _, id := range []string{"app_1", "act_5d8cff3cd55b040010928b5b", "svc_x", "int_abc"} {
		if _, err := New(id, testSecret, option.WithBaseURL(USBaseURL)); err != nil {
			t.Errorf("New(%q): %v", id, err)
		}
	}
	for _, id := range []string{"app_", "key_5d8cff3c", "APP_1", "5d8cff3cd55b040010928b5b", "ap_1", "", " app_1", "app_1\n"} {
		_, err := New(id, testSecret, option.WithBaseURL(USBaseURL))
		wantParamError(t, err, "keyID")
	}
}

func TestNewSecret(t *testing.T) {
	for _, s := range []string{"", " ", "a\nb", " x"} {
		_, err := New(testKeyID, s, option.WithBaseURL(USBaseURL))
		wantParamError(t, err, "secret")
		if err != nil && strings.TrimSpace(s) != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}

func TestNewNeedsBaseURL(t *testing.T) {
	_, err := New(testKeyID, testSecret)
	wantParamError(t, err, "option.WithBaseURL")
	if !strings.Contains(err.Error(), "ZendeskURL") {
		t.Errorf("error does not say how to choose a host: %v", err)
	}
	_, err = New(testKeyID, testSecret, option.WithBaseURL("ftp://api.smooch.io"))
	wantParamError(t, err, "option.WithBaseURL")
	_, err = New(testKeyID, testSecret, nil)
	wantParamError(t, err, "opts[0]")
}

func TestZendeskURL(t *testing.T) {
	for in, want := range map[string]string{
		"acme": "https://acme.zendesk.com/sc", "a": "https://a.zendesk.com/sc", "my-co2": "https://my-co2.zendesk.com/sc",
		strings.Repeat("a", 63): "https://" + strings.Repeat("a", 63) + ".zendesk.com/sc",
	} {
		got, err := ZendeskURL(in)
		if err != nil || got != want {
			t.Errorf("ZendeskURL(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Acme", "acme.evil", "-acme", "acme-", "https://acme", "a b", "acme/", strings.Repeat("a", 64), "ac_me"} {
		got, err := ZendeskURL(in)
		wantParamError(t, err, "subdomain")
		if got != "" {
			t.Errorf("ZendeskURL(%q) = %q with an error", in, got)
		}
	}
}

func TestZendeskBaseURLPath(t *testing.T) {
	u, err := ZendeskURL("acme")
	if err != nil {
		t.Fatal(err)
	}
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"conversation":{"id":"`+conv+`","type":"sdkGroup"}}`)}, option.WithBaseURL(u))
	if _, err := c.GetConversation(ctx, app, conv); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.last(t).URL, "https://acme.zendesk.com/sc/v2/apps/"+app+"/conversations/"+conv; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
}

func TestJoinConversationWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		body JoinBody
		want string
	}{
		{"user id", JoinByUserID("42589ad070d43be9b00ff7e5"), `{"userId":"42589ad070d43be9b00ff7e5","subscribeSDKClient":false}`},
		{"external id", JoinByExternalID("u-1"), `{"userExternalId":"u-1","subscribeSDKClient":false}`},
		{"subscribed", JoinByExternalID("<ü&>", WithSubscribeSDKClient()), `{"userExternalId":"\u003cü\u0026\u003e","subscribeSDKClient":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := newClient(t, []func() (*http.Response, error){jsonResp(201, joinExample)})
			p, err := c.JoinConversation(ctx, app, conv, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			got := rec.last(t)
			if got.Method != http.MethodPost || got.URL != convBase+"/join" || got.Body != tc.want {
				t.Errorf("request = %s %s %s, want POST %s %s", got.Method, got.URL, got.Body, convBase+"/join", tc.want)
			}
			wantHeader(t, got.Header, true)
			if p.ID != "dd2d2b1ae77a3e0a8e3fd0c1" || p.UserID != "42589ad070d43be9b00ff7e5" || p.LastRead != "2019-01-14T18:55:12.515Z" ||
				len(p.ClientAssociations) != 1 || p.ClientAssociations[0].Type != "whatsapp" || p.ClientAssociations[0].ClientID != "5e1e6c47d3ee4f5d5ab7c3c1" {
				t.Errorf("participant = %+v", p)
			}
			if s := tc.body.String(); s != tc.want {
				t.Errorf("String() = %s", s)
			}
			if b, err := tc.body.MarshalJSON(); err != nil || string(b) != tc.want {
				t.Errorf("MarshalJSON() = %s, %v", b, err)
			}
		})
	}
}

func TestJoinBodyAccessors(t *testing.T) {
	if b := JoinByUserID("u"); b.UserID() != "u" || b.ExternalID() != "" {
		t.Errorf("JoinByUserID: %q %q", b.UserID(), b.ExternalID())
	}
	if b := JoinByExternalID("e"); b.UserID() != "" || b.ExternalID() != "e" {
		t.Errorf("JoinByExternalID: %q %q", b.UserID(), b.ExternalID())
	}
	if b := JoinByUserID(""); b.UserID() != "" {
		t.Errorf("invalid body has UserID %q", b.UserID())
	}
	if b := JoinByExternalID(" "); b.ExternalID() != "" {
		t.Errorf("invalid body has ExternalID %q", b.ExternalID())
	}
}

func TestJoinNullParticipantFields(t *testing.T) {
	c, _ := newClient(t, []func() (*http.Response, error){jsonResp(201, `{"participant":{"id":"p1","userId":"u1","userExternalId":null,"lastRead":null}}`)})
	p, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u1"))
	if err != nil || p.UserExternalID != "" || p.LastRead != "" || p.ClientAssociations != nil {
		t.Errorf("p = %+v, %v", p, err)
	}
}

func TestBadBodies(t *testing.T) {
	long := strings.Repeat("x", MaxIDLen+1)
	for _, tc := range []struct {
		name  string
		join  *JoinBody
		leave *LeaveBody
		field string
	}{
		{"zero join", &JoinBody{}, nil, "body"},
		{"empty user id", ptr(JoinByUserID("")), nil, "body.userId"},
		{"blank external id", ptr(JoinByExternalID("  ")), nil, "body.userExternalId"},
		{"control", ptr(JoinByUserID("a\x00")), nil, "body.userId"},
		{"long", ptr(JoinByExternalID(long)), nil, "body.userExternalId"},
		{"nil option", ptr(JoinByUserID("u", nil)), nil, "body"},
		{"zero leave", nil, &LeaveBody{}, "body"},
		{"empty leave user", nil, ptr(LeaveByUserID("")), "body.userId"},
		{"bad leave external", nil, ptr(LeaveByExternalID("\n")), "body.userExternalId"},
		{"long participant", nil, ptr(LeaveByParticipantID(long)), "body.participantId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := newClient(t, nil)
			var err, verr error
			var s string
			var m []byte
			var merr error
			if tc.join != nil {
				_, err = c.JoinConversation(ctx, app, conv, *tc.join)
				verr, s = tc.join.Validate(), tc.join.String()
				m, merr = tc.join.MarshalJSON()
			} else {
				err = c.LeaveConversation(ctx, app, conv, *tc.leave)
				verr, s = tc.leave.Validate(), tc.leave.String()
				m, merr = tc.leave.MarshalJSON()
			}
			wantParamError(t, err, tc.field)
			wantParamError(t, verr, tc.field)
			wantParamError(t, merr, tc.field)
			if m != nil || !strings.HasPrefix(s, "invalid sunshine body: sunshine: invalid "+tc.field) {
				t.Errorf("MarshalJSON = %q, String = %q", m, s)
			}
			if n := len(rec.all()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestPathParams(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "a\x7f"} {
		for _, tc := range []struct {
			field string
			call  func(c *Client) error
		}{
			{"appID", func(c *Client) error { _, err := c.JoinConversation(ctx, bad, conv, JoinByUserID("u")); return err }},
			{"conversationID", func(c *Client) error { _, err := c.JoinConversation(ctx, app, bad, JoinByUserID("u")); return err }},
			{"appID", func(c *Client) error { return c.LeaveConversation(ctx, bad, conv, LeaveByUserID("u")) }},
			{"conversationID", func(c *Client) error { return c.LeaveConversation(ctx, app, bad, LeaveByUserID("u")) }},
			{"appID", func(c *Client) error { _, err := c.ListParticipants(ctx, bad, conv, nil); return err }},
			{"conversationID", func(c *Client) error { _, err := c.ListParticipants(ctx, app, bad, nil); return err }},
			{"appID", func(c *Client) error { _, err := c.CreateUser(ctx, bad, CreateUserParams{}); return err }},
			{"appID", func(c *Client) error {
				_, err := c.CreateConversation(ctx, bad, CreateConversationParams{Type: ConversationTypeSdkGroup})
				return err
			}},
			{"appID", func(c *Client) error { _, err := c.GetConversation(ctx, bad, conv); return err }},
			{"conversationID", func(c *Client) error { _, err := c.GetConversation(ctx, app, bad); return err }},
		} {
			c, rec := newClient(t, nil)
			wantParamError(t, tc.call(c), tc.field)
			if n := len(rec.all()); n != 0 {
				t.Errorf("%q: %d requests sent", bad, n)
			}
		}
	}
}

func TestPerCallOptionRefused(t *testing.T) {
	c, rec := newClient(t, nil)
	calls := []func() error{
		func() error {
			_, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u"), option.WithBaseURL(EUBaseURL))
			return err
		},
		func() error {
			return c.LeaveConversation(ctx, app, conv, LeaveByUserID("u"), option.WithBaseURL(EUBaseURL))
		},
		func() error {
			_, err := c.ListParticipants(ctx, app, conv, nil, option.WithBaseURL(EUBaseURL))
			return err
		},
		func() error {
			_, err := c.CreateUser(ctx, app, CreateUserParams{}, option.WithBaseURL(EUBaseURL))
			return err
		},
		func() error {
			_, err := c.CreateConversation(ctx, app, CreateConversationParams{Type: ConversationTypePersonal}, option.WithBaseURL(EUBaseURL))
			return err
		},
		func() error { _, err := c.GetConversation(ctx, app, conv, option.WithBaseURL(EUBaseURL)); return err },
	}
	for i, call := range calls {
		err := call()
		wantParamError(t, err, "option.WithBaseURL")
		if err == nil {
			t.Errorf("call %d accepted a per-call base URL", i)
		}
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestSuccessBodies(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		call       func(c *Client) error
	}{
		{"join without participant", `{}`, func(c *Client) error { _, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u")); return err }},
		{"join without id", `{"participant":{"userId":"u"}}`, func(c *Client) error { _, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u")); return err }},
		{"join null", `null`, func(c *Client) error { _, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u")); return err }},
		{"leave empty", ``, func(c *Client) error { return c.LeaveConversation(ctx, app, conv, LeaveByUserID("u")) }},
		{"leave array", `[]`, func(c *Client) error { return c.LeaveConversation(ctx, app, conv, LeaveByUserID("u")) }},
		{"list without participants", `{"meta":{"hasMore":false}}`, func(c *Client) error { _, err := c.ListParticipants(ctx, app, conv, nil); return err }},
		{"list null participants", `{"participants":null}`, func(c *Client) error { _, err := c.ListParticipants(ctx, app, conv, nil); return err }},
		{"user without id", `{"user":{"externalId":"x"}}`, func(c *Client) error { _, err := c.CreateUser(ctx, app, CreateUserParams{}); return err }},
		{"user missing", `{"id":"x"}`, func(c *Client) error { _, err := c.CreateUser(ctx, app, CreateUserParams{}); return err }},
		{"conversation without id", `{"conversation":{"type":"sdkGroup"}}`, func(c *Client) error { _, err := c.GetConversation(ctx, app, conv); return err }},
		{"conversation missing", `{"id":"x"}`, func(c *Client) error {
			_, err := c.CreateConversation(ctx, app, CreateConversationParams{Type: ConversationTypeSdkGroup})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, tc.body)})
			var sbe *SuccessBodyError
			if err := tc.call(c); !errors.As(err, &sbe) || sbe.Vendor != Vendor || sbe.StatusCode != 200 {
				t.Errorf("err = %v, want a *SuccessBodyError", err)
			}
		})
	}
}

func TestLeaveConversation(t *testing.T) {
	for _, tc := range []struct {
		body LeaveBody
		want string
	}{
		{LeaveByUserID("u1"), `{"userId":"u1"}`},
		{LeaveByExternalID("e1"), `{"userExternalId":"e1"}`},
		{LeaveByParticipantID("p1"), `{"participantId":"p1"}`},
	} {
		c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{}`)})
		if err := c.LeaveConversation(ctx, app, conv, tc.body); err != nil {
			t.Fatal(err)
		}
		got := rec.last(t)
		if got.Method != http.MethodPost || got.URL != convBase+"/leave" || got.Body != tc.want {
			t.Errorf("request = %s %s %s, want %s", got.Method, got.URL, got.Body, tc.want)
		}
		wantHeader(t, got.Header, true)
		if s, _ := tc.body.MarshalJSON(); string(s) != tc.want || tc.body.String() != tc.want || tc.body.Validate() != nil {
			t.Errorf("MarshalJSON = %s", s)
		}
	}
}

// A leave is safe to repeat: 503 and a lost response are retried; a join is
// not unless marked idempotent.
func TestRetries(t *testing.T) {
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(503, `<html>down</html>`), jsonResp(200, `{}`)})
	if err := c.LeaveConversation(ctx, app, conv, LeaveByUserID("u")); err != nil || len(rec.all()) != 2 {
		t.Errorf("leave: %v after %d requests, want success after 2", err, len(rec.all()))
	}
	c, rec = newClient(t, []func() (*http.Response, error){jsonResp(503, `{}`), jsonResp(201, joinExample)})
	_, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u"))
	var api *APIError
	if !errors.As(err, &api) || api.StatusCode != 503 || len(rec.all()) != 1 {
		t.Errorf("join: %v after %d requests, want a 503 after 1", err, len(rec.all()))
	}
	c, rec = newClient(t, []func() (*http.Response, error){jsonResp(503, `{}`), jsonResp(201, joinExample)})
	if _, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u"), option.WithIdempotent()); err != nil || len(rec.all()) != 2 {
		t.Errorf("idempotent join: %v after %d requests", err, len(rec.all()))
	}
	c, rec = newClient(t, []func() (*http.Response, error){jsonResp(429, `{"errors":[{"code":"too_many_requests","title":"slow"}]}`, "Retry-After", "0"), jsonResp(201, `{"user":{"id":"u1"}}`)})
	if u, err := c.CreateUser(ctx, app, CreateUserParams{}); err != nil || u.ID != "u1" || len(rec.all()) != 2 {
		t.Errorf("create user after 429: %v, %v after %d requests", u, err, len(rec.all()))
	}
}

func TestTransportError(t *testing.T) {
	boom := errors.New("connection refused")
	c, _ := newClient(t, []func() (*http.Response, error){failResp(boom)}, option.WithMaxRetries(0))
	if _, err := c.GetConversation(ctx, app, conv); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, listExample)})
	if _, err := c.ListParticipants(cctx, app, conv, nil); !errors.Is(err, context.Canceled) || len(rec.all()) != 0 {
		t.Errorf("canceled: %v after %d requests", err, len(rec.all()))
	}
}

func TestListParticipantsQuery(t *testing.T) {
	cur := "5e1e6c47d3ee4f5d5ab7c3c1"
	for _, tc := range []struct {
		params *ListParticipantsParams
		query  string
	}{
		{nil, ""},
		{&ListParticipantsParams{}, ""},
		{&ListParticipantsParams{Size: 100}, "page[size]=100"},
		{&ListParticipantsParams{Size: 1, After: cur}, "page[after]=" + cur + "&page[size]=1"},
		{&ListParticipantsParams{Before: cur}, "page[before]=" + cur},
		{&ListParticipantsParams{After: "a&b=c#d%e+f g[]/?ü123456"}, "page[after]=a%26b%3Dc%23d%25e%2Bf+g%5B%5D%2F%3F%C3%BC123456"},
	} {
		c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, listExample)})
		l, err := c.ListParticipants(ctx, app, conv, tc.params)
		if err != nil {
			t.Fatal(err)
		}
		got := rec.last(t)
		if got.Method != http.MethodGet || got.Query != tc.query || !strings.HasPrefix(got.URL, convBase+"/participants") {
			t.Errorf("request = %s %s, query %q, want %q", got.Method, got.URL, got.Query, tc.query)
		}
		wantHeader(t, got.Header, false)
		if len(l.Participants) != 1 || l.Participants[0].ID != "dd2d2b1ae77a3e0a8e3fd0c1" || l.Meta == nil || l.Meta.HasMore || l.Links != nil {
			t.Errorf("list = %+v", l)
		}
	}
}

func TestListParticipantsBadParams(t *testing.T) {
	cur := "5e1e6c47d3ee4f5d5ab7c3c1"
	for _, tc := range []struct {
		params ListParticipantsParams
		field  string
	}{
		{ListParticipantsParams{Size: -1}, "params.Size"},
		{ListParticipantsParams{Size: 101}, "params.Size"},
		{ListParticipantsParams{After: cur, Before: cur}, "params.Before"},
		{ListParticipantsParams{After: cur[1:]}, "params.After"},
		{ListParticipantsParams{After: cur + "0"}, "params.After"},
		{ListParticipantsParams{Before: "ü" + cur[2:]}, "params.Before"},
		{ListParticipantsParams{Before: strings.Repeat(" ", 24)}, "params.Before"},
		{ListParticipantsParams{After: "\x00" + cur[1:]}, "params.After"},
	} {
		c, rec := newClient(t, nil)
		_, err := c.ListParticipants(ctx, app, conv, &tc.params)
		wantParamError(t, err, tc.field)
		if n := len(rec.all()); n != 0 {
			t.Errorf("%+v: %d requests sent", tc.params, n)
		}
	}
	// A multi-byte cursor of 24 characters is sent as it is.
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, listExample)})
	if _, err := c.ListParticipants(ctx, app, conv, &ListParticipantsParams{After: strings.Repeat("ü", 24)}); err != nil || len(rec.all()) != 1 {
		t.Errorf("24 runes: %v", err)
	}
}

func page(ids []string, next string) string {
	var b strings.Builder
	b.WriteString(`{"participants":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id":"` + id + `","userId":"u-` + id + `"}`)
	}
	b.WriteString(`],"meta":{"hasMore":` + map[bool]string{true: "true", false: "false"}[next != ""])
	if next != "" {
		b.WriteString(`,"afterCursor":"` + next + `"`)
	}
	return b.String() + `}}`
}

const (
	cur1 = "000000000000000000000001"
	cur2 = "000000000000000000000002"
)

func TestAllParticipants(t *testing.T) {
	c, rec := newClient(t, []func() (*http.Response, error){
		jsonResp(200, page([]string{"a", "b"}, cur1)),
		jsonResp(200, page([]string{"c"}, cur2)),
		jsonResp(200, page([]string{"d"}, "")),
	})
	var got []string
	for p, err := range c.AllParticipants(ctx, app, conv, &ListParticipantsParams{Size: 2, Before: cur2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.ID)
	}
	if strings.Join(got, ",") != "a,b,c,d" {
		t.Errorf("participants = %v", got)
	}
	reqs := rec.all()
	want := []string{"page[before]=" + cur2 + "&page[size]=2", "page[after]=" + cur1 + "&page[size]=2", "page[after]=" + cur2 + "&page[size]=2"}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.Query != want[i] {
			t.Errorf("request %d query %q, want %q", i, r.Query, want[i])
		}
	}
}

func TestAllParticipantsStops(t *testing.T) {
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, page([]string{"a", "b"}, cur1))})
	for p := range c.AllParticipants(ctx, app, conv, nil) {
		if p.ID == "a" {
			break
		}
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests after a break, want 1", n)
	}
	for _, tc := range []struct {
		name  string
		pages []func() (*http.Response, error)
		want  string
		items int
	}{
		{"no cursor", []func() (*http.Response, error){jsonResp(200, `{"participants":[{"id":"a"}],"meta":{"hasMore":true}}`)}, "meta.hasMore without meta.afterCursor or links.next", 1},
		{"repeat", []func() (*http.Response, error){jsonResp(200, page([]string{"a"}, cur1)), jsonResp(200, page([]string{"b"}, cur1))}, "repeats a page already read", 2},
		{"error", []func() (*http.Response, error){jsonResp(200, page([]string{"a"}, cur1)), jsonResp(404, `{"errors":[{"code":"conversation_not_found","title":"Conversation not found"}]}`)}, "conversation_not_found", 1},
	} {
		c, _ := newClient(t, tc.pages)
		items, errs := 0, 0
		for p, err := range c.AllParticipants(ctx, app, conv, nil) {
			if err != nil {
				errs++
				// A cursor is Sunshine's string, and may echo a
				// credential: it is quoted redacted (redact_test.go).
				if p != nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: %v, %v", tc.name, p, err)
				}
				continue
			}
			items++
		}
		if items != tc.items || errs != 1 {
			t.Errorf("%s: %d items %d errors, want %d and 1", tc.name, items, errs, tc.items)
		}
	}
}

func TestAllParticipantsBreakOnError(t *testing.T) {
	c, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"participants":[],"meta":{"hasMore":true}}`)})
	n := 0
	for range c.AllParticipants(ctx, app, conv, nil) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d yields", n)
	}
}

func TestNextCursor(t *testing.T) {
	c, _ := newClient(t, nil)
	list := convBase + "/participants"
	for _, tc := range []struct {
		name string
		l    ParticipantList
		want string
		err  string // in the error; "" for none
	}{
		{"empty", ParticipantList{}, "", ""},
		{"no more", ParticipantList{Meta: &PageMeta{AfterCursor: cur1}}, "", ""},
		{"afterCursor", ParticipantList{Meta: &PageMeta{HasMore: true, AfterCursor: cur1}}, cur1, ""},
		{"afterCursor before the link", ParticipantList{Meta: &PageMeta{HasMore: true, AfterCursor: cur1}, Links: &PageLinks{Next: list + "?page%5Bafter%5D=" + cur2}}, cur1, ""},
		{"nothing names the next page", ParticipantList{Meta: &PageMeta{HasMore: true}}, "", "meta.hasMore without meta.afterCursor or links.next"},
		{"links.next only", ParticipantList{Meta: &PageMeta{HasMore: true}, Links: &PageLinks{Next: list + "?page%5Bafter%5D=" + cur2 + "&page%5Bsize%5D=25"}}, cur2, ""},
		{"links.next unescaped brackets, no meta", ParticipantList{Links: &PageLinks{Next: list + "?page[size]=2&page[after]=" + cur2}}, cur2, ""},
		{"prev only is the last page", ParticipantList{Links: &PageLinks{Prev: list + "?page%5Bbefore%5D=" + cur1}}, "", ""},
		{"other host", ParticipantList{Meta: &PageMeta{HasMore: true}, Links: &PageLinks{Next: "https://evil.example/v2/apps/" + app + "/conversations/" + conv + "/participants?page%5Bafter%5D=" + cur2}}, "", "not on the API's host"},
		{"other scheme", ParticipantList{Links: &PageLinks{Next: "http" + strings.TrimPrefix(list, "https") + "?page%5Bafter%5D=" + cur2}}, "", "not on the API's host"},
		{"other port", ParticipantList{Links: &PageLinks{Next: strings.Replace(list, ".io/", ".io:8443/", 1) + "?page%5Bafter%5D=" + cur2}}, "", "not on the API's host"},
		{"user info", ParticipantList{Links: &PageLinks{Next: strings.Replace(list, "https://", "https://u:p@", 1) + "?page%5Bafter%5D=" + cur2}}, "", "user information"},
		{"other conversation", ParticipantList{Links: &PageLinks{Next: USBaseURL + "/v2/apps/" + app + "/conversations/" + cur1 + "/participants?page%5Bafter%5D=" + cur2}}, "", "not the path"},
		{"other app", ParticipantList{Links: &PageLinks{Next: USBaseURL + "/v2/apps/" + cur1 + "/conversations/" + conv + "/participants?page%5Bafter%5D=" + cur2}}, "", "not the path"},
		{"other resource", ParticipantList{Links: &PageLinks{Next: convBase + "/messages?page%5Bafter%5D=" + cur2}}, "", "not the path"},
		{"dot segments", ParticipantList{Links: &PageLinks{Next: convBase + "/participants/../participants?page%5Bafter%5D=" + cur2}}, "", "not the path"},
		{"relative", ParticipantList{Links: &PageLinks{Next: "/v2/apps/" + app + "/conversations/" + conv + "/participants?page%5Bafter%5D=" + cur2}}, "", "not a full URL"},
		{"no page[after]", ParticipantList{Links: &PageLinks{Next: list + "?page%5Bbefore%5D=" + cur2}}, "", "no single page[after]"},
		{"empty page[after]", ParticipantList{Links: &PageLinks{Next: list + "?page%5Bafter%5D="}}, "", "no single page[after]"},
		{"two page[after]", ParticipantList{Links: &PageLinks{Next: list + "?page%5Bafter%5D=" + cur1 + "&page%5Bafter%5D=" + cur2}}, "", "no single page[after]"},
		{"not a URL", ParticipantList{Links: &PageLinks{Next: "https://api.smooch.io/%zz"}}, "", "not a URL"},
	} {
		got, err := c.NextCursor(app, conv, &tc.l)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: NextCursor = %q, %v, want %q", tc.name, got, err, tc.want)
		case tc.err != "" && (err == nil || got != "" || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: NextCursor = %q, %v, want an error saying %q", tc.name, got, err, tc.err)
		}
	}
}

func TestCreateUser(t *testing.T) {
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(201, `{"user":{"id":"u1","externalId":"e1","signedUpAt":"2020-01-01T00:00:00Z","profile":{"givenName":"Ada"}}}`)})
	u, err := c.CreateUser(ctx, app, CreateUserParams{ExternalID: "e1", Profile: &UserProfile{GivenName: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if want := `{"externalId":"e1","profile":{"email":"ada@example.com","givenName":"Ada"}}`; got.Body != want || got.URL != USBaseURL+"/v2/apps/"+app+"/users" || got.Method != http.MethodPost {
		t.Errorf("request = %s %s %s, want %s", got.Method, got.URL, got.Body, want)
	}
	wantHeader(t, got.Header, true)
	if u.ID != "u1" || u.ExternalID != "e1" || u.Profile == nil || u.Profile.GivenName != "Ada" || u.SignedUpAt == "" {
		t.Errorf("user = %+v", u)
	}
	c, rec = newClient(t, []func() (*http.Response, error){jsonResp(201, `{"user":{"id":"u2"}}`)})
	if _, err := c.CreateUser(ctx, app, CreateUserParams{}); err != nil || rec.last(t).Body != `{}` {
		t.Errorf("anonymous user: %v, body %s", err, rec.last(t).Body)
	}
	c, rec = newClient(t, nil)
	_, err = c.CreateUser(ctx, app, CreateUserParams{ExternalID: strings.Repeat("x", MaxIDLen+1)})
	wantParamError(t, err, "ExternalID")
	if len(rec.all()) != 0 {
		t.Error("request sent")
	}
	c, _ = newClient(t, []func() (*http.Response, error){jsonResp(409, `{"errors":[{"code":"conflict","title":"User already exists"}]}`)})
	_, err = c.CreateUser(ctx, app, CreateUserParams{ExternalID: "e1"})
	var api *APIError
	if !errors.As(err, &api) || api.StatusCode != 409 || api.Code != CodeConflict || api.Message != "User already exists" {
		t.Errorf("err = %v", err)
	}
}

func TestCreateAndGetConversation(t *testing.T) {
	const body = `{"conversation":{"id":"c1","type":"sdkGroup","isDefault":false,"displayName":"Room","description":"d","createdAt":"2020-01-01T00:00:00Z","lastUpdatedAt":"2020-01-02T00:00:00Z"}}`
	for _, tc := range []struct {
		p    CreateConversationParams
		want string
	}{
		{CreateConversationParams{Type: ConversationTypeSdkGroup, DisplayName: "Room", Description: "d"}, `{"description":"d","displayName":"Room","type":"sdkGroup"}`},
		{CreateConversationParams{Type: ConversationTypePersonal}, `{"type":"personal"}`},
	} {
		c, rec := newClient(t, []func() (*http.Response, error){jsonResp(201, body)})
		conv, err := c.CreateConversation(ctx, app, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		got := rec.last(t)
		if got.Body != tc.want || got.URL != USBaseURL+"/v2/apps/"+app+"/conversations" || got.Method != http.MethodPost {
			t.Errorf("request = %s %s %s, want %s", got.Method, got.URL, got.Body, tc.want)
		}
		if conv.ID != "c1" || conv.Type != ConversationTypeSdkGroup || conv.DisplayName != "Room" || conv.Description != "d" || conv.IsDefault ||
			conv.CreatedAt != "2020-01-01T00:00:00Z" || conv.LastUpdatedAt != "2020-01-02T00:00:00Z" {
			t.Errorf("conversation = %+v", conv)
		}
	}
	for _, typ := range []ConversationType{"", "group", "SDKGROUP"} {
		c, rec := newClient(t, nil)
		_, err := c.CreateConversation(ctx, app, CreateConversationParams{Type: typ})
		wantParamError(t, err, "Type")
		if len(rec.all()) != 0 {
			t.Error("request sent")
		}
	}
	c, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, body)})
	got, err := c.GetConversation(ctx, app, conv)
	if err != nil || got.ID != "c1" {
		t.Fatalf("GetConversation = %+v, %v", got, err)
	}
	if r := rec.last(t); r.Method != http.MethodGet || r.URL != convBase || r.Body != "" {
		t.Errorf("request = %s %s %q", r.Method, r.URL, r.Body)
	}
	wantHeader(t, rec.last(t).Header, false)
}
