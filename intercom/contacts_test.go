package intercom

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/option"
)

// seedConversation is Intercom's "Retrieve a conversation" answer cut to
// what matters here, with members conversekit does not model around the
// contacts list.
const seedConversation = `{"type":"conversation","id":"123","created_at":1663597223,"source":{"type":"conversation","id":"403918316"},
 "contacts":{"type":"contact.list","contacts":[
  {"type":"contact","id":"597f02cb22f4bb37597e0b7d","external_id":"ext-42"},
  {"type":"contact","id":"58ff3f670f14ab4f1aa83750","external_id":null},
  {"type":"contact","id":"5ba682d23d7cf92bef87bfd4"}]},
 "teammates":{"type":"admin.list","admins":[{"type":"admin","id":"781236"}]},
 "conversation_parts":{"type":"conversation_part.list","conversation_parts":[],"total_count":0}}`

var seedContacts = &ConversationContacts{Type: "contact.list", Contacts: []ContactReference{
	{Type: "contact", ID: "597f02cb22f4bb37597e0b7d", ExternalID: "ext-42"},
	{Type: "contact", ID: "58ff3f670f14ab4f1aa83750"},
	{Type: "contact", ID: "5ba682d23d7cf92bef87bfd4"},
}}

func TestConversationContactsWire(t *testing.T) {
	c, mock, rec := setup(t, ok(seedConversation))
	got, err := c.ConversationContacts(context.Background(), "123456789")
	if err != nil {
		t.Fatalf("ConversationContacts: %v", err)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Fatalf("calls = %d, want 1", n)
	}
	r := rec.last(t)
	if r.req.Method != http.MethodGet {
		t.Errorf("method = %s, want GET", r.req.Method)
	}
	if r.req.URL.String() != "https://api.intercom.io/conversations/123456789" {
		t.Errorf("URL = %s", r.req.URL)
	}
	checkHeaders(t, r.req, map[string]string{
		"Authorization":    "Bearer " + testToken,
		"Accept":           "application/json",
		"User-Agent":       clientopt.UserAgent,
		"Intercom-Version": "2.14",
	})
	if r.body != "" {
		t.Errorf("GET sent a body: %q", r.body)
	}
	if !reflect.DeepEqual(got, seedContacts) {
		t.Errorf("got %+v\nwant %+v", got, seedContacts)
	}
}

func TestConversationContactsDecoding(t *testing.T) {
	tests := []struct {
		name string
		resp httpmock.Responder
		want *ConversationContacts
	}{
		{"no Content-Type", rawResponder(200, seedConversation), seedContacts},
		{"empty list", jsonResponder(200, `{"contacts":{"type":"contact.list","contacts":[]}}`),
			&ConversationContacts{Type: "contact.list", Contacts: []ContactReference{}}},
		{"other type kept", jsonResponder(200, `{"contacts":{"contacts":[{"type":"user","id":"u1","external_id":""}]}}`),
			&ConversationContacts{Contacts: []ContactReference{{Type: "user", ID: "u1"}}}},
		{"malformed rate-limit headers", jsonResponder(200, seedConversation, "X-RateLimit-Limit", "lots", "X-RateLimit-Reset", "soon"), seedContacts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := setup(t, []httpmock.Responder{tt.resp})
			got, err := c.ConversationContacts(context.Background(), "1")
			if err != nil {
				t.Fatalf("ConversationContacts: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A 2xx proves only what its body proves: a body without the contacts list
// (the customers list of attach included) is a *SuccessBodyError.
func TestConversationContactsWithoutList(t *testing.T) {
	for name, body := range map[string]string{
		"empty object":        `{}`,
		"customers list":      seedResponse,
		"contacts null":       `{"contacts":null}`,
		"contacts empty":      `{"contacts":{}}`,
		"inner null":          `{"type":"conversation","contacts":{"type":"contact.list","contacts":null}}`,
		"contacts array":      `{"contacts":[{"type":"contact","id":"597f02cb22f4bb37597e0b7d"}]}`,
		"inner object":        `{"contacts":{"contacts":{"id":"597f02cb22f4bb37597e0b7d"}}}`,
		"null":                `null`,
		"array":               `[]`,
		"empty body":          ``,
		"html":                `<html>ok</html>`,
		"truncated":           `{"contacts":{"type":"contact.list","contacts":[{"id":`,
		"conversation no ids": `{"type":"conversation","id":"123"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mock, _ := setup(t, ok(body))
			_, err := c.ConversationContacts(context.Background(), "1")
			var se *SuccessBodyError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *SuccessBodyError", err, err)
			}
			if se.Vendor != "intercom" || se.Op != "GET /conversations/{id}" || se.StatusCode != 200 || se.Missing != "a contacts list" {
				t.Errorf("SuccessBodyError = %+v", se)
			}
			if strings.Contains(err.Error(), "597f02cb") {
				t.Errorf("Error() quotes the body: %q", err)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

// A list with a member of the wrong type is a decoding error naming the
// operation: neither a success nor an *APIError.
func TestConversationContactsUndecodable(t *testing.T) {
	c, _, _ := setup(t, ok(`{"contacts":{"type":"contact.list","contacts":[{"type":"contact","id":5}]}}`))
	got, err := c.ConversationContacts(context.Background(), "1")
	if err == nil || got != nil {
		t.Fatalf("got %+v, %v; want an error", got, err)
	}
	if !strings.HasPrefix(err.Error(), "intercom: GET /conversations/{id}: decoding the 200 response") {
		t.Errorf("err = %q", err)
	}
	var apiErr *APIError
	var se *SuccessBodyError
	if errors.As(err, &apiErr) || errors.As(err, &se) {
		t.Errorf("err = %#v, want a plain decoding error", err)
	}
}

func TestConversationContactsAPIErrors(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		body          string
		code, message string
	}{
		{"404 missing conversation", 404, `{"type":"error.list","request_id":"r404","errors":[{"code":"not_found","message":"Resource Not Found"}]}`, "not_found", "Resource Not Found"},
		{"401", 401, `{"type":"error.list","request_id":"r401","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`, "unauthorized", "Access Token Invalid"},
		{"403", 403, `{"type":"error.list","request_id":"r403","errors":[{"code":"api_plan_restricted","message":"Active subscription needed."}]}`, "api_plan_restricted", "Active subscription needed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, _ := setup(t, []httpmock.Responder{jsonResponder(tt.status, tt.body)})
			got, err := c.ConversationContacts(context.Background(), "1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || got != nil {
				t.Fatalf("got %+v, err = %v (%T), want *APIError", got, err, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code || apiErr.Message != tt.message || apiErr.Vendor != "intercom" || string(apiErr.Body) != tt.body {
				t.Errorf("APIError = %+v", apiErr)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("calls = %d, want 1 (a %d is not retried)", n, tt.status)
			}
		})
	}
}

func TestConversationContactsRetries(t *testing.T) {
	t.Run("5xx", func(t *testing.T) {
		c, mock, _ := setup(t, []httpmock.Responder{rawResponder(502, "<html>bad gateway</html>"), jsonResponder(200, seedConversation)})
		got, err := c.ConversationContacts(context.Background(), "1")
		if err != nil || !reflect.DeepEqual(got, seedContacts) {
			t.Fatalf("got %+v, %v", got, err)
		}
		if n := mock.GetTotalCallCount(); n != 2 {
			t.Errorf("calls = %d, want 2", n)
		}
	})
	t.Run("transport failure", func(t *testing.T) {
		boom := errors.New("connection reset by peer")
		c, mock, _ := setup(t, []httpmock.Responder{httpmock.NewErrorResponder(boom)}, option.WithMaxRetries(2))
		got, err := c.ConversationContacts(context.Background(), "1")
		if !errors.Is(err, boom) || got != nil || !strings.HasPrefix(err.Error(), "intercom: GET https://api.intercom.io/conversations/1: ") {
			t.Fatalf("got %+v, err = %v, want the transport error naming the operation", got, err)
		}
		if n := mock.GetTotalCallCount(); n != 3 {
			t.Errorf("calls = %d, want 3", n)
		}
	})
	t.Run("body cut", func(t *testing.T) {
		c, _, _ := setup(t, []httpmock.Responder{func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(200, "")
			r.Body = errReader{}
			return r, nil
		}}, option.WithMaxRetries(0))
		_, err := c.ConversationContacts(context.Background(), "1")
		var apiErr *APIError
		if err == nil || errors.As(err, &apiErr) || !strings.HasPrefix(err.Error(), "intercom: ") || !strings.Contains(err.Error(), "unexpected EOF") {
			t.Fatalf("err = %v", err)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("unexpected EOF") }
func (errReader) Close() error             { return nil }

func TestConversationContactsRefusedBeforeSending(t *testing.T) {
	for _, id := range []string{"", ".", "..", "1\n", "\xff"} {
		c, mock, _ := setup(t, ok(seedConversation))
		_, err := c.ConversationContacts(context.Background(), id)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != "conversationID" || pe.Vendor != "intercom" {
			t.Errorf("%q: err = %v, want a *ParamError naming conversationID", id, err)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%q: %d requests sent", id, n)
		}
	}
	c, mock, _ := setup(t, ok(seedConversation))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ConversationContacts(ctx, "1"); err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled as it is", err)
	}
	if n := mock.GetTotalCallCount(); n != 0 {
		t.Errorf("canceled: %d requests sent", n)
	}
}

func TestConversationContactsPathEscaping(t *testing.T) {
	c, _, rec := setup(t, ok(seedConversation))
	if _, err := c.ConversationContacts(context.Background(), "../x?y#z"); err != nil {
		t.Fatal(err)
	}
	r := rec.last(t)
	if got := r.req.URL.EscapedPath(); got != "/conversations/..%2Fx%3Fy%23z" || r.req.URL.RawQuery != "" {
		t.Errorf("path %s query %q", got, r.req.URL.RawQuery)
	}
}
