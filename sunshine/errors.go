package sunshine

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/conversekit/conversekit/apierror"
)

// APIError is the error every Client method returns for a non-2xx response
// from Sunshine (reach it with errors.As). Code and Message are the code and
// title of the first entry of Sunshine's {"errors":[{"code","title"}]}, such
// as "conversation_not_found" / "Conversation not found"; when Sunshine
// sends several entries (only on 400), Details holds the whole errors array.
// RequestID comes from an X-Request-Id response header when one is sent
// (Sunshine documents none). Body keeps the raw body, Header the response
// header; neither holds the secret. A body that is not Sunshine's errors
// list sets UnknownShape; on a 404 Misrouted() then reports that the server
// at Host does not answer as Sunshine would (most often a wrong
// option.WithBaseURL), and Error() says so.
//
// It is apierror.Error of package github.com/conversekit/conversekit/apierror,
// whose doc lists every field and method (StatusCode, Code, Message,
// RequestID, RetryAfter, Header, Body, Host, UnknownShape, Misrouted,
// Temporary, ...): the same type in every vendor package, so one errors.As
// serves the four vendors.
type APIError = apierror.Error

// SuccessBodyError is a 2xx response whose body does not prove the
// operation: a join without participant.id, a list without a participants
// array, a leave whose body is not a JSON object, a user or conversation
// without its id (reach it with errors.As). Error() names the operation,
// what is missing and the HTTP status, never the body.
//
// It is apierror.SuccessBodyError, the same type in every vendor package.
type SuccessBodyError = apierror.SuccessBodyError

// ParamError is an argument refused before any request is sent, so nothing
// reached Sunshine: an app or conversation ID that is empty, ".", "..", not
// valid UTF-8, holds a control character or is longer than 1024 bytes; an
// unset or invalid JoinBody or LeaveBody (their Validate methods return the
// same error); a ListParticipantsParams Size outside 1..100, a cursor that
// is not CursorLen characters, or both After and Before; a CreateUserParams
// ExternalID or CreateConversationParams Type Sunshine would refuse. New
// returns it for a key ID without a documented prefix, an empty secret or a
// missing base URL, and ZendeskURL for a bad subdomain. Field names the
// argument ("appID", "body.userExternalId", "params.Size", "keyID",
// "option.WithBaseURL", ...), Reason says what is wrong, Vendor is
// "sunshine". Reach it with errors.As:
//
//	var pe *sunshine.ParamError
//	if errors.As(err, &pe) {
//		log.Printf("fix %s: %s", pe.Field, pe.Reason)
//	}
//
// It is apierror.ParamError, the same type in every vendor package.
type ParamError = apierror.ParamError

// Sunshine error codes a caller commonly branches on (APIError.Code).
const (
	// CodeBadRequest: the request was refused as invalid (400), for a join
	// also "Too many participants".
	CodeBadRequest = "bad_request"
	// CodeConversationNotFound: the conversation does not exist (404).
	CodeConversationNotFound = "conversation_not_found"
	// CodeNotFound: on leave, "User is not a member of the conversation"
	// (404).
	CodeNotFound = "not_found"
	// CodeUserNotFound: the user does not exist (404).
	CodeUserNotFound = "user_not_found"
	// CodeAppNotFound: the app does not exist (404).
	CodeAppNotFound = "app_not_found"
	// CodeConflict: the resource exists already (409), such as "User already
	// exists".
	CodeConflict = "conflict"
)

// TooManyParticipants is the title of the 400 bad_request a join gets when
// the conversation is full.
const TooManyParticipants = "Too many participants"

// IsTooManyParticipants reports whether err is the 400 bad_request "Too
// many participants" of a join to a full conversation.
func IsTooManyParticipants(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == 400 && e.Code == CodeBadRequest && strings.EqualFold(strings.TrimSpace(e.Message), TooManyParticipants)
}

// decodeError fills Code, Message, Details and RequestID of e from
// Sunshine's error body {"errors":[{"code":"...","title":"..."}]} and the
// response header. It never fails: HTML, empty, truncated or wrong-typed
// bodies leave the fields they cannot read empty. A body without an errors
// entry with a code or title sets UnknownShape.
func decodeError(e *apierror.Error) {
	if e == nil {
		return
	}
	defer func() { e.UnknownShape = e.Code == "" && e.Message == "" }()
	e.RequestID = strings.TrimSpace(e.Header.Get("X-Request-Id"))
	var v struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(bytes.TrimSpace(e.Body), &v) != nil || len(v.Errors) == 0 {
		return
	}
	var first struct {
		Code  json.RawMessage `json:"code"`
		Title json.RawMessage `json:"title"`
	}
	if json.Unmarshal(v.Errors[0], &first) == nil {
		e.Code = jsonString(first.Code)
		e.Message = jsonString(first.Title)
	}
	if len(v.Errors) > 1 {
		e.Details, _ = json.Marshal(v.Errors)
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
