package pathparam

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// uuidRE is the definition IsUUID implements without a regexp (none is
// compiled at init or run per call in the library).
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func TestIsUUIDAgreesWithTheRegexp(t *testing.T) {
	for _, v := range []string{
		"",
		"123e4567-e89b-12d3-a456-426614174000",
		"123E4567-E89B-12D3-A456-426614174000",
		"123e4567-e89b-12d3-a456-42661417400",   // short
		"123e4567-e89b-12d3-a456-4266141740000", // long
		"123e4567e-89b-12d3-a456-426614174000",  // dash moved
		"123e4567-e89b-12d3-a456_426614174000",
		"123e4567-e89b-12d3-a4560426614174000",
		"g23e4567-e89b-12d3-a456-426614174000",
		"123e4567-e89b-12d3-a456-42661417400g",
		"123e4567-e89b-12d3-a456-42661417400/",
		"123e4567-e89b-12d3-a456-42661417400:",
		"123e4567-e89b-12d3-a456-42661417400@",
		"123e4567-e89b-12d3-a456-42661417400`",
		"123e4567-e89b-12d3-a456-42661417400G",
		"{23e4567-e89b-12d3-a456-426614174000",
		"------------------------------------",
		"123e4567-e89b-12d3-a456-42661417400\u00e9"[:36],
	} {
		if got, want := IsUUID(v), uuidRE.MatchString(v); got != want {
			t.Errorf("IsUUID(%q) = %v, the regexp says %v", v, got, want)
		}
	}
	// Random strings of UUID shape, each byte drawn around the bounds of
	// the classes.
	alphabet := "0123456789aAbBfFgG-/:@`_{ \xff"
	r := rand.New(rand.NewPCG(19, 4))
	for range 20_000 {
		b := []byte("123e4567-e89b-12d3-a456-426614174000")
		for range 1 + r.IntN(2) {
			b[r.IntN(len(b))] = alphabet[r.IntN(len(alphabet))]
		}
		v := string(b)
		if got, want := IsUUID(v), uuidRE.MatchString(v); got != want {
			t.Fatalf("IsUUID(%q) = %v, the regexp says %v", v, got, want)
		}
	}
}

func FuzzIsUUID(f *testing.F) {
	f.Add("123e4567-e89b-12d3-a456-426614174000")
	f.Add("123e4567-e89b-12d3-a456-42661417400")
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := IsUUID(v), uuidRE.MatchString(v); got != want {
			t.Fatalf("IsUUID(%q) = %v, the regexp says %v", v, got, want)
		}
	})
}
