package participants_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// updStub is a lifeStub that implements driver.Updater, recording what its
// Update got and answering upd and err.
type updStub struct {
	lifeStub
	updates []driver.Update
	whos    []driver.Participant
	upd     *driver.Result
	updErr  error
}

func (s *updStub) Update(_ context.Context, conv string, p driver.Participant, u driver.Update, o driver.CallOptions) (*driver.Result, error) {
	s.convs, s.opts = append(s.convs, conv), append(s.opts, o)
	s.whos, s.updates = append(s.whos, p), append(s.updates, u)
	return s.upd, s.updErr
}

// A provider written without Update (no driver.Updater) keeps working, and
// the Client answers Unimplemented for Update, naming the vendor, without
// calling it.
func TestUpdateWithoutUpdaterIsUnimplemented(t *testing.T) {
	s := &lifeStub{}
	c := participants.New(s)
	_, err := c.Update(bg, "conv-1", participants.Participant{ParticipantID: "p-1"}, participants.Update{Status: participants.StatusActive})
	pe := wantErr(t, err, participants.Unimplemented, "Update", "stub cannot update a participant")
	if pe != nil && !errors.Is(err, participants.ErrUnimplemented) {
		t.Errorf("errors.Is(err, ErrUnimplemented) = false: %v", err)
	}
	if s.calls() != 0 {
		t.Errorf("the provider was called %d times", s.calls())
	}
	if _, err := c.Add(bg, "conv-1", participants.Participant{Email: "ada@example.com"}); err != nil {
		t.Errorf("Add over the same provider: %v", err)
	}
}

// The provider gets the change as it was given, the participant with the
// identity Use chooses alone, and its result comes back with Outcome
// Updated and As reaching the vendor response.
func TestUpdateHandsTheProviderItsChange(t *testing.T) {
	raw := &struct{ sid string }{"MB1"}
	s := &updStub{upd: driver.NewResult("stub", "MB1", driver.KindContact, driver.StatusInvited, driver.Updated, raw)}
	u := participants.Update{Role: "RL1", Attributes: json.RawMessage(`{"a":1}`), Status: participants.StatusInvited}
	who := participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp, Use: participants.UsePhone}
	res, err := participants.New(s).Update(bg, "conv-1", who, u, stubOption("WithWebhooks", "on", driver.OpUpdate))
	if err != nil {
		t.Fatal(err)
	}
	var got *struct{ sid string }
	if res.Outcome != participants.Updated || res.ID != "MB1" || res.Status != participants.StatusInvited || !res.As(&got) || got != raw {
		t.Errorf("Result = %v", res)
	}
	if res.Outcome.String() != "Updated" {
		t.Errorf("Outcome.String() = %q", res.Outcome)
	}
	if len(s.updates) != 1 || s.updates[0].Role != "RL1" || string(s.updates[0].Attributes) != `{"a":1}` || s.updates[0].Status != driver.StatusInvited {
		t.Errorf("the provider got %+v", s.updates)
	}
	if len(s.whos) != 1 || !sameParticipant(s.whos[0], participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp}) {
		t.Errorf("the provider got %+v, want the phone alone", s.whos)
	}
	if stubValue(s.opts[0], "WithWebhooks") != "on" {
		t.Errorf("options = %+v, want the provider's option", s.opts[0])
	}
}

// With several identities, Update looks the participant up first and
// changes it by its ID; a contradicting participant is FailedPrecondition
// and nothing is changed.
func TestUpdateSeveralIdentitiesLooksUpFirst(t *testing.T) {
	who := participants.Participant{ExternalID: "crm-42", Phone: "+15558675310"}
	s := &updStub{upd: driver.NewResult("stub", "MB1", "", "", driver.Updated, nil)}
	s.member = reported(driver.Member{ID: "MB1", ExternalID: "crm-42", Phone: "+15558675310"})
	if _, err := participants.New(s).Update(bg, "conv-1", who, participants.Update{Role: "RL1"}); err != nil {
		t.Fatal(err)
	}
	if len(s.refs) != 1 || len(s.whos) != 1 || !sameParticipant(s.whos[0], participants.Participant{ParticipantID: "MB1"}) {
		t.Errorf("Get got %+v, Update got %+v; want a lookup, then the ParticipantID MB1 alone", s.refs, s.whos)
	}

	s = &updStub{upd: driver.NewResult("stub", "MB1", "", "", driver.Updated, nil)}
	s.member = reported(driver.Member{ID: "MB1", ExternalID: "crm-7", Phone: "+15558675310"})
	_, err := participants.New(s).Update(bg, "conv-1", who, participants.Update{Role: "RL1"})
	wantErr(t, err, participants.FailedPrecondition, "ExternalID", "not updated")
	if len(s.whos) != 0 {
		t.Errorf("Update reached the provider: %+v", s.whos)
	}

	// A ParticipantID with another identity is several identities too:
	// the participant with that ID must report the other as given.
	s = &updStub{upd: driver.NewResult("stub", "MB1", "", "", driver.Updated, nil)}
	s.member = reported(driver.Member{ID: "MB1", ExternalID: "crm-7"})
	_, err = participants.New(s).Update(bg, "conv-1", participants.Participant{ParticipantID: "MB1", ExternalID: "crm-42"}, participants.Update{Role: "RL1"})
	wantErr(t, err, participants.FailedPrecondition, "ExternalID", "not updated")
	if len(s.refs) != 1 || len(s.whos) != 0 {
		t.Errorf("ParticipantID and ExternalID: Get got %+v, Update got %+v; want a lookup and no update", s.refs, s.whos)
	}

	s = &updStub{}
	s.err, s.code = errors.New("gone"), driver.NotFound
	_, err = participants.New(s).Update(bg, "conv-1", who, participants.Update{Role: "RL1"})
	wantErr(t, err, participants.NotFound, "", "")
	if len(s.whos) != 0 {
		t.Errorf("Update reached the provider after a failed lookup: %+v", s.whos)
	}
}

// Bad input is refused before the provider is called, naming the field.
func TestUpdateRefusedBeforeProvider(t *testing.T) {
	ref := participants.Participant{ParticipantID: "p-1"}
	for _, tc := range []struct {
		name  string
		who   participants.Participant
		u     participants.Update
		opts  []participants.Option
		field string
		msg   string
	}{
		{"empty", ref, participants.Update{}, nil, "Update", "nothing to update"},
		{"attributes array", ref, participants.Update{Attributes: json.RawMessage(`[1]`)}, nil, "Update.Attributes", "not a JSON object"},
		{"attributes empty", ref, participants.Update{Attributes: json.RawMessage(``)}, nil, "Update.Attributes", "not a JSON object"},
		{"status", ref, participants.Update{Status: "gone"}, nil, "Update.Status", "not active, invited or pending"},
		{"role spaces", ref, participants.Update{Role: " RL1"}, nil, "Update.Role", "surrounding space"},
		{"role control first", ref, participants.Update{Role: "\x01RL1"}, nil, "Update.Role", "control characters"},
		{"role control inside", ref, participants.Update{Role: "RL\x7f1"}, nil, "Update.Role", "control characters"},
		{"who attributes", participants.Participant{ParticipantID: "p-1", Attributes: json.RawMessage(`{}`)}, participants.Update{Role: "RL1"}, nil, "Attributes", "goes in the Update"},
		{"who status", participants.Participant{ParticipantID: "p-1", Status: participants.StatusActive}, participants.Update{Role: "RL1"}, nil, "Status", "goes in the Update"},
		{"no identity", participants.Participant{}, participants.Update{Role: "RL1"}, nil, "Participant", "no identity"},
		{"page size", ref, participants.Update{Role: "RL1"}, []participants.Option{participants.WithPageSize(5)}, "WithPageSize", "applies to List, not to Update"},
		{"before add", ref, participants.Update{Role: "RL1"}, []participants.Option{participants.BeforeAdd(func(any) error { return nil })}, "BeforeAdd", "applies to Add, not to Update"},
		{"option of Add", ref, participants.Update{Role: "RL1"}, []participants.Option{stubOption("WithRole", "RL1", driver.OpAdd)}, "WithRole", "applies to Add, not to Update"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &updStub{}
			_, err := participants.New(s).Update(bg, "conv-1", tc.who, tc.u, tc.opts...)
			wantErr(t, err, participants.InvalidArgument, tc.field, tc.msg)
			if s.calls() != 0 {
				t.Errorf("the provider was called %d times", s.calls())
			}
		})
	}
	// An option of another provider is Unimplemented, naming it.
	s := &updStub{}
	other := func(o *driver.CallOptions) {
		o.Vendor = append(o.Vendor, driver.VendorOption{Provider: "other", Name: "WithOther", Ops: []driver.Operation{driver.OpUpdate}})
	}
	_, err := participants.New(s).Update(bg, "conv-1", ref, participants.Update{Role: "RL1"}, other)
	wantErr(t, err, participants.Unimplemented, "WithOther", "an option of other")
	if s.calls() != 0 {
		t.Errorf("the provider was called %d times", s.calls())
	}
}

// The provider's errors come back as for Add; a provider that answers
// neither a result nor an error is Unknown.
func TestUpdateProviderErrors(t *testing.T) {
	ref := participants.Participant{ParticipantID: "p-1"}
	s := &updStub{updErr: driver.Errorf(driver.Unimplemented, "stub", "Update.Status", "no status")}
	_, err := participants.New(s).Update(bg, "conv-1", ref, participants.Update{Status: participants.StatusActive})
	wantErr(t, err, participants.Unimplemented, "Update.Status", "no status")

	s = &updStub{updErr: errVendor}
	s.code = driver.Unavailable
	_, err = participants.New(s).Update(bg, "conv-1", ref, participants.Update{Role: "RL1"})
	pe := wantErr(t, err, participants.Unavailable, "", "")
	if pe != nil && pe.Err != errVendor {
		t.Errorf("Err = %v, want the vendor's", pe.Err)
	}

	s = &updStub{}
	_, err = participants.New(s).Update(bg, "conv-1", ref, participants.Update{Role: "RL1"})
	wantErr(t, err, participants.Unknown, "", "neither a result nor an error")
}
