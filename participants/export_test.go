package participants

import "github.com/conversekit/conversekit/participants/driver"

// ResultOf is the user's view of a provider's result, for the tests of
// Result's methods.
func ResultOf(r *driver.Result) *Result { return fromDriverResult(r) }

// MemberOf is the user's view of a provider's member, for the tests of
// Member's methods.
func MemberOf(m *driver.Member) *Member { return fromDriverMember(m) }
