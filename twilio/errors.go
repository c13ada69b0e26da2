package twilio

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/apierror"
)

// APIError is a non-2xx response from Twilio, returned by every Client
// method (reach it with errors.As): StatusCode, Code (Twilio's numeric error
// code as a decimal string, e.g. "20404", "50433"), Message, MoreInfo (the
// more_info documentation URL), RequestID (the Twilio-Request-Id header),
// Details (raw), RetryAfter, Header and the raw Body. A body that is not
// Twilio's error object sets UnknownShape; on a 404 Misrouted() then
// reports that the server at Host does not answer as Twilio would (most
// often a wrong option.WithBaseURL), and Error() says so.
//
// It is apierror.Error of package github.com/conversekit/conversekit/apierror,
// whose doc lists every field and method (StatusCode, Code, Message,
// RequestID, RetryAfter, Header, Body, Host, UnknownShape, Misrouted,
// Temporary, ...): the same type in every vendor package, so one errors.As
// serves the four vendors.
type APIError = apierror.Error

// ParamError is an argument refused before any request is sent, so nothing
// reached Twilio: a ConversationSid or Sid that is empty, "." or "..", not
// valid UTF-8, holds a control character or is longer than 1024 bytes; a
// DeleteParticipant or UpdateParticipant Sid that is not an MB SID; a
// CreateParticipantParams or UpdateParticipantParams that Twilio would
// refuse (see their documentation); a ListParticipantsParams value out of
// range. New, NewWithAPIKey and Client.Service return it too for an
// accountSID, apiKeySID or chatServiceSID of the wrong form. Field names the Twilio field ("ConversationSid", "Sid",
// "MessagingBinding.Address", "RoleSid", "PageSize", "accountSID", ...),
// Reason says what is wrong, Vendor is "twilio". Reach it with errors.As:
//
//	var pe *twilio.ParamError
//	if errors.As(err, &pe) {
//		log.Printf("fix %s: %s", pe.Field, pe.Reason)
//	}
//
// It is apierror.ParamError, the same type in every vendor package.
type ParamError = apierror.ParamError

// Twilio error codes a caller commonly branches on. Twilio does not document
// the HTTP status of the duplicate codes: classify by APIError.Code.
const (
	// CodeNotFound: the resource was not found.
	CodeNotFound = "20404"
	// CodeTooManyRequests: rate limited (HTTP 429); safe to retry.
	CodeTooManyRequests = "20429"
	// CodeInvalidAddress: MessagingBinding.Address is invalid.
	CodeInvalidAddress = "50407"
	// CodeInvalidProxyAddress: MessagingBinding.ProxyAddress is invalid.
	CodeInvalidProxyAddress = "50408"
	// CodeEmptyAddress: the messaging address is empty.
	CodeEmptyAddress = "50411"
	// CodeBindingInUse: the address and proxy address pair is already bound
	// to an active conversation, this one or another.
	CodeBindingInUse = "50416"
	// CodeChatParticipantLimit: the conversation has its maximum of chat
	// participants.
	CodeChatParticipantLimit = "50417"
	// CodeIdentityExists: a chat participant with this identity already
	// exists in the conversation.
	CodeIdentityExists = "50433"
	// CodeGroupAddressExists: a group participant with this address already
	// exists in the conversation.
	CodeGroupAddressExists = "50437"
)

// maxField bounds each decoded text field.
const maxField = 2048

// decodeError fills e's Twilio fields from its header and JSON body
// {"code": int, "message": str, "more_info": url, "status": int,
// "details": {...}}. Any other body (HTML, empty, truncated, wrong types)
// leaves the fields it cannot read empty; it never fails or panics. A body
// without a code or message sets UnknownShape.
func decodeError(e *apierror.Error) {
	if e == nil {
		return
	}
	defer func() { e.UnknownShape = e.Code == "" && e.Message == "" }()
	if e.Header != nil {
		e.RequestID = clean(e.Header.Get("Twilio-Request-Id"))
	}
	body := bytes.TrimSpace(e.Body)
	if len(body) == 0 || body[0] != '{' {
		return
	}
	var raw struct {
		Code     json.RawMessage `json:"code"`
		Message  json.RawMessage `json:"message"`
		MoreInfo json.RawMessage `json:"more_info"`
		Details  json.RawMessage `json:"details"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return
	}
	e.Code = decodeCode(raw.Code)
	e.Message = decodeString(raw.Message)
	e.MoreInfo = decodeString(raw.MoreInfo)
	if d := bytes.TrimSpace(raw.Details); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		e.Details = append(json.RawMessage(nil), d...)
	}
}

// decodeCode accepts an integer (20404) or a string of digits ("20404").
func decodeCode(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		if f, err := strconv.ParseFloat(n.String(), 64); err == nil && f == float64(int64(f)) && f >= -1e15 && f <= 1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return s
		}
	}
	return ""
}

func decodeString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return clean(s)
}

// clean replaces control characters (which could forge log lines) with
// spaces and bounds the length.
func clean(s string) string {
	if len(s) > maxField {
		s = s[:maxField]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
