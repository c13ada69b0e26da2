package intercomparticipants_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// icLife is an Intercom fake with three contacts, the conversation "123"
// holding alice and bob, and the lead known but not on it.
type icLife struct {
	fake             *participantstest.IntercomServer
	vc               *intercom.Client
	c                *participants.Client
	alice, bob, lead participantstest.IntercomContact
}

const icConv = "123"

func newICLife(t *testing.T, o intercomparticipants.Options) *icLife {
	t.Helper()
	vc, fake := participantstest.NewIntercom(t)
	f := &icLife{fake: fake, vc: vc}
	f.alice = fake.SeedContact(participantstest.IntercomContact{UserID: "ext-alice", Email: "alice@example.com"})
	f.bob = fake.SeedContact(participantstest.IntercomContact{UserID: "ext-bob", Email: "bob@example.com"})
	f.lead = fake.SeedContact(participantstest.IntercomContact{Email: "lead@example.com", Role: "lead"})
	// NewIntercom seeded "123" empty: attach the two through the API.
	for _, id := range []string{f.alice.ID, f.bob.ID} {
		if _, err := vc.AttachContact(context.Background(), icConv, intercom.AdminAttach(intercomAdmin, intercom.CustomerByIntercomUserID(id))); err != nil {
			t.Fatal(err)
		}
	}
	if o.AdminID == "" && o.ActingContact == nil {
		o.AdminID = intercomAdmin
	}
	f.c = participants.New(intercomparticipants.New(vc, o))
	fake.Reset()
	return f
}

// methods returns the methods of the requests the fake saw, in order.
func (f *icLife) methods() []string {
	var out []string
	for _, r := range f.fake.RequestLog() {
		out = append(out, r.Method)
	}
	return out
}

func (f *icLife) wantRequests(t *testing.T, want ...string) {
	t.Helper()
	if got := f.methods(); !slices.Equal(got, want) {
		t.Errorf("requests = %v, want %v", got, want)
	}
	f.fake.Reset()
}

func (f *icLife) customerIDs() []string {
	var out []string
	for _, c := range f.fake.Customers(icConv) {
		out = append(out, c.ID)
	}
	return out
}

func intercomWantCode(t *testing.T, err error, code participants.ErrorCode, field string) *participants.Error {
	t.Helper()
	var pe *participants.Error
	var de *driver.Error
	switch {
	case errors.As(err, &pe):
	case errors.As(err, &de): // from the provider called directly
		pe = &participants.Error{Code: participants.ErrorCode(de.Code), Provider: de.Provider, Field: de.Field, Message: de.Message, Err: de.Err}
	default:
		t.Fatalf("err = %v (%T), want a *participants.Error or *driver.Error", err, err)
	}
	if pe.Code != code || pe.Field != field || pe.Provider != "intercom" {
		t.Errorf("err = %v: code %v field %q, want %v %q", err, pe.Code, pe.Field, code, field)
	}
	return pe
}

func TestIntercomList(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	if _, err := f.vc.AttachContact(ctx, icConv, intercom.AdminAttach(intercomAdmin, intercom.CustomerByEmail("lead@example.com"))); err != nil {
		t.Fatal(err)
	}
	f.fake.Reset()
	var got []participants.Member
	for m, err := range f.c.List(ctx, icConv, participants.WithPageSize(1)) {
		if err != nil {
			t.Fatal(err)
		}
		var ref *intercom.ContactReference
		if !m.As(&ref) || ref.ID != m.ID || ref.Type != "contact" {
			t.Errorf("As = %+v", ref)
		}
		got = append(got, *m)
	}
	want := []participants.Member{
		{Provider: "intercom", ID: f.alice.ID, Kind: participants.KindContact, ContactID: f.alice.ID, ExternalID: "ext-alice"},
		{Provider: "intercom", ID: f.bob.ID, Kind: participants.KindContact, ContactID: f.bob.ID, ExternalID: "ext-bob"},
		{Provider: "intercom", ID: f.lead.ID, Kind: participants.KindContact, ContactID: f.lead.ID},
	}
	if len(got) != len(want) {
		t.Fatalf("members = %+v", got)
	}
	for i := range want {
		if g := got[i]; g.Provider != want[i].Provider || g.ID != want[i].ID || g.Kind != want[i].Kind ||
			g.ContactID != want[i].ContactID || g.ExternalID != want[i].ExternalID || g.Email != "" || g.Phone != "" {
			t.Errorf("member %d = %+v, want %+v", i, g, want[i])
		}
	}
	// One read, whatever the page size: Intercom does not paginate.
	f.wantRequests(t, "GET")
}

func TestIntercomListEmptyAndMissing(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.SeedConversation("empty")
	for m, err := range f.c.List(ctx, "empty") {
		t.Fatalf("empty conversation yielded %v, %v", m, err)
	}
	n := 0
	for m, err := range f.c.List(ctx, "999") {
		n++
		if m != nil {
			t.Fatalf("member %v", m)
		}
		pe := intercomWantCode(t, err, participants.NotFound, "conversationID")
		var api *intercom.APIError
		if !errors.As(err, &api) || api.StatusCode != 404 || !strings.Contains(pe.Error(), `no conversation "999"`) {
			t.Errorf("err = %v, want the 404 in the chain", err)
		}
	}
	if n != 1 {
		t.Errorf("%d errors yielded, want 1", n)
	}
	f.wantRequests(t, "GET", "GET")
}

// Intercom has one page: a Provider asked for another refuses it unsent.
func TestIntercomListPageToken(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	p := intercomparticipants.New(f.vc, intercomparticipants.Options{AdminID: intercomAdmin})
	page, err := p.List(ctx, icConv, "next", driver.CallOptions{})
	if page != nil {
		t.Errorf("page = %+v", page)
	}
	intercomWantCode(t, err, participants.InvalidArgument, "page")
	page, err = p.List(ctx, icConv, "", driver.CallOptions{})
	if err != nil || page.Next != "" || len(page.Members) != 2 {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	f.wantRequests(t, "GET")
}

func TestIntercomGet(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	for _, tt := range []struct {
		name string
		p    participants.Participant
		want string
	}{
		{"ParticipantID", participants.Participant{ParticipantID: f.bob.ID}, f.bob.ID},
		{"ID", participants.Participant{ID: f.bob.ID}, f.bob.ID},
		{"ExternalID", participants.Participant{ExternalID: "ext-alice"}, f.alice.ID},
		// Several identities: the first finds the contact, the others
		// are checked against it (TestIntercomGetContradiction).
		{"ParticipantID and ExternalID", participants.Participant{ParticipantID: f.bob.ID, ExternalID: "ext-bob"}, f.bob.ID},
		{"ID and ExternalID", participants.Participant{ID: f.alice.ID, ExternalID: "ext-alice"}, f.alice.ID},
		{"Use ExternalID", participants.Participant{ID: f.alice.ID, ExternalID: "ext-alice", Use: participants.UseExternalID}, f.alice.ID},
		// The conversation lists no emails: an Email is not checked.
		{"ID and an unchecked Email", participants.Participant{ID: f.alice.ID, Email: "bob@example.com"}, f.alice.ID},
		{"kind contact", participants.Participant{Kind: participants.KindContact, ExternalID: "ext-bob"}, f.bob.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := f.c.Get(ctx, icConv, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if m.ID != tt.want || m.ContactID != tt.want || m.Kind != participants.KindContact || m.Provider != "intercom" {
				t.Errorf("member = %+v, want ID %s", m, tt.want)
			}
			var ref *intercom.ContactReference
			if !m.As(&ref) || ref.ID != tt.want {
				t.Errorf("As = %+v", ref)
			}
			f.wantRequests(t, "GET")
		})
	}
}

// An identity that the contact found reports with another value
// contradicts it: Get is NotFound naming it, Remove is FailedPrecondition
// naming it and removes no one, each after the one read.
func TestIntercomGetContradiction(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	for _, tt := range []struct {
		name  string
		p     participants.Participant
		field string
	}{
		{"ID vs ExternalID", participants.Participant{ID: f.alice.ID, ExternalID: "ext-bob"}, "ExternalID"},
		{"ParticipantID vs ID", participants.Participant{ParticipantID: f.bob.ID, ID: f.alice.ID}, "ID"},
		{"ParticipantID vs ExternalID", participants.Participant{ParticipantID: f.bob.ID, ExternalID: "ext-alice"}, "ExternalID"},
		{"Use ID vs ExternalID", participants.Participant{ID: f.bob.ID, ExternalID: "ext-alice", Use: participants.UseID}, "ExternalID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := f.c.Get(ctx, icConv, tt.p)
			if m != nil {
				t.Errorf("member = %+v", m)
			}
			intercomWantCode(t, err, participants.NotFound, tt.field)
			f.wantRequests(t, "GET")
			res, err := f.c.Remove(ctx, icConv, tt.p)
			if res != nil {
				t.Errorf("result = %+v", res)
			}
			intercomWantCode(t, err, participants.FailedPrecondition, tt.field)
			f.wantRequests(t, "GET")
			if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID, f.bob.ID}) {
				t.Errorf("customers = %v", got)
			}
		})
	}
}

func TestIntercomGetNotFound(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	for _, tt := range []struct {
		p     participants.Participant
		field string
	}{
		{participants.Participant{ParticipantID: f.lead.ID}, "ParticipantID"},
		{participants.Participant{ID: f.lead.ID}, "ID"},
		{participants.Participant{ExternalID: "ext-nobody"}, "ExternalID"},
	} {
		m, err := f.c.Get(ctx, icConv, tt.p)
		if m != nil {
			t.Errorf("member = %+v", m)
		}
		pe := intercomWantCode(t, err, participants.NotFound, tt.field)
		if !strings.Contains(pe.Message, `conversation "123" exists but no contact on it has `+tt.field) || !errors.Is(err, participants.ErrNotFound) {
			t.Errorf("err = %v", err)
		}
		f.wantRequests(t, "GET")
	}
	_, err := f.c.Get(ctx, "999", participants.Participant{ID: f.bob.ID})
	intercomWantCode(t, err, participants.NotFound, "conversationID")
	f.wantRequests(t, "GET")

	// A contact without external ID on the conversation matches neither an
	// absent ID nor an absent ExternalID.
	carol := f.fake.SeedContact(participantstest.IntercomContact{UserID: "ext-carol"})
	if _, err := f.vc.AttachContact(ctx, icConv, intercom.AdminAttach(intercomAdmin, intercom.CustomerByIntercomUserID(f.lead.ID))); err != nil {
		t.Fatal(err)
	}
	for _, p := range []participants.Participant{{ID: carol.ID}, {ParticipantID: carol.ID}, {ExternalID: "ext-carol"}} {
		if m, err := f.c.Get(ctx, icConv, p); participants.Code(err) != participants.NotFound {
			t.Errorf("Get(%+v) = %+v, %v; want NotFound", p, m, err)
		}
		if res, err := f.c.Remove(ctx, icConv, p); err != nil || res.Outcome != participants.AlreadyAbsent {
			t.Errorf("Remove(%+v) = %+v, %v; want AlreadyAbsent", p, res, err)
		}
	}
	if got := f.customerIDs(); len(got) != 3 {
		t.Errorf("customers = %v", got)
	}
}

// What the contact list cannot match is Unimplemented, unsent.
func TestIntercomGetRemoveUnimplemented(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	for _, tt := range []struct {
		p     participants.Participant
		field string
	}{
		{participants.Participant{Email: "bob@example.com"}, "Email"},
		{participants.Participant{Email: "bob@example.com", Phone: "+15558675310"}, "Email"},
		{participants.Participant{Phone: "+15558675310"}, "Phone"},
		{participants.Participant{Phone: "+15558675310", Channel: participants.ChannelWhatsApp}, "Phone"},
		{participants.Participant{Identifier: participants.Identifier{Key: "k", Value: "v"}}, "Identifier"},
		{participants.Participant{Kind: participants.KindUser, ID: f.bob.ID}, "Kind"},
		{participants.Participant{Kind: participants.KindBot, ParticipantID: f.bob.ID, ID: f.bob.ID}, "Kind"},
	} {
		_, err := f.c.Get(ctx, icConv, tt.p)
		pe := intercomWantCode(t, err, participants.Unimplemented, tt.field)
		if !strings.Contains(pe.Message, "not expressible on intercom") {
			t.Errorf("Get message = %q", pe.Message)
		}
		if tt.field != "Kind" && !strings.Contains(pe.Message, "Get finds a contact") {
			t.Errorf("Get message = %q", pe.Message)
		}
		_, err = f.c.Remove(ctx, icConv, tt.p)
		pe = intercomWantCode(t, err, participants.Unimplemented, tt.field)
		// Remove with several identities looks the contact up as Get does.
		op := "Remove"
		if tt.p.Phone != "" && tt.p.Email != "" || tt.p.ParticipantID != "" {
			op = "Get"
		}
		if tt.field != "Kind" && !strings.Contains(pe.Message, op+" finds a contact") {
			t.Errorf("Remove message = %q", pe.Message)
		}
	}
	f.wantRequests(t)
}

func TestIntercomRemoveByID(t *testing.T) {
	for _, name := range []string{"ID", "ParticipantID"} {
		t.Run(name, func(t *testing.T) {
			f := newICLife(t, intercomparticipants.Options{})
			p := participants.Participant{ID: f.bob.ID}
			if name == "ParticipantID" {
				p = participants.Participant{ParticipantID: f.bob.ID}
			}
			res, err := f.c.Remove(ctx, icConv, p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != participants.Removed || res.ID != f.bob.ID || res.Kind != participants.KindContact || res.Provider != "intercom" {
				t.Errorf("result = %+v", res)
			}
			var left *intercom.CustomersList
			if !res.As(&left) || len(left.Customers) != 1 || left.Customers[0].ID != f.alice.ID {
				t.Errorf("As = %+v", left)
			}
			f.wantRequests(t, "DELETE")
			if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID}) {
				t.Errorf("customers = %v", got)
			}

			// Again: the detach answers 404, the read proves the
			// conversation is there without bob.
			res, err = f.c.Remove(ctx, icConv, p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != participants.AlreadyAbsent || res.ID != f.bob.ID {
				t.Errorf("result = %+v", res)
			}
			var read *intercom.ConversationContacts
			if !res.As(&read) || len(read.Contacts) != 1 {
				t.Errorf("As = %+v", read)
			}
			f.wantRequests(t, "DELETE", "GET")
		})
	}
}

// Remove with several identities reads first, checks them against the
// contact found and detaches it by ID; gone, the read's NotFound makes
// Remove detach by the first identity, whose 404 a read settles.
func TestIntercomRemoveSeveralIdentities(t *testing.T) {
	for _, tt := range []struct {
		name  string
		p     func(f *icLife) participants.Participant
		again []string
	}{
		{"ParticipantID and ID", func(f *icLife) participants.Participant {
			return participants.Participant{ParticipantID: f.bob.ID, ID: f.bob.ID}
		}, []string{"GET", "DELETE", "GET"}},
		{"ID and ExternalID", func(f *icLife) participants.Participant {
			return participants.Participant{ID: f.bob.ID, ExternalID: "ext-bob"}
		}, []string{"GET", "DELETE", "GET"}},
		{"Use ExternalID", func(f *icLife) participants.Participant {
			return participants.Participant{ID: f.bob.ID, ExternalID: "ext-bob", Use: participants.UseExternalID}
		}, []string{"GET", "GET"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newICLife(t, intercomparticipants.Options{})
			p := tt.p(f)
			res, err := f.c.Remove(ctx, icConv, p)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != participants.Removed || res.ID != f.bob.ID {
				t.Errorf("result = %+v", res)
			}
			f.wantRequests(t, "GET", "DELETE")
			if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID}) {
				t.Errorf("customers = %v", got)
			}
			res, err = f.c.Remove(ctx, icConv, p)
			if err != nil || res.Outcome != participants.AlreadyAbsent {
				t.Fatalf("again = %+v, %v", res, err)
			}
			f.wantRequests(t, tt.again...)
		})
	}
}

func TestIntercomRemoveByExternalID(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	res, err := f.c.Remove(ctx, icConv, participants.Participant{ExternalID: "ext-bob"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != participants.Removed || res.ID != f.bob.ID {
		t.Errorf("result = %+v", res)
	}
	f.wantRequests(t, "GET", "DELETE")
	if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID}) {
		t.Errorf("customers = %v", got)
	}
	res, err = f.c.Remove(ctx, icConv, participants.Participant{ExternalID: "ext-bob"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != participants.AlreadyAbsent || res.ID != "" {
		t.Errorf("result = %+v", res)
	}
	var read *intercom.ConversationContacts
	if !res.As(&read) || len(read.Contacts) != 1 {
		t.Errorf("As = %+v", read)
	}
	f.wantRequests(t, "GET")
}

// A missing conversation is NotFound, never AlreadyAbsent.
func TestIntercomRemoveMissingConversation(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	res, err := f.c.Remove(ctx, "999", participants.Participant{ID: f.bob.ID})
	if res != nil {
		t.Errorf("result = %+v", res)
	}
	pe := intercomWantCode(t, err, participants.NotFound, "conversationID")
	if !strings.Contains(pe.Error(), `no conversation "999"`) {
		t.Errorf("err = %v", err)
	}
	f.wantRequests(t, "DELETE", "GET")
	_, err = f.c.Remove(ctx, "999", participants.Participant{ExternalID: "ext-bob"})
	intercomWantCode(t, err, participants.NotFound, "conversationID")
	f.wantRequests(t, "GET")
}

func TestIntercomRemoveLastCustomer(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	if _, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}); err != nil {
		t.Fatal(err)
	}
	f.fake.Reset()
	_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.alice.ID})
	pe := intercomWantCode(t, err, participants.FailedPrecondition, "")
	var api *intercom.APIError
	if !errors.As(err, &api) || api.StatusCode != 422 || !errors.Is(err, participants.ErrFailedPrecondition) {
		t.Errorf("err = %v, want the 422 in the chain", err)
	}
	if !strings.Contains(pe.Message, "last customer") || !strings.Contains(pe.Message, "add another customer first") || !strings.Contains(pe.Message, `ID "`+f.alice.ID+`"`) {
		t.Errorf("message = %q", pe.Message)
	}
	// The read after the 422 shows the contact still there.
	f.wantRequests(t, "DELETE", "GET")
	if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID}) {
		t.Errorf("customers = %v", got)
	}
}

// Another 422, or a 422 of another code, is the caller's input.
func TestIntercomRemoveOther422(t *testing.T) {
	for _, body := range []string{
		`{"type":"error.list","errors":[{"code":"parameter_invalid","message":"admin_id is invalid"}]}`,
		`{"type":"error.list","errors":[{"code":"other","message":"Removing the last customer is not allowed"}]}`,
	} {
		f := newICLife(t, intercomparticipants.Options{})
		f.fake.InjectFaults(participantstest.Fault{Status: 422, Body: body})
		_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
		intercomWantCode(t, err, participants.InvalidArgument, "")
		f.wantRequests(t, "DELETE")
	}
	// Intercom's message in another case still reads as the last customer.
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.InjectFaults(participantstest.Fault{Status: 422, Body: `{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Removing the LAST CUSTOMER is not allowed"}]}`})
	_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	intercomWantCode(t, err, participants.FailedPrecondition, "")
}

// The detach's answer is lost after Intercom removed the contact: the
// transport retries the DELETE (Remove is idempotent), which answers 404,
// and the read proves the contact gone.
func TestIntercomRemoveLostResponse(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.InjectFaults(participantstest.Fault{CommitThenDrop: true})
	res, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != participants.AlreadyAbsent || res.ID != f.bob.ID {
		t.Errorf("result = %+v", res)
	}
	f.wantRequests(t, "DELETE", "DELETE", "GET")
	if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID}) {
		t.Errorf("customers = %v", got)
	}
}

// A detach whose answer is lost removed the contact; its retry meets the
// last-customer rule (422): the read settles it, AlreadyAbsent, as after
// a 404 (item 7a of issue 18).
func TestIntercomRemoveLostResponseThenLastCustomer(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.InjectFaults(participantstest.Fault{Method: http.MethodDelete, CommitThenDrop: true},
		participantstest.Fault{Method: http.MethodDelete, Status: 422, Body: `{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Removing the last customer is not allowed"}]}`})
	res, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != participants.AlreadyAbsent || res.ID != f.bob.ID {
		t.Errorf("result = %+v", res)
	}
	var read *intercom.ConversationContacts
	if !res.As(&read) || len(read.Contacts) != 1 || read.Contacts[0].ID != f.alice.ID {
		t.Errorf("As = %+v", read)
	}
	f.wantRequests(t, "DELETE", "DELETE", "GET")
	if got := f.customerIDs(); !slices.Equal(got, []string{f.alice.ID}) {
		t.Errorf("customers = %v", got)
	}
}

func TestIntercomRemoveRetries(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.InjectFaults(participantstest.Fault{Status: 503}, participantstest.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}})
	res, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	if err != nil || res.Outcome != participants.Removed {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
	f.wantRequests(t, "DELETE", "DELETE", "DELETE")
}

// A 2xx proves only what its body proves.
func TestIntercomRemove2xxStillListing(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.InjectFaults(participantstest.Fault{Status: 200, Body: `{"customers":[{"type":"user","id":"` + f.alice.ID + `"},{"type":"user","id":"` + f.bob.ID + `"}]}`})
	res, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	if res != nil {
		t.Errorf("result = %+v", res)
	}
	pe := intercomWantCode(t, err, participants.Unknown, "")
	if !strings.Contains(pe.Message, "still holds it") {
		t.Errorf("message = %q", pe.Message)
	}
	f.fake.InjectFaults(participantstest.Fault{Status: 200, Body: `{}`})
	_, err = f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	var se *intercom.SuccessBodyError
	if !errors.As(err, &se) || participants.Code(err) != participants.Unknown {
		t.Errorf("err = %v, want Unknown with the *SuccessBodyError", err)
	}
}

// A 404 while the contact is on the conversation is about something else
// (the admin): the detach's error, not AlreadyAbsent.
func TestIntercomRemoveUnknownAdmin(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}, intercomparticipants.WithAdmin("424242"))
	intercomWantCode(t, err, participants.NotFound, "")
	var api *intercom.APIError
	if !errors.As(err, &api) || api.Message != "Admin Not Found" {
		t.Errorf("err = %v", err)
	}
	f.wantRequests(t, "DELETE", "GET")
	if len(f.customerIDs()) != 2 {
		t.Error("a customer was removed")
	}
}

func TestIntercomRemoveAdmin(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		alice := participants.Participant{ExternalID: "ext-alice"}
		f := newICLife(t, intercomparticipants.Options{ActingContact: &alice})
		_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
		pe := intercomWantCode(t, err, participants.InvalidArgument, "intercomparticipants.Options.AdminID")
		if !strings.Contains(pe.Message, "WithAdmin") {
			t.Errorf("message = %q", pe.Message)
		}
		f.wantRequests(t)
		// WithAdmin is enough.
		f.fake.SeedAdmin("99")
		if _, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}, intercomparticipants.WithAdmin("99")); err != nil {
			t.Fatal(err)
		}
		if log := f.fake.RequestLog(); len(log) != 1 || string(log[0].Body) != `{"admin_id":"99"}` {
			t.Errorf("log = %+v", log)
		}
	})
	t.Run("bad admin named by its source", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{})
		_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}, intercomparticipants.WithAdmin(" "))
		intercomWantCode(t, err, participants.InvalidArgument, "WithAdmin")
		f.c = participants.New(intercomparticipants.New(f.vc, intercomparticipants.Options{AdminID: "7\n"}))
		_, err = f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
		intercomWantCode(t, err, participants.InvalidArgument, "intercomparticipants.Options.AdminID")
		f.wantRequests(t)
	})
	t.Run("options and override", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{})
		if _, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}); err != nil {
			t.Fatal(err)
		}
		if log := f.fake.RequestLog(); len(log) != 1 || string(log[0].Body) != `{"admin_id":"`+intercomAdmin+`"}` {
			t.Errorf("log = %+v", log)
		}
	})
}

// Failures of the read that follows a 404 are the read's.
func TestIntercomRemoveReadFails(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.InjectFaults(participantstest.Fault{Status: 404, Body: `{"type":"error.list","errors":[{"code":"not_found","message":"User Not Found"}]}`},
		participantstest.Fault{Status: 503})
	_, err := f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}, participants.WithRequestOptions(option.WithMaxRetries(0)))
	intercomWantCode(t, err, participants.Unavailable, "")
	var api *intercom.APIError
	if !errors.As(err, &api) || api.StatusCode != 503 {
		t.Errorf("err = %v, want the read's 503", err)
	}
	f.wantRequests(t, "DELETE", "GET")
	// A dropped connection on the detach itself is Unavailable.
	f.fake.InjectFaults(participantstest.Fault{Drop: true})
	_, err = f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID}, participants.WithRequestOptions(option.WithMaxRetries(0)))
	intercomWantCode(t, err, participants.Unavailable, "")
	if len(f.customerIDs()) != 2 {
		t.Error("a customer was removed")
	}
}

func TestIntercomLifecycleRefusedUnsent(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := f.c.Get(canceled, icConv, participants.Participant{ID: f.bob.ID})
	intercomWantCode(t, err, participants.Canceled, "")
	_, err = f.c.Remove(canceled, icConv, participants.Participant{ID: f.bob.ID})
	intercomWantCode(t, err, participants.Canceled, "")
	_, err = f.c.Remove(canceled, icConv, participants.Participant{ExternalID: "ext-bob"})
	intercomWantCode(t, err, participants.Canceled, "")
	for _, err := range f.c.List(canceled, icConv) {
		intercomWantCode(t, err, participants.Canceled, "")
	}
	for _, conv := range []string{".", ".."} {
		_, err = f.c.Get(ctx, conv, participants.Participant{ID: f.bob.ID})
		intercomWantCode(t, err, participants.InvalidArgument, "conversationID")
		_, err = f.c.Remove(ctx, conv, participants.Participant{ID: f.bob.ID})
		intercomWantCode(t, err, participants.InvalidArgument, "conversationID")
		for _, err := range f.c.List(ctx, conv) {
			intercomWantCode(t, err, participants.InvalidArgument, "conversationID")
		}
	}
	_, err = f.c.Remove(ctx, icConv, participants.Participant{ParticipantID: ".."})
	intercomWantCode(t, err, participants.InvalidArgument, "ParticipantID")
	_, err = f.c.Remove(ctx, icConv, participants.Participant{ID: "."})
	intercomWantCode(t, err, participants.InvalidArgument, "ID")
	f.wantRequests(t)
	// A nil vendor client is refused by every call.
	nilc := participants.New(intercomparticipants.New(nil, intercomparticipants.Options{AdminID: "1"}))
	_, err = nilc.Get(ctx, icConv, participants.Participant{ID: "x"})
	intercomWantCode(t, err, participants.InvalidArgument, "client")
	_, err = nilc.Remove(ctx, icConv, participants.Participant{ID: "x"})
	intercomWantCode(t, err, participants.InvalidArgument, "client")
	for _, err := range nilc.List(ctx, icConv) {
		intercomWantCode(t, err, participants.InvalidArgument, "client")
	}
}

func TestIntercomReportOutcome(t *testing.T) {
	t.Run("ID", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
		res, err := f.c.Add(ctx, icConv, participants.Participant{ID: f.lead.ID})
		if err != nil || res.Outcome != participants.Added || res.ID != f.lead.ID {
			t.Fatalf("first Add = %+v, %v", res, err)
		}
		var list *intercom.CustomersList
		if !res.As(&list) || len(list.Customers) != 3 {
			t.Errorf("As = %+v", list)
		}
		f.wantRequests(t, "GET", "POST")
		res, err = f.c.Add(ctx, icConv, participants.Participant{ID: f.lead.ID})
		if err != nil || res.Outcome != participants.AlreadyPresent || res.ID != f.lead.ID {
			t.Fatalf("second Add = %+v, %v", res, err)
		}
		var read *intercom.ConversationContacts
		if !res.As(&read) || len(read.Contacts) != 3 {
			t.Errorf("As = %+v", read)
		}
		f.wantRequests(t, "GET")
	})
	t.Run("ExternalID", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
		carol := f.fake.SeedContact(participantstest.IntercomContact{UserID: "ext-carol"})
		res, err := f.c.Add(ctx, icConv, participants.Participant{ExternalID: "ext-carol"})
		if err != nil || res.Outcome != participants.Added || res.ID != carol.ID {
			t.Fatalf("first Add = %+v, %v", res, err)
		}
		f.wantRequests(t, "GET", "POST")
		res, err = f.c.Add(ctx, icConv, participants.Participant{ExternalID: "ext-bob"})
		if err != nil || res.Outcome != participants.AlreadyPresent || res.ID != f.bob.ID {
			t.Fatalf("present Add = %+v, %v", res, err)
		}
		f.wantRequests(t, "GET")
	})
	t.Run("Email", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
		res, err := f.c.Add(ctx, icConv, participants.Participant{Email: "new@example.com"})
		if err != nil || res.Outcome != participants.Added {
			t.Fatalf("first Add = %+v, %v", res, err)
		}
		ids := f.customerIDs()
		if len(ids) != 3 || res.ID != ids[2] {
			t.Errorf("Result.ID = %s, customers %v: want the new lead", res.ID, ids)
		}
		f.wantRequests(t, "GET", "POST")
		// Again: nothing new, so already there; which contact it is,
		// Intercom does not say.
		res, err = f.c.Add(ctx, icConv, participants.Participant{Email: "new@example.com"})
		if err != nil || res.Outcome != participants.AlreadyPresent || res.ID != "" {
			t.Fatalf("second Add = %+v, %v", res, err)
		}
		f.wantRequests(t, "GET", "POST")
	})
	t.Run("missing conversation", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
		_, err := f.c.Add(ctx, "999", participants.Participant{ID: f.lead.ID})
		intercomWantCode(t, err, participants.NotFound, "conversationID")
		f.wantRequests(t, "GET")
	})
	t.Run("read fails", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
		f.fake.InjectFaults(participantstest.Fault{Status: 401})
		_, err := f.c.Add(ctx, icConv, participants.Participant{ID: f.lead.ID})
		intercomWantCode(t, err, participants.Unauthenticated, "")
		f.wantRequests(t, "GET")
	})
	t.Run("default stays one request", func(t *testing.T) {
		f := newICLife(t, intercomparticipants.Options{})
		for range 2 {
			res, err := f.c.Add(ctx, icConv, participants.Participant{ID: f.bob.ID})
			if err != nil || res.Outcome != participants.Unreported || res.ID != f.bob.ID {
				t.Fatalf("Add = %+v, %v", res, err)
			}
			f.wantRequests(t, "POST")
		}
	})
}

// Another writer between the read and the attach shows in the attach's
// answer: what it proves is reported, nothing more.
func TestIntercomReportOutcomeRace(t *testing.T) {
	for _, tt := range []struct {
		name   string
		p      func(f *icLife) participants.Participant
		answer func(f *icLife) []string // the customers the attach answers
		want   participants.Outcome
		wantID func(f *icLife) string
		code   participants.ErrorCode // of the error, OK for a result
	}{
		{"email, someone else added too",
			func(*icLife) participants.Participant { return participants.Participant{Email: "lead@example.com"} },
			func(f *icLife) []string { return []string{f.alice.ID, f.bob.ID, f.lead.ID, "0000000000000000000000ff"} },
			participants.Unreported, func(*icLife) string { return "" }, participants.OK},
		{"ID, someone else added too",
			func(f *icLife) participants.Participant { return participants.Participant{ID: f.lead.ID} },
			func(f *icLife) []string { return []string{f.alice.ID, f.bob.ID, f.lead.ID, "0000000000000000000000ff"} },
			participants.Added, func(f *icLife) string { return f.lead.ID }, participants.OK},
		// The answer does not show the contact the attach named: not a
		// success.
		{"ID, answer without it",
			func(f *icLife) participants.Participant { return participants.Participant{ID: f.lead.ID} },
			func(f *icLife) []string { return []string{f.alice.ID, f.bob.ID, "0000000000000000000000ff"} },
			0, nil, participants.Unknown},
		{"ExternalID, removed meanwhile",
			func(*icLife) participants.Participant { return participants.Participant{ExternalID: "ext-nobody"} },
			func(f *icLife) []string { return []string{f.alice.ID} },
			participants.AlreadyPresent, func(*icLife) string { return "" }, participants.OK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
			var b strings.Builder
			b.WriteString(`{"customers":[`)
			for i, id := range tt.answer(f) {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(`{"type":"user","id":"` + id + `"}`)
			}
			b.WriteString("]}")
			f.fake.InjectFaults(participantstest.Fault{}, participantstest.Fault{Status: 200, Body: b.String()})
			res, err := f.c.Add(ctx, icConv, tt.p(f))
			if tt.code != participants.OK {
				if participants.Code(err) != tt.code || res != nil {
					t.Fatalf("Add = %+v, %v; want %v", res, err, tt.code)
				}
				f.wantRequests(t, "GET", "POST")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want || res.ID != tt.wantID(f) {
				t.Errorf("result = %+v, want %v %q", res, tt.want, tt.wantID(f))
			}
			f.wantRequests(t, "GET", "POST")
		})
	}
}

// A BeforeAdd hook may name someone else: the attach is always sent and
// the comparison alone decides.
func TestIntercomReportOutcomeBeforeAdd(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{ReportOutcome: true})
	hook := participants.BeforeAdd(func(body any) error {
		*body.(*intercom.AttachContactBody) = intercom.AdminAttach(intercomAdmin, intercom.CustomerByEmail("lead@example.com"))
		return nil
	})
	res, err := f.c.Add(ctx, icConv, participants.Participant{ID: f.bob.ID}, hook)
	if err != nil || res.Outcome != participants.Added || res.ID != f.lead.ID {
		t.Fatalf("Add = %+v, %v; want the lead Added", res, err)
	}
	f.wantRequests(t, "GET", "POST")
	res, err = f.c.Add(ctx, icConv, participants.Participant{ID: f.bob.ID}, hook)
	if err != nil || res.Outcome != participants.AlreadyPresent || res.ID != "" {
		t.Fatalf("Add again = %+v, %v", res, err)
	}
	f.wantRequests(t, "GET", "POST")
	boom := errors.New("no")
	_, err = f.c.Add(ctx, icConv, participants.Participant{ID: f.bob.ID}, participants.BeforeAdd(func(any) error { return boom }))
	if intercomWantCode(t, err, participants.InvalidArgument, "BeforeAdd"); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	f.wantRequests(t, "GET")
}
