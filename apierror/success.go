package apierror

import "fmt"

// SuccessBodyError is a 2xx response whose body does not carry what the
// operation returns: a participant without an ID, `{}`, `{"status":"ok"}`,
// `null`, an array, a list where one resource was expected, a body that is
// not JSON. A 2xx proves only what its body proves, so such a response is
// not a success. It is not an *Error (the vendor did not report a failure)
// and not a network error: callers that classify errors see it as unknown.
//
// Error() names the vendor, the operation, what is missing and the HTTP
// status, for example
//
//	bird: POST /workspaces/{workspaceId}/conversations/{conversationId}/participants: 2xx without a participant ID (HTTP 201: JSON object without it)
//
// It never quotes the body.
type SuccessBodyError struct {
	// Vendor is the vendor package's name: "intercom", "bird", "twilio" or "sunshine".
	Vendor string
	// Op is the operation as "METHOD /path template".
	Op string
	// StatusCode is the 2xx status of the response.
	StatusCode int
	// Missing says what the body should have carried, such as "a participant
	// ID" or "a customers list".
	Missing string
	// Reason says what the body was instead, such as "JSON null" or "not
	// valid JSON (offset 3)".
	Reason string
}

// Error implements error.
func (e *SuccessBodyError) Error() string {
	if e == nil {
		return "<nil>"
	}
	s := fmt.Sprintf("%s: %s: 2xx without %s (HTTP %d", e.Vendor, e.Op, e.Missing, e.StatusCode)
	if e.Reason != "" {
		s += ": " + clip(e.Reason, 200)
	}
	return s + ")"
}
