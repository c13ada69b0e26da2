package participants

import (
	"net/mail"
	"testing"
)

// simpleEmail accepts only what net/mail accepts as a bare address.
func FuzzSimpleEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", "a.b+c@d-e.f", "a..b@c", ".a@b", "a@b.", "a@", "@b", "a@b@c", "é@x.y", "a b@c", "\"a\"@b", "a@[1.2.3.4]", "a@b..c", "x@y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !simpleEmail(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			t.Errorf("simpleEmail(%q) but net/mail: %v, %+v", s, err, a)
		}
	})
}
