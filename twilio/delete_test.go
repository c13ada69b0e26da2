package twilio

import (
	"context"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jarcoal/httpmock"
)

// X-Twilio-Webhook-Enabled is sent on delete exactly when asked, as on
// create.
func TestDeleteWebhookHeader(t *testing.T) {
	tests := []struct {
		name   string
		params *DeleteParticipantParams
		want   []string
	}{
		{"nil params", nil, nil},
		{"zero params", &DeleteParticipantParams{}, nil},
		{"webhook enabled", &DeleteParticipantParams{WebhookEnabled: true}, []string{"true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			rec := answer(t, mock, rawResp(204, "", ""))
			c := newTestClient(t, mock)
			if err := c.DeleteParticipant(context.Background(), testCH, testMB, tt.params); err != nil {
				t.Fatal(err)
			}
			calls := rec.all()
			if len(calls) != 1 {
				t.Fatalf("%d calls", len(calls))
			}
			r := calls[0].req
			if r.Method != http.MethodDelete || r.URL.Path != "/v1/Conversations/"+testCH+"/Participants/"+testMB {
				t.Errorf("request = %s %s", r.Method, r.URL.Path)
			}
			if got := r.Header.Values("X-Twilio-Webhook-Enabled"); len(got) != len(tt.want) || (len(got) == 1 && got[0] != tt.want[0]) {
				t.Errorf("X-Twilio-Webhook-Enabled = %q, want %q", got, tt.want)
			}
		})
	}
}

// Only fetch takes an identity in place of the MB SID: delete refuses
// anything but an MB SID before sending, and fetch still takes an identity.
func TestDeleteRefusesIdentity(t *testing.T) {
	for _, v := range []string{"alice", "MB0123", "CH0123456789abcdef0123456789abcdef", "MB0123456789abcdef0123456789abcdeg", testMB + "0"} {
		t.Run(v, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			answer(t, mock, rawResp(204, "", ""))
			c := newTestClient(t, mock)
			wantParamError(t, c.DeleteParticipant(context.Background(), testCH, v, nil), "participantSID")
			wantNoCalls(t, mock)
		})
	}
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(200, participantJSON))
	c := newTestClient(t, mock)
	if _, err := c.FetchParticipant(context.Background(), testCH, "alice"); err != nil {
		t.Errorf("fetch by identity: %v", err)
	}
}

// The spec says the same: fetch's Sid may be an identity, delete's is an MB
// SID, and delete takes X-Twilio-Webhook-Enabled like create.
func TestSpecParticipantSid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../specs/twilio.yaml")
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Find("/v1/Conversations/{ConversationSid}/Participants/{Sid}")
	fetch := item.Get.Parameters.GetByInAndName("path", "Sid")
	del := item.Delete.Parameters.GetByInAndName("path", "Sid")
	if fetch == nil || fetch.Schema.Value.Pattern != "" {
		t.Errorf("fetch Sid = %+v, want no pattern (an identity is allowed)", fetch)
	}
	if del == nil || del.Schema.Value.Pattern != "^MB[0-9a-fA-F]{32}$" {
		t.Errorf("delete Sid = %+v, want the MB pattern", del)
	}
	if item.Delete.Parameters.GetByInAndName("header", "X-Twilio-Webhook-Enabled") == nil {
		t.Error("delete does not take X-Twilio-Webhook-Enabled")
	}
}
