package apierror

// ParamError is a bad argument found before any request was sent, so
// nothing reached the vendor: a path parameter, a request field, a
// credential or a client option (option.WithBaseURL, ...). Every vendor
// client's constructor and operations return it, and so does the
// participants facade for a Participant a vendor cannot express;
// intercom.ParamError, bird.ParamError, twilio.ParamError and
// sunshine.ParamError are this type. Reach it with errors.As:
//
//	var pe *apierror.ParamError // or *intercom.ParamError, the same type
//	if errors.As(err, &pe) {
//		log.Printf("fix %s: %s", pe.Field, pe.Reason)
//	}
type ParamError struct {
	// Vendor is the vendor package's name: "intercom", "bird", "twilio" or
	// "sunshine"; empty when no vendor is involved yet.
	Vendor string
	// Field names the argument: the Go parameter, struct field or option
	// the caller set ("accessKey", "option.WithBaseURL", ...).
	Field string
	// Reason says what is wrong with it. It quotes at most a few hundred
	// bytes of the value, and never a credential.
	Reason string
	// Err is the underlying error, if any (an option's own error).
	Err error
}

// Unwrap returns the underlying error, Err.
func (e *ParamError) Unwrap() error { return e.Err }

// Error implements error: "VENDOR: invalid FIELD: REASON", without the
// "VENDOR: " when Vendor is empty.
func (e *ParamError) Error() string {
	if e.Vendor == "" {
		return "invalid " + e.Field + ": " + e.Reason
	}
	return e.Vendor + ": invalid " + e.Field + ": " + e.Reason
}
