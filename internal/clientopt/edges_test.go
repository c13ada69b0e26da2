package clientopt

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/transport"
)

// The edges that the behaviour tests do not reach (found by mutation
// testing).

// A call's middleware runs inside the client's: the call's settings hold
// the client's, then the call's, in order; a call without any keeps the
// client's.
func TestCallMiddlewareAfterTheClients(t *testing.T) {
	var order []string
	mw := func(name string) transport.Middleware {
		return func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			order = append(order, name)
			return next(req)
		}
	}
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(httpmock.NewStringResponder(200, "{}"))
	s := Settings{HTTPClient: &http.Client{Transport: mock}, Middleware: []transport.Middleware{mw("client")}}
	tc := s.Transport("acme", nil, nil, transport.Redaction{})
	c := NewCaller("acme", tc)
	withCall := optFunc(func(s *Settings) error { s.Middleware = append(s.Middleware, mw("call")); return nil })
	header := optFunc(func(s *Settings) error { s.Header = http.Header{"X-A": {"a"}}; return nil })
	for _, tc2 := range []struct {
		name string
		opts []Option
		want string
	}{
		{"call middleware", []Option{withCall}, "client,call"},
		{"no call middleware", []Option{header}, "client"},
	} {
		order = nil
		call, err := Call(c, false, tc2.opts)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
		resp, err := tc.Do(context.Background(), req, call)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := strings.Join(order, ","); got != tc2.want {
			t.Errorf("%s: middleware ran %s, want %s", tc2.name, got, tc2.want)
		}
	}
}

// A base URL whose longest overlap with the API's prefix does not match,
// but a shorter one does, still doubles the prefix: ".../v1/Conversations/v1"
// followed by "/v1/Conversations/...".
func TestCheckAPIPrefixShorterOverlap(t *testing.T) {
	err := CheckAPIPrefix("twilio", "https://conversations.twilio.com/v1/Conversations/v1", "/v1/Conversations/{ConversationSid}/Participants")
	if err == nil {
		t.Fatal("a base URL ending in the API's first segment was accepted")
	}
}
