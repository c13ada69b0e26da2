package drivertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// Harness connects RunConformanceTests to one Provider and a fake of its vendor.
// It asks only what any Provider and any fake can give: a Client over the
// Provider, a conversation that exists, participants the Provider can add,
// a count of them, and a Fake for request counts and faults.
type Harness struct {
	// Name is the provider's name, as Provider.Name returns it.
	Name string
	// New starts a fresh fake with one seeded conversation and returns a
	// Fixture over it; it registers its own cleanup with t.Cleanup.
	New func(t *testing.T) *Fixture
	// Events connects each Fixture's fake to the provider's Receiver of
	// its webhooks, for the event cases ("Events/..."); nil leaves them
	// out (a provider without a Receiver, or a fake without webhooks).
	Events *Events
}

// Fixture is one provider under test, talking to a fake.
type Fixture struct {
	// Client is a participants.Client over the provider under test, talking
	// to the fake with short retry waits.
	Client *participants.Client
	// BadAuth is the same, with wrong credentials.
	BadAuth *participants.Client
	// Conversation is a conversation that exists on the fake.
	Conversation string
	// MissingConversation is a well-formed ID of a conversation that does
	// not exist.
	MissingConversation string
	// Person returns distinct participants (one per i) that the provider can
	// add to Conversation.
	Person func(i int) participants.Participant
	// Count returns how many participants the fake holds in a conversation.
	Count func(conversation string) int
	// Fake is the fake vendor, for request counts and fault injection: a
	// fake of this package, a handler wrapped by NewServer, or any Fake.
	Fake participantstest.Fake
	// Caps says what the vendor can express and report.
	Caps Capabilities
	// Updated reports whether m, a participant as Get returns it, shows
	// the change u (through Member.As for what the portable view does not
	// hold, such as a Twilio role). Required when Caps.Update is set.
	Updated func(m *participants.Member, u participants.Update) bool
}

// Capabilities say what a vendor can express and report, so that
// RunConformanceTests expects Unimplemented for the rest.
type Capabilities struct {
	// ReportsOutcome: the vendor tells Added from AlreadyPresent; otherwise
	// every success is Unreported.
	ReportsOutcome bool
	// The identities and fields the vendor can carry.
	ID, ExternalID, Email, Phone, Identifier, Attributes, Status bool

	// Pages: List fetches the participants in pages whose size
	// participants.WithPageSize sets (Bird, Twilio). Otherwise List reads
	// every participant in one request and ignores WithPageSize (Intercom).
	Pages bool
	// Lookup are the identities by which Get and Remove find a participant
	// besides Participant.ParticipantID, which every provider takes. The
	// others are Unimplemented before any request.
	Lookup Identities
	// AddMethod is the HTTP method of the request that adds a participant
	// ("POST", ...), at which the Add faults are aimed with Fault.Method: set
	// it when Add may read before it adds. "" aims them at Add's first
	// request, whatever its method.
	AddMethod string
	// Update is a change the provider can make with Client.Update (it
	// implements driver.Updater), each field it leaves zero one the vendor
	// cannot carry (Unimplemented naming it); the zero Update means that
	// the provider cannot update participants, and Update is Unimplemented
	// before any request.
	Update participants.Update
	// RemoveMethod is the HTTP method of the request that removes a
	// participant ("" means DELETE), at which the Remove faults are aimed
	// with Fault.Method, since a Remove may read before it removes.
	RemoveMethod string
}

// Identities says which of a Participant's identities a call can take.
type Identities struct {
	ID, ExternalID, Email, Phone, Identifier bool
}

// RunConformanceTests runs the suite every Provider must pass (the rules in the
// driver.Provider documentation) against h, one subtest per
// behaviour, each on a fresh Fixture. A Provider written outside this
// module passes it with a fake wrapped by NewServer: see
// external_test.go in this package for a complete one.
func RunConformanceTests(t *testing.T, h Harness) {
	t.Helper()
	run := func(name string, test func(*testing.T, Harness, *Fixture)) {
		t.Run(name, func(t *testing.T) { test(t, h, h.New(t)) })
	}
	run("Name", testName)
	// Ensure semantics.
	run("AddNew", testAddNew)
	run("AddAgainIsSuccess", testAddAgainIsSuccess)
	run("Concurrent", testConcurrent)
	// Vendor errors.
	run("ConversationNotFound", testConversationNotFound)
	run("Unauthenticated", testUnauthenticated)
	// Refusals before any request.
	run("NoIdentity", testNoIdentity)
	run("MalformedEmail", testMalformedEmail)
	run("PhoneNotE164", testPhoneNotE164)
	run("AttributesNotObject", testAttributesNotObject)
	run("UnknownStatus", testUnknownStatus)
	run("EmptyConversation", testEmptyConversation)
	run("DotConversation", testDotConversation)
	run("DotDotConversation", testDotDotConversation)
	run("BeforeAddError", testBeforeAddError)
	run("Canceled", testCanceled)
	// Identities: every one set is sent, or none; Use chooses.
	run("Identities/Several", testSeveralIdentities)
	run("Identities/Use", testUseChooses)
	run("Identities/Contradiction", testContradictingIdentity)
	// What the vendor cannot express.
	run("Unimplemented/ID", testUnimplementedID)
	run("Unimplemented/ExternalID", testUnimplementedExternalID)
	run("Unimplemented/Email", testUnimplementedEmail)
	run("Unimplemented/Phone", testUnimplementedPhone)
	run("Unimplemented/Identifier", testUnimplementedIdentifier)
	run("Field/Attributes", testFieldAttributes)
	run("Field/Status", testFieldStatus)
	// Retries.
	run("RetryAfterLostResponse", testRetryAfterLostResponse)
	run("RetryOn503", testRetryOn503)
	run("RetryOn429", testRetryOn429)

	// The lifecycle: List, Get, Remove (rules 9 and 10).
	run("List/ContainsAddedOnce", testListContainsAddedOnce)
	run("List/Pages", testListPages)
	run("List/Break", testListBreak)
	run("Get/ByParticipantID", testGetByParticipantID)
	run("Get/ByIdentity", testGetByIdentity)
	run("Get/Absent", testGetAbsent)
	run("Remove/Present", testRemovePresent)
	run("Remove/Again", testRemoveAgain)
	run("Remove/ByIdentity", testRemoveByIdentity)
	// A missing conversation is NotFound, never AlreadyAbsent.
	run("MissingConversation/List", testMissingConversationList)
	run("MissingConversation/Get", testMissingConversationGet)
	run("MissingConversation/Remove", testMissingConversationRemove)
	// Faults.
	run("List/RetryOn429", testListRetryOn429)
	run("List/RetryOn503", testListRetryOn503)
	run("List/CanceledMidway", testListCanceledMidway)
	run("Remove/RetryOn503", testRemoveRetryOn503)
	run("Remove/RetryAfterLostResponse", testRemoveRetryAfterLostResponse)
	// Update, an optional operation (driver.Updater).
	run("Update/Unimplemented", testUpdateUnimplemented)
	run("Update/Changes", testUpdateChanges)
	run("Update/ByIdentity", testUpdateByIdentity)
	run("Update/Refusals", testUpdateRefusals)
	run("Update/Absent", testUpdateAbsent)
	run("Update/MissingConversation", testUpdateMissingConversation)
	// Refusals before any request.
	run("Refuse/EmptyConversation", testRefuseEmptyConversation)
	run("Refuse/DotConversation", testRefuseDotConversation)
	run("Refuse/DotDotConversation", testRefuseDotDotConversation)
	run("Refuse/NoIdentity", testRefuseNoIdentity)
	run("Refuse/ParticipantIDSpaces", testRefuseParticipantIDSpaces)
	run("Refuse/Attributes", testRefuseAttributes)
	run("Refuse/Status", testRefuseStatus)
	run("Refuse/OptionsOfOtherCalls", testRefuseOptionsOfOtherCalls)
	run("Refuse/NegativePageSize", testRefuseNegativePageSize)
	run("Refuse/Canceled", testRefuseCanceled)
	run("Refuse/AddParticipantID", testRefuseAddParticipantID)
	// What the vendor cannot look up.
	run("Lookup/ID", testLookupID)
	run("Lookup/ExternalID", testLookupExternalID)
	run("Lookup/Email", testLookupEmail)
	run("Lookup/Phone", testLookupPhone)
	run("Lookup/Identifier", testLookupIdentifier)
	// Events from the vendor's webhooks (Harness.Events).
	if h.Events != nil {
		runEventCases(run)
	}
}

var ctx = context.Background()

// testName: the Client names the Provider.
func testName(t *testing.T, h Harness, f *Fixture) {
	if got := f.Client.Provider(); got != h.Name {
		t.Errorf("Provider() = %q, want %q", got, h.Name)
	}
}

// testAddNew: a new participant is added, exactly once.
func testAddNew(t *testing.T, h Harness, f *Fixture) {
	before := f.Count(f.Conversation)
	res, err := f.Client.Add(ctx, f.Conversation, f.Person(1))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	checkResult(t, f, h.Name, res, added(f))
	if got := f.Count(f.Conversation); got != before+1 {
		t.Errorf("participants = %d, want %d", got, before+1)
	}
}

// testAddAgainIsSuccess: adding someone already there is success, the same
// participant, and adds nobody.
func testAddAgainIsSuccess(t *testing.T, h Harness, f *Fixture) {
	before := f.Count(f.Conversation)
	first, err := f.Client.Add(ctx, f.Conversation, f.Person(2))
	if err != nil {
		t.Fatalf("first Add: %v", err)
	}
	second, err := f.Client.Add(ctx, f.Conversation, f.Person(2))
	if err != nil {
		t.Fatalf("second Add: %v", err)
	}
	checkResult(t, f, h.Name, second, present(f))
	if f.Caps.ReportsOutcome && first.ID != second.ID {
		t.Errorf("second Add ID = %q, first %q: want the same participant", second.ID, first.ID)
	}
	if got := f.Count(f.Conversation); got != before+1 {
		t.Errorf("participants = %d, want %d (exactly one added)", got, before+1)
	}
}

// testConcurrent: concurrent adds of the same people add each once, and
// where the vendor reports outcomes exactly one of them is Added.
func testConcurrent(t *testing.T, _ Harness, f *Fixture) {
	const people, each = 4, 4
	before := f.Count(f.Conversation)
	var wg sync.WaitGroup
	outcomes := make([][]participants.Outcome, people)
	errs := make(chan error, people*each)
	var mu sync.Mutex
	for i := 0; i < people; i++ {
		for j := 0; j < each; j++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				res, err := f.Client.Add(ctx, f.Conversation, f.Person(20+i))
				if err != nil {
					errs <- fmt.Errorf("person %d: %w", i, err)
					return
				}
				mu.Lock()
				outcomes[i] = append(outcomes[i], res.Outcome)
				mu.Unlock()
			}(i)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := f.Count(f.Conversation); got != before+people {
		t.Errorf("participants = %d, want %d", got, before+people)
	}
	if !f.Caps.ReportsOutcome {
		return
	}
	for i, os := range outcomes {
		n := 0
		for _, o := range os {
			if o == participants.Added {
				n++
			}
		}
		if n != 1 {
			t.Errorf("person %d: %d Added outcomes in %v, want exactly 1", i, n, os)
		}
	}
}

// testConversationNotFound: a missing conversation is NotFound, matches
// ErrNotFound, names the provider and keeps the vendor's error in the chain.
func testConversationNotFound(t *testing.T, h Harness, f *Fixture) {
	_, err := f.Client.Add(ctx, f.MissingConversation, f.Person(3))
	checkCode(t, err, participants.NotFound)
	if !errors.Is(err, participants.ErrNotFound) {
		t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
	}
	var pe *participants.Error
	if errors.As(err, &pe) {
		if pe.Err == nil {
			t.Errorf("the *participants.Error carries no vendor error in its chain: %v", err)
		}
		if pe.Provider != h.Name {
			t.Errorf("error names provider %q, want %q", pe.Provider, h.Name)
		}
	}
}

// testUnauthenticated: wrong credentials are Unauthenticated.
func testUnauthenticated(t *testing.T, _ Harness, f *Fixture) {
	_, err := f.BadAuth.Add(ctx, f.Conversation, f.Person(4))
	checkCode(t, err, participants.Unauthenticated)
}

func testNoIdentity(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, f.Conversation, participants.Participant{}, participants.InvalidArgument, "Participant")
}

func testMalformedEmail(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, f.Conversation, participants.Participant{Email: "not-an-email"}, participants.InvalidArgument, "Email")
}

func testPhoneNotE164(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, f.Conversation, participants.Participant{Phone: "555-0100"}, participants.InvalidArgument, "Phone")
}

func testAttributesNotObject(t *testing.T, h Harness, f *Fixture) {
	p := f.Person(5)
	p.Attributes = []byte(`[1,2]`)
	refused(t, h, f, f.Conversation, p, participants.InvalidArgument, "Attributes")
}

func testUnknownStatus(t *testing.T, h Harness, f *Fixture) {
	p := f.Person(5)
	p.Status = "asleep"
	refused(t, h, f, f.Conversation, p, participants.InvalidArgument, "Status")
}

func testEmptyConversation(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, "", f.Person(5), participants.InvalidArgument, "conversationID")
}

// testDotConversation and testDotDotConversation: IDs that would change the
// request path are refused.
func testDotConversation(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, ".", f.Person(5), participants.InvalidArgument, "")
}

func testDotDotConversation(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, "..", f.Person(5), participants.InvalidArgument, "")
}

// testBeforeAddError: BeforeAdd is called with the request body, and its
// error ends the call unsent.
func testBeforeAddError(t *testing.T, h Harness, f *Fixture) {
	refused(t, h, f, f.Conversation, f.Person(5), participants.InvalidArgument, "BeforeAdd",
		participants.BeforeAdd(func(body any) error {
			if body == nil {
				return nil // reached the request: the check on requests fails the test
			}
			return errors.New("stop")
		}))
}

// testCanceled: a canceled context sends nothing and is Canceled.
func testCanceled(t *testing.T, _ Harness, f *Fixture) {
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	before := f.Fake.Requests()
	_, err := f.Client.Add(cctx, f.Conversation, f.Person(7))
	checkCode(t, err, participants.Canceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
	}
	if n := f.Fake.Requests() - before; n != 0 {
		t.Errorf("%d requests reached the fake, want 0", n)
	}
}

func testUnimplementedID(t *testing.T, h Harness, f *Fixture) {
	unimplemented(t, h, f, f.Caps.ID, participants.Participant{ID: "some-contact-id"}, "ID")
}

func testUnimplementedExternalID(t *testing.T, h Harness, f *Fixture) {
	unimplemented(t, h, f, f.Caps.ExternalID, participants.Participant{ExternalID: "user-1"}, "ExternalID")
}

func testUnimplementedEmail(t *testing.T, h Harness, f *Fixture) {
	unimplemented(t, h, f, f.Caps.Email, participants.Participant{Email: "ada@example.com"}, "Email")
}

func testUnimplementedPhone(t *testing.T, h Harness, f *Fixture) {
	unimplemented(t, h, f, f.Caps.Phone, participants.Participant{Phone: "+15558675310"}, "Phone")
}

func testUnimplementedIdentifier(t *testing.T, h Harness, f *Fixture) {
	unimplemented(t, h, f, f.Caps.Identifier, participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "123"}}, "Identifier")
}

func testFieldAttributes(t *testing.T, h Harness, f *Fixture) {
	p := f.Person(6)
	p.Attributes = []byte(`{"tier":"gold"}`)
	carried(t, h, f, f.Caps.Attributes, p, "Attributes")
}

func testFieldStatus(t *testing.T, h Harness, f *Fixture) {
	p := f.Person(6)
	p.Status = participants.StatusInvited
	carried(t, h, f, f.Caps.Status, p, "Status")
}

// testRetryAfterLostResponse: a response lost after the vendor did the work
// is retried, and the retry finds the participant instead of adding a
// second one.
func testRetryAfterLostResponse(t *testing.T, h Harness, f *Fixture) {
	before := f.Count(f.Conversation)
	f.Fake.InjectFaults(participantstest.Fault{Method: f.Caps.AddMethod, CommitThenDrop: true})
	res, err := f.Client.Add(ctx, f.Conversation, f.Person(8))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	checkFaultsHit(t, f)
	checkResult(t, f, h.Name, res, present(f))
	if got := f.Count(f.Conversation); got != before+1 {
		t.Errorf("participants = %d, want %d (exactly one)", got, before+1)
	}
}

// testRetryOn503: a 503 (with an HTML body) is retried.
func testRetryOn503(t *testing.T, h Harness, f *Fixture) {
	before := f.Count(f.Conversation)
	f.Fake.InjectFaults(unavailable(f.Caps.AddMethod))
	res, err := f.Client.Add(ctx, f.Conversation, f.Person(9))
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	checkFaultsHit(t, f)
	checkResult(t, f, h.Name, res, added(f))
	if got := f.Count(f.Conversation); got != before+1 {
		t.Errorf("participants = %d, want %d", got, before+1)
	}
}

// testRetryOn429: a 429 is retried, once: the Add costs one request more
// than an Add without it.
func testRetryOn429(t *testing.T, _ Harness, f *Fixture) {
	before := f.Fake.Requests()
	if _, err := f.Client.Add(ctx, f.Conversation, f.Person(11)); err != nil {
		t.Fatalf("Add: %v", err)
	}
	plain := f.Fake.Requests() - before
	before = f.Fake.Requests()
	f.Fake.InjectFaults(participantstest.Fault{Method: f.Caps.AddMethod, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}})
	if _, err := f.Client.Add(ctx, f.Conversation, f.Person(10)); err != nil {
		t.Fatalf("Add: %v", err)
	}
	checkFaultsHit(t, f)
	if n := f.Fake.Requests() - before; n != plain+1 {
		t.Errorf("requests = %d, want %d (an Add without a 429 sends %d, plus one retry)", n, plain+1, plain)
	}
}

// refused checks that adding p to conv fails with want, names the provider
// and field (when field is set), and sends nothing.
func refused(t *testing.T, h Harness, f *Fixture, conv string, p participants.Participant, want participants.ErrorCode, field string, opts ...participants.Option) {
	t.Helper()
	before := f.Fake.Requests()
	_, err := f.Client.Add(ctx, conv, p, opts...)
	checkCode(t, err, want)
	var pe *participants.Error
	if errors.As(err, &pe) {
		if pe.Provider != h.Name {
			t.Errorf("error names provider %q, want %q", pe.Provider, h.Name)
		}
		if field != "" && pe.Field != field {
			t.Errorf("error field = %q, want %q (%v)", pe.Field, field, err)
		}
	}
	if n := f.Fake.Requests() - before; n != 0 {
		t.Errorf("%d requests reached the fake, want 0", n)
	}
}

// unimplemented checks that p, named only by an identity the vendor cannot
// express (has false), is refused as Unimplemented naming field. An
// expressible identity is covered by the add tests.
func unimplemented(t *testing.T, h Harness, f *Fixture, has bool, p participants.Participant, field string) {
	t.Helper()
	if !has {
		refused(t, h, f, f.Conversation, p, participants.Unimplemented, field)
	}
}

// carried checks that p, which sets the field name, is added when the
// vendor can carry it (has) and refused as Unimplemented, unsent, when it
// cannot.
func carried(t *testing.T, h Harness, f *Fixture, has bool, p participants.Participant, name string) {
	t.Helper()
	if !has {
		refused(t, h, f, f.Conversation, p, participants.Unimplemented, name)
		return
	}
	if _, err := f.Client.Add(ctx, f.Conversation, p); err != nil {
		t.Fatalf("Add with %s: %v", name, err)
	}
}

func added(f *Fixture) participants.Outcome {
	if f.Caps.ReportsOutcome {
		return participants.Added
	}
	return participants.Unreported
}

func present(f *Fixture) participants.Outcome {
	if f.Caps.ReportsOutcome {
		return participants.AlreadyPresent
	}
	return participants.Unreported
}

func checkResult(t *testing.T, f *Fixture, name string, res *participants.Result, want participants.Outcome) {
	t.Helper()
	if res == nil {
		t.Fatal("nil Result")
	}
	if res.Provider != name {
		t.Errorf("Result.Provider = %q, want %q", res.Provider, name)
	}
	if res.Outcome != want {
		t.Errorf("Result.Outcome = %v, want %v", res.Outcome, want)
	}
	if f.Caps.ReportsOutcome && res.ID == "" {
		t.Error("Result.ID is empty")
	}
}

func checkCode(t *testing.T, err error, want participants.ErrorCode) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want code %v", want)
	}
	if got := participants.Code(err); got != want {
		t.Errorf("Code(err) = %v, want %v (err: %v)", got, want, err)
	}
	var pe *participants.Error
	if !errors.As(err, &pe) {
		t.Errorf("err is not a *participants.Error: %T %v", err, err)
	}
}
