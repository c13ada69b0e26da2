package apierror

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
)

// TestDescribeOtherErrors: a decoding error that is neither a syntax error
// nor a wrong JSON type (an UnmarshalJSON's own error, a truncated stream)
// is "cannot decode", and a wrong type without a field name says only the
// type. Issue 18: the mutant that made the field check `||` (a nil
// dereference on such errors) went uncovered.
func TestDescribeOtherErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errors.New("custom UnmarshalJSON failure"), "cannot decode"},
		{io.ErrUnexpectedEOF, "cannot decode"},
		{fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF), "cannot decode"},
		{&json.UnmarshalTypeError{Value: "string", Type: reflect.TypeFor[int]()}, "wrong JSON type (int)"},
	} {
		if got := describe(tc.err); got != tc.want {
			t.Errorf("describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
