package participants_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// useStub records the Participants its Add got.
type useStub struct {
	lifeStub
	added []driver.Participant
}

func (s *useStub) Add(ctx context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	s.added = append(s.added, p)
	return s.lifeStub.Add(ctx, conv, p, o)
}

func TestAddUseSendsTheChosenIdentityAlone(t *testing.T) {
	both := participants.Participant{ExternalID: "crm-42", Phone: "+15558675310", Channel: participants.ChannelWhatsApp,
		Attributes: []byte(`{"a":1}`)}
	for _, tc := range []struct {
		use  participants.IdentityField
		want participants.Participant
	}{
		{participants.UsePhone, participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp, Attributes: []byte(`{"a":1}`)}},
		{participants.UseExternalID, participants.Participant{ExternalID: "crm-42", Attributes: []byte(`{"a":1}`)}},
	} {
		s := &useStub{}
		p := both
		p.Use = tc.use
		if _, err := participants.New(s).Add(bg, "conv-1", p); err != nil {
			t.Fatal(err)
		}
		if len(s.added) != 1 || !sameParticipant(s.added[0], tc.want) {
			t.Errorf("Use %s: the Provider got %+v, want %+v", tc.use, s.added, tc.want)
		}
	}
	// Without Use the Provider gets every identity: it decides whether its
	// vendor can send them together.
	s := &useStub{}
	if _, err := participants.New(s).Add(bg, "conv-1", both); err != nil {
		t.Fatal(err)
	}
	if len(s.added) != 1 || !sameParticipant(s.added[0], both) {
		t.Errorf("without Use the Provider got %+v, want %+v", s.added, both)
	}
}

func TestUseRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    participants.Participant
		msg  string
	}{
		{"unknown", participants.Participant{Email: "ada@example.com", Use: "email"}, `"email" is not ID, ExternalID, Email, Phone or Identifier`},
		{"empty identity", participants.Participant{Email: "ada@example.com", Use: participants.UsePhone}, "names Phone, which is empty"},
		{"kind needs its ID", participants.Participant{Kind: participants.KindUser, ID: "u1", Email: "ada@example.com", Use: participants.UseEmail}, "Kind user is identified by ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &useStub{}
			c := participants.New(s)
			_, aerr := c.Add(bg, "conv-1", tc.p)
			_, gerr := c.Get(bg, "conv-1", tc.p)
			_, rerr := c.Remove(bg, "conv-1", tc.p)
			for _, err := range []error{aerr, gerr, rerr} {
				pe := wantErr(t, err, participants.InvalidArgument, "Use", "")
				if !strings.Contains(pe.Message, tc.msg) {
					t.Errorf("message %q, want %q", pe.Message, tc.msg)
				}
			}
			if len(s.added) != 0 || s.calls() != 0 {
				t.Error("the Provider was called")
			}
		})
	}
	s := &useStub{}
	_, err := participants.New(s).Get(bg, "conv-1", participants.Participant{ParticipantID: "MB1", Email: "ada@example.com", Use: participants.UseEmail})
	wantErr(t, err, participants.InvalidArgument, "Use", "the ParticipantID names the participant")
}

// reported is a member that reports these identities.
func reported(m driver.Member) *driver.Member {
	m.Provider = "stub"
	return driver.NewMember(m, nil)
}

func TestGetRefusesAContradictingMember(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     participants.Participant
		m     driver.Member
		field string // "" when the member is the one p describes
	}{
		{"same", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}, driver.Member{ID: "MB1", ExternalID: "crm-42", Phone: "+15558675310"}, ""},
		{"not reported", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}, driver.Member{ID: "MB1", ExternalID: "crm-42"}, ""},
		{"email case", participants.Participant{ID: "c1", Email: "Ada@Example.com"}, driver.Member{ID: "c1", ContactID: "c1", Email: "ada@example.com"}, ""},
		{"sms by default", participants.Participant{Phone: "+15558675310", ExternalID: "x"}, driver.Member{ID: "MB1", Phone: "+15558675310", Channel: driver.ChannelSMS}, ""},
		{"phone", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}, driver.Member{ID: "MB1", ExternalID: "crm-42", Phone: "+15550000000"}, "Phone"},
		{"channel", participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}, driver.Member{ID: "MB1", ExternalID: "crm-42", Phone: "+15558675310", Channel: driver.ChannelWhatsApp}, "Phone"},
		{"external ID", participants.Participant{Email: "ada@example.com", ExternalID: "crm-42"}, driver.Member{ID: "c1", Email: "ada@example.com", ExternalID: "crm-7"}, "ExternalID"},
		{"email", participants.Participant{ExternalID: "crm-42", Email: "ada@example.com"}, driver.Member{ID: "c1", ExternalID: "crm-42", Email: "bob@example.com"}, "Email"},
		{"contact ID", participants.Participant{ID: "c1", ExternalID: "crm-42"}, driver.Member{ID: "c2", ContactID: "c2", ExternalID: "crm-42"}, "ID"},
		{"identifier", participants.Participant{ExternalID: "crm-42", Identifier: participants.Identifier{Key: "k", Value: "v"}}, driver.Member{ID: "c1", ExternalID: "crm-42", Identifier: driver.Identifier{Key: "k", Value: "w"}}, "Identifier"},
		{"identifier key", participants.Participant{ExternalID: "crm-42", Identifier: participants.Identifier{Key: "k", Value: "v"}}, driver.Member{ID: "c1", ExternalID: "crm-42", Identifier: driver.Identifier{Key: "j", Value: "v"}}, "Identifier"},
		{"participant ID and identity", participants.Participant{ParticipantID: "MB1", ExternalID: "crm-42"}, driver.Member{ID: "MB1", ExternalID: "crm-7"}, "ExternalID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &lifeStub{member: reported(tc.m), res: driver.NewResult("stub", tc.m.ID, "", "", driver.Removed, nil)}
			c := participants.New(s)
			m, err := c.Get(bg, "conv-1", tc.p)
			if tc.field == "" {
				if err != nil || m == nil || m.ID != tc.m.ID {
					t.Fatalf("Get = %v, %v", m, err)
				}
			} else {
				pe := wantErr(t, err, participants.NotFound, tc.field, "reports another "+tc.field)
				if m != nil {
					t.Errorf("Get returned %v with the error", m)
				}
				if strings.Contains(pe.Error(), "crm-7") || strings.Contains(pe.Error(), "bob@") || strings.Contains(pe.Error(), "+1555000") {
					t.Errorf("the message quotes what the vendor reported: %v", pe)
				}
			}
			s.refs = nil
			res, err := c.Remove(bg, "conv-1", tc.p)
			if tc.field == "" {
				if err != nil || res.Outcome != participants.Removed {
					t.Fatalf("Remove = %v, %v", res, err)
				}
				// Get by the identities, then Remove by the ID found alone.
				if len(s.refs) != 2 || !sameParticipant(s.refs[1], participants.Participant{ParticipantID: tc.m.ID}) {
					t.Errorf("the Provider got %+v", s.refs)
				}
				return
			}
			wantErr(t, err, participants.FailedPrecondition, tc.field, "not removed")
			if len(s.refs) != 1 {
				t.Errorf("the Provider got %+v: Remove was called", s.refs)
			}
		})
	}
}

func TestGetAndRemoveLookUpByUse(t *testing.T) {
	p := participants.Participant{ExternalID: "crm-42", Phone: "+15558675310", Use: participants.UsePhone}
	s := &lifeStub{member: reported(driver.Member{ID: "MB1", Phone: "+15558675310"}),
		res: driver.NewResult("stub", "MB1", "", "", driver.Removed, nil)}
	c := participants.New(s)
	if _, err := c.Get(bg, "conv-1", p); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Remove(bg, "conv-1", p); err != nil {
		t.Fatal(err)
	}
	byPhone := participants.Participant{Phone: "+15558675310"}
	want := []participants.Participant{byPhone, byPhone, {ParticipantID: "MB1"}}
	if len(s.refs) != 3 || !sameParticipant(s.refs[0], want[0]) || !sameParticipant(s.refs[1], want[1]) || !sameParticipant(s.refs[2], want[2]) {
		t.Errorf("the Provider got %+v, want %+v", s.refs, want)
	}
}

func TestRemoveOfSeveralIdentitiesWhenAbsent(t *testing.T) {
	// The lookup finds nobody: Remove asks the Provider with the lookup
	// identity, which tells AlreadyAbsent from a missing conversation.
	p := participants.Participant{ExternalID: "crm-42", Phone: "+15558675310", Use: participants.UseExternalID}
	s := &absentStub{}
	res, err := participants.New(s).Remove(bg, "conv-1", p)
	if err != nil || res.Outcome != participants.AlreadyAbsent {
		t.Fatalf("Remove = %v, %v", res, err)
	}
	if len(s.refs) != 2 || !sameParticipant(s.refs[1], participants.Participant{ExternalID: "crm-42"}) {
		t.Errorf("the Provider got %+v", s.refs)
	}
	// Any other error of the lookup is the answer, with its code.
	s2 := &lifeStub{err: errors.New("boom"), code: driver.Unavailable}
	_, err = participants.New(s2).Remove(bg, "conv-1", p)
	wantErr(t, err, participants.Unavailable, "", "")
	if len(s2.refs) != 1 {
		t.Errorf("the Provider got %+v: Remove was called after a failed lookup", s2.refs)
	}
}

// absentStub answers Get with NotFound and Remove with AlreadyAbsent.
type absentStub struct{ lifeStub }

func (s *absentStub) Get(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	s.refs = append(s.refs, p)
	return nil, driver.Errorf(driver.NotFound, "stub", "", "no such participant")
}

func (s *absentStub) Remove(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	s.refs = append(s.refs, p)
	return driver.NewResult("stub", "", "", "", driver.AlreadyAbsent, nil), nil
}
