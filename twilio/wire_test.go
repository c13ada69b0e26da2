package twilio

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const participantJSON = `{
  "account_sid": "AC0123456789abcdef0123456789abcdef",
  "conversation_sid": "CH0123456789abcdef0123456789abcdef",
  "sid": "MB0123456789abcdef0123456789abcdef",
  "identity": null,
  "attributes": "{ \"role\": \"driver\" }",
  "messaging_binding": {"type": "sms", "address": "+15558675310", "proxy_address": "+15017122661"},
  "role_sid": "RL0123456789abcdef0123456789abcdef",
  "date_created": "2015-12-16T22:18:37Z",
  "date_updated": "2015-12-16T22:18:38Z",
  "url": "https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants/MB0123456789abcdef0123456789abcdef",
  "last_read_message_index": null,
  "last_read_timestamp": null
}`

func TestCreateParticipantWire(t *testing.T) {
	loc := time.FixedZone("UTC+2", 2*60*60)
	tests := []struct {
		name    string
		p       CreateParticipantParams
		body    string
		webhook bool
	}{
		{
			name: "chat identity",
			p:    CreateParticipantParams{Identity: "alice"},
			body: "Identity=alice",
		},
		{
			name: "sms address and proxy",
			p:    CreateParticipantParams{Address: "+15558675310", ProxyAddress: "+15017122661"},
			body: "MessagingBinding.Address=%2B15558675310&MessagingBinding.ProxyAddress=%2B15017122661",
		},
		{
			name: "whatsapp",
			p:    CreateParticipantParams{Address: "whatsapp:+15558675310", ProxyAddress: "whatsapp:+15017122661"},
			body: "MessagingBinding.Address=whatsapp%3A%2B15558675310&MessagingBinding.ProxyAddress=whatsapp%3A%2B15017122661",
		},
		{
			name: "group mms identity with projected address",
			p:    CreateParticipantParams{Identity: "alice", ProjectedAddress: "+15017122661"},
			body: "Identity=alice&MessagingBinding.ProjectedAddress=%2B15017122661",
		},
		{
			name: "group mms address only",
			p:    CreateParticipantParams{Address: "+15558675310"},
			body: "MessagingBinding.Address=%2B15558675310",
		},
		{
			name: "identity with space and unicode",
			p:    CreateParticipantParams{Identity: "Zoë Smith & co/x?y#z"},
			body: "Identity=Zo%C3%AB+Smith+%26+co%2Fx%3Fy%23z",
		},
		{
			name: "attributes, role, dates, webhook",
			p: CreateParticipantParams{
				Identity:       "alice",
				Attributes:     `{"role":"vip","note":"a b&c=d"}`,
				RoleSID:        testRL,
				DateCreated:    time.Date(2015, 12, 17, 0, 18, 37, 999999999, loc),
				DateUpdated:    time.Date(2015, 12, 16, 22, 18, 38, 0, time.UTC),
				WebhookEnabled: true,
			},
			body: "Attributes=%7B%22role%22%3A%22vip%22%2C%22note%22%3A%22a+b%26c%3Dd%22%7D" +
				"&DateCreated=2015-12-16T22%3A18%3A37Z&DateUpdated=2015-12-16T22%3A18%3A38Z" +
				"&Identity=alice&RoleSid=RL0123456789abcdef0123456789abcdef",
			webhook: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			rec := answer(t, mock, jsonResp(201, participantJSON))
			c := newTestClient(t, mock)
			got, err := c.CreateParticipant(context.Background(), testCH, tt.p)
			if err != nil {
				t.Fatalf("CreateParticipant: %v", err)
			}
			if got.SID != testMB {
				t.Errorf("Sid = %q", got.SID)
			}
			calls := rec.all()
			if len(calls) != 1 {
				t.Fatalf("%d calls, want 1", len(calls))
			}
			req := calls[0].req
			if req.Method != http.MethodPost {
				t.Errorf("method = %s", req.Method)
			}
			if got, want := req.URL.String(), baseHost+"/v1/Conversations/"+testCH+"/Participants"; got != want {
				t.Errorf("URL = %s, want %s", got, want)
			}
			want := http.Header{
				"Authorization": {testBasic},
				"Accept":        {acceptJSON},
				"Content-Type":  {formCT},
				"User-Agent":    {userAgent},
			}
			if tt.webhook {
				want["X-Twilio-Webhook-Enabled"] = []string{"true"}
			}
			if !reflect.DeepEqual(req.Header, want) {
				t.Errorf("header = %v, want %v", req.Header, want)
			}
			if calls[0].body != tt.body {
				t.Errorf("body = %q, want %q", calls[0].body, tt.body)
			}
		})
	}
}

// TestPathEscaping checks that awkward IDs reach the server escaped inside
// one path segment, for every operation.
func TestPathEscaping(t *testing.T) {
	ids := []struct{ raw, escaped string }{
		{"a/b", "a%2Fb"},
		{"a?b", "a%3Fb"},
		{"a#b", "a%23b"},
		{"a b", "a%20b"},
		{"ünï", "%C3%BCn%C3%AF"},
		{"%2F", "%252F"},
		{"my-unique.name", "my-unique.name"},
	}
	for _, id := range ids {
		t.Run(id.raw, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			rec := answer(t, mock, func(req *http.Request) (*http.Response, error) {
				switch req.Method {
				case http.MethodPost:
					return jsonResp(201, participantJSON)(req)
				case http.MethodDelete:
					return rawResp(204, "", "")(req)
				}
				if req.URL.Path == "/v1/Conversations/"+id.raw+"/Participants" {
					return jsonResp(200, `{"participants":[],"meta":{}}`)(req)
				}
				return jsonResp(200, participantJSON)(req)
			})
			c := newTestClient(t, mock)
			ctx := context.Background()
			if _, err := c.CreateParticipant(ctx, id.raw, CreateParticipantParams{Identity: "x"}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListParticipants(ctx, id.raw, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := c.FetchParticipant(ctx, id.raw, id.raw); err != nil {
				t.Fatal(err)
			}
			// Delete takes only an MB SID (TestDeleteRefusesIdentity).
			if err := c.DeleteParticipant(ctx, id.raw, testMB, nil); err != nil {
				t.Fatal(err)
			}
			list := "/v1/Conversations/" + id.escaped + "/Participants"
			one := list + "/" + id.escaped
			want := []struct{ method, path string }{
				{"POST", list}, {"GET", list}, {"GET", one}, {"DELETE", list + "/" + testMB},
			}
			calls := rec.all()
			if len(calls) != len(want) {
				t.Fatalf("%d calls, want %d", len(calls), len(want))
			}
			for i, w := range want {
				r := calls[i].req
				if r.Method != w.method || r.URL.EscapedPath() != w.path {
					t.Errorf("call %d = %s %s, want %s %s", i, r.Method, r.URL.EscapedPath(), w.method, w.path)
				}
				if r.URL.RawQuery != "" || r.URL.Fragment != "" {
					t.Errorf("call %d: query %q fragment %q, want none", i, r.URL.RawQuery, r.URL.Fragment)
				}
				if r.URL.Host != "conversations.twilio.com" {
					t.Errorf("call %d host = %s", i, r.URL.Host)
				}
			}
		})
	}
}

func TestGetAndDeleteWire(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, func(req *http.Request) (*http.Response, error) {
		if req.Method == http.MethodDelete {
			return rawResp(204, "", "")(req)
		}
		return jsonResp(200, `{"participants":[`+participantJSON+`],"meta":{"page":0,"page_size":50}}`)(req)
	})
	c := newTestClient(t, mock)
	ctx := context.Background()
	if _, err := c.ListParticipants(ctx, testCH, &ListParticipantsParams{PageSize: 20, Page: 2, PageToken: "PT a+b"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteParticipant(ctx, testCH, testMB, nil); err != nil {
		t.Fatal(err)
	}
	calls := rec.all()
	if len(calls) != 2 {
		t.Fatalf("%d calls", len(calls))
	}
	if got, want := calls[0].req.URL.String(), baseHost+"/v1/Conversations/"+testCH+"/Participants?PageSize=20&Page=2&PageToken=PT+a%2Bb"; got != want {
		t.Errorf("list URL = %s, want %s", got, want)
	}
	if got, want := calls[1].req.URL.String(), baseHost+"/v1/Conversations/"+testCH+"/Participants/"+testMB; got != want {
		t.Errorf("delete URL = %s, want %s", got, want)
	}
	want := http.Header{
		"Authorization": {testBasic},
		"Accept":        {acceptJSON},
		"User-Agent":    {userAgent},
	}
	for i, cl := range calls {
		if !reflect.DeepEqual(cl.req.Header, want) {
			t.Errorf("call %d header = %v, want %v", i, cl.req.Header, want)
		}
		if cl.body != "" {
			t.Errorf("call %d body = %q, want none", i, cl.body)
		}
	}
}

func TestBaseURLOption(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, jsonResp(200, participantJSON))
	c := newTestClient(t, mock, withBaseURL("http://127.0.0.1:8080/twilio"))
	if _, err := c.FetchParticipant(context.Background(), testCH, "alice"); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.all()[0].req.URL.String(), "http://127.0.0.1:8080/twilio/v1/Conversations/"+testCH+"/Participants/alice"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
}
