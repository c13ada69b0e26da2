package participants_test

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/twilio"
)

// A conversation ID with a control character anywhere, the first byte
// included, is refused before any request.
func TestConversationIDControlCharacters(t *testing.T) {
	f, srv := newTwilioFixture(t)
	for _, id := range []string{"\x01" + twilioConversation, twilioConversation[:10] + "\x7f" + twilioConversation[10:], twilioConversation + "\x00"} {
		_, err := f.Client.Add(ctx, id, participants.Participant{ExternalID: "ada"})
		var pe *participants.Error
		if participants.Code(err) != participants.InvalidArgument || !errors.As(err, &pe) || pe.Field != "conversationID" {
			t.Errorf("Add(%q): %v, want InvalidArgument naming conversationID", id, err)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Every code has its name; a value outside the enum is printed as a number.
func TestErrorCodeNames(t *testing.T) {
	for code, want := range map[participants.ErrorCode]string{
		participants.OK:                     "OK",
		participants.Unknown:                "Unknown",
		participants.NotFound:               "NotFound",
		participants.DeadlineExceeded:       "DeadlineExceeded",
		-1:                                  "ErrorCode(-1)",
		participants.FailedPrecondition:     "FailedPrecondition",
		participants.FailedPrecondition + 1: "ErrorCode(13)",
	} {
		if got := code.String(); got != want {
			t.Errorf("ErrorCode(%d).String() = %q, want %q", int(code), got, want)
		}
	}
}

// Error() says provider, code, then the field, message and cause that are
// set.
func TestErrorMessageParts(t *testing.T) {
	cause := errors.New("boom")
	for _, tc := range []struct {
		e    *participants.Error
		want string
	}{
		{&participants.Error{Provider: "twilio", Code: participants.NotFound}, "twilio: NotFound"},
		{&participants.Error{Provider: "twilio", Code: participants.NotFound, Field: "Phone"}, "twilio: NotFound: Phone"},
		{&participants.Error{Provider: "twilio", Code: participants.NotFound, Message: "gone"}, "twilio: NotFound: gone"},
		{&participants.Error{Provider: "twilio", Code: participants.NotFound, Field: "Phone", Message: "gone", Err: cause}, "twilio: NotFound: Phone: gone: boom"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// A network error that is not a *url.Error is Unavailable too.
func TestBareNetworkErrorIsUnavailable(t *testing.T) {
	for _, err := range []error{
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")},
		&net.DNSError{Err: "no such host", Name: "api.example.test"},
	} {
		if got := participants.Code(driver.WrapError("twilio", err)); got != participants.Unavailable {
			t.Errorf("Code(%v) = %v, want Unavailable", err, got)
		}
		if got := participants.Code(err); got != participants.Unavailable {
			t.Errorf("Code(bare %v) = %v, want Unavailable", err, got)
		}
	}
	if got := participants.Code(errors.New("other")); got != participants.Unknown {
		t.Errorf("Code(other) = %v, want Unknown", got)
	}
}

// Result.As reports false, without panicking, for a result without a vendor
// response and for a target that is not a non-nil pointer of the right type.
func TestResultAsTargets(t *testing.T) {
	tp := &twilio.Participant{}
	r := participants.ResultOf(driver.NewResult("twilio", "MB1", driver.KindContact, "", driver.Added, tp))
	var got *twilio.Participant
	if !r.As(&got) || got != tp {
		t.Errorf("As(**twilio.Participant) = %v, %p", got, got)
	}
	var nilTarget **twilio.Participant
	var wrong *string
	for name, target := range map[string]any{
		"nil":            nil,
		"not a pointer":  twilio.Participant{},
		"nil pointer":    nilTarget,
		"wrong type":     &wrong,
		"pointer to val": &twilio.Participant{},
	} {
		if r.As(target) {
			t.Errorf("As(%s) = true", name)
		}
	}
	empty := participants.ResultOf(driver.NewResult("twilio", "MB1", driver.KindContact, "", driver.Added, nil))
	if empty.As(&got) {
		t.Error("As on a result without a vendor response = true")
	}
}

// ValidEmail: up to 254 bytes, no control character anywhere (the first
// byte included), a quoted local part through net/mail, no display name.
func TestValidEmailEdges(t *testing.T) {
	at254 := strings.Repeat("a", 254-len("@example.com")) + "@example.com"
	for s, want := range map[string]bool{
		at254:                   true,
		"a" + at254:             false,
		"\x01ada@example.com":   false,
		"\u0085ada@example.com": false,
		"ada@example.com\x01":   false,
		"josé@exämple.com":      true,
		"Ada <ada@example.com>": false,
		"<ada@example.com>":     false,
	} {
		if got := driver.ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%.40q…) = %v, want %v", s, got, want)
		}
	}
}

// The fast path of ValidEmail agrees with net/mail on dots and empty sides.
func TestValidEmailDots(t *testing.T) {
	for _, s := range []string{"ada@", "ada.@example.com", ".ada@example.com", "ada@example.com.", "ada@.example.com", "a..b@example.com", "ada.@example."} {
		if driver.ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = true", s)
		}
	}
	for _, s := range []string{"a.b@example.com", "a@b.c.d", "a!#$%&'*+-/=?^_`{|}~@example.com"} {
		if !driver.ValidEmail(s) {
			t.Errorf("ValidEmail(%q) = false", s)
		}
	}
}

// A control character at the start of any identity field is refused,
// naming the field, before any request.
func TestLeadingControlCharacterInField(t *testing.T) {
	f, srv := newTwilioFixture(t)
	for field, p := range map[string]participants.Participant{
		"ExternalID":       {ExternalID: "\x01ada"},
		"Identifier.Value": {Identifier: participants.Identifier{Value: "\x01+15558675310"}},
	} {
		_, err := f.Client.Add(ctx, f.Conversation, p)
		var pe *participants.Error
		if participants.Code(err) != participants.InvalidArgument || !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("%s: %v, want InvalidArgument naming it", field, err)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// An explicit Kind contact with an identity the vendor cannot use is refused
// naming that identity, not Kind.
func TestUnsupportedIdentityWithKindContact(t *testing.T) {
	f, srv := newIntercomFixture(t)
	_, err := f.Client.Add(ctx, f.Conversation, participants.Participant{Kind: participants.KindContact, Phone: "+15558675310"})
	var pe *participants.Error
	if participants.Code(err) != participants.Unimplemented || !errors.As(err, &pe) || pe.Field != "Phone" {
		t.Errorf("Add: %v, want Unimplemented naming Phone", err)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
