package twilio

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
)

var badPathParams = []struct{ name, v string }{
	{"empty", ""},
	{"dot", "."},
	{"dotdot", ".."},
	{"NUL", "a\x00b"},
	{"newline", "a\nb"},
	{"DEL", "a\x7fb"},
	{"C1 control", "a\u0085b"},
	{"invalid UTF-8", "a\xffb"},
	{"too long", strings.Repeat("a", 1025)},
}

func TestInvalidPathParams(t *testing.T) {
	ctx := context.Background()
	calls := []struct {
		name  string
		field string
		run   func(c *Client, v string) error
	}{
		{"create/ConversationSid", "conversationSID", func(c *Client, v string) error {
			_, err := c.CreateParticipant(ctx, v, CreateParticipantParams{Identity: "alice"})
			return err
		}},
		{"list/ConversationSid", "conversationSID", func(c *Client, v string) error {
			_, err := c.ListParticipants(ctx, v, nil)
			return err
		}},
		{"fetch/ConversationSid", "conversationSID", func(c *Client, v string) error {
			_, err := c.FetchParticipant(ctx, v, testMB)
			return err
		}},
		{"fetch/Sid", "participantSIDOrIdentity", func(c *Client, v string) error {
			_, err := c.FetchParticipant(ctx, testCH, v)
			return err
		}},
		{"delete/ConversationSid", "conversationSID", func(c *Client, v string) error {
			return c.DeleteParticipant(ctx, v, testMB, nil)
		}},
		{"delete/Sid", "participantSID", func(c *Client, v string) error {
			return c.DeleteParticipant(ctx, testCH, v, nil)
		}},
		{"all/ConversationSid", "conversationSID", func(c *Client, v string) error {
			for _, err := range c.AllParticipants(ctx, v, nil) {
				return err
			}
			return nil
		}},
	}
	for _, call := range calls {
		for _, bad := range badPathParams {
			t.Run(call.name+"/"+bad.name, func(t *testing.T) {
				mock := httpmock.NewMockTransport()
				answer(t, mock, jsonResp(200, participantJSON))
				c := newTestClient(t, mock)
				wantParamError(t, call.run(c, bad.v), call.field)
				wantNoCalls(t, mock)
			})
		}
	}
}

func TestInvalidCreateParams(t *testing.T) {
	long := strings.Repeat("é", 257)
	secretAttrs := `{"ssn": "123-45-6789"`
	tests := []struct {
		name  string
		p     CreateParticipantParams
		field string
	}{
		{"nothing set", CreateParticipantParams{}, "Identity"},
		{"only attributes", CreateParticipantParams{Attributes: `{}`, RoleSID: testRL}, "Identity"},
		{"proxy without address", CreateParticipantParams{ProxyAddress: "+15017122661"}, "MessagingBinding.ProxyAddress"},
		{"proxy with projected but no address", CreateParticipantParams{ProxyAddress: "+15017122661", ProjectedAddress: "+15017122662"}, "MessagingBinding.ProxyAddress"},
		{"identity with address", CreateParticipantParams{Identity: "alice", Address: "+15558675310", ProxyAddress: "+15017122661"}, "MessagingBinding.Address"},
		{"identity with proxy", CreateParticipantParams{Identity: "alice", ProxyAddress: "+15017122661"}, "MessagingBinding.ProxyAddress"},
		{"projected with address", CreateParticipantParams{Address: "+15558675310", ProjectedAddress: "+15017122661"}, "MessagingBinding.ProjectedAddress"},
		{"identity too long", CreateParticipantParams{Identity: long}, "Identity"},
		{"address too long", CreateParticipantParams{Address: long, ProxyAddress: "+1"}, "MessagingBinding.Address"},
		{"proxy too long", CreateParticipantParams{Address: "+1", ProxyAddress: long}, "MessagingBinding.ProxyAddress"},
		{"projected too long", CreateParticipantParams{Identity: "a", ProjectedAddress: long}, "MessagingBinding.ProjectedAddress"},
		{"blank identity", CreateParticipantParams{Identity: "  "}, "Identity"},
		{"identity control char", CreateParticipantParams{Identity: "a\r\nb"}, "Identity"},
		{"identity invalid UTF-8", CreateParticipantParams{Identity: "a\xff"}, "Identity"},
		{"attributes not JSON", CreateParticipantParams{Identity: "alice", Attributes: secretAttrs}, "Attributes"},
		{"attributes invalid UTF-8", CreateParticipantParams{Identity: "alice", Attributes: "\"\xff\""}, "Attributes"},
		{"attributes too long", CreateParticipantParams{Identity: "alice", Attributes: `"` + strings.Repeat("x", 4095) + `"`}, "Attributes"},
		{"role not RL", CreateParticipantParams{Identity: "alice", RoleSID: testMB}, "RoleSid"},
		{"role short", CreateParticipantParams{Identity: "alice", RoleSID: "RL123"}, "RoleSid"},
		{"role not hex", CreateParticipantParams{Identity: "alice", RoleSID: "RL0123456789abcdef0123456789abcdeg"}, "RoleSid"},
		{"date year 10000", CreateParticipantParams{Identity: "alice", DateCreated: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "DateCreated"},
		{"date negative year", CreateParticipantParams{Identity: "alice", DateUpdated: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}, "DateUpdated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			answer(t, mock, jsonResp(201, participantJSON))
			c := newTestClient(t, mock)
			_, err := c.CreateParticipant(context.Background(), testCH, tt.p)
			wantParamError(t, err, tt.field)
			wantNoCalls(t, mock)
			if strings.Contains(err.Error(), "123-45-6789") || strings.Contains(err.Error(), "xxxx") {
				t.Errorf("error %q contains the attribute value", err)
			}
		})
	}
}

func TestCreateParamsLimitsAccepted(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, jsonResp(201, participantJSON))
	c := newTestClient(t, mock)
	p := CreateParticipantParams{
		Identity:         strings.Repeat("é", 256),
		ProjectedAddress: strings.Repeat("1", 256),
		Attributes:       `"` + strings.Repeat("x", 4094) + `"`,
	}
	if _, err := c.CreateParticipant(context.Background(), testCH, p); err != nil {
		t.Fatalf("limits refused: %v", err)
	}
	if len(rec.all()) != 1 {
		t.Error("no request")
	}
}

func TestInvalidListParams(t *testing.T) {
	tests := []struct {
		name  string
		p     ListParticipantsParams
		field string
	}{
		{"page size 101", ListParticipantsParams{PageSize: 101}, "params.PageSize"},
		{"page size negative", ListParticipantsParams{PageSize: -1}, "params.PageSize"},
		{"page negative", ListParticipantsParams{Page: -1}, "params.Page"},
		{"token control char", ListParticipantsParams{PageToken: "a\x00"}, "params.PageToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			answer(t, mock, jsonResp(200, page1))
			c := newTestClient(t, mock)
			_, err := c.ListParticipants(context.Background(), testCH, &tt.p)
			wantParamError(t, err, tt.field)
			wantNoCalls(t, mock)
		})
	}
}

func TestNewAccountSIDIsParamError(t *testing.T) {
	for _, sid := range []string{"SK0123456789abcdef0123456789abcdef", "AC0123", "AC0123456789abcdef0123456789abcdez"} {
		_, err := New(sid, testAuthToken)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Vendor != "twilio" || pe.Field != "accountSID" || !strings.Contains(pe.Reason, "AC followed by 32 hex digits") {
			t.Errorf("New(%q): err = %v (%T), want a *ParamError for accountSID", sid, err, err)
		}
	}
}

func TestNew(t *testing.T) {
	mockOpt := option.WithHTTPClient(&http.Client{Transport: httpmock.NewMockTransport()})
	tests := []struct {
		name       string
		sid, token string
		opts       []option.Option
		want       string
	}{
		{"empty sid", "", testAuthToken, nil, "accountSID"},
		{"blank sid", "   ", testAuthToken, nil, "accountSID"},
		{"sid control char", testAccountSID[:33] + "\n", testAuthToken, nil, "accountSID"},
		{"sid padded", " " + testAccountSID, testAuthToken, nil, "accountSID"},
		{"sid not AC", "SK0123456789abcdef0123456789abcdef", testAuthToken, nil, "accountSID"},
		{"sid short", "AC0123", testAuthToken, nil, "accountSID"},
		{"sid not hex", "AC0123456789abcdef0123456789abcdez", testAuthToken, nil, "accountSID"},
		{"empty token", testAccountSID, "", nil, "authToken"},
		{"blank token", testAccountSID, "\t ", nil, "authToken"},
		{"token padded", testAccountSID, testAuthToken + " ", nil, "authToken"},
		{"token control char", testAccountSID, "abc\x00def", nil, "authToken"},
		{"token invalid UTF-8", testAccountSID, "abc\xffdef", nil, "authToken"},
		{"nil option", testAccountSID, testAuthToken, []option.Option{mockOpt, nil}, "opts[1]: nil option"},
		{"option error", testAccountSID, testAuthToken, []option.Option{option.WithMaxRetries(-1)}, "WithMaxRetries"},
		{"http base URL", testAccountSID, testAuthToken, []option.Option{option.WithBaseURL("http://conversations.twilio.com")}, "WithBaseURL"},
		{"garbage base URL", testAccountSID, testAuthToken, []option.Option{option.WithBaseURL("::not a url")}, "WithBaseURL"},
		{"relative base URL", testAccountSID, testAuthToken, []option.Option{option.WithBaseURL("conversations.twilio.com")}, "WithBaseURL"},
		{"base URL with credentials", testAccountSID, testAuthToken, []option.Option{option.WithBaseURL("https://u:p@conversations.twilio.com")}, "WithBaseURL"},
		{"ftp base URL", testAccountSID, testAuthToken, []option.Option{option.WithBaseURL("ftp://conversations.twilio.com")}, "WithBaseURL"},
		{"empty base URL", testAccountSID, testAuthToken, []option.Option{option.WithBaseURL("")}, "WithBaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.sid, tt.token, tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "twilio") || !strings.Contains(msg, tt.want) {
				t.Errorf("err = %q, want it to name twilio and %q", msg, tt.want)
			}
			if tt.token != "" && strings.TrimSpace(tt.token) != "" && strings.Contains(msg, tt.token) {
				t.Errorf("err %q contains the token", msg)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(testAccountSID, testAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.server != DefaultBaseURL+"/" {
		t.Errorf("server = %v", c.server)
	}
}
