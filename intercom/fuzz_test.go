package intercom

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
)

// FuzzDecodeError feeds any body and X-Request-Id to decodeError: it must
// not panic, must set only its own fields, and Details must be a JSON array.
// (That Error() never contains the token is the transport's redaction,
// tested there and end to end in TestTokenNeverInError.)
func FuzzDecodeError(f *testing.F) {
	seeds := []struct {
		status int
		body   string
		reqID  string
	}{
		{401, `{"type":"error.list","request_id":"b3c2e5e0-0b4e-4c6e","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`, ""},
		{403, `{"type":"error.list","request_id":"r","errors":[{"code":"api_plan_restricted","message":"Active subscription needed."}]}`, ""},
		{404, `{"type":"error.list","request_id":null,"errors":[{"code":"not_found","message":"User Not Found"}]}`, "hdr-1"},
		{422, `{"type":"error.list","request_id":"r","errors":[{"code":"parameter_invalid","message":"Customer is invalid","field":"customer"}]}`, ""},
		{429, `{"type":"error.list","request_id":"r","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`, ""},
		{400, `{"type":"error.list","request_id":"r","errors":[{"code":"intercom_version_invalid","message":"The requested version could not be found"}]}`, ""},
		{503, `<html><body><h1>503 Service Unavailable</h1></body></html>`, ""},
		{500, ``, ""},
		{500, `{"type":"error.list","request_id":"r","errors":[{"code":"ser`, ""},
		{400, `{"errors":{"code":"x"},"request_id":{}}`, ""},
		{400, `{"errors":[null,1,"s",{"code":true}]}`, ""},
		{400, `[1,2,3]`, ""},
		{401, `{"errors":[{"code":"unauthorized","message":"Bearer ` + testToken + `"}]}`, testToken},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body), s.reqID)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, reqID string) {
		h := http.Header{}
		h.Set("X-Request-Id", reqID)
		e := &apierror.Error{Vendor: "intercom", StatusCode: status, Header: h, Body: body}
		decodeError(e)
		if msg := e.Error(); !strings.HasPrefix(msg, "intercom: HTTP ") || strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("Error() = %q", msg)
		}
		if e.MoreInfo != "" || e.Reason != "" {
			t.Fatalf("MoreInfo %q Reason %q set", e.MoreInfo, e.Reason)
		}
		if e.Details != nil && (!jsonValid(e.Details) || e.Details[0] != '[') {
			t.Fatalf("Details is not a JSON array: %q", e.Details)
		}
	})
}

func jsonValid(b []byte) bool {
	var v any
	return json.Unmarshal(b, &v) == nil
}
