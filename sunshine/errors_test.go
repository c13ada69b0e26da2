package sunshine

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/option"
)

func TestAPIErrorDecoding(t *testing.T) {
	for _, tc := range []struct {
		name, body, code, message, details, requestID string
		header                                        []string
	}{
		{name: "documented", body: `{"errors":[{"code":"conversation_not_found","title":"Conversation not found"}]}`, code: "conversation_not_found", message: "Conversation not found"},
		{name: "several", body: `{"errors":[{"code":"bad_request","title":"a"},{"code":"bad_request","title":"b"}]}`, code: "bad_request", message: "a",
			details: `[{"code":"bad_request","title":"a"},{"code":"bad_request","title":"b"}]`},
		{name: "request id", body: `{"errors":[{"code":"not_found"}]}`, code: "not_found", header: []string{"X-Request-Id", " r-1 "}, requestID: "r-1"},
		{name: "html", body: `<html><body>502 Bad Gateway</body></html>`},
		{name: "empty", body: ``},
		{name: "garbage", body: `{"errors":`},
		{name: "no errors", body: `{"error":"x"}`},
		{name: "empty errors", body: `{"errors":[]}`},
		{name: "errors not array", body: `{"errors":{"code":"x"}}`},
		{name: "wrong types", body: `{"errors":[{"code":42,"title":["x"]}]}`},
		{name: "entry not object", body: `{"errors":["bad_request"]}`},
		{name: "padded", body: "  \n{\"errors\":[{\"code\":\"c\",\"title\":\"t\"}]}\n", code: "c", message: "t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newClient(t, []func() (*http.Response, error){jsonResp(404, tc.body, tc.header...)})
			_, err := c.GetConversation(ctx, app, conv)
			var api *APIError
			if !errors.As(err, &api) {
				t.Fatalf("err = %v (%T), want an *APIError", err, err)
			}
			if api.StatusCode != 404 || api.Vendor != Vendor || api.Code != tc.code || api.Message != tc.message || string(api.Details) != tc.details ||
				api.RequestID != tc.requestID || string(api.Body) != tc.body {
				t.Errorf("APIError = %+v", api)
			}
		})
	}
}

func TestDecodeErrorNil(t *testing.T) {
	decodeError(nil) // must not panic
	e := &apierror.Error{Body: []byte(`{"errors":[{"code":"c"}]}`)}
	decodeError(e) // a nil Header
	if e.Code != "c" || e.RequestID != "" {
		t.Errorf("e = %+v", e)
	}
}

func TestAPIErrorHidesSecret(t *testing.T) {
	body := fmt.Sprintf(`{"errors":[{"code":"unauthorized","title":"bad key %s:%s (%s)"}]}`, testKeyID, testSecret, testBasic)
	c, _ := newClient(t, []func() (*http.Response, error){jsonResp(401, body, "X-Echo", testSecret)})
	_, err := c.GetConversation(ctx, app, conv)
	var api *APIError
	if !errors.As(err, &api) {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{err.Error(), api.Message, string(api.Body), fmt.Sprint(api.Header)} {
		if strings.Contains(s, testSecret) || strings.Contains(s, testBasic) {
			t.Errorf("secret leaked: %s", s)
		}
	}
}

func TestIsTooManyParticipants(t *testing.T) {
	c, _ := newClient(t, []func() (*http.Response, error){jsonResp(400, `{"errors":[{"code":"bad_request","title":"Too many participants"}]}`)})
	_, err := c.JoinConversation(ctx, app, conv, JoinByUserID("u"))
	if !IsTooManyParticipants(err) || !IsTooManyParticipants(fmt.Errorf("wrapped: %w", err)) {
		t.Errorf("IsTooManyParticipants(%v) = false", err)
	}
	for _, e := range []error{
		nil,
		errors.New("Too many participants"),
		&APIError{StatusCode: 400, Code: "bad_request", Message: "Invalid page query parameters"},
		&APIError{StatusCode: 400, Code: "conflict", Message: "Too many participants"},
		&APIError{StatusCode: 409, Code: "bad_request", Message: "Too many participants"},
	} {
		if IsTooManyParticipants(e) {
			t.Errorf("IsTooManyParticipants(%v) = true", e)
		}
	}
	if !IsTooManyParticipants(&APIError{StatusCode: 400, Code: "bad_request", Message: " too many participants "}) {
		t.Error("case and spaces matter")
	}
}

// Every error a call returns before sending is a *ParamError; the 1 MiB cap
// on error bodies is the transport's.
func TestHugeErrorBody(t *testing.T) {
	big := `{"errors":[{"code":"bad_request","title":"` + strings.Repeat("x", 2<<20) + `"}]}`
	c, _ := newClient(t, []func() (*http.Response, error){jsonResp(400, big)}, option.WithMaxRetries(0))
	_, err := c.ListParticipants(ctx, app, conv, nil)
	var api *APIError
	if !errors.As(err, &api) || !api.Truncated || len(api.Body) > apierror.MaxBodyBytes || len(err.Error()) > 1000 {
		t.Errorf("err = %.200v", err)
	}
	if !json.Valid([]byte(`{}`)) {
		t.Fatal("unreachable")
	}
}
