package twilioparticipants_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// Issue 18 item 5: a vendor or proxy that echoes the credential it received
// never gets it into Error() through the messages the library writes
// itself. Each case answers with the credential where the library quotes
// what Twilio sent, for a client with an API key and one with an auth
// token.

const (
	twEchoKeySID    = "SK0123456789abcdef0123456789abcdef"
	twEchoKeySecret = "apikey-SECRET-9f8e7d6c5b4a"
	twEchoToken     = "authtoken-SECRET-0a1b2c3d"
)

// twEchoClients returns a twilio client with an API key and one with an
// auth token, each over its own mock transport whose responder gets the
// client's secret, and the forms of the credential that must never show.
func twEchoClients(t *testing.T, respond func(secret string, req *http.Request) *http.Response) map[string]struct {
	tc      *twilio.Client
	secrets []string
} {
	t.Helper()
	out := map[string]struct {
		tc      *twilio.Client
		secrets []string
	}{}
	for _, k := range []struct{ name, user, secret string }{
		{"api key", twEchoKeySID, twEchoKeySecret},
		{"auth token", envTwilioSID, twEchoToken},
	} {
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) { return respond(k.secret, req), nil })
		opts := []option.Option{option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0)}
		var tc *twilio.Client
		var err error
		if k.user == twEchoKeySID {
			tc, err = twilio.NewWithAPIKey(k.user, k.secret, opts...)
		} else {
			tc, err = twilio.New(k.user, k.secret, opts...)
		}
		if err != nil {
			t.Fatal(err)
		}
		basic := base64.StdEncoding.EncodeToString([]byte(k.user + ":" + k.secret))
		out[k.name] = struct {
			tc      *twilio.Client
			secrets []string
		}{tc, []string{k.secret, basic}}
	}
	return out
}

func jsonResponse(status int, body string) *http.Response {
	resp := httpmock.NewStringResponse(status, body)
	resp.Header.Set("Content-Type", "application/json")
	return resp
}

// wantHidden fails unless err is an error whose message holds none of
// secrets.
func wantHidden(t *testing.T, err error, secrets []string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("Error() holds the credential: %v", err)
		}
	}
}

func twPage(next string) string {
	return `{"participants":[{"sid":"MB00000000000000000000000000000001","identity":"ada"}],"meta":{"next_page_url":` + next + `}}`
}

// An unparsable next_page_url: List (the facade's own parsing) and Get by
// Phone (the twilio client's AllParticipants) fail without quoting it.
func TestTwilioUnparsableNextPageHidesCredential(t *testing.T) {
	for name, k := range twEchoClients(t, func(secret string, _ *http.Request) *http.Response {
		return jsonResponse(200, twPage(`"https://conversations.twilio.com:`+secret+`/v1/x?PageToken=PT1"`))
	}) {
		t.Run(name, func(t *testing.T) {
			c := participants.New(twilioparticipants.New(k.tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
			var last error
			for _, err := range c.List(ctx, twConv) {
				last = err
			}
			wantHidden(t, last, k.secrets)
			_, err := c.Get(ctx, twConv, participants.Participant{Phone: "+15558675310"})
			wantHidden(t, err, k.secrets)
			for _, err := range k.tc.AllParticipants(ctx, twConv, nil) {
				last = err
			}
			wantHidden(t, last, k.secrets)
		})
	}
}

// A next_page_url that repeats, with the credential in its PageToken: the
// Client's "returned before" error quotes the token without it.
func TestTwilioRepeatedNextPageHidesCredential(t *testing.T) {
	for name, k := range twEchoClients(t, func(secret string, _ *http.Request) *http.Response {
		return jsonResponse(200, twPage(`"https://conversations.twilio.com/v1/x?PageSize=50&PageToken=`+secret+`"`))
	}) {
		t.Run(name, func(t *testing.T) {
			c := participants.New(twilioparticipants.New(k.tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
			var last error
			for _, err := range c.List(ctx, twConv) {
				last = err
			}
			wantHidden(t, last, k.secrets)
			if !strings.Contains(last.Error(), "returned before") {
				t.Errorf("err = %v, want the repeated token's error", last)
			}
			for _, err := range k.tc.AllParticipants(ctx, twConv, nil) {
				last = err
			}
			wantHidden(t, last, k.secrets)
		})
	}
}

// A fetch by identity answered with another participant whose SID is the
// credential: the error names the SID without it.
func TestTwilioOtherParticipantSIDHidesCredential(t *testing.T) {
	for name, k := range twEchoClients(t, func(secret string, _ *http.Request) *http.Response {
		return jsonResponse(200, `{"sid":"`+secret+`","identity":"bob"}`)
	}) {
		t.Run(name, func(t *testing.T) {
			c := participants.New(twilioparticipants.New(k.tc, twilioparticipants.Options{}))
			_, err := c.Get(ctx, twConv, participants.Participant{ExternalID: "ada"})
			twilioWantCode(t, err, participants.Unknown, "ExternalID")
			wantHidden(t, err, k.secrets)
			if !strings.Contains(err.Error(), "another participant ([redacted])") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// A success body whose value the decoder refuses (a date that is the
// credential): the decoder's message quotes the value; the error does
// not show it. Create, fetch, update and list.
func TestTwilioDecodeErrorHidesCredential(t *testing.T) {
	for name, k := range twEchoClients(t, func(secret string, req *http.Request) *http.Response {
		p := `{"sid":"MB00000000000000000000000000000001","date_created":"` + secret + `"}`
		if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/Participants") {
			return jsonResponse(200, `{"participants":[`+p+`],"meta":{}}`)
		}
		return jsonResponse(200, p)
	}) {
		t.Run(name, func(t *testing.T) {
			_, err := k.tc.CreateParticipant(ctx, twConv, twilio.CreateParticipantParams{Identity: "ada"})
			wantHidden(t, err, k.secrets)
			_, err = k.tc.FetchParticipant(ctx, twConv, "ada")
			wantHidden(t, err, k.secrets)
			_, err = k.tc.UpdateParticipant(ctx, twConv, "MB00000000000000000000000000000001", twilio.UpdateParticipantParams{Identity: "bob"})
			wantHidden(t, err, k.secrets)
			_, err = k.tc.ListParticipants(ctx, twConv, nil)
			wantHidden(t, err, k.secrets)
			c := participants.New(twilioparticipants.New(k.tc, twilioparticipants.Options{}))
			_, err = c.Add(ctx, twConv, participants.Participant{ExternalID: "ada"})
			wantHidden(t, err, k.secrets)
		})
	}
}
