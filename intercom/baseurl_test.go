package intercom_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
)

// newBaseURLClient is a Intercom client of base whose requests go to mock.
func newBaseURLClient(base string, mock *httpmock.MockTransport) (*intercom.Client, error) {
	return intercom.New("token", option.WithBaseURL(base), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
}

// A base URL whose path already ends with the start of Intercom's operation
// paths (/conversations/...) would double it: New refuses it, naming the option and
// the vendor, and nothing is sent.
func TestNewRefusesABaseURLThatDoublesTheAPIPrefix(t *testing.T) {
	for _, tc := range []struct{ base, give string }{
		{"https://api.intercom.io/conversations", `"https://api.intercom.io"`},
		{"https://api.eu.intercom.io/conversations/", `"https://api.eu.intercom.io"`},
	} {
		mock := httpmock.NewMockTransport()
		_, err := newBaseURLClient(tc.base, mock)
		var pe *intercom.ParamError
		if !errors.As(err, &pe) || pe.Vendor != "intercom" || pe.Field != "option.WithBaseURL" ||
			!strings.HasPrefix(err.Error(), "intercom: invalid option.WithBaseURL: ") || !strings.Contains(err.Error(), "give "+tc.give) {
			t.Errorf("New(WithBaseURL(%q)) = %v; want a ParamError of option.WithBaseURL saying to give %s", tc.base, err, tc.give)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	}
	for _, base := range []string{intercom.DefaultBaseURL, "https://api.eu.intercom.io", "https://proxy.example.com/intercom"} {
		if _, err := newBaseURLClient(base, httpmock.NewMockTransport()); err != nil {
			t.Errorf("New(WithBaseURL(%q)) = %v; want it accepted", base, err)
		}
	}
}

// A 404 whose body is not Intercom's error shape (here a web server's plain
// "404 page not found") says that the server at that host does not answer
// as Intercom would; Intercom's own 404 does not.
func TestA404ThatIsNotIntercomsSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		misrouted               bool
	}{
		{"plain text", "text/plain; charset=utf-8", "404 page not found\n", true},
		{"HTML", "text/html", "<html><body><h1>Not Found</h1></body></html>", true},
		{"empty", "", "", true},
		{"another API's JSON", "application/json", `{"error":"not found"}`, true},
		{"Intercom's own", "application/json", `{"type":"error.list","request_id":"req1","errors":[{"code":"not_found","message":"Resource Not Found"}]}`, false},
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
			err = func() error { _, err := c.ConversationContacts(context.Background(), "123"); return err }()
			var api *intercom.APIError
			if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound {
				t.Fatalf("err = %v; want a 404 APIError", err)
			}
			says := strings.Contains(err.Error(), "the server at wrong.example.com does not answer as intercom would (check option.WithBaseURL)")
			if api.Misrouted() != tc.misrouted || api.UnknownShape != tc.misrouted || says != tc.misrouted || api.Host != "wrong.example.com" {
				t.Errorf("Misrouted() = %v, UnknownShape = %v, Host = %q, err = %v; want misrouted %v", api.Misrouted(), api.UnknownShape, api.Host, err, tc.misrouted)
			}
		})
	}
}
