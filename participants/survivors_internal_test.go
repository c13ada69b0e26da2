package participants

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/conversekit/conversekit/participants/driver"
)

// A key released and claimed again holds a new claim in a new slot: when
// the ring comes back to the old slot, the new claim stays (only the claim
// that took a slot is evicted from it).
func TestMemoryDeduperOldSlotSparesANewerClaim(t *testing.T) {
	d, err := NewMemoryDeduper(2, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "a") { // slot 0
		t.Fatal("first claim refused")
	}
	if err := d.Release(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "a") { // slot 1: a's claim of now
		t.Fatal("a released key refused")
	}
	if !claim(t, d, "b") { // slot 0 again: a's first claim, gone
		t.Fatal("b refused")
	}
	if claim(t, d, "a") {
		t.Fatal("a's second claim was evicted with the slot of its first")
	}
	if d.Evicted() != 0 || d.Len() != 2 {
		t.Fatalf("evicted %d, len %d; want 0, 2", d.Evicted(), d.Len())
	}
}

// only keeps the identity it is given, with what qualifies it, and
// clears every other one and Use.
func TestOnlyKeepsOneIdentity(t *testing.T) {
	all := Participant{
		Kind: KindBot, ID: "u1", ExternalID: "crm-1", Email: "ada@example.com",
		Phone: "+15558675310", Channel: ChannelSMS, Identifier: Identifier{Key: "k", Value: "v"},
		Use: UseEmail, Attributes: []byte(`{"a":1}`), ParticipantID: "p1",
	}
	kept := func(q Participant) map[IdentityField]bool {
		return map[IdentityField]bool{
			UseID:         q.ID != "" || q.Kind != "",
			UseExternalID: q.ExternalID != "",
			UseEmail:      q.Email != "",
			UsePhone:      q.Phone != "" || q.Channel != "",
			UseIdentifier: !q.Identifier.IsZero(),
		}
	}
	for _, f := range []IdentityField{UseID, UseExternalID, UseEmail, UsePhone, UseIdentifier} {
		q := all.only(f)
		for g, has := range kept(q) {
			if has != (g == f) {
				t.Errorf("only(%s): %s kept = %v", f, g, has)
			}
		}
		if q.Use != "" || string(q.Attributes) != `{"a":1}` || q.ParticipantID != "p1" {
			t.Errorf("only(%s) = %+v: Use cleared, the rest kept", f, q)
		}
	}
	if q := all.only(UseID); q.Kind != KindBot {
		t.Errorf("only(ID) dropped the Kind that qualifies ID: %+v", q)
	}
	if q := all.only(UsePhone); q.Channel != ChannelSMS {
		t.Errorf("only(Phone) dropped the Channel that qualifies Phone: %+v", q)
	}
}

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
