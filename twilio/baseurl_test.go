package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/twilio"
)

// newBaseURLClient is a Twilio client of base whose requests go to mock.
func newBaseURLClient(base string, mock *httpmock.MockTransport) (*twilio.Client, error) {
	return twilio.New("AC0123456789abcdef0123456789abcdef", "token", option.WithBaseURL(base), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
}

// A base URL whose path already ends with the start of Twilio's operation
// paths (/v1/...) would double it: New refuses it, naming the option and
// the vendor, and nothing is sent.
func TestNewRefusesABaseURLThatDoublesTheAPIPrefix(t *testing.T) {
	for _, tc := range []struct{ base, give string }{
		{"https://conversations.twilio.com/v1", `"https://conversations.twilio.com"`},
		{"https://conversations.twilio.com/v1/", `"https://conversations.twilio.com"`},
		{"https://proxy.example.com/twilio/V1/Conversations", `"https://proxy.example.com/twilio"`},
		{"https://proxy.example.com/v1/Services", `"https://proxy.example.com"`},
	} {
		mock := httpmock.NewMockTransport()
		_, err := newBaseURLClient(tc.base, mock)
		var pe *twilio.ParamError
		if !errors.As(err, &pe) || pe.Vendor != "twilio" || pe.Field != "option.WithBaseURL" ||
			!strings.HasPrefix(err.Error(), "twilio: invalid option.WithBaseURL: ") || !strings.Contains(err.Error(), "give "+tc.give) {
			t.Errorf("New(WithBaseURL(%q)) = %v; want a ParamError of option.WithBaseURL saying to give %s", tc.base, err, tc.give)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	}
	for _, base := range []string{"https://conversations.twilio.com", "https://proxy.example.com/twilio", "https://proxy.example.com/v1x"} {
		if _, err := newBaseURLClient(base, httpmock.NewMockTransport()); err != nil {
			t.Errorf("New(WithBaseURL(%q)) = %v; want it accepted", base, err)
		}
	}
}

// A 404 whose body is not Twilio's error shape (here a web server's plain
// "404 page not found") says that the server at that host does not answer
// as Twilio would; Twilio's own 404 does not.
func TestA404ThatIsNotTwiliosSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		misrouted               bool
	}{
		{"plain text", "text/plain; charset=utf-8", "404 page not found\n", true},
		{"HTML", "text/html", "<html><body><h1>Not Found</h1></body></html>", true},
		{"empty", "", "", true},
		{"another API's JSON", "application/json", `{"error":"not found"}`, true},
		{"Twilio's own", "application/json", `{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(http.StatusNotFound, tc.body)
				if tc.contentType != "" {
					r.Header.Set("Content-Type", tc.contentType)
				}
				return r, nil
			})
			c, err := newBaseURLClient("https://wrong.example.com", mock)
			if err != nil {
				t.Fatal(err)
			}
			err = func() error {
				_, err := c.FetchParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef", "MB0123456789abcdef0123456789abcdef")
				return err
			}()
			var api *twilio.APIError
			if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound {
				t.Fatalf("err = %v; want a 404 APIError", err)
			}
			says := strings.Contains(err.Error(), "the server at wrong.example.com does not answer as twilio would (check option.WithBaseURL)")
			if api.Misrouted() != tc.misrouted || api.UnknownShape != tc.misrouted || says != tc.misrouted || api.Host != "wrong.example.com" {
				t.Errorf("Misrouted() = %v, UnknownShape = %v, Host = %q, err = %v; want misrouted %v", api.Misrouted(), api.UnknownShape, api.Host, err, tc.misrouted)
			}
		})
	}
}
