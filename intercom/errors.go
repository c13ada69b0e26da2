package intercom

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/conversekit/conversekit/apierror"
)

// APIError is a non-2xx response from Intercom, returned by every call of
// Client (reach it with errors.As). Code, Message and Field come from the
// first entry of the error list, for example
//
//	{"type": "error.list", "request_id": "...",
//	 "errors": [{"code": "not_found", "message": "Resource Not Found"}]}
//
// RequestID is request_id, else the X-Request-Id header; Details holds the
// whole "errors" array; RetryAfter is Retry-After or, on a 429,
// X-RateLimit-Reset. Error() never contains the access token. A body that
// is not an Intercom error list sets UnknownShape; on a 404 Misrouted()
// then reports that the server at Host does not answer as Intercom would
// (most often a wrong option.WithBaseURL), and Error() says so.
//
// It is apierror.Error of package github.com/conversekit/conversekit/apierror,
// whose doc lists every field and method (StatusCode, Code, Message,
// RequestID, RetryAfter, Header, Body, Host, UnknownShape, Misrouted,
// Temporary, ...): the same type in every vendor package, so one errors.As
// serves the four vendors.
type APIError = apierror.Error

// SuccessBodyError is a 2xx response whose body does not carry what the
// operation returns: AttachContact and DetachContact return it (reach it
// with errors.As) when the body has neither a "customers" array nor a
// "contacts": {"contacts": [...]} list, for example {}, {"status":"ok"},
// null or an array; ConversationContacts when it has no
// "contacts": {"contacts": [...]} list. Error() names the operation, what is
// missing ("a customers list", "a contacts list") and the HTTP status, never
// the body.
//
// It is apierror.SuccessBodyError, the same type in every vendor package.
type SuccessBodyError = apierror.SuccessBodyError

// ParamError is an argument refused before any request is sent, so nothing
// reached Intercom: a conversation or contact ID that is empty, "." or "..",
// not valid UTF-8, holds a control character or is longer than 1024 bytes;
// an unset AttachContactBody or Customer; an empty admin_id or customer
// value. Field names the argument ("conversation ID", "contact ID",
// "admin_id", "customer.email", ...), Reason says what is wrong, Vendor is
// "intercom". Every operation returns it; reach it with errors.As:
//
//	var pe *intercom.ParamError
//	if errors.As(err, &pe) {
//		log.Printf("fix %s: %s", pe.Field, pe.Reason)
//	}
//
// It is apierror.ParamError, the same type in every vendor package.
type ParamError = apierror.ParamError

// decodeError fills Code, Message, Field, RequestID and Details of e from an
// Intercom error list in e.Body and from e.Header. Any body is tolerated:
// HTML, empty, truncated or of the wrong shape leaves the fields empty and
// sets UnknownShape (no error list entry with a code or message).
func decodeError(e *apierror.Error) {
	defer func() { e.UnknownShape = e.Code == "" && e.Message == "" }()
	var env struct {
		RequestID json.RawMessage `json:"request_id"`
		Errors    json.RawMessage `json:"errors"`
	}
	body := bytes.TrimSpace(e.Body)
	if len(body) > 0 && body[0] == '{' && json.Unmarshal(body, &env) == nil {
		e.RequestID = scalar(env.RequestID)
		var list []json.RawMessage
		if json.Unmarshal(env.Errors, &list) == nil {
			if len(list) > 0 {
				e.Details = append(json.RawMessage(nil), env.Errors...)
			}
			for _, item := range list {
				var it struct {
					Code    json.RawMessage `json:"code"`
					Message json.RawMessage `json:"message"`
					Field   json.RawMessage `json:"field"`
				}
				if json.Unmarshal(item, &it) != nil {
					continue
				}
				e.Code, e.Message, e.Field = scalar(it.Code), scalar(it.Message), scalar(it.Field)
				break
			}
		}
	}
	if e.RequestID == "" && e.Header != nil {
		e.RequestID = strings.TrimSpace(e.Header.Get("X-Request-Id"))
	}
}

// scalar returns a JSON string's value or a number's text; anything else
// (null, object, array, bool, invalid) is "".
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case c == '-' || ('0' <= c && c <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}
