package sunshine_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/sunshine"
)

// newBaseURLClient is a Sunshine client of base whose requests go to mock.
func newBaseURLClient(base string, mock *httpmock.MockTransport) (*sunshine.Client, error) {
	return sunshine.New("app_5d8cff3cd55b040010928b5b", "secret", option.WithBaseURL(base), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
}

// A base URL whose path already ends with the start of Sunshine's operation
// paths (/v2/...) would double it: New refuses it, naming the option and
// the vendor, and nothing is sent.
func TestNewRefusesABaseURLThatDoublesTheAPIPrefix(t *testing.T) {
	for _, tc := range []struct{ base, give string }{
		{"https://api.smooch.io/v2", `"https://api.smooch.io"`},
		{"https://acme.zendesk.com/sc/v2/", `"https://acme.zendesk.com/sc"`},
		{"https://acme.zendesk.com/sc/v2/apps", `"https://acme.zendesk.com/sc"`},
	} {
		mock := httpmock.NewMockTransport()
		_, err := newBaseURLClient(tc.base, mock)
		var pe *sunshine.ParamError
		if !errors.As(err, &pe) || pe.Vendor != "sunshine" || pe.Field != "option.WithBaseURL" ||
			!strings.HasPrefix(err.Error(), "sunshine: invalid option.WithBaseURL: ") || !strings.Contains(err.Error(), "give "+tc.give) {
			t.Errorf("New(WithBaseURL(%q)) = %v; want a ParamError of option.WithBaseURL saying to give %s", tc.base, err, tc.give)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	}
	for _, base := range []string{sunshine.USBaseURL, sunshine.EUBaseURL, "https://acme.zendesk.com/sc"} {
		if _, err := newBaseURLClient(base, httpmock.NewMockTransport()); err != nil {
			t.Errorf("New(WithBaseURL(%q)) = %v; want it accepted", base, err)
		}
	}
}

// A 404 whose body is not Sunshine's error shape (here a web server's plain
// "404 page not found") says that the server at that host does not answer
// as Sunshine would; Sunshine's own 404 does not.
func TestA404ThatIsNotSunshinesSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		misrouted               bool
	}{
		{"plain text", "text/plain; charset=utf-8", "404 page not found\n", true},
		{"HTML", "text/html", "<html><body><h1>Not Found</h1></body></html>", true},
		{"empty", "", "", true},
		{"another API's JSON", "application/json", `{"error":"not found"}`, true},
		{"Sunshine's own", "application/json", `{"errors":[{"code":"conversation_not_found","title":"Conversation not found"}]}`, false},
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
			err = func() error { _, err := c.ListParticipants(context.Background(), "app1", "conv1", nil); return err }()
			var api *sunshine.APIError
			if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound {
				t.Fatalf("err = %v; want a 404 APIError", err)
			}
			says := strings.Contains(err.Error(), "the server at wrong.example.com does not answer as sunshine would (check option.WithBaseURL)")
			if api.Misrouted() != tc.misrouted || api.UnknownShape != tc.misrouted || says != tc.misrouted || api.Host != "wrong.example.com" {
				t.Errorf("Misrouted() = %v, UnknownShape = %v, Host = %q, err = %v; want misrouted %v", api.Misrouted(), api.UnknownShape, api.Host, err, tc.misrouted)
			}
		})
	}
}
