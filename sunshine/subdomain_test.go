package sunshine

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// subdomainRE is the definition isSubdomain implements without a regexp
// (none is compiled at init in the library).
var subdomainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func TestIsSubdomainAgreesWithTheRegexp(t *testing.T) {
	for _, s := range []string{"", "a", "-", "a-", "-a", "a-b", strings.Repeat("a", 63), strings.Repeat("a", 64),
		strings.Repeat("a", 62) + "-", "z9", "A", "`", "{", "/", ":", "@", "[", ".", "a.b"} {
		if got, want := isSubdomain(s), subdomainRE.MatchString(s); got != want {
			t.Errorf("isSubdomain(%q) = %v, the regexp says %v", s, got, want)
		}
	}
	alphabet := "az09-AZ`{/:@[._ \xff"
	r := rand.New(rand.NewPCG(19, 5))
	for range 20_000 {
		b := make([]byte, r.IntN(66))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(3) > 0 {
				b[i] = 'a' + byte(r.IntN(26))
			}
		}
		if got, want := isSubdomain(string(b)), subdomainRE.MatchString(string(b)); got != want {
			t.Fatalf("isSubdomain(%q) = %v, the regexp says %v", b, got, want)
		}
	}
}
