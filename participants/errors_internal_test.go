package participants

import (
	"errors"
	"testing"

	"github.com/conversekit/conversekit/participants/driver"
)

// A provider's *driver.Error keeps the provider it names; one that names
// none gets the Client's.
func TestFromDriverProvider(t *testing.T) {
	named := &driver.Error{Code: driver.NotFound, Provider: "inner", Message: "m"}
	if e := fromDriver("outer", named, named); e.Provider != "inner" {
		t.Errorf("Provider = %q, want the error's own, inner", e.Provider)
	}
	anon := &driver.Error{Code: driver.NotFound, Message: "m"}
	if e := fromDriver("outer", anon, anon); e.Provider != "outer" {
		t.Errorf("Provider = %q, want the Client's, outer", e.Provider)
	}
	wrapped := errors.Join(errors.New("context"), named)
	if e := fromDriver("outer", wrapped, named); e.Provider != "inner" || !errors.Is(e, named) {
		t.Errorf("wrapped: Provider = %q (want inner), chain holds the driver error: %v", e.Provider, errors.Is(e, named))
	}
}
