package bird

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/conversekit/conversekit/apierror"
)

// APIError is the error every Client method returns for a non-2xx response
// from Bird (reach it with errors.As). Code is Bird's PascalCase code, such as
// "ResourceNotFound" or "InvalidPayload"; Details is Bird's free-form details
// value as raw JSON (on 422 an object keyed by JSON path with arrays of
// messages); RequestID comes from a request-ID response header when Bird
// sends one. Body keeps the raw body, Header the response header. A body
// that is not Bird's error object sets UnknownShape; on a 404 Misrouted()
// then reports that the server at Host does not answer as Bird would (most
// often a wrong option.WithBaseURL), and Error() says so.
//
// It is apierror.Error of package github.com/conversekit/conversekit/apierror,
// whose doc lists every field and method (StatusCode, Code, Message,
// RequestID, RetryAfter, Header, Body, Host, UnknownShape, Misrouted,
// Temporary, ...): the same type in every vendor package, so one errors.As
// serves the four vendors.
type APIError = apierror.Error

// SuccessBodyError is a 2xx response whose body does not carry the
// participant: AddParticipant, GetParticipant, GetParticipantByIdentifier,
// UpdateParticipant and UpdateParticipantByIdentifier return it (reach it with errors.As) when the body has no non-empty "id",
// for example {}, {"status":"ok"}, null, an array or a participant list.
// Error() names the operation, what is missing and the HTTP status.
//
// It is apierror.SuccessBodyError, the same type in every vendor package.
type SuccessBodyError = apierror.SuccessBodyError

// ParamError is an argument refused before any request is sent, so nothing
// reached Bird: a workspace or conversation ID that is not a UUID; a
// participant ID or identifier that is empty, "." or "..", not valid UTF-8,
// holds a control character or is longer than 1024 bytes; an unset or
// invalid CreateParticipantBody (its Validate method returns the same
// error); an empty or invalid ParticipantUpdate; a ListParticipantsParams
// Limit outside 1..100 or a PageToken longer than MaxPageTokenLen. Field names the argument as Bird spells it
// ("workspaceId", "participantId", "body.contact.identifierValue", "limit",
// ...), Reason says what is wrong, Vendor is "bird". Every Client method
// returns it; reach it with errors.As:
//
//	var pe *bird.ParamError
//	if errors.As(err, &pe) {
//		log.Printf("fix %s: %s", pe.Field, pe.Reason)
//	}
//
// It is apierror.ParamError, the same type in every vendor package.
type ParamError = apierror.ParamError

// requestIDHeaders are the response headers read for APIError.RequestID, in
// order. Bird documents none; these are the usual names.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id"}

// maxTextMessage is the longest plain-text error body taken as Message.
const maxTextMessage = 1024

// decodeError fills Code, Message, Details and RequestID of e from Bird's
// error body {"code": "...", "message": "...", "details": {...}} and the
// response header. A short plain-text body, such as the remove 403's
// "Deleting this participant is not allowed" (Bird declares no media type
// for it), becomes Message. It never fails: HTML, empty, truncated or
// wrong-typed bodies leave the fields empty. UnknownShape is set unless the
// body is Bird's JSON error with a code or message, or plain text on a 403
// (the one plain-text answer Bird documents).
func decodeError(e *apierror.Error) {
	if e == nil {
		return
	}
	isJSON := false
	defer func() {
		e.UnknownShape = !(isJSON && (e.Code != "" || e.Message != "") || !isJSON && e.StatusCode == http.StatusForbidden && e.Message != "")
	}()
	for _, h := range requestIDHeaders {
		if v := strings.TrimSpace(e.Header.Get(h)); v != "" {
			e.RequestID = v
			break
		}
	}
	body := bytes.TrimSpace(e.Body)
	if len(body) == 0 {
		return
	}
	if body[0] != '{' {
		e.Message = plainText(body, e.Header.Get("Content-Type"))
		return
	}
	var v struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
		Details json.RawMessage `json:"details"`
	}
	if json.Unmarshal(body, &v) != nil {
		return
	}
	isJSON = true
	e.Code = jsonString(v.Code)
	e.Message = jsonString(v.Message)
	if d := bytes.TrimSpace(v.Details); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		e.Details = json.RawMessage(d)
	}
}

// jsonString returns raw as a string when it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// plainText returns body as a message when it is short, valid UTF-8 text
// that is neither JSON nor HTML, else "".
func plainText(body []byte, contentType string) string {
	if len(body) > maxTextMessage || !utf8.Valid(body) || body[0] == '[' || body[0] == '<' ||
		strings.Contains(strings.ToLower(contentType), "html") || json.Valid(body) {
		return ""
	}
	return string(body)
}
