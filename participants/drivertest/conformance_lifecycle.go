package drivertest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
)

// The lifecycle rules of RunConformanceTests: List, Get and Remove (rules 9 and
// 10 of the driver.Provider documentation).

// testListContainsAddedOnce: a participant added is listed exactly once,
// with the ID Add reported, and List shows every participant the vendor
// holds.
func testListContainsAddedOnce(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 40)
	members := mustList(t, f, f.Conversation)
	n := 0
	for _, x := range members {
		if x.ID == m.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("List shows participant %s %d times, want once", m.ID, n)
	}
	if got, want := len(members), f.Count(f.Conversation); got != want {
		t.Errorf("List shows %d participants, the vendor holds %d", got, want)
	}
}

// testListPages: with pages of two, List walks at least three pages and
// shows every participant once; a vendor without pages reads them all in
// one request.
func testListPages(t *testing.T, _ Harness, f *Fixture) {
	addPeople(t, f, 50, 5)
	before := f.Fake.Requests()
	members := mustList(t, f, f.Conversation, participants.WithPageSize(2))
	requests := f.Fake.Requests() - before
	if got, want := len(members), f.Count(f.Conversation); got != want {
		t.Errorf("List shows %d participants, the vendor holds %d", got, want)
	}
	switch {
	case f.Caps.Pages && requests < 3:
		t.Errorf("List with pages of 2 over %d participants sent %d requests, want at least 3", len(members), requests)
	case !f.Caps.Pages && requests != 1:
		t.Errorf("List sent %d requests, want 1 (the vendor has no pages)", requests)
	}
}

// testListBreak: breaking out of the loop stops the fetching: one request
// for the first page, none after.
func testListBreak(t *testing.T, _ Harness, f *Fixture) {
	addPeople(t, f, 50, 5)
	before := f.Fake.Requests()
	n := 0
	for m, err := range f.Client.List(ctx, f.Conversation, pageSize(f, 2)...) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if m == nil {
			t.Fatal("List yielded a nil Member without an error")
		}
		n++
		break
	}
	if n != 1 {
		t.Fatalf("List yielded %d participants before the break, want 1", n)
	}
	if requests := f.Fake.Requests() - before; requests != 1 {
		t.Errorf("List sent %d requests for a loop that broke on the first participant, want 1", requests)
	}
}

// testGetByParticipantID: Get finds each participant by the ID List gave,
// and shows them as List does.
func testGetByParticipantID(t *testing.T, h Harness, f *Fixture) {
	for _, m := range []*participants.Member{addMember(t, h, f, 41), addMember(t, h, f, 42)} {
		got, err := f.Client.Get(ctx, f.Conversation, m.Participant())
		if err != nil {
			t.Fatalf("Get(%s): %v", m.ID, err)
		}
		checkMember(t, h, got)
		checkSameMember(t, got, m)
	}
}

// testGetByIdentity: Get finds a participant by the identity it was added
// with, when the vendor can look that identity up; otherwise it refuses
// with Unimplemented before any request.
func testGetByIdentity(t *testing.T, h Harness, f *Fixture) {
	addMember(t, h, f, 41) // someone else first: Get must pick the right one
	m := addMember(t, h, f, 42)
	p := f.Person(42)
	if _, ok := lookupField(f.Caps.Lookup, p); !ok {
		refusedOp(t, h, f, getOp(f.Client), ctx, f.Conversation, p, participants.Unimplemented, "")
		return
	}
	got, err := f.Client.Get(ctx, f.Conversation, p)
	if err != nil {
		t.Fatalf("Get(%+v): %v", p, err)
	}
	checkMember(t, h, got)
	checkSameMember(t, got, m)
}

// testGetAbsent: Get of a participant who was removed, or never added, is
// NotFound.
func testGetAbsent(t *testing.T, h Harness, f *Fixture) {
	keepOne(t, f)
	m := addMember(t, h, f, 43)
	mustRemove(t, f, m.Participant(), participants.Removed)
	_, err := f.Client.Get(ctx, f.Conversation, m.Participant())
	checkNotFound(t, h, err, false)
	if p := f.Person(44); canLookUp(f, p) {
		_, err := f.Client.Get(ctx, f.Conversation, p)
		checkNotFound(t, h, err, false)
	}
}

// testRemovePresent: Remove of a participant is Removed, and List no longer
// shows them.
func testRemovePresent(t *testing.T, h Harness, f *Fixture) {
	keepOne(t, f)
	m := addMember(t, h, f, 45)
	before := f.Count(f.Conversation)
	res := mustRemove(t, f, m.Participant(), participants.Removed)
	checkRemoved(t, h, f, res, m, before-1)
}

// testRemoveAgain: Remove of a participant who is no longer there is
// success, AlreadyAbsent, and changes nothing.
func testRemoveAgain(t *testing.T, h Harness, f *Fixture) {
	keepOne(t, f)
	m := addMember(t, h, f, 46)
	before := f.Count(f.Conversation)
	mustRemove(t, f, m.Participant(), participants.Removed)
	res := mustRemove(t, f, m.Participant(), participants.AlreadyAbsent)
	checkRemoved(t, h, f, res, m, before-1)
}

// testRemoveByIdentity: Remove takes the identity the participant was added
// with, when the vendor can look it up (Removed, then AlreadyAbsent, and
// AlreadyAbsent for someone never added); otherwise it refuses with
// Unimplemented before any request and removes nobody.
func testRemoveByIdentity(t *testing.T, h Harness, f *Fixture) {
	keepOne(t, f)
	m := addMember(t, h, f, 47)
	before := f.Count(f.Conversation)
	p := f.Person(47)
	if !canLookUp(f, p) {
		refusedOp(t, h, f, removeOp(f.Client), ctx, f.Conversation, p, participants.Unimplemented, "")
		if got := f.Count(f.Conversation); got != before {
			t.Errorf("participants = %d after a refused Remove, want %d", got, before)
		}
		return
	}
	res := mustRemove(t, f, p, participants.Removed)
	checkRemoved(t, h, f, res, m, before-1)
	res = mustRemove(t, f, p, participants.AlreadyAbsent)
	checkRemoved(t, h, f, res, m, before-1)
	mustRemove(t, f, f.Person(48), participants.AlreadyAbsent)
}

// testMissingConversationList: List of a missing conversation yields
// NotFound and no participant.
func testMissingConversationList(t *testing.T, h Harness, f *Fixture) {
	members, err := list(ctx, f.Client, f.MissingConversation)
	checkNotFound(t, h, err, true)
	if len(members) != 0 {
		t.Errorf("List of a missing conversation yielded %d participants", len(members))
	}
}

// testMissingConversationGet: Get in a missing conversation is NotFound,
// even for the ID of a participant of another conversation.
func testMissingConversationGet(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 49)
	_, err := f.Client.Get(ctx, f.MissingConversation, m.Participant())
	checkNotFound(t, h, err, true)
}

// testMissingConversationRemove: Remove in a missing conversation is
// NotFound, never AlreadyAbsent, and removes nobody elsewhere.
func testMissingConversationRemove(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 55)
	before := f.Count(f.Conversation)
	res, err := f.Client.Remove(ctx, f.MissingConversation, m.Participant())
	if err == nil {
		t.Fatalf("Remove in a missing conversation = %v, want NotFound", res)
	}
	checkNotFound(t, h, err, true)
	if p := f.Person(56); canLookUp(f, p) {
		res, err := f.Client.Remove(ctx, f.MissingConversation, p)
		if err == nil {
			t.Fatalf("Remove of %+v in a missing conversation = %v, want NotFound", p, res)
		}
		checkNotFound(t, h, err, true)
	}
	if got := f.Count(f.Conversation); got != before {
		t.Errorf("participants = %d, want %d: a Remove in another conversation removed someone", got, before)
	}
}

// testListRetryOn429: a 429 on List is retried, once.
func testListRetryOn429(t *testing.T, _ Harness, f *Fixture) {
	listRetried(t, f, participantstest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}})
}

// testListRetryOn503: a 503 (with an HTML body) on List is retried, once.
func testListRetryOn503(t *testing.T, _ Harness, f *Fixture) {
	listRetried(t, f, unavailable(""))
}

// testListCanceledMidway: a context canceled while the loop runs stops the
// fetching: no request after the cancel, and the sequence ends with
// Canceled where a page was still to come (a vendor without pages has
// already read everything and ends without error).
func testListCanceledMidway(t *testing.T, _ Harness, f *Fixture) {
	addPeople(t, f, 50, 5)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n, sent := 0, 0
	var last error
	for m, err := range f.Client.List(cctx, f.Conversation, pageSize(f, 2)...) {
		if err != nil {
			last = err
			continue // the sequence ends after an error; a second one fails below
		}
		if last != nil {
			t.Fatalf("List yielded %v after the error %v", m, last)
		}
		n++
		if n == 1 {
			cancel()
			sent = f.Fake.Requests()
		}
	}
	if after := f.Fake.Requests() - sent; after != 0 {
		t.Errorf("List sent %d requests after the context was canceled, want 0", after)
	}
	if !f.Caps.Pages {
		if last != nil || n != f.Count(f.Conversation) {
			t.Errorf("List without pages: %d participants and error %v after the cancel, want all %d and no error", n, last, f.Count(f.Conversation))
		}
		return
	}
	checkCode(t, last, participants.Canceled)
	if !errors.Is(last, context.Canceled) {
		t.Errorf("errors.Is(err, context.Canceled) = false: %v", last)
	}
}

// testRemoveRetryOn503: a 503 on the request that removes is retried, and
// the participant is removed.
func testRemoveRetryOn503(t *testing.T, h Harness, f *Fixture) {
	keepOne(t, f)
	m := addMember(t, h, f, 57)
	before := f.Count(f.Conversation)
	f.Fake.InjectFaults(unavailable(removeMethod(f)))
	res := mustRemove(t, f, m.Participant(), participants.Removed)
	checkFaultsHit(t, f)
	checkRemoved(t, h, f, res, m, before-1)
}

// testRemoveRetryAfterLostResponse: a response lost after the vendor
// removed the participant is retried, and the retry ends in success
// (AlreadyAbsent, or Removed), never an error; the participant is gone.
func testRemoveRetryAfterLostResponse(t *testing.T, h Harness, f *Fixture) {
	keepOne(t, f)
	m := addMember(t, h, f, 58)
	before := f.Count(f.Conversation)
	f.Fake.InjectFaults(participantstest.Fault{Method: removeMethod(f), CommitThenDrop: true})
	res, err := f.Client.Remove(ctx, f.Conversation, m.Participant())
	if err != nil {
		t.Fatalf("Remove after a lost response: %v", err)
	}
	if res.Outcome != participants.AlreadyAbsent && res.Outcome != participants.Removed {
		t.Errorf("Result.Outcome = %v, want AlreadyAbsent or Removed", res.Outcome)
	}
	checkFaultsHit(t, f)
	checkRemoved(t, h, f, res, m, before-1)
}

// testRefuseEmptyConversation, testRefuseDotConversation and
// testRefuseDotDotConversation: List, Get and Remove refuse a conversation
// ID that is empty or would change the request path.
func testRefuseEmptyConversation(t *testing.T, h Harness, f *Fixture) {
	refusedConversation(t, h, f, "", "conversationID")
}

func testRefuseDotConversation(t *testing.T, h Harness, f *Fixture) {
	refusedConversation(t, h, f, ".", "")
}

func testRefuseDotDotConversation(t *testing.T, h Harness, f *Fixture) {
	refusedConversation(t, h, f, "..", "")
}

// testRefuseNoIdentity: Get and Remove refuse a Participant that names
// nobody.
func testRefuseNoIdentity(t *testing.T, h Harness, f *Fixture) {
	for _, o := range refOps(f.Client) {
		refusedOp(t, h, f, o, ctx, f.Conversation, participants.Participant{}, participants.InvalidArgument, "Participant")
	}
}

// testRefuseParticipantIDSpaces: Get and Remove refuse a ParticipantID with
// surrounding space.
func testRefuseParticipantIDSpaces(t *testing.T, h Harness, f *Fixture) {
	for _, o := range refOps(f.Client) {
		refusedOp(t, h, f, o, ctx, f.Conversation, participants.Participant{ParticipantID: " p-1"}, participants.InvalidArgument, "ParticipantID")
	}
}

// testRefuseAttributes and testRefuseStatus: Get and Remove refuse the
// fields that describe a participant to add.
func testRefuseAttributes(t *testing.T, h Harness, f *Fixture) {
	for _, o := range refOps(f.Client) {
		p := participants.Participant{ParticipantID: "p-1", Attributes: []byte(`{"tier":"gold"}`)}
		refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.InvalidArgument, "Attributes")
	}
}

func testRefuseStatus(t *testing.T, h Harness, f *Fixture) {
	for _, o := range refOps(f.Client) {
		p := participants.Participant{ParticipantID: "p-1", Status: participants.StatusActive}
		refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.InvalidArgument, "Status")
	}
}

// testRefuseOptionsOfOtherCalls: an option of another call is
// InvalidArgument naming the option: WithRole and BeforeAdd (Add only) on
// List, Get and Remove; WithPageSize (List only) on Add, Get and Remove;
// WithAdmin (Add and Remove) on List and Get.
func testRefuseOptionsOfOtherCalls(t *testing.T, h Harness, f *Fixture) {
	p := participants.Participant{ParticipantID: "p-1"}
	before := participants.BeforeAdd(func(any) error { return nil })
	for _, o := range lifecycleOps(f.Client) {
		refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.InvalidArgument, "WithRole", twilioparticipants.WithRole("RL00000000000000000000000000000000"))
		refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.InvalidArgument, "BeforeAdd", before)
	}
	for _, o := range refOps(f.Client) {
		refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.InvalidArgument, "WithPageSize", participants.WithPageSize(2))
	}
	for _, o := range []op{listOp(f.Client), getOp(f.Client)} {
		refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.InvalidArgument, "WithAdmin", intercomparticipants.WithAdmin("1"))
	}
	refused(t, h, f, f.Conversation, f.Person(5), participants.InvalidArgument, "WithPageSize", participants.WithPageSize(2))
}

// testRefuseNegativePageSize: List refuses a negative page size.
func testRefuseNegativePageSize(t *testing.T, h Harness, f *Fixture) {
	refusedOp(t, h, f, listOp(f.Client), ctx, f.Conversation, participants.Participant{}, participants.InvalidArgument, "WithPageSize", participants.WithPageSize(-1))
}

// testRefuseCanceled: with a canceled context List, Get and Remove send
// nothing and are Canceled.
func testRefuseCanceled(t *testing.T, h Harness, f *Fixture) {
	m := addMember(t, h, f, 59)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	for _, o := range lifecycleOps(f.Client) {
		err := refusedOp(t, h, f, o, cctx, f.Conversation, m.Participant(), participants.Canceled, "")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: errors.Is(err, context.Canceled) = false: %v", o.name, err)
		}
	}
}

// testRefuseAddParticipantID: Add refuses a ParticipantID, which names an
// existing participant.
func testRefuseAddParticipantID(t *testing.T, h Harness, f *Fixture) {
	p := f.Person(5)
	p.ParticipantID = "p-1"
	refused(t, h, f, f.Conversation, p, participants.InvalidArgument, "ParticipantID")
}

// testLookupID ... testLookupIdentifier: Get and Remove by an identity the
// vendor cannot look up are Unimplemented, naming it, before any request;
// one it can look up is never Unimplemented.
func testLookupID(t *testing.T, h Harness, f *Fixture) {
	lookup(t, h, f, f.Caps.Lookup.ID, participants.Participant{ID: "some-contact-id"}, "ID")
}

func testLookupExternalID(t *testing.T, h Harness, f *Fixture) {
	lookup(t, h, f, f.Caps.Lookup.ExternalID, participants.Participant{ExternalID: "user-1"}, "ExternalID")
}

func testLookupEmail(t *testing.T, h Harness, f *Fixture) {
	lookup(t, h, f, f.Caps.Lookup.Email, participants.Participant{Email: "ada@example.com"}, "Email")
}

func testLookupPhone(t *testing.T, h Harness, f *Fixture) {
	lookup(t, h, f, f.Caps.Lookup.Phone, participants.Participant{Phone: "+15558675310"}, "Phone")
}

func testLookupIdentifier(t *testing.T, h Harness, f *Fixture) {
	lookup(t, h, f, f.Caps.Lookup.Identifier, participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "123"}}, "Identifier")
}

// ---- helpers of the lifecycle rules ----

// op is one of the Client calls List, Get and Remove, as a function of the
// same shape; List collects the sequence.
type op struct {
	name string
	do   func(ctx context.Context, conv string, p participants.Participant, opts ...participants.Option) error
}

func listOp(c *participants.Client) op {
	return op{"List", func(ctx context.Context, conv string, _ participants.Participant, opts ...participants.Option) error {
		_, err := list(ctx, c, conv, opts...)
		return err
	}}
}

func getOp(c *participants.Client) op {
	return op{"Get", func(ctx context.Context, conv string, p participants.Participant, opts ...participants.Option) error {
		_, err := c.Get(ctx, conv, p, opts...)
		return err
	}}
}

func removeOp(c *participants.Client) op {
	return op{"Remove", func(ctx context.Context, conv string, p participants.Participant, opts ...participants.Option) error {
		_, err := c.Remove(ctx, conv, p, opts...)
		return err
	}}
}

// lifecycleOps are List, Get and Remove; refOps those that name a
// participant, Get and Remove.
func lifecycleOps(c *participants.Client) []op {
	return []op{listOp(c), getOp(c), removeOp(c)}
}

func refOps(c *participants.Client) []op {
	return []op{getOp(c), removeOp(c)}
}

// refusedOp checks that o fails with want, names the provider and field
// (when field is set), and sends nothing. It returns the error.
func refusedOp(t *testing.T, h Harness, f *Fixture, o op, ctx context.Context, conv string, p participants.Participant, want participants.ErrorCode, field string, opts ...participants.Option) error {
	t.Helper()
	before := f.Fake.Requests()
	err := o.do(ctx, conv, p, opts...)
	if err == nil {
		t.Errorf("%s: err = nil, want code %v", o.name, want)
		return nil
	}
	if got := participants.Code(err); got != want {
		t.Errorf("%s: Code(err) = %v, want %v (err: %v)", o.name, got, want, err)
	}
	var pe *participants.Error
	if !errors.As(err, &pe) {
		t.Errorf("%s: err is not a *participants.Error: %T %v", o.name, err, err)
	} else {
		if pe.Provider != h.Name {
			t.Errorf("%s: error names provider %q, want %q", o.name, pe.Provider, h.Name)
		}
		if field != "" && pe.Field != field {
			t.Errorf("%s: error field = %q, want %q (%v)", o.name, pe.Field, field, err)
		}
	}
	if n := f.Fake.Requests() - before; n != 0 {
		t.Errorf("%s: %d requests reached the fake, want 0", o.name, n)
	}
	return err
}

// refusedConversation checks that List, Get and Remove refuse conv.
func refusedConversation(t *testing.T, h Harness, f *Fixture, conv, field string) {
	m := addMember(t, h, f, 59)
	for _, o := range lifecycleOps(f.Client) {
		refusedOp(t, h, f, o, ctx, conv, m.Participant(), participants.InvalidArgument, field)
	}
}

// lookup checks Get and Remove by p, named only by the identity field: the
// vendor cannot look it up (has false), so they are Unimplemented naming
// it, unsent; or it can, and they are not Unimplemented.
func lookup(t *testing.T, h Harness, f *Fixture, has bool, p participants.Participant, field string) {
	t.Helper()
	for _, o := range refOps(f.Client) {
		if !has {
			refusedOp(t, h, f, o, ctx, f.Conversation, p, participants.Unimplemented, field)
			continue
		}
		if err := o.do(ctx, f.Conversation, p); participants.Code(err) == participants.Unimplemented {
			t.Errorf("%s by %s: %v, but Capabilities.Lookup says the vendor can look it up", o.name, field, err)
		}
	}
}

// lookupField returns the identity by which a lookup finds p: the first set
// in the order ID, ExternalID, Email, Phone, Identifier that the vendor can
// look up,
// and true; or, when it can look up none, the first set and false.
func lookupField(can Identities, p participants.Participant) (string, bool) {
	first := ""
	for _, x := range []struct {
		name     string
		set, can bool
	}{
		{"ID", p.ID != "", can.ID},
		{"ExternalID", p.ExternalID != "", can.ExternalID},
		{"Email", p.Email != "", can.Email},
		{"Phone", p.Phone != "", can.Phone},
		{"Identifier", !p.Identifier.IsZero(), can.Identifier},
	} {
		if x.set && x.can {
			return x.name, true
		}
		if x.set && first == "" {
			first = x.name
		}
	}
	return first, false
}

// canLookUp reports whether Get and Remove of f's provider find p by an
// identity.
func canLookUp(f *Fixture, p participants.Participant) bool {
	_, ok := lookupField(f.Caps.Lookup, p)
	return ok
}

// list collects the sequence of c.List and returns the participants and
// the error that ended it, if any.
func list(ctx context.Context, c *participants.Client, conv string, opts ...participants.Option) ([]*participants.Member, error) {
	var members []*participants.Member
	for m, err := range c.List(ctx, conv, opts...) {
		if err != nil {
			return members, err
		}
		members = append(members, m)
	}
	return members, nil
}

// mustList lists conv, failing the test on an error, a nil Member or a
// participant shown twice.
func mustList(t *testing.T, f *Fixture, conv string, opts ...participants.Option) []*participants.Member {
	t.Helper()
	members, err := list(ctx, f.Client, conv, opts...)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if m == nil {
			t.Fatal("List yielded a nil Member without an error")
		}
		if seen[m.ID] {
			t.Errorf("List shows participant %s twice", m.ID)
		}
		seen[m.ID] = true
	}
	return members
}

// addMember adds f.Person(i) and returns the participant List shows for
// them: the one participant whose ID it did not show before. Where Add
// reports IDs, it is the one Add reported.
func addMember(t *testing.T, h Harness, f *Fixture, i int) *participants.Member {
	t.Helper()
	before := mustList(t, f, f.Conversation)
	res, err := f.Client.Add(ctx, f.Conversation, f.Person(i))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	var fresh []*participants.Member
	for _, m := range mustList(t, f, f.Conversation) {
		if !slices.ContainsFunc(before, func(b *participants.Member) bool { return b.ID == m.ID }) {
			fresh = append(fresh, m)
		}
	}
	if len(fresh) != 1 {
		t.Fatalf("List shows %d new participants after an Add, want exactly 1: %v", len(fresh), fresh)
	}
	m := fresh[0]
	checkMember(t, h, m)
	if f.Caps.ReportsOutcome && res.ID != m.ID {
		t.Errorf("Add reported participant %q, List shows %q", res.ID, m.ID)
	}
	return m
}

// keepOne adds a participant whom no test removes, so that a vendor that
// keeps a conversation's last participant (Intercom keeps its last
// customer) lets the tests remove the others.
func keepOne(t *testing.T, f *Fixture) {
	t.Helper()
	addPeople(t, f, 99, 1)
}

// addPeople adds n people from f.Person(first).
func addPeople(t *testing.T, f *Fixture, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		if _, err := f.Client.Add(ctx, f.Conversation, f.Person(i)); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
}

// mustRemove removes p from f.Conversation and checks the outcome.
func mustRemove(t *testing.T, f *Fixture, p participants.Participant, want participants.Outcome) *participants.Result {
	t.Helper()
	res, err := f.Client.Remove(ctx, f.Conversation, p)
	if err != nil {
		t.Fatalf("Remove(%+v): %v", p, err)
	}
	if res.Outcome != want {
		t.Errorf("Remove(%+v) Outcome = %v, want %v", p, res.Outcome, want)
	}
	return res
}

// checkMember checks what every Member carries: the provider, an ID, and
// the decoded vendor record behind As.
func checkMember(t *testing.T, h Harness, m *participants.Member) {
	t.Helper()
	if m.Provider != h.Name {
		t.Errorf("Member.Provider = %q, want %q", m.Provider, h.Name)
	}
	if m.ID == "" {
		t.Error("Member.ID is empty")
	}
	var raw any
	if !m.As(&raw) {
		t.Errorf("Member.As reaches no vendor record: %v", m)
	}
}

// checkSameMember checks that Get returned the participant List showed as
// want, with the same portable view.
func checkSameMember(t *testing.T, got, want *participants.Member) {
	t.Helper()
	// Compare the portable views, without the vendor records.
	view := func(m *participants.Member) [10]string {
		return [10]string{m.Provider, m.ID, string(m.Kind), string(m.Status), m.ContactID, m.ExternalID,
			m.Email, m.Phone, string(m.Channel), m.Identifier.Key + "\x00" + m.Identifier.Value}
	}
	if g, w := view(got), view(want); g != w {
		t.Errorf("Get returned %+v, List showed %+v", g, w)
	}
}

// checkRemoved checks a Remove of m: the Result names the provider and, if
// an ID, m's; List no longer shows m; the vendor holds want participants.
func checkRemoved(t *testing.T, h Harness, f *Fixture, res *participants.Result, m *participants.Member, want int) {
	t.Helper()
	if res.Provider != h.Name {
		t.Errorf("Result.Provider = %q, want %q", res.Provider, h.Name)
	}
	if res.ID != "" && res.ID != m.ID {
		t.Errorf("Result.ID = %q, want %q (or empty)", res.ID, m.ID)
	}
	for _, x := range mustList(t, f, f.Conversation) {
		if x.ID == m.ID {
			t.Errorf("List still shows participant %s after Remove", m.ID)
		}
	}
	if got := f.Count(f.Conversation); got != want {
		t.Errorf("participants = %d, want %d", got, want)
	}
}

// checkNotFound checks that err is NotFound, matches ErrNotFound, names the
// provider and, with vendorErr, keeps the vendor's error in its chain. The
// NotFound of a participant need not carry one: a vendor may prove the
// absence with a read that succeeded.
func checkNotFound(t *testing.T, h Harness, err error, vendorErr bool) {
	t.Helper()
	checkCode(t, err, participants.NotFound)
	if !errors.Is(err, participants.ErrNotFound) {
		t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
	}
	var pe *participants.Error
	if errors.As(err, &pe) {
		if pe.Provider != h.Name {
			t.Errorf("error names provider %q, want %q", pe.Provider, h.Name)
		}
		if pe.Err == nil && vendorErr {
			t.Errorf("the *participants.Error carries no vendor error in its chain: %v", err)
		}
	}
}

// listRetried checks that List, with fault on its first request, retries
// once and shows every participant.
func listRetried(t *testing.T, f *Fixture, fault participantstest.Fault) {
	t.Helper()
	addPeople(t, f, 60, 1)
	before := f.Fake.Requests()
	f.Fake.InjectFaults(fault)
	members := mustList(t, f, f.Conversation)
	if n := f.Fake.Requests() - before; n != 2 {
		t.Errorf("requests = %d, want 2 (the fault and one retry)", n)
	}
	if got, want := len(members), f.Count(f.Conversation); got != want {
		t.Errorf("List shows %d participants, the vendor holds %d", got, want)
	}
}

// unavailable is a 503 with an HTML body, aimed at method ("" for any).
func unavailable(method string) participantstest.Fault {
	return participantstest.Fault{Method: method, Status: http.StatusServiceUnavailable, Body: "<html><body>503 Service Unavailable</body></html>",
		Header: http.Header{"Content-Type": {"text/html"}}}
}

// removeMethod is the HTTP method of f's removing request.
func removeMethod(f *Fixture) string {
	if f.Caps.RemoveMethod == "" {
		return http.MethodDelete
	}
	return f.Caps.RemoveMethod
}

// pageSize is WithPageSize(n) for a vendor with pages, nothing otherwise.
func pageSize(f *Fixture, n int) []participants.Option {
	if f.Caps.Pages {
		return []participants.Option{participants.WithPageSize(n)}
	}
	return nil
}

// checkFaultsHit checks that the faults injected were all consumed: an
// aimed fault that no request matched would make its test pass for
// nothing. It needs a Fake with PendingFaults, as every fake of this
// package and NewServer's have.
func checkFaultsHit(t *testing.T, f *Fixture) {
	t.Helper()
	pf, ok := f.Fake.(interface{ PendingFaults() int })
	if !ok {
		t.Fatalf("the Fake %T has no PendingFaults() int: wrap the fake with NewServer", f.Fake)
	}
	if n := pf.PendingFaults(); n != 0 {
		t.Errorf("%d injected faults were never hit: no request of their method reached the fake (Capabilities.AddMethod, RemoveMethod)", n)
	}
}
