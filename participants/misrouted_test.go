package participants_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// misroutedClients are facade clients of every vendor whose base URL
// reaches a web server that answers every request "404 page not found"
// (a wrong host), through mock.
func misroutedClients(t *testing.T, mock *httpmock.MockTransport) map[string]struct {
	c    *participants.Client
	conv string
	p    participants.Participant
} {
	t.Helper()
	opts := []option.Option{option.WithBaseURL("https://wrong.example.com"), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ic, err := intercom.New("token", opts...)
	must(err)
	bc, err := bird.New("access-key", opts...)
	must(err)
	tc, err := twilio.New("AC0123456789abcdef0123456789abcdef", "token", opts...)
	must(err)
	sc, err := sunshine.New("app_5d8cff3cd55b040010928b5b", "secret", opts...)
	must(err)
	type entry = struct {
		c    *participants.Client
		conv string
		p    participants.Participant
	}
	return map[string]entry{
		"intercom": {participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "991"})), "123", participants.Participant{ExternalID: "ada"}},
		"bird":     {participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: "2b6a9f3c-0c1d-4e5f-8a9b-0c1d2e3f4a5b"})), "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", participants.Participant{Email: "ada@example.com"}},
		"twilio":   {participants.New(twilioparticipants.New(tc, twilioparticipants.Options{})), "CH0123456789abcdef0123456789abcdef", participants.Participant{ExternalID: "ada"}},
		"sunshine": {participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: "app1"})), "conv1", participants.Participant{ExternalID: "ada"}},
	}
}

// A 404 from a server that does not answer as the vendor would (a wrong
// base URL) is never NotFound, nor a success such as AlreadyAbsent: the
// error says the server at that host does not answer as the vendor would.
func TestAMisrouted404IsNotNotFound(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(http.StatusNotFound, "404 page not found\n")
		r.Header.Set("Content-Type", "text/plain; charset=utf-8")
		return r, nil
	})
	ctx := context.Background()
	for name, e := range misroutedClients(t, mock) {
		check := func(op string, err error) {
			t.Helper()
			if err == nil || participants.Code(err) == participants.NotFound || errors.Is(err, participants.ErrNotFound) ||
				!strings.Contains(err.Error(), "the server at wrong.example.com does not answer as "+name+" would (check option.WithBaseURL)") {
				t.Errorf("%s %s = %v (code %v); want an error saying the server does not answer as %s would, not NotFound", name, op, err, participants.Code(err), name)
			}
		}
		_, err := e.c.Add(ctx, e.conv, e.p)
		check("Add", err)
		_, err = e.c.Get(ctx, e.conv, e.p)
		check("Get", err)
		res, err := e.c.Remove(ctx, e.conv, e.p)
		if err == nil {
			t.Errorf("%s Remove = %+v; want an error", name, res)
		}
		check("Remove", err)
		for _, err := range e.c.List(ctx, e.conv) {
			if err != nil {
				check("List", err)
			}
		}
	}
	if mock.GetTotalCallCount() == 0 {
		t.Fatal("no request reached the mock")
	}
}
