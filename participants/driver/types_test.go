package driver_test

import (
	"encoding/json"
	"testing"

	"github.com/conversekit/conversekit/participants/driver"
)

// Identifier.IsZero reports whether neither Key nor Value is set.
func TestIdentifierIsZero(t *testing.T) {
	for _, tt := range []struct {
		id   driver.Identifier
		want bool
	}{
		{driver.Identifier{}, true},
		{driver.Identifier{Key: "emailaddress"}, false},
		{driver.Identifier{Value: "ada@example.com"}, false},
		{driver.Identifier{Key: "emailaddress", Value: "ada@example.com"}, false},
	} {
		if got := tt.id.IsZero(); got != tt.want {
			t.Errorf("%+v.IsZero() = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestNewResultAndNewMember(t *testing.T) {
	raw := &struct{ Sid string }{"MB1"}
	r := driver.NewResult("twilio", "MB1", driver.KindContact, driver.StatusActive, driver.AlreadyPresent, raw)
	if *r != (driver.Result{Provider: "twilio", ID: "MB1", Kind: driver.KindContact, Status: driver.StatusActive, Outcome: driver.AlreadyPresent, Raw: raw}) {
		t.Errorf("NewResult = %+v", r)
	}
	m := driver.Member{Provider: "bird", ID: "p1", Email: "ada@example.com", Raw: "old"}
	got := driver.NewMember(m, raw)
	if got.Raw != raw || got.ID != "p1" || got.Email != "ada@example.com" || got.Provider != "bird" {
		t.Errorf("NewMember = %+v", got)
	}
	if m.Raw != "old" {
		t.Error("NewMember changed its argument")
	}
}

// Update.IsZero reports whether the update changes nothing: each field
// set alone is a change.
func TestUpdateIsZero(t *testing.T) {
	for _, tt := range []struct {
		name string
		u    driver.Update
		want bool
	}{
		{"zero", driver.Update{}, true},
		{"role", driver.Update{Role: "RL1"}, false},
		{"attributes", driver.Update{Attributes: json.RawMessage(`{"a":1}`)}, false},
		{"status", driver.Update{Status: driver.StatusInvited}, false},
		{"role and status", driver.Update{Role: "RL1", Status: driver.StatusActive}, false},
		{"all", driver.Update{Role: "RL1", Attributes: json.RawMessage(`{}`), Status: driver.StatusActive}, false},
	} {
		if got := tt.u.IsZero(); got != tt.want {
			t.Errorf("%s: IsZero() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// AppliesTo reports whether op is one of the option's Ops.
func TestVendorOptionAppliesTo(t *testing.T) {
	v := driver.VendorOption{Provider: "twilio", Name: "WithRole", Ops: []driver.Operation{driver.OpAdd, driver.OpUpdate}}
	for op, want := range map[driver.Operation]bool{
		driver.OpAdd: true, driver.OpUpdate: true,
		driver.OpList: false, driver.OpGet: false, driver.OpRemove: false,
	} {
		if got := v.AppliesTo(op); got != want {
			t.Errorf("AppliesTo(%s) = %v, want %v", op, got, want)
		}
	}
	one := driver.VendorOption{Ops: []driver.Operation{driver.OpRemove}}
	if !one.AppliesTo(driver.OpRemove) || one.AppliesTo(driver.OpAdd) {
		t.Error("AppliesTo of a one-operation option")
	}
	var none driver.VendorOption
	if none.AppliesTo(driver.OpAdd) {
		t.Error("an option without Ops applies to Add")
	}
}

// The zero EventKind is none of the kinds, so that an Event whose Kind a
// Receiver forgot to set is told apart; the kinds are distinct and have
// the values of participants.EventKind (1, 2, 3).
func TestEventKinds(t *testing.T) {
	kinds := []driver.EventKind{driver.ParticipantJoined, driver.ParticipantLeft, driver.ParticipantUpdated}
	seen := map[driver.EventKind]bool{}
	for i, k := range kinds {
		if k == 0 || seen[k] {
			t.Errorf("kind %d = %d: zero or repeated", i, k)
		}
		seen[k] = true
		if int(k) != i+1 {
			t.Errorf("kind %d = %d, want %d", i, k, i+1)
		}
	}
	var e driver.Event
	if seen[e.Kind] {
		t.Errorf("the zero Event has kind %d", e.Kind)
	}
}
