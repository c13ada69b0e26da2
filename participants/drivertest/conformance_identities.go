package drivertest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/conversekit/conversekit/participants"
)

// identityOf returns the first identity set in p and the value that
// identity reports on a Member m (m nil: "").
func identityOf(p participants.Participant, m *participants.Member) (participants.IdentityField, string) {
	switch {
	case p.ID != "":
		return participants.UseID, memberValue(m, func(m *participants.Member) string { return m.ContactID })
	case p.ExternalID != "":
		return participants.UseExternalID, memberValue(m, func(m *participants.Member) string { return m.ExternalID })
	case p.Email != "":
		return participants.UseEmail, memberValue(m, func(m *participants.Member) string { return m.Email })
	case p.Phone != "":
		return participants.UsePhone, memberValue(m, func(m *participants.Member) string { return m.Phone })
	}
	return participants.UseIdentifier, memberValue(m, func(m *participants.Member) string { return m.Identifier.Value })
}

func memberValue(m *participants.Member, f func(*participants.Member) string) string {
	if m == nil {
		return ""
	}
	return f(m)
}

// withExtraIdentity returns p with one more identity set: an ExternalID
// or, when p has one, an Email.
func withExtraIdentity(p participants.Participant, i int) participants.Participant {
	if p.ExternalID == "" {
		p.ExternalID = fmt.Sprintf("conformance-extra-%d", i)
	} else {
		p.Email = fmt.Sprintf("extra-%d@example.com", i)
	}
	return p
}

// testSeveralIdentities: Add sends every identity that is set or refuses
// before any request (InvalidArgument for identities the vendor cannot
// send together, Unimplemented for one it cannot express): never one of
// them alone.
func testSeveralIdentities(t *testing.T, h Harness, f *Fixture) {
	p := withExtraIdentity(f.Person(7), 7)
	listed := mustList(t, f, f.Conversation)
	requests := f.Fake.Requests()
	_, err := f.Client.Add(ctx, f.Conversation, p)
	if err == nil {
		// A vendor that can send both: the participant added reports
		// both, the extra one included.
		var fresh []*participants.Member
		for _, m := range mustList(t, f, f.Conversation) {
			if !slices.ContainsFunc(listed, func(b *participants.Member) bool { return b.ID == m.ID }) {
				fresh = append(fresh, m)
			}
		}
		if len(fresh) != 1 {
			t.Fatalf("Add(%+v) succeeded and %d participants are new, want 1", p, len(fresh))
		}
		person := f.Person(7)
		field, got := identityOf(person, fresh[0])
		_, want := identityOf(person, &participants.Member{ContactID: person.ID, ExternalID: person.ExternalID,
			Email: person.Email, Phone: person.Phone, Identifier: person.Identifier})
		extraField, extraGot, extraWant := "ExternalID", fresh[0].ExternalID, p.ExternalID
		if person.ExternalID != "" {
			extraField, extraGot, extraWant = "Email", fresh[0].Email, p.Email
		}
		if got != want || extraGot != extraWant {
			t.Errorf("Add(%+v) succeeded, but the participant added reports %s %q and %s %q: an identity was dropped",
				p, field, got, extraField, extraGot)
		}
		return
	}
	if c := participants.Code(err); c != participants.InvalidArgument && c != participants.Unimplemented {
		t.Errorf("Add(%+v): Code = %v, want success, InvalidArgument or Unimplemented (err: %v)", p, c, err)
	}
	if n := f.Fake.Requests() - requests; n != 0 {
		t.Errorf("%d requests reached the fake, want 0", n)
	}
}

// testUseChooses: Participant.Use sends the chosen identity alone.
func testUseChooses(t *testing.T, h Harness, f *Fixture) {
	p := f.Person(8)
	use, _ := identityOf(p, nil)
	p = withExtraIdentity(p, 8)
	p.Use = use
	before := f.Count(f.Conversation)
	res, err := f.Client.Add(ctx, f.Conversation, p)
	if err != nil {
		t.Fatalf("Add(%+v): %v", p, err)
	}
	checkResult(t, f, h.Name, res, added(f))
	if got := f.Count(f.Conversation); got != before+1 {
		t.Errorf("participants = %d, want %d", got, before+1)
	}
}

// testContradictingIdentity: Get and Remove never return or remove a
// participant that reports another value for an identity given.
func testContradictingIdentity(t *testing.T, h Harness, f *Fixture) {
	m1 := addMember(t, h, f, 41)
	addMember(t, h, f, 42)
	q := f.Person(42)
	field, reported := identityOf(q, m1)
	q.ParticipantID = m1.ID
	if reported == "" {
		// m1 does not report that identity: nothing contradicts.
		if _, err := f.Client.Get(ctx, f.Conversation, q); err != nil {
			t.Errorf("Get(%+v): %v", q, err)
		}
		return
	}
	_, err := f.Client.Get(ctx, f.Conversation, q)
	checkCode(t, err, participants.NotFound)
	if pe, ok := err.(*participants.Error); ok && pe.Field != string(field) {
		t.Errorf("Get: error field = %q, want %q", pe.Field, field)
	}
	before := f.Count(f.Conversation)
	_, err = f.Client.Remove(ctx, f.Conversation, q)
	checkCode(t, err, participants.FailedPrecondition)
	if got := f.Count(f.Conversation); got != before {
		t.Errorf("participants = %d after a refused Remove, want %d", got, before)
	}
	if _, err := f.Client.Get(ctx, f.Conversation, m1.Participant()); err != nil {
		t.Errorf("the participant is gone after a refused Remove: %v", err)
	}
}
