package driver_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants/driver"
)

// ValidEmail takes a bare address of at most 254 bytes, and refuses
// surrounding space, a display name, angle brackets, invalid UTF-8 and
// control characters (C1 ones included, which net/mail would take).
func TestValidEmail(t *testing.T) {
	// 254 bytes: 64 + "@" + 189.
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"
	if len(long) != 254 {
		t.Fatalf("len = %d", len(long))
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"ada@example.com", true},
		{"a.b+c@d-e.f", true},
		{long, true},
		{long + "m", false},       // 255 bytes
		{"x" + long, false},       // 255 bytes
		{"é@x.y", true},           // UTF-8: net/mail's path
		{"ada@exämple.com", true}, // UTF-8 domain
		{"", false},
		{"ada", false},
		{"a@", false},
		{"@b", false},
		{"a b@c", false},
		{" ada@example.com", false}, // surrounding space
		{"ada@example.com ", false},
		{"ada@example.com\u00a0", false}, // no-break space, which net/mail takes
		{"\u00a0ada@example.com", false},
		{"ada@example.com\n", false},
		{"Ada <ada@example.com>", false}, // display name
		{"<ada@example.com>", false},     // angle brackets
		{"ada@ex\u0080ample.com", false}, // C1 control in the domain
		{"\u0080ada@example.com", false}, // C1 control first
		{"é\u0085@x.y", false},
		{"\"a\tb\"@example.com", false}, // tab in a quoted local part
		{"a\x01@example.com", false},
		{"a\xff@example.com", false}, // invalid UTF-8
		{"ada@example.com\xff", false},
	} {
		if got := driver.ValidEmail(tt.s); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestValidPhone(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"+15558675310", true}, {"+12", true}, {"+1" + strings.Repeat("2", 14), true},
		{"+1" + strings.Repeat("2", 15), false}, {"+1", false}, {"+0123", false},
		{"15558675310", false}, {"+1 555", false}, {"", false},
	} {
		if got := driver.ValidPhone(tt.s); got != tt.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// ValidAttributes takes a JSON object, surrounding space allowed, and
// nothing else: not null, an array, a string, nor empty input.
func TestValidAttributes(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want bool
	}{
		{`{}`, true},
		{`{"tier":"gold","n":1}`, true},
		{" \n{\"a\":{\"b\":[1]}}\t ", true},
		{``, false},
		{`   `, false},
		{`null`, false},
		{` null `, false},
		{`[]`, false},
		{`[{}]`, false},
		{`"x"`, false},
		{`1`, false},
		{`{`, false},
		{`{"a":}`, false},
		{`{} {}`, false},
	} {
		if got := driver.ValidAttributes(json.RawMessage(tt.raw)); got != tt.want {
			t.Errorf("ValidAttributes(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
	if driver.ValidAttributes(nil) {
		t.Error("ValidAttributes(nil) = true")
	}
}

// The identities a Participant can carry, one at a time.
var oneOfEach = []struct {
	name string
	p    driver.Participant
}{
	{"ID", driver.Participant{ID: "c1"}},
	{"ExternalID", driver.Participant{ExternalID: "u-1"}},
	{"Email", driver.Participant{Email: "ada@example.com"}},
	{"Phone", driver.Participant{Phone: "+15558675310"}},
	{"Identifier", driver.Participant{Identifier: driver.Identifier{Key: "emailaddress", Value: "ada@example.com"}}},
}

// merge returns a and b's identities in one Participant.
func merge(a, b driver.Participant) driver.Participant {
	if b.ID != "" {
		a.ID = b.ID
	}
	if b.ExternalID != "" {
		a.ExternalID = b.ExternalID
	}
	if b.Email != "" {
		a.Email = b.Email
	}
	if b.Phone != "" {
		a.Phone = b.Phone
	}
	if !b.Identifier.IsZero() {
		a.Identifier = b.Identifier
	}
	return a
}

// OneIdentity is nil for none or one identity, and for several an
// InvalidArgument *Error whose Field names them, in the order ID,
// ExternalID, Email, Phone, Identifier, with the reason given.
func TestOneIdentity(t *testing.T) {
	if err := driver.OneIdentity("twilio", &driver.Participant{}, "why"); err != nil {
		t.Errorf("OneIdentity(none) = %v", err)
	}
	for _, one := range oneOfEach {
		p := one.p
		if err := driver.OneIdentity("twilio", &p, "why"); err != nil {
			t.Errorf("OneIdentity(%s alone) = %v, want nil", one.name, err)
		}
	}
	for i, a := range oneOfEach {
		for _, b := range oneOfEach[i+1:] {
			p := merge(a.p, b.p)
			p.Kind, p.Channel, p.Status = driver.KindContact, driver.ChannelSMS, driver.StatusActive
			err := driver.OneIdentity("twilio", &p, "one address per participant")
			e, ok := err.(*driver.Error)
			if !ok {
				t.Errorf("OneIdentity(%s, %s) = %v, want an *Error", a.name, b.name, err)
				continue
			}
			if wantField := a.name + ", " + b.name; e.Code != driver.InvalidArgument || e.Provider != "twilio" || e.Field != wantField {
				t.Errorf("OneIdentity(%s, %s) = %#v, want InvalidArgument on %q", a.name, b.name, e, wantField)
			}
			if !strings.Contains(e.Message, a.name+" and "+b.name) || !strings.Contains(e.Message, "one address per participant") {
				t.Errorf("OneIdentity message %q lacks the identities or the reason", e.Message)
			}
		}
	}
	all := driver.Participant{}
	for _, one := range oneOfEach {
		all = merge(all, one.p)
	}
	e, ok := driver.OneIdentity("bird", &all, "why").(*driver.Error)
	if !ok || e.Field != "ID, ExternalID, Email, Phone, Identifier" {
		t.Errorf("OneIdentity(all) = %#v", e)
	}
	// An Identifier with a key alone or a value alone is set.
	for _, id := range []driver.Identifier{{Key: "k"}, {Value: "v"}} {
		p := driver.Participant{Email: "ada@example.com", Identifier: id}
		if e, ok := driver.OneIdentity("bird", &p, "why").(*driver.Error); !ok || e.Field != "Email, Identifier" {
			t.Errorf("OneIdentity(Email, %+v) = %#v", id, e)
		}
	}
}

// NoIdentity is the Unimplemented *Error naming the identities set in p,
// or naming Kind for a participant of a kind other than contact.
func TestNoIdentity(t *testing.T) {
	for _, one := range oneOfEach {
		for _, kind := range []driver.Kind{"", driver.KindContact} {
			p := one.p
			p.Kind = kind
			e, ok := driver.NoIdentity("intercom", &p).(*driver.Error)
			if !ok || e.Code != driver.Unimplemented || e.Provider != "intercom" || e.Field != one.name {
				t.Errorf("NoIdentity(%s, kind %q) = %#v, want Unimplemented on %s", one.name, kind, e, one.name)
				continue
			}
			if !strings.Contains(e.Message, "intercom") || !strings.Contains(e.Message, one.name) {
				t.Errorf("NoIdentity message %q", e.Message)
			}
		}
	}
	p := driver.Participant{Email: "ada@example.com", Phone: "+15558675310"}
	if e, ok := driver.NoIdentity("intercom", &p).(*driver.Error); !ok || e.Field != "Email, Phone" {
		t.Errorf("NoIdentity(Email, Phone) = %#v", e)
	}
	for _, kind := range []driver.Kind{driver.KindUser, driver.KindBot, "agent"} {
		p := driver.Participant{Kind: kind, ID: "u1"}
		e, ok := driver.NoIdentity("sunshine", &p).(*driver.Error)
		if !ok || e.Code != driver.Unimplemented || e.Field != "Kind" || !strings.Contains(e.Message, string(kind)) {
			t.Errorf("NoIdentity(kind %s) = %#v, want Unimplemented on Kind", kind, e)
		}
	}
}

// Refuse is nil when cond does not hold, else Unimplemented naming field.
func TestRefuse(t *testing.T) {
	if err := driver.Refuse("bird", false, "Status", "no status"); err != nil {
		t.Errorf("Refuse(false) = %v", err)
	}
	e, ok := driver.Refuse("bird", true, "Status", "no initial status").(*driver.Error)
	if !ok || e.Code != driver.Unimplemented || e.Provider != "bird" || e.Field != "Status" || e.Message != "not expressible on bird: no initial status" {
		t.Errorf("Refuse(true) = %#v", e)
	}
}
