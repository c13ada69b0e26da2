package apierror

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// DecodeSuccess decodes the body of a 2xx response into a new T and checks
// with present that it carries what the operation returns (a non-empty ID, a
// list that is there). When it does not, or when the body is not a JSON
// object, the error is a *SuccessBodyError naming vendor, op, status and
// missing. A body that carries it but has another field of the wrong JSON
// type is a plain decoding error.
func DecodeSuccess[T any](vendor, op string, status int, body []byte, missing string, present func(*T) bool) (*T, error) {
	v := new(T)
	if err := DecodeSuccessInto(v, vendor, op, status, body, missing, present); err != nil {
		return nil, err
	}
	return v, nil
}

// DecodeSuccessInto is DecodeSuccess into v, a zero T the caller holds (a
// field of its own result, saving an allocation and a copy). On error v may
// be partly filled and must not be used.
func DecodeSuccessInto[T any](v *T, vendor, op string, status int, body []byte, missing string, present func(*T) bool) error {
	b := bytes.TrimSpace(body)
	var err error
	if len(b) > 0 && b[0] == '{' {
		err = json.Unmarshal(b, v)
		if err == nil && present(v) {
			return nil
		}
		if err != nil && present(v) {
			return fmt.Errorf("%s: %s: decoding the %d response: %s", vendor, op, status, describe(err))
		}
	}
	return &SuccessBodyError{Vendor: vendor, Op: op, StatusCode: status, Missing: missing, Reason: bodyKind(b, err)}
}

// bodyKind says in a few words what a 2xx body was, without quoting it.
func bodyKind(b []byte, err error) string {
	switch {
	case len(b) == 0:
		return "empty body"
	case err != nil:
		return describe(err)
	case b[0] == '{':
		return "JSON object without it"
	case !json.Valid(b):
		return "not valid JSON"
	case b[0] == '[':
		return "JSON array"
	case b[0] == 'n':
		return "JSON null"
	}
	return "not a JSON object"
}

// describe reports a decoding error without quoting body bytes (a syntax
// error's message quotes one character of it).
func describe(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON (offset %d)", se.Offset)
	case errors.As(err, &te) && te.Field != "":
		return fmt.Sprintf("field %s has the wrong JSON type (%s)", te.Field, te.Type)
	case errors.As(err, &te):
		return fmt.Sprintf("wrong JSON type (%s)", te.Type)
	}
	return "cannot decode"
}
