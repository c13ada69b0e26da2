package participants_test

import (
	"context"
	"encoding/json"
	"net/mail"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// Tests for mutants the honest mutation count of issue 18 found alive: the
// code was right, and a broken version of it passed every test.

// TestRedirectStatusEnds: 300 and 399, the ends of the redirect range, are
// Unavailable (a redirect that is not followed: the call did not happen), as
// 301 is; 299 and 400 are not.
func TestRedirectStatusEnds(t *testing.T) {
	for status, want := range map[int]participants.ErrorCode{
		299: participants.Unknown,
		300: participants.Unavailable,
		399: participants.Unavailable,
		400: participants.InvalidArgument,
	} {
		err := error(&intercom.APIError{Vendor: "intercom", StatusCode: status})
		if got := participants.Code(err); got != want {
			t.Errorf("Code(%d) = %v, want %v", status, got, want)
		}
		if got := participants.Code(driver.WrapError("intercom", err)); got != want {
			t.Errorf("Code(WrapError(%d)) = %v, want %v", status, got, want)
		}
	}
}

// TestValidEmailAgreesWithNetMail: with every printable ASCII character in
// the local part and in the domain, ValidEmail says what net/mail says of a
// bare address (its fast path must never accept what net/mail refuses, nor
// refuse what it accepts); and C1 controls, which net/mail accepts, are
// refused even at the start.
func TestValidEmailAgreesWithNetMail(t *testing.T) {
	var cases []string
	for c := byte(0x20); c < 0x7f; c++ {
		cases = append(cases, "a"+string(c)+"b@example.com", string(c)+"b@example.com", "a"+string(c)+"@example.com",
			"ab@exa"+string(c)+"mple.com", "ab@"+string(c)+"example.com", "ab@example.com"+string(c))
	}
	cases = append(cases, "A B@EXAMPLE.COM", "ADA@EXAMPLE.COM", "a[b@example.com", "Z@Z", "z@z", "0@9", "a.b.c@d.e", "a..b@c")
	for _, s := range cases {
		a, err := mail.ParseAddress(s)
		want := err == nil && a.Name == "" && a.Address == s && strings.TrimSpace(s) == s
		if got := driver.ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, net/mail says %v (%v)", s, got, want, err)
		}
	}
	for _, s := range []string{"\u0080@example.com", "\u009f@example.com", "a\u0085b@example.com", "ab@example.com\u0080"} {
		if driver.ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = true, want false (a C1 control)", s)
		}
	}
}

// TestBirdContactKindByIdentity: a Participant of Kind KindContact (the
// default kind, said explicitly) is added by its Email or Phone, as one
// without a Kind is: only the other kinds need an ID.
func TestBirdContactKindByIdentity(t *testing.T) {
	for _, tc := range []struct {
		pt       participants.Participant
		key, val string
	}{
		{participants.Participant{Kind: participants.KindContact, Email: "ada@example.com"}, "emailaddress", "ada@example.com"},
		{participants.Participant{Kind: participants.KindContact, Phone: "+15558675310"}, "phonenumber", "+15558675310"},
	} {
		c, srv := participantstest.NewBirdParticipants(t)
		res, err := c.Add(context.Background(), participantstest.BirdConversationID, tc.pt)
		if err != nil {
			t.Fatalf("Add(%+v): %v", tc.pt, err)
		}
		if res.Outcome != participants.Added {
			t.Errorf("Add(%+v): Outcome = %v, want Added", tc.pt, res.Outcome)
		}
		log := srv.RequestLog()
		var body struct {
			Type    string `json:"type"`
			Contact struct {
				IdentifierKey   string `json:"identifierKey"`
				IdentifierValue string `json:"identifierValue"`
			} `json:"contact"`
		}
		if err := json.Unmarshal(log[len(log)-1].Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Type != "contact" || body.Contact.IdentifierKey != tc.key || body.Contact.IdentifierValue != tc.val {
			t.Errorf("Add(%+v) sent %s, want a contact by %s %s", tc.pt, log[len(log)-1].Body, tc.key, tc.val)
		}
	}
}
