package twilio

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
)

const (
	testIS = "IS0123456789abcdef0123456789abcdef"
	testSK = "SK0123456789abcdef0123456789abcdef"
	// testKeySecret is an API key secret.
	testKeySecret = "k3ySecr3t0123456789abcdef01234567"
)

func intp(n int) *int { return &n }

func TestUpdateParticipantWire(t *testing.T) {
	loc := time.FixedZone("UTC-5", -5*60*60)
	tests := []struct {
		name    string
		p       UpdateParticipantParams
		body    string
		webhook bool
	}{
		{"identity", UpdateParticipantParams{Identity: "Zoë & co"}, "Identity=Zo%C3%AB+%26+co", false},
		{"attributes", UpdateParticipantParams{Attributes: `{"a":"b c"}`}, "Attributes=%7B%22a%22%3A%22b+c%22%7D", false},
		{"role", UpdateParticipantParams{RoleSID: testRL}, "RoleSid=" + testRL, false},
		{"set proxy", UpdateParticipantParams{ProxyAddress: SetAddress("+15017122661")}, "MessagingBinding.ProxyAddress=%2B15017122661", false},
		{"remove proxy", UpdateParticipantParams{ProxyAddress: RemoveAddress()}, "MessagingBinding.ProxyAddress=null", false},
		{"set projected", UpdateParticipantParams{ProjectedAddress: SetAddress("+15017122661")}, "MessagingBinding.ProjectedAddress=%2B15017122661", false},
		{"remove projected", UpdateParticipantParams{ProjectedAddress: RemoveAddress()}, "MessagingBinding.ProjectedAddress=null", false},
		{"index zero is sent", UpdateParticipantParams{LastReadMessageIndex: intp(0)}, "LastReadMessageIndex=0", false},
		{"index", UpdateParticipantParams{LastReadMessageIndex: intp(42)}, "LastReadMessageIndex=42", false},
		{"timestamp", UpdateParticipantParams{LastReadTimestamp: "2021-01-02T03:04:05Z"}, "LastReadTimestamp=2021-01-02T03%3A04%3A05Z", false},
		{
			"everything, sorted, webhook",
			UpdateParticipantParams{
				Identity: "alice", Attributes: `{}`, RoleSID: testRL,
				ProxyAddress: SetAddress("+15017122661"), ProjectedAddress: RemoveAddress(),
				DateCreated:          time.Date(2015, 12, 16, 17, 18, 37, 5, loc),
				DateUpdated:          time.Date(2016, 1, 2, 3, 4, 5, 0, time.UTC),
				LastReadMessageIndex: intp(3), LastReadTimestamp: "t",
				WebhookEnabled: true,
			},
			"Attributes=%7B%7D&DateCreated=2015-12-16T22%3A18%3A37Z&DateUpdated=2016-01-02T03%3A04%3A05Z" +
				"&Identity=alice&LastReadMessageIndex=3&LastReadTimestamp=t" +
				"&MessagingBinding.ProjectedAddress=null&MessagingBinding.ProxyAddress=%2B15017122661&RoleSid=" + testRL,
			true,
		},
		{"webhook alone is no change, with a field it is sent", UpdateParticipantParams{Identity: "a", WebhookEnabled: true}, "Identity=a", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			rec := answer(t, mock, jsonResp(200, participantJSON))
			c := newTestClient(t, mock)
			got, err := c.UpdateParticipant(context.Background(), testCH, testMB, tt.p)
			if err != nil {
				t.Fatalf("UpdateParticipant: %v", err)
			}
			if got.SID != testMB || got.MessagingBinding.Address != "+15558675310" {
				t.Errorf("participant = %+v", got)
			}
			calls := rec.all()
			if len(calls) != 1 {
				t.Fatalf("%d calls, want 1", len(calls))
			}
			req := calls[0].req
			if req.Method != http.MethodPost {
				t.Errorf("method = %s", req.Method)
			}
			if got, want := req.URL.String(), baseHost+"/v1/Conversations/"+testCH+"/Participants/"+testMB; got != want {
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

// Every bad update is refused before sending, naming the Twilio field.
func TestUpdateParticipantRefusals(t *testing.T) {
	long := strings.Repeat("x", MaxAddressLen+1)
	tests := []struct {
		name, conv, sid string
		p               UpdateParticipantParams
		field           string
	}{
		{"nothing set", testCH, testMB, UpdateParticipantParams{}, "params"},
		{"webhook only", testCH, testMB, UpdateParticipantParams{WebhookEnabled: true}, "params"},
		{"empty conversation", "", testMB, UpdateParticipantParams{Identity: "a"}, "conversationSID"},
		{"dot conversation", "..", testMB, UpdateParticipantParams{Identity: "a"}, "conversationSID"},
		{"identity as sid", testCH, "alice", UpdateParticipantParams{Identity: "a"}, "participantSID"},
		{"short sid", testCH, "MB0123", UpdateParticipantParams{Identity: "a"}, "participantSID"},
		{"long identity", testCH, testMB, UpdateParticipantParams{Identity: long}, "Identity"},
		{"control identity", testCH, testMB, UpdateParticipantParams{Identity: "a\nb"}, "Identity"},
		{"long timestamp", testCH, testMB, UpdateParticipantParams{LastReadTimestamp: long}, "LastReadTimestamp"},
		{"blank timestamp", testCH, testMB, UpdateParticipantParams{LastReadTimestamp: "  "}, "LastReadTimestamp"},
		{"empty proxy", testCH, testMB, UpdateParticipantParams{ProxyAddress: SetAddress("")}, "MessagingBinding.ProxyAddress"},
		{"null proxy", testCH, testMB, UpdateParticipantParams{ProxyAddress: SetAddress("null")}, "MessagingBinding.ProxyAddress"},
		{"long proxy", testCH, testMB, UpdateParticipantParams{ProxyAddress: SetAddress(long)}, "MessagingBinding.ProxyAddress"},
		{"empty projected", testCH, testMB, UpdateParticipantParams{ProjectedAddress: SetAddress("")}, "MessagingBinding.ProjectedAddress"},
		{"null projected", testCH, testMB, UpdateParticipantParams{ProjectedAddress: SetAddress("null")}, "MessagingBinding.ProjectedAddress"},
		{"negative index", testCH, testMB, UpdateParticipantParams{LastReadMessageIndex: intp(-1)}, "LastReadMessageIndex"},
		{"attributes not json", testCH, testMB, UpdateParticipantParams{Attributes: "{"}, "Attributes"},
		{"attributes too long", testCH, testMB, UpdateParticipantParams{Attributes: `"` + strings.Repeat("a", MaxAttributesLen) + `"`}, "Attributes"},
		{"bad role", testCH, testMB, UpdateParticipantParams{RoleSID: "RL1"}, "RoleSid"},
		{"bad date", testCH, testMB, UpdateParticipantParams{DateUpdated: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "DateUpdated"},
		{"bad created date", testCH, testMB, UpdateParticipantParams{DateCreated: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}, "DateCreated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			answer(t, mock, jsonResp(200, participantJSON))
			c := newTestClient(t, mock)
			_, err := c.UpdateParticipant(context.Background(), tt.conv, tt.sid, tt.p)
			wantParamError(t, err, tt.field)
			if strings.Contains(err.Error(), long) {
				t.Errorf("error quotes the value")
			}
			wantNoCalls(t, mock)
		})
	}
}

func TestAddressUpdate(t *testing.T) {
	var zero AddressUpdate
	if !zero.IsZero() || zero.formValue() != "" {
		t.Errorf("zero AddressUpdate: IsZero %v, value %q", zero.IsZero(), zero.formValue())
	}
	if u := SetAddress("+1"); u.IsZero() || u.formValue() != "+1" {
		t.Errorf("SetAddress: IsZero %v, value %q", u.IsZero(), u.formValue())
	}
	if u := SetAddress(""); u.IsZero() {
		t.Error("SetAddress(\"\") reads as no change; it must be refused instead")
	}
	if u := RemoveAddress(); u.IsZero() || u.formValue() != "null" {
		t.Errorf("RemoveAddress: IsZero %v, value %q", u.IsZero(), u.formValue())
	}
}

// The update answers like every operation: a typed API error, a transport
// failure (retried: an update is idempotent), a 2xx without a participant.
func TestUpdateParticipantErrors(t *testing.T) {
	ctx := context.Background()
	p := UpdateParticipantParams{Identity: "a"}
	t.Run("api error", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		answer(t, mock, jsonResp(404, `{"code":20404,"message":"not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`, "Twilio-Request-Id", testReqID))
		c := newTestClient(t, mock)
		_, err := c.UpdateParticipant(ctx, testCH, testMB, p)
		var api *APIError
		if !errors.As(err, &api) || api.StatusCode != 404 || api.Code != CodeNotFound || api.RequestID != testReqID {
			t.Fatalf("err = %v, want a 404 20404 *APIError", err)
		}
		if !strings.Contains(err.Error(), "POST /v1/Conversations/{ConversationSid}/Participants/{Sid}") && api.Message != "not found" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("transport failure retried", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		rec := answer(t, mock, httpmock.NewErrorResponder(errors.New("connection reset")), jsonResp(200, participantJSON))
		c := newTestClient(t, mock)
		got, err := c.UpdateParticipant(ctx, testCH, testMB, p)
		if err != nil || got.SID != testMB {
			t.Fatalf("UpdateParticipant = %v, %v", got, err)
		}
		if n := len(rec.all()); n != 2 {
			t.Errorf("%d attempts, want 2", n)
		}
	})
	t.Run("transport failure", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		answer(t, mock, httpmock.NewErrorResponder(errors.New("connection reset")))
		c := newTestClient(t, mock, option.WithMaxRetries(0))
		if _, err := c.UpdateParticipant(ctx, testCH, testMB, p); err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("5xx retried", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		rec := answer(t, mock, jsonResp(503, `{}`), jsonResp(200, participantJSON))
		c := newTestClient(t, mock)
		if _, err := c.UpdateParticipant(ctx, testCH, testMB, p); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.all()); n != 2 {
			t.Errorf("%d attempts, want 2", n)
		}
	})
	t.Run("success without participant", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		answer(t, mock, jsonResp(200, `{}`))
		c := newTestClient(t, mock)
		_, err := c.UpdateParticipant(ctx, testCH, testMB, p)
		var se *SuccessBodyError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "POST /v1/Conversations/{ConversationSid}/Participants/{Sid}") {
			t.Fatalf("err = %v, want a *SuccessBodyError naming the operation", err)
		}
	})
	t.Run("canceled context sends nothing", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		answer(t, mock, jsonResp(200, participantJSON))
		c := newTestClient(t, mock)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.UpdateParticipant(cctx, testCH, testMB, p); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		wantNoCalls(t, mock)
	})
	t.Run("bad per-call option", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		answer(t, mock, jsonResp(200, participantJSON))
		c := newTestClient(t, mock)
		if _, err := c.UpdateParticipant(ctx, testCH, testMB, p, option.WithBaseURL("http://x")); err == nil {
			t.Fatal("a client-only option was accepted per call")
		}
		wantNoCalls(t, mock)
	})
}

// Every operation of a Service view goes to the service-scoped twin of its
// path, with the same method, query, headers and body as the plain one.
func TestServicePaths(t *testing.T) {
	mock := httpmock.NewMockTransport()
	svcJSON := strings.Replace(participantJSON, `"sid":`, `"chat_service_sid": "`+testIS+`", "sid":`, 1)
	rec := answer(t, mock, func(req *http.Request) (*http.Response, error) {
		switch {
		case req.Method == http.MethodDelete:
			return rawResp(204, "", "")(req)
		case req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/Participants"):
			return jsonResp(201, svcJSON)(req)
		case strings.HasSuffix(req.URL.Path, "/Participants"):
			return jsonResp(200, `{"participants":[`+svcJSON+`],"meta":{"page":0,"page_size":5}}`)(req)
		}
		return jsonResp(200, svcJSON)(req)
	})
	plain := newTestClient(t, mock)
	c, err := plain.Service(testIS)
	if err != nil {
		t.Fatal(err)
	}
	if c.ChatServiceSID() != testIS || plain.ChatServiceSID() != "" {
		t.Fatalf("ChatServiceSID = %q (view), %q (plain)", c.ChatServiceSID(), plain.ChatServiceSID())
	}
	ctx := context.Background()
	created, err := c.CreateParticipant(ctx, testCH, CreateParticipantParams{Identity: "alice", WebhookEnabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if created.ChatServiceSID != testIS {
		t.Errorf("ChatServiceSID = %q", created.ChatServiceSID)
	}
	if _, err := c.ListParticipants(ctx, testCH, &ListParticipantsParams{PageSize: 5}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for p, err := range c.AllParticipants(ctx, testCH, nil) {
		if err != nil || p.ChatServiceSID != testIS {
			t.Fatalf("AllParticipants: %v, %v", p, err)
		}
		n++
	}
	if _, err := c.FetchParticipant(ctx, testCH, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateParticipant(ctx, testCH, testMB, UpdateParticipantParams{Identity: "bob", WebhookEnabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteParticipant(ctx, testCH, testMB, &DeleteParticipantParams{WebhookEnabled: true}); err != nil {
		t.Fatal(err)
	}
	// The plain client still uses the plain paths.
	if _, err := plain.FetchParticipant(ctx, testCH, "alice"); err != nil {
		t.Fatal(err)
	}
	base := baseHost + "/v1/Services/" + testIS + "/Conversations/" + testCH + "/Participants"
	want := []struct{ method, url, body, webhook string }{
		{"POST", base, "Identity=alice", "true"},
		{"GET", base + "?PageSize=5", "", ""},
		{"GET", base, "", ""},
		{"GET", base + "/alice", "", ""},
		{"POST", base + "/" + testMB, "Identity=bob", "true"},
		{"DELETE", base + "/" + testMB, "", "true"},
		{"GET", baseHost + "/v1/Conversations/" + testCH + "/Participants/alice", "", ""},
	}
	calls := rec.all()
	if len(calls) != len(want) || n != 1 {
		t.Fatalf("%d calls (want %d), %d listed", len(calls), len(want), n)
	}
	for i, w := range want {
		r := calls[i].req
		if r.Method != w.method || r.URL.String() != w.url || calls[i].body != w.body || r.Header.Get("X-Twilio-Webhook-Enabled") != w.webhook {
			t.Errorf("call %d = %s %s %q webhook %q, want %s %s %q %q", i, r.Method, r.URL, calls[i].body, r.Header.Get("X-Twilio-Webhook-Enabled"), w.method, w.url, w.body, w.webhook)
		}
		if r.Header.Get("Authorization") != testBasic {
			t.Errorf("call %d: Authorization = %q", i, r.Header.Get("Authorization"))
		}
	}
}

// Errors of a Service view name the service-scoped operation.
func TestServiceErrorsNameTheirPath(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(200, `{}`))
	c, err := newTestClient(t, mock).Service(testIS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err1 := c.CreateParticipant(ctx, testCH, CreateParticipantParams{Identity: "a"})
	_, err2 := c.FetchParticipant(ctx, testCH, "a")
	_, err3 := c.UpdateParticipant(ctx, testCH, testMB, UpdateParticipantParams{Identity: "a"})
	for i, tt := range []struct {
		err  error
		want string
	}{
		{err1, "POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants"},
		{err2, "GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}"},
		{err3, "POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}"},
	} {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("err %d = %v, want it to name %s", i, tt.err, tt.want)
		}
	}
	mock2 := httpmock.NewMockTransport()
	answer(t, mock2, jsonResp(200, `[`))
	c2, _ := newTestClient(t, mock2).Service(testIS)
	if _, err := c2.ListParticipants(ctx, testCH, nil); err == nil || !strings.Contains(err.Error(), "GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants") {
		t.Errorf("list err = %v", err)
	}
}

// A service-scoped API error and transport failure are typed as on the plain
// paths.
func TestServiceErrors(t *testing.T) {
	ctx := context.Background()
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(404, `{"code":20404,"message":"The requested resource was not found","status":404}`))
	c, _ := newTestClient(t, mock).Service(testIS)
	err := c.DeleteParticipant(ctx, testCH, testMB, nil)
	var api *APIError
	if !errors.As(err, &api) || api.Code != CodeNotFound {
		t.Fatalf("err = %v", err)
	}
	mock2 := httpmock.NewMockTransport()
	answer(t, mock2, httpmock.NewErrorResponder(errors.New("dial failed")))
	c2, _ := newTestClient(t, mock2, option.WithMaxRetries(0)).Service(testIS)
	if _, err := c2.FetchParticipant(ctx, testCH, testMB); err == nil || !strings.Contains(err.Error(), "dial failed") {
		t.Fatalf("err = %v", err)
	}
}

func TestServiceRefusesBadSID(t *testing.T) {
	mock := httpmock.NewMockTransport()
	c := newTestClient(t, mock)
	for _, v := range []string{"", "IS0123", "CH0123456789abcdef0123456789abcdef", "IS0123456789abcdef0123456789abcdeg", testIS + "0", "../x"} {
		v2, err := c.Service(v)
		if v2 != nil {
			t.Errorf("Service(%q) returned a view", v)
		}
		wantParamError(t, err, "chatServiceSID")
	}
	// A view of a view replaces the service.
	a, _ := c.Service(testIS)
	other := "IS" + strings.Repeat("f", 32)
	b, err := a.Service(other)
	if err != nil || b.ChatServiceSID() != other || a.ChatServiceSID() != testIS {
		t.Errorf("view of a view: %v %q %q", err, b.ChatServiceSID(), a.ChatServiceSID())
	}
}

func TestNewWithAPIKey(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, jsonResp(404, `{"code":20404,"message":"`+testKeySecret+` not found","status":404}`))
	c, err := NewWithAPIKey(testSK, testKeySecret,
		option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchParticipant(context.Background(), testCH, testMB)
	if err == nil {
		t.Fatal("want the 404")
	}
	// The basic credentials are computed here independently: SK SID as
	// user, secret as password.
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(testSK+":"+testKeySecret))
	if got := rec.all()[0].req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	if strings.Contains(err.Error(), testKeySecret) {
		t.Errorf("error shows the API key secret: %v", err)
	}
	var api *APIError
	if !errors.As(err, &api) || strings.Contains(api.Message, testKeySecret) || strings.Contains(string(api.Body), testKeySecret) {
		t.Errorf("APIError keeps the API key secret: %+v", api)
	}
}

func TestNewWithAPIKeyRefusals(t *testing.T) {
	for _, tt := range []struct {
		name, sid, secret, field string
	}{
		{"empty sid", "", testKeySecret, "apiKeySID"},
		{"account sid", testAccountSID, testKeySecret, "apiKeySID"},
		{"short sid", "SK0123", testKeySecret, "apiKeySID"},
		{"non-hex sid", "SK0123456789abcdef0123456789abcdeZ", testKeySecret, "apiKeySID"},
		{"empty secret", testSK, "", "apiKeySecret"},
		{"secret with newline", testSK, "a\nb", "apiKeySecret"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewWithAPIKey(tt.sid, tt.secret)
			if c != nil {
				t.Error("a client was returned")
			}
			wantParamError(t, err, tt.field)
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
	if _, err := NewWithAPIKey(testSK, testKeySecret, option.WithBaseURL("ftp://x")); err == nil {
		t.Error("a bad option was accepted")
	}
}

func TestNextPageParams(t *testing.T) {
	got, err := NextPageParams("https://conversations.twilio.com/v1/Conversations/CHx/Participants?PageSize=5&Page=2&PageToken=PT10")
	if err != nil || got != (ListParticipantsParams{PageSize: 5, Page: 2, PageToken: "PT10"}) {
		t.Errorf("NextPageParams = %+v, %v", got, err)
	}
	got, err = NextPageParams("https://x/v1/Conversations/CHx/Participants?PageToken=PT3")
	if err != nil || got != (ListParticipantsParams{PageToken: "PT3"}) {
		t.Errorf("NextPageParams without size = %+v, %v", got, err)
	}
	for _, bad := range []string{"%zz", "https://x/?PageSize=a", "https://x/?Page=b"} {
		if _, err := NextPageParams(bad); err == nil {
			t.Errorf("NextPageParams(%q) accepted", bad)
		}
	}
}
