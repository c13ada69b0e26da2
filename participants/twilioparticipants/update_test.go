package twilioparticipants_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

const (
	updConv = "CH0123456789abcdef0123456789abcdef"
	updSID  = "MB0123456789abcdef0123456789abcdef"
	updRole = "RL0123456789abcdef0123456789abcdef"
	updBase = "https://twilio.test"
	updPath = updBase + "/v1/Conversations/" + updConv + "/Participants/" + updSID
)

// updateClient is a Client over a Twilio client whose requests go to mock
// (no retries, so that attempts are requests).
func updateClient(t *testing.T, mock *httpmock.MockTransport, o twilioparticipants.Options) *participants.Client {
	t.Helper()
	tc, err := twilio.New(envTwilioSID, "token", option.WithBaseURL(updBase), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return participants.New(twilioparticipants.New(tc, o))
}

// sent records the form and the webhook header of each update request.
type sent struct {
	form    url.Values
	webhook string
}

func updateResponder(t *testing.T, got *[]sent) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(b))
		if err != nil {
			t.Errorf("body %q: %v", b, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type = %q", ct)
		}
		*got = append(*got, sent{form: form, webhook: r.Header.Get("X-Twilio-Webhook-Enabled")})
		return httpmock.NewStringResponse(200, `{"sid":"`+updSID+`","conversation_sid":"`+updConv+`","identity":"ada",`+
			`"role_sid":"`+form.Get("RoleSid")+`","attributes":`+jsonString(form.Get("Attributes"))+`}`), nil
	}
}

func jsonString(s string) string {
	if s == "" {
		return `"{}"`
	}
	b := []byte{'"'}
	for _, r := range s {
		if r == '"' || r == '\\' {
			b = append(b, '\\')
		}
		b = append(b, string(r)...)
	}
	return string(append(b, '"'))
}

// Update by ParticipantID is one POST to the participant's SID with
// RoleSid and Attributes as form fields, and nothing else.
func TestUpdateWireShape(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var got []sent
	mock.RegisterResponder(http.MethodPost, updPath, updateResponder(t, &got))
	c := updateClient(t, mock, twilioparticipants.Options{})
	res, err := c.Update(ctx, updConv, participants.Participant{ParticipantID: updSID},
		participants.Update{Role: updRole, Attributes: []byte(`{"tier":"gold"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != participants.Updated || res.ID != updSID || res.Provider != "twilio" {
		t.Errorf("Result = %v", res)
	}
	var tp *twilio.Participant
	if !res.As(&tp) || tp.RoleSID != updRole || tp.Attributes != `{"tier":"gold"}` {
		t.Errorf("Result.As = %+v", tp)
	}
	want := url.Values{"RoleSid": {updRole}, "Attributes": {`{"tier":"gold"}`}}
	if len(got) != 1 || got[0].form.Encode() != want.Encode() || got[0].webhook != "" {
		t.Errorf("sent %+v, want one form %v without the webhook header", got, want)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// The role alone sends RoleSid alone (no Attributes, not even empty); the
// webhook header follows Options.WebhookEnabled and WithWebhooks.
func TestUpdateRoleAloneAndWebhooks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		o       twilioparticipants.Options
		opts    []participants.Option
		webhook string
	}{
		{"default", twilioparticipants.Options{}, nil, ""},
		{"Options", twilioparticipants.Options{WebhookEnabled: true}, nil, "true"},
		{"WithWebhooks", twilioparticipants.Options{}, []participants.Option{twilioparticipants.WithWebhooks(true)}, "true"},
		{"WithWebhooks(false)", twilioparticipants.Options{WebhookEnabled: true}, []participants.Option{twilioparticipants.WithWebhooks(false)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			var got []sent
			mock.RegisterResponder(http.MethodPost, updPath, updateResponder(t, &got))
			c := updateClient(t, mock, tc.o)
			if _, err := c.Update(ctx, updConv, participants.Participant{ParticipantID: updSID}, participants.Update{Role: updRole}, tc.opts...); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].form.Encode() != (url.Values{"RoleSid": {updRole}}).Encode() || got[0].webhook != tc.webhook {
				t.Errorf("sent %+v, want RoleSid alone and webhook %q", got, tc.webhook)
			}
		})
	}
}

// By ExternalID, Update fetches the participant for its SID (Twilio
// updates by SID only), then updates it.
func TestUpdateByExternalIDFetchesTheSID(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var got []sent
	mock.RegisterResponder(http.MethodGet, updBase+"/v1/Conversations/"+updConv+"/Participants/ada",
		httpmock.NewStringResponder(200, `{"sid":"`+updSID+`","conversation_sid":"`+updConv+`","identity":"ada"}`))
	mock.RegisterResponder(http.MethodPost, updPath, updateResponder(t, &got))
	c := updateClient(t, mock, twilioparticipants.Options{})
	res, err := c.Update(ctx, updConv, participants.Participant{ExternalID: "ada"}, participants.Update{Attributes: []byte(`{"a":1}`)})
	if err != nil || res.ID != updSID {
		t.Fatalf("Update = %v, %v", res, err)
	}
	if n := mock.GetTotalCallCount(); n != 2 || len(got) != 1 || got[0].form.Encode() != (url.Values{"Attributes": {`{"a":1}`}}).Encode() {
		t.Errorf("%d requests, sent %+v", n, got)
	}
}

// What Twilio cannot carry or take is refused before any request, naming
// the field and the vendor.
func TestUpdateRefusedBeforeAnyRequest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		who   participants.Participant
		u     participants.Update
		code  participants.ErrorCode
		field string
	}{
		{"status", participants.Participant{ParticipantID: updSID}, participants.Update{Status: participants.StatusActive}, participants.Unimplemented, "Update.Status"},
		{"status beside a role", participants.Participant{ParticipantID: updSID}, participants.Update{Role: updRole, Status: participants.StatusActive}, participants.Unimplemented, "Update.Status"},
		{"not a role SID", participants.Participant{ParticipantID: updSID}, participants.Update{Role: "admin"}, participants.InvalidArgument, "Update.Role"},
		{"attributes not an object", participants.Participant{ParticipantID: updSID}, participants.Update{Attributes: []byte(`"x"`)}, participants.InvalidArgument, "Update.Attributes"},
		{"attributes null", participants.Participant{ParticipantID: updSID}, participants.Update{Attributes: []byte(`null`)}, participants.InvalidArgument, "Update.Attributes"},
		{"nothing", participants.Participant{ParticipantID: updSID}, participants.Update{}, participants.InvalidArgument, "Update"},
		{"not an MB SID", participants.Participant{ParticipantID: "ada"}, participants.Update{Role: updRole}, participants.InvalidArgument, "ParticipantID"},
		{"email", participants.Participant{Email: "ada@example.com"}, participants.Update{Role: updRole}, participants.Unimplemented, "Email"},
		{"admin option", participants.Participant{ParticipantID: updSID}, participants.Update{Role: updRole}, participants.InvalidArgument, "WithRole"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			c := updateClient(t, mock, twilioparticipants.Options{})
			var opts []participants.Option
			if tc.field == "WithRole" {
				opts = append(opts, twilioparticipants.WithRole(updRole)) // Add only
			}
			_, err := c.Update(ctx, updConv, tc.who, tc.u, opts...)
			var pe *participants.Error
			if !errors.As(err, &pe) || pe.Code != tc.code || pe.Field != tc.field || pe.Provider != "twilio" {
				t.Errorf("err = %v, want %v naming %s", err, tc.code, tc.field)
			}
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%d requests, want none", n)
			}
		})
	}
}

// A vendor error keeps its code and the *APIError; a transport failure is
// Unavailable.
func TestUpdateErrors(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, updPath, httpmock.NewStringResponder(404,
		`{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`))
	c := updateClient(t, mock, twilioparticipants.Options{})
	_, err := c.Update(ctx, updConv, participants.Participant{ParticipantID: updSID}, participants.Update{Role: updRole})
	var api *twilio.APIError
	if participants.Code(err) != participants.NotFound || !errors.As(err, &api) || api.StatusCode != 404 {
		t.Errorf("404: err = %v, want NotFound with the *APIError", err)
	}

	mock = httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, updPath, httpmock.NewErrorResponder(errors.New("connection reset")))
	c = updateClient(t, mock, twilioparticipants.Options{})
	_, err = c.Update(ctx, updConv, participants.Participant{ParticipantID: updSID}, participants.Update{Role: updRole})
	if participants.Code(err) != participants.Unavailable {
		t.Errorf("transport failure: err = %v, want Unavailable", err)
	}
}
