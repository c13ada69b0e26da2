package participants

import "testing"

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
