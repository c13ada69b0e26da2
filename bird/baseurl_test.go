package bird_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
)

// newBaseURLClient is a Bird client of base whose requests go to mock.
func newBaseURLClient(base string, mock *httpmock.MockTransport) (*bird.Client, error) {
	return bird.New("access-key", option.WithBaseURL(base), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
}

// A base URL whose path already ends with the start of Bird's operation
// paths (/workspaces/...) would double it: New refuses it, naming the option and
// the vendor, and nothing is sent.
func TestNewRefusesABaseURLThatDoublesTheAPIPrefix(t *testing.T) {
	for _, tc := range []struct{ base, give string }{
		{"https://api.bird.com/workspaces", `"https://api.bird.com"`},
		{"https://proxy.example.com/bird/workspaces/", `"https://proxy.example.com/bird"`},
	} {
		mock := httpmock.NewMockTransport()
		_, err := newBaseURLClient(tc.base, mock)
		var pe *bird.ParamError
		if !errors.As(err, &pe) || pe.Vendor != "bird" || pe.Field != "option.WithBaseURL" ||
			!strings.HasPrefix(err.Error(), "bird: invalid option.WithBaseURL: ") || !strings.Contains(err.Error(), "give "+tc.give) {
			t.Errorf("New(WithBaseURL(%q)) = %v; want a ParamError of option.WithBaseURL saying to give %s", tc.base, err, tc.give)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	}
	for _, base := range []string{bird.DefaultBaseURL, "https://proxy.example.com/bird"} {
		if _, err := newBaseURLClient(base, httpmock.NewMockTransport()); err != nil {
			t.Errorf("New(WithBaseURL(%q)) = %v; want it accepted", base, err)
		}
	}
}

// A 404 whose body is not Bird's error shape (here a web server's plain
// "404 page not found") says that the server at that host does not answer
// as Bird would; Bird's own 404 does not.
func TestA404ThatIsNotBirdsSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		misrouted               bool
	}{
		{"plain text", "text/plain; charset=utf-8", "404 page not found\n", true},
		{"HTML", "text/html", "<html><body><h1>Not Found</h1></body></html>", true},
		{"empty", "", "", true},
		{"another API's JSON", "application/json", `{"error":"not found"}`, true},
		{"Bird's own", "application/json", `{"code":"ResourceNotFound","message":"The requested resource does not exist"}`, false},
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
				_, err := c.GetParticipant(context.Background(), "2b6a9f3c-0c1d-4e5f-8a9b-0c1d2e3f4a5b", "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", "p1")
				return err
			}()
			var api *bird.APIError
			if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound {
				t.Fatalf("err = %v; want a 404 APIError", err)
			}
			says := strings.Contains(err.Error(), "the server at wrong.example.com does not answer as bird would (check option.WithBaseURL)")
			if api.Misrouted() != tc.misrouted || api.UnknownShape != tc.misrouted || says != tc.misrouted || api.Host != "wrong.example.com" {
				t.Errorf("Misrouted() = %v, UnknownShape = %v, Host = %q, err = %v; want misrouted %v", api.Misrouted(), api.UnknownShape, api.Host, err, tc.misrouted)
			}
		})
	}
}
