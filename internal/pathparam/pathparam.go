// Package pathparam checks path parameters before any request is built. The
// generated clients escape what they are given, but an empty value, "." or
// ".." changes the request path (the URL is resolved against the base URL),
// so those, control characters and over-long values are refused here.
package pathparam

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/conversekit/conversekit/apierror"
)

// MaxLen is the longest path parameter accepted, in bytes.
const MaxLen = 1024

// Error is the public apierror.ParamError: a bad argument found before any
// request was sent. Each vendor package re-exports it as ParamError, so that
// errors.As reaches it.
type Error = apierror.ParamError

// Check refuses values that would change the request path or cannot be
// sent: empty, ".", "..", invalid UTF-8, control characters, longer than
// MaxLen.
func Check(vendor, field, v string) error {
	switch {
	case v == "":
		return &Error{Vendor: vendor, Field: field, Reason: "must not be empty"}
	case v == "." || v == "..":
		return &Error{Vendor: vendor, Field: field, Reason: Quote(v) + " is not allowed"}
	case len(v) > MaxLen:
		return &Error{Vendor: vendor, Field: field, Reason: fmt.Sprintf("longer than %d bytes", MaxLen)}
	case !utf8.ValidString(v):
		return &Error{Vendor: vendor, Field: field, Reason: "not valid UTF-8"}
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return &Error{Vendor: vendor, Field: field, Reason: fmt.Sprintf("contains control character %U", r)}
		}
	}
	return nil
}

// CheckText refuses a request value (a body field, a form field, a query
// value) that no vendor can use: empty, blank, invalid UTF-8, longer than max
// characters, or holding a control character (C0, DEL or C1). It is the one
// value check of every vendor client; the error never quotes the value.
func CheckText(vendor, field, v string, max int) error {
	switch {
	case v == "":
		return &Error{Vendor: vendor, Field: field, Reason: "must not be empty"}
	case strings.TrimSpace(v) == "":
		return &Error{Vendor: vendor, Field: field, Reason: "is blank"}
	case !utf8.ValidString(v):
		return &Error{Vendor: vendor, Field: field, Reason: "not valid UTF-8"}
	}
	if n := utf8.RuneCountInString(v); n > max {
		return &Error{Vendor: vendor, Field: field, Reason: fmt.Sprintf("%d characters, more than %d", n, max)}
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return &Error{Vendor: vendor, Field: field, Reason: fmt.Sprintf("contains control character %U", r)}
		}
	}
	return nil
}

// CheckUUID requires v to be a UUID (8-4-4-4-12 hex digits).
func CheckUUID(vendor, field, v string) error {
	if err := Check(vendor, field, v); err != nil {
		return err
	}
	if !IsUUID(v) {
		return &Error{Vendor: vendor, Field: field, Reason: Quote(v) + " is not a UUID"}
	}
	return nil
}

// IsUUID reports whether v is a UUID in its text form: 8-4-4-4-12 hex
// digits of either case (no braces, no "urn:uuid:").
func IsUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch i {
		case 8, 13, 18, 23:
			if v[i] != '-' {
				return false
			}
		default:
			if !isHexDigit(v[i]) {
				return false
			}
		}
	}
	return true
}

// CheckSID requires v to be a Twilio-style SID: prefix followed by 32 hex
// digits, 34 characters in all.
func CheckSID(vendor, field, prefix, v string) error {
	if err := Check(vendor, field, v); err != nil {
		return err
	}
	if !IsSID(prefix, v) {
		return &Error{Vendor: vendor, Field: field, Reason: fmt.Sprintf("%s is not a %s SID (%s followed by 32 hex digits)", Quote(v), prefix, prefix)}
	}
	return nil
}

// IsSID reports whether v is prefix followed by 32 hex digits.
func IsSID(prefix, v string) bool {
	return len(v) == len(prefix)+32 && v[:len(prefix)] == prefix && isHex(v[len(prefix):])
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

// isHexDigit reports whether c is a hex digit of either case.
func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// MaxQuoted is how much of a value, in bytes, an error quotes with Quote.
const MaxQuoted = 200

// Quote returns v as %q shows it, for an error that quotes user input: a v
// longer than MaxQuoted bytes is cut on a rune boundary and followed by
// "…(N bytes)", N being its whole length, so that a huge input never makes a
// huge error.
func Quote(v string) string {
	if len(v) <= MaxQuoted {
		return strconv.Quote(v)
	}
	cut := MaxQuoted
	for cut > MaxQuoted-utf8.UTFMax && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return strconv.Quote(v[:cut]) + "…(" + strconv.Itoa(len(v)) + " bytes)"
}
