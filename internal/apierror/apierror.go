// Package apierror decodes what the vendor clients report as errors. The
// types live in the public package github.com/conversekit/conversekit/apierror
// (re-exported by each vendor package as APIError, SuccessBodyError and
// ParamError); this package keeps internal names for them and the decoding
// logic (DecodeSuccess).
package apierror

import (
	public "github.com/conversekit/conversekit/apierror"
)

// MaxBodyBytes is how much of an error body is kept in Error.Body.
const MaxBodyBytes = public.MaxBodyBytes

// Error is the public apierror.Error: a non-2xx response from a vendor API.
type Error = public.Error

// SuccessBodyError is the public apierror.SuccessBodyError: a 2xx response
// whose body does not carry what the operation returns.
type SuccessBodyError = public.SuccessBodyError
