package participants

import (
	"strings"
	"testing"

	"github.com/conversekit/conversekit/bird"
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
		if m.Identifier != (Identifier{Key: tc.key, Value: tc.value}) {
			t.Errorf("member with %s %q: Identifier %+v", tc.key, tc.value, m.Identifier)
		}
	}
}

// TestSimpleEmailTakesTheCommonCase: ValidEmail's fast path accepts every
// address whose local part and domain are dot-atoms of ASCII letters,
// digits and "!#$%&'*+-/=?^_`{|}~", each of them in every place, without
// net/mail (a stricter fast path would give the same answers, only slower:
// this pins what it is for). What it accepts net/mail accepts too
// (FuzzSimpleEmail).
func TestSimpleEmailTakesTheCommonCase(t *testing.T) {
	const atext = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
	for _, c := range strings.Split(atext, "") {
		for _, s := range []string{c + "@x", "x@" + c, c + c + "." + c + "@" + c + "." + c, "a." + c + "@b." + c} {
			if !simpleEmail(s) {
				t.Errorf("simpleEmail(%q) = false, want the fast path to accept it", s)
			}
		}
	}
	for _, s := range []string{"a@b", "ada.lovelace@example.com", "a.b.c@d.e.f"} {
		if !simpleEmail(s) {
			t.Errorf("simpleEmail(%q) = false", s)
		}
	}
	for _, s := range []string{"", "@", "a@", "@b", "a@b@c", ".a@b", "a.@b", "a..b@c", "a@.b", "a@b.", "a@b..c", "a b@c", "é@x", "a@[1.2.3.4]", `"a"@b`} {
		if simpleEmail(s) {
			t.Errorf("simpleEmail(%q) = true, want it left to net/mail", s)
		}
	}
}
