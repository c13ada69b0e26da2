package twilio_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/twilio"
)

// fakeTwilio answers create with a 201 for "alice" and Twilio's duplicate
// error 50433 for anyone else.
func fakeTwilio() *http.Client {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		_ = req.ParseForm()
		if req.PostForm.Get("Identity") == "alice" {
			return httpmock.NewStringResponse(201, `{"sid":"MB0123456789abcdef0123456789abcdef","identity":"alice","messaging_binding":null}`), nil
		}
		resp := httpmock.NewStringResponse(409, `{"code":50433,"message":"Participant already exists","more_info":"https://www.twilio.com/docs/errors/50433","status":409}`)
		resp.Header.Set("Twilio-Request-Id", "RQ123")
		return resp, nil
	})
	return &http.Client{Transport: mock}
}

func ExampleClient_CreateParticipant() {
	c, err := twilio.New("AC0123456789abcdef0123456789abcdef", "your_auth_token",
		option.WithHTTPClient(fakeTwilio()))
	if err != nil {
		panic(err)
	}
	p, err := c.CreateParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef",
		twilio.CreateParticipantParams{Identity: "alice", WebhookEnabled: true})
	if err != nil {
		panic(err)
	}
	isMessaging := p.MessagingBinding != nil
	fmt.Println(p.SID, p.Identity, isMessaging)

	_, err = c.CreateParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef",
		twilio.CreateParticipantParams{Identity: "bob"})
	var apiErr *twilio.APIError
	if errors.As(err, &apiErr) && apiErr.Code == twilio.CodeIdentityExists {
		fmt.Println("already there:", apiErr.StatusCode, apiErr.RequestID)
	}
	// Output:
	// MB0123456789abcdef0123456789abcdef alice false
	// already there: 409 RQ123
}

// A bad argument is a *twilio.ParamError, returned before any request.
func ExampleParamError() {
	c, err := twilio.New("AC0123456789abcdef0123456789abcdef", "your_auth_token",
		option.WithHTTPClient(fakeTwilio()))
	if err != nil {
		panic(err)
	}
	err = c.DeleteParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef", "alice", nil)
	var pe *twilio.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field, "-", pe.Reason)
	}
	// Output:
	// participantSID - "alice" is not a MB SID (MB followed by 32 hex digits)
}
