package birdparticipants

import (
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/participants/driver"
)

// TestBirdMemberIdentifierKinds: a Bird member's identifier becomes its
// Email only under the key emailaddress with a valid address, its Phone only
// under phonenumber with an E.164 number; any other key (a custom one whose
// value looks like an address or a number) stays in Identifier alone.
// Issue 18: no test had a member whose identifier was neither.
func TestBirdMemberIdentifierKinds(t *testing.T) {
	for _, tc := range []struct {
		key, value   string
		email, phone string
	}{
		{"emailaddress", "ada@example.com", "ada@example.com", ""},
		{"emailaddress", "not an address", "", ""},
		{"emailaddress", "+15558675310", "", ""},
		{"phonenumber", "+15558675310", "", "+15558675310"},
		{"phonenumber", "ada@example.com", "", ""},
		{"phonenumber", "555-0100", "", ""},
		{"crmid", "ada@example.com", "", ""},
		{"crmid", "+15558675310", "", ""},
	} {
		m := birdMember(&bird.Participant{ID: "p-1", Type: bird.ParticipantTypeContact,
			Contact: &bird.ParticipantContact{IdentifierKey: tc.key, IdentifierValue: tc.value}})
		if m.Email != tc.email || m.Phone != tc.phone {
			t.Errorf("member with %s %q: Email %q, Phone %q; want %q, %q", tc.key, tc.value, m.Email, m.Phone, tc.email, tc.phone)
		}
		if m.Identifier != (driver.Identifier{Key: tc.key, Value: tc.value}) {
			t.Errorf("member with %s %q: Identifier %+v", tc.key, tc.value, m.Identifier)
		}
	}
}
