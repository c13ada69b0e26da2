package bird

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
)

func TestDecodeError(t *testing.T) {
	tests := []struct {
		name                   string
		body                   string
		header                 http.Header
		code, message, details string
		requestID              string
	}{
		{"not found", `{"code":"ResourceNotFound","message":"Conversation not found"}`, nil, "ResourceNotFound", "Conversation not found", "", ""},
		{"validation", `{"code":"InvalidPayload","message":"bad","details":{"contact.identifierValue":["is required","must be a string"]}}`, nil,
			"InvalidPayload", "bad", `{"contact.identifierValue":["is required","must be a string"]}`, ""},
		{"details string", `{"code":"X","message":"m","details":"free text"}`, nil, "X", "m", `"free text"`, ""},
		{"details null", `{"code":"X","message":"m","details":null}`, nil, "X", "m", "", ""},
		{"whitespace around", "  \n{\"code\":\"X\",\"message\":\"m\"}\n", nil, "X", "m", "", ""},
		{"request id header", `{"code":"X"}`, http.Header{"X-Request-Id": {" rid-1 "}}, "X", "", "", "rid-1"},
		{"request-id header", `{}`, http.Header{"Request-Id": {"rid-2"}}, "", "", "", "rid-2"},
		{"wrong types", `{"code":42,"message":{"a":1},"details":[1,2]}`, nil, "", "", `[1,2]`, ""},
		{"html", `<html><body>502 Bad Gateway</body></html>`, nil, "", "", "", ""},
		{"empty", ``, nil, "", "", "", ""},
		{"truncated", `{"code":"ResourceNotFound","message":"Conv`, nil, "", "", "", ""},
		{"array", `[{"code":"X"}]`, nil, "", "", "", ""},
		{"null", `null`, nil, "", "", "", ""},
		{"escaped", `{"code":"A\u0042","message":"line\nbreak"}`, nil, "AB", "line\nbreak", "", ""},
		{"plain text", "Deleting this participant is not allowed\n", nil, "", "Deleting this participant is not allowed", "", ""},
		{"plain text, text/plain", "Deleting this participant is not allowed", http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
			"", "Deleting this participant is not allowed", "", ""},
		{"text sent as HTML", "Bad Gateway", http.Header{"Content-Type": {"text/html"}}, "", "", "", ""},
		{"JSON string", `"Forbidden"`, nil, "", "", "", ""},
		{"long text", strings.Repeat("x", 1025), nil, "", "", "", ""},
		{"invalid UTF-8 text", "no\xffway", nil, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &apierror.Error{Vendor: "bird", StatusCode: 404, Header: tt.header, Body: []byte(tt.body)}
			decodeError(e)
			if e.Code != tt.code || e.Message != tt.message || string(e.Details) != tt.details || e.RequestID != tt.requestID {
				t.Errorf("got code %q message %q details %s request %q", e.Code, e.Message, e.Details, e.RequestID)
			}
			if e.Field != "" || e.MoreInfo != "" {
				t.Errorf("Field %q MoreInfo %q set", e.Field, e.MoreInfo)
			}
		})
	}
	decodeError(nil) // must not panic
}

// TestErrorRedactsEchoedKey checks that New hands the access key to the
// transport, which removes it from every field Error() prints (the
// redaction itself is tested in internal/transport).
func TestErrorRedactsEchoedKey(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(401,
		`{"code":"Unauthorized`+testKey+`","message":"access key `+testKey+` is invalid"}`, "X-Request-Id", "id-"+testKey)})
	_, err := c.GetParticipant(context.Background(), ws, conv, "p1")
	var e *APIError
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if s := e.Error(); strings.Contains(s, testKey) {
		t.Errorf("Error() = %q contains the key", s)
	}
	if e.Message != "access key [redacted] is invalid" || e.RequestID != "id-[redacted]" {
		t.Errorf("Message = %q, RequestID = %q", e.Message, e.RequestID)
	}
}

// FuzzDecodeError feeds any body and request-ID header to decodeError: it
// must not panic, must set only its own fields, and Details must be JSON.
func FuzzDecodeError(f *testing.F) {
	f.Add([]byte(`{"code":"ResourceNotFound","message":"Conversation not found"}`), "")
	f.Add([]byte(`{"code":"InvalidPayload","message":"The request body did not pass validation","details":{"contact.identifierValue":["is required"]}}`), "rid")
	f.Add([]byte(`{"code":"DuplicateResource","message":"The resource already exists","details":{}}`), "")
	f.Add([]byte(`{"code":"Forbidden","message":"Participant cannot be removed"}`), "")
	f.Add([]byte(`{"code":"Unauthorized","message":"invalid access key `+testKey+`"}`), testKey)
	f.Add([]byte(`<html><head><title>503 Service Temporarily Unavailable</title></head></html>`), "")
	f.Add([]byte(``), "")
	f.Add([]byte(`{"code":"ResourceNotFound","mess`), "")
	f.Add([]byte(`{"code":1,"message":null,"details":"x"}`), "")
	f.Add([]byte("\xff\xfe{\"code\":\"\x00\"}"), "\x00")
	f.Fuzz(func(t *testing.T, body []byte, requestID string) {
		e := &apierror.Error{
			Vendor:     "bird",
			StatusCode: 422,
			Header:     http.Header{"X-Request-Id": {requestID}},
			Body:       body,
			RetryAfter: time.Second,
		}
		decodeError(e)
		if s := e.Error(); !strings.HasPrefix(s, "bird: HTTP 422 ") || strings.ContainsAny(s, "\r\n") {
			t.Fatalf("Error() = %q", s)
		}
		if e.Field != "" || e.MoreInfo != "" || e.Reason != "" {
			t.Fatalf("Field %q MoreInfo %q Reason %q set", e.Field, e.MoreInfo, e.Reason)
		}
		if e.RequestID != "" && e.RequestID != strings.TrimSpace(requestID) {
			t.Fatalf("RequestID = %q, header %q", e.RequestID, requestID)
		}
		if len(e.Details) > 0 && !json.Valid(e.Details) {
			t.Fatalf("Details is not JSON: %q", e.Details)
		}
	})
}
