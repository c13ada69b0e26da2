package drivertest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/conversekit/conversekit/participants"
)

// The Update cases: Client.Update over a provider with driver.Updater
// (Capabilities.Update set) and without it (Unimplemented before any
// request).

// updateOp is Client.Update with u, as an op of refusedOp.
func updateOp(c *participants.Client, u participants.Update) op {
	return op{"Update", func(ctx context.Context, conv string, p participants.Participant, opts ...participants.Option) error {
		_, err := c.Update(ctx, conv, p, u, opts...)
		return err
	}}
}

// updates reports whether the provider can update participants.
func updates(f *Fixture) bool {
	u := f.Caps.Update
	return u.Role != "" || u.Attributes != nil || u.Status != ""
}

// testUpdateUnimplemented: a provider without driver.Updater answers
// Unimplemented naming Update, before any request; one with it answers
// Unimplemented naming each Update field its vendor cannot carry, before
// any request.
func testUpdateUnimplemented(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 70)
	if !updates(f) {
		refusedOp(t, h, f, updateOp(f.Client, participants.Update{Status: participants.StatusActive}), ctx, f.Conversation, m.Participant(), participants.Unimplemented, "Update")
		return
	}
	for field, u := range map[string]participants.Update{
		"Update.Role":       {Role: "RL00000000000000000000000000000001"},
		"Update.Attributes": {Attributes: json.RawMessage(`{"tier":"gold"}`)},
		"Update.Status":     {Status: participants.StatusActive},
	} {
		if (field == "Update.Role" && f.Caps.Update.Role != "") || (field == "Update.Attributes" && f.Caps.Update.Attributes != nil) ||
			(field == "Update.Status" && f.Caps.Update.Status != "") {
			continue
		}
		refusedOp(t, h, f, updateOp(f.Client, u), ctx, f.Conversation, m.Participant(), participants.Unimplemented, field)
	}
}

// testUpdateChanges: Update of a participant named by its ParticipantID is
// Outcome Updated for that participant, and a later Get shows the change.
func testUpdateChanges(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 71)
	u := f.Caps.Update
	if !updates(f) {
		refusedOp(t, h, f, updateOp(f.Client, participants.Update{Attributes: json.RawMessage(`{}`)}), ctx, f.Conversation, m.Participant(), participants.Unimplemented, "Update")
		return
	}
	res, err := f.Client.Update(ctx, f.Conversation, m.Participant(), u)
	if err != nil {
		t.Fatalf("Update(%s): %v", m.ID, err)
	}
	checkUpdated(t, h, f, res, m, u)
}

// testUpdateByIdentity: Update takes the identity the participant was
// added with, when the vendor can look it up; otherwise it refuses with
// Unimplemented before any request.
func testUpdateByIdentity(t *testing.T, h Harness, f *Fixture) {
	addMember(t, h, f, 72) // someone else first: Update must pick the right one
	m := addMember(t, h, f, 73)
	p := f.Person(73)
	u := f.Caps.Update
	if !updates(f) || !canLookUp(f, p) {
		if !updates(f) {
			u = participants.Update{Status: participants.StatusActive}
		}
		refusedOp(t, h, f, updateOp(f.Client, u), ctx, f.Conversation, p, participants.Unimplemented, "")
		return
	}
	res, err := f.Client.Update(ctx, f.Conversation, p, u)
	if err != nil {
		t.Fatalf("Update(%+v): %v", p, err)
	}
	checkUpdated(t, h, f, res, m, u)
}

// testUpdateRefusals: an empty Update, Attributes that are not a JSON
// object and an unknown Status are InvalidArgument naming the field, before
// any request (Unimplemented naming Update for a provider without
// driver.Updater, which the Client asks first).
func testUpdateRefusals(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 74)
	for field, u := range map[string]participants.Update{
		"Update":            {},
		"Update.Attributes": {Attributes: json.RawMessage(`[1]`)},
		"Update.Status":     {Status: "gone"},
	} {
		code := participants.InvalidArgument
		if !updates(f) {
			code, field = participants.Unimplemented, "Update"
		}
		refusedOp(t, h, f, updateOp(f.Client, u), ctx, f.Conversation, m.Participant(), code, field)
	}
	// The participant is named as for Get: Attributes and Status of the
	// participant itself belong in the Update.
	p := m.Participant()
	p.Status = participants.StatusActive
	code, field := participants.InvalidArgument, "Status"
	if !updates(f) {
		code, field = participants.Unimplemented, "Update"
	}
	refusedOp(t, h, f, updateOp(f.Client, participants.Update{Status: participants.StatusActive}), ctx, f.Conversation, p, code, field)
}

// testUpdateAbsent: Update of a participant who was removed is NotFound.
func testUpdateAbsent(t *testing.T, h Harness, f *Fixture) {
	if !updates(f) {
		return // testUpdateUnimplemented covers a provider without Updater
	}
	keepOne(t, f)
	m := addMember(t, h, f, 75)
	mustRemove(t, f, m.Participant(), participants.Removed)
	_, err := f.Client.Update(ctx, f.Conversation, m.Participant(), f.Caps.Update)
	checkNotFound(t, h, err, true)
}

// testUpdateMissingConversation: Update in a missing conversation is
// NotFound, and changes nobody elsewhere.
func testUpdateMissingConversation(t *testing.T, h Harness, f *Fixture) {
	if !updates(f) {
		return // testUpdateUnimplemented covers a provider without Updater
	}
	m := addMember(t, h, f, 76)
	_, err := f.Client.Update(ctx, f.MissingConversation, m.Participant(), f.Caps.Update)
	checkNotFound(t, h, err, true)
	got, err := f.Client.Get(ctx, f.Conversation, m.Participant())
	if err != nil {
		t.Fatal(err)
	}
	if f.Updated(got, f.Caps.Update) {
		t.Errorf("an Update in a missing conversation changed %s", m.ID)
	}
}

// checkUpdated checks an Update of m: the Result names the provider and
// m's ID with Outcome Updated, and a later Get shows the change u.
func checkUpdated(t *testing.T, h Harness, f *Fixture, res *participants.Result, m *participants.Member, u participants.Update) {
	t.Helper()
	if res.Provider != h.Name || res.ID != m.ID || res.Outcome != participants.Updated {
		t.Errorf("Update = %v, want %s: Updated participant %s", res, h.Name, m.ID)
	}
	var raw any
	if !res.As(&raw) {
		t.Errorf("Result.As reaches no vendor response: %v", res)
	}
	got, err := f.Client.Get(ctx, f.Conversation, m.Participant())
	if err != nil {
		t.Fatalf("Get after Update: %v", err)
	}
	if !f.Updated(got, u) {
		t.Errorf("Get after Update shows %+v, without the change %+v", got, u)
	}
}
