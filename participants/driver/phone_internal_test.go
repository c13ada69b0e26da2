package driver

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// e164RE is the definition ValidPhone implements without a regexp (none
// is compiled at init or run per call in the library).
var e164RE = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

func TestValidPhoneAgreesWithTheRegexp(t *testing.T) {
	for _, s := range []string{"", "+", "+1", "+12", "+01", "+0", "12", "+1" + strings.Repeat("2", 14), "+1" + strings.Repeat("2", 15),
		"+15558675310", "+1555867531a", "+1/", "+1:", " +15558675310", "+15558675310\n", "++1", "+1-555"} {
		if got, want := ValidPhone(s), e164RE.MatchString(s); got != want {
			t.Errorf("ValidPhone(%q) = %v, the regexp says %v", s, got, want)
		}
	}
	alphabet := "0123456789+/:a \n"
	r := rand.New(rand.NewPCG(19, 6))
	for range 50_000 {
		b := make([]byte, r.IntN(18))
		for i := range b {
			if i == 0 && r.IntN(4) > 0 {
				b[i] = '+'
			} else if r.IntN(6) > 0 {
				b[i] = '0' + byte(r.IntN(10))
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		if got, want := ValidPhone(string(b)), e164RE.MatchString(string(b)); got != want {
			t.Fatalf("ValidPhone(%q) = %v, the regexp says %v", b, got, want)
		}
	}
}

func FuzzValidPhone(f *testing.F) {
	f.Add("+15558675310")
	f.Add("+012")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidPhone(s), e164RE.MatchString(s); got != want {
			t.Fatalf("ValidPhone(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}
