package participantstest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/participants"
)

// Harness connects RunConformance to one Provider and a fake of its vendor.
type Harness struct {
	// Name is the provider's name, as Provider.Name returns it.
	Name string
	// New starts a fresh fake with one seeded conversation and returns a
	// Fixture over it; it registers its own cleanup with t.Cleanup.
	New func(t *testing.T) *Fixture
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
	// Server is the fake, for request counts and fault injection.
	Server *Server
	// Caps says what the vendor can express and report.
	Caps Capabilities
}

// Capabilities say what a vendor can express and report, so that
// RunConformance expects Unimplemented for the rest.
type Capabilities struct {
	// ReportsOutcome: the vendor tells Added from AlreadyPresent; otherwise
	// every success is Unreported.
	ReportsOutcome bool
	// The identities and fields the vendor can carry.
	ID, ExternalID, Email, Phone, Identifier, Attributes, Status bool
}

// RunConformance runs the suite every Provider must pass (the rules in the
// participants.Provider documentation) against h.
func RunConformance(t *testing.T, h Harness) {
	t.Helper()
	ctx := context.Background()
	run := func(name string, fn func(t *testing.T, f *Fixture)) {
		t.Run(name, func(t *testing.T) {
			f := h.New(t)
			fn(t, f)
		})
	}

	run("Name", func(t *testing.T, f *Fixture) {
		if got := f.Client.Provider(); got != h.Name {
			t.Errorf("Provider() = %q, want %q", got, h.Name)
		}
	})

	run("AddNew", func(t *testing.T, f *Fixture) {
		before := f.Count(f.Conversation)
		res, err := f.Client.Add(ctx, f.Conversation, f.Person(1))
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
		checkResult(t, f, h.Name, res, added(f))
		if got := f.Count(f.Conversation); got != before+1 {
			t.Errorf("participants = %d, want %d", got, before+1)
		}
	})

	run("AddAgainIsSuccess", func(t *testing.T, f *Fixture) {
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
	})

	run("ConversationNotFound", func(t *testing.T, f *Fixture) {
		_, err := f.Client.Add(ctx, f.MissingConversation, f.Person(3))
		checkCode(t, err, participants.NotFound)
		if !errors.Is(err, participants.ErrNotFound) {
			t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
		}
		var api *apierror.Error
		if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound {
			t.Errorf("vendor *APIError with 404 not reachable with errors.As: %v", err)
		}
	})

	run("Unauthenticated", func(t *testing.T, f *Fixture) {
		_, err := f.BadAuth.Add(ctx, f.Conversation, f.Person(4))
		checkCode(t, err, participants.Unauthenticated)
	})

	refused := func(name string, conv func(*Fixture) string, p func(*Fixture) participants.Participant, want participants.ErrorCode, field string, opts ...participants.AddOption) {
		run(name, func(t *testing.T, f *Fixture) {
			before := f.Server.Requests()
			_, err := f.Client.Add(ctx, conv(f), p(f), opts...)
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
			if n := f.Server.Requests() - before; n != 0 {
				t.Errorf("%d requests reached the fake, want 0", n)
			}
		})
	}
	conv := func(f *Fixture) string { return f.Conversation }
	person := func(mod func(*participants.Participant)) func(*Fixture) participants.Participant {
		return func(f *Fixture) participants.Participant {
			p := f.Person(5)
			mod(&p)
			return p
		}
	}
	only := func(p participants.Participant) func(*Fixture) participants.Participant {
		return func(*Fixture) participants.Participant { return p }
	}

	refused("NoIdentity", conv, only(participants.Participant{}), participants.InvalidArgument, "Participant")
	refused("MalformedEmail", conv, only(participants.Participant{Email: "not-an-email"}), participants.InvalidArgument, "Email")
	refused("PhoneNotE164", conv, only(participants.Participant{Phone: "555-0100"}), participants.InvalidArgument, "Phone")
	refused("AttributesNotObject", conv, person(func(p *participants.Participant) { p.Attributes = []byte(`[1,2]`) }), participants.InvalidArgument, "Attributes")
	refused("UnknownStatus", conv, person(func(p *participants.Participant) { p.Status = "asleep" }), participants.InvalidArgument, "Status")
	refused("EmptyConversation", func(*Fixture) string { return "" }, func(f *Fixture) participants.Participant { return f.Person(5) }, participants.InvalidArgument, "conversationID")
	refused("DotDotConversation", func(*Fixture) string { return ".." }, func(f *Fixture) participants.Participant { return f.Person(5) }, participants.InvalidArgument, "")
	refused("BeforeAddError", conv, func(f *Fixture) participants.Participant { return f.Person(5) }, participants.InvalidArgument, "BeforeAdd",
		participants.BeforeAdd(func(body any) error {
			if body == nil {
				return nil // reached the request: the check on requests fails the test
			}
			return errors.New("stop")
		}))

	caps := func(f *Fixture) Capabilities { return f.Caps }
	for _, c := range []struct {
		name  string
		has   func(Capabilities) bool
		p     participants.Participant
		field string
	}{
		{"ID", func(c Capabilities) bool { return c.ID }, participants.Participant{ID: "some-contact-id"}, "ID"},
		{"ExternalID", func(c Capabilities) bool { return c.ExternalID }, participants.Participant{ExternalID: "user-1"}, "ExternalID"},
		{"Email", func(c Capabilities) bool { return c.Email }, participants.Participant{Email: "ada@example.com"}, "Email"},
		{"Phone", func(c Capabilities) bool { return c.Phone }, participants.Participant{Phone: "+15558675310"}, "Phone"},
		{"Identifier", func(c Capabilities) bool { return c.Identifier }, participants.Participant{Identifier: participants.Identifier{Key: "facebookid-1", Value: "123"}}, "Identifier"},
	} {
		c := c
		run("Unimplemented/"+c.name, func(t *testing.T, f *Fixture) {
			if c.has(caps(f)) {
				return // expressible: covered by the add tests
			}
			before := f.Server.Requests()
			_, err := f.Client.Add(ctx, f.Conversation, c.p)
			checkCode(t, err, participants.Unimplemented)
			var pe *participants.Error
			if errors.As(err, &pe) && pe.Field != c.field {
				t.Errorf("error field = %q, want %q", pe.Field, c.field)
			}
			if n := f.Server.Requests() - before; n != 0 {
				t.Errorf("%d requests reached the fake, want 0", n)
			}
		})
	}
	for _, c := range []struct {
		name string
		has  func(Capabilities) bool
		mod  func(*participants.Participant)
	}{
		{"Attributes", func(c Capabilities) bool { return c.Attributes }, func(p *participants.Participant) { p.Attributes = []byte(`{"tier":"gold"}`) }},
		{"Status", func(c Capabilities) bool { return c.Status }, func(p *participants.Participant) { p.Status = participants.StatusInvited }},
	} {
		c := c
		run("Field/"+c.name, func(t *testing.T, f *Fixture) {
			p := f.Person(6)
			c.mod(&p)
			before := f.Server.Requests()
			_, err := f.Client.Add(ctx, f.Conversation, p)
			if c.has(caps(f)) {
				if err != nil {
					t.Fatalf("Add with %s: %v", c.name, err)
				}
				return
			}
			checkCode(t, err, participants.Unimplemented)
			if n := f.Server.Requests() - before; n != 0 {
				t.Errorf("%d requests reached the fake, want 0", n)
			}
		})
	}

	run("Canceled", func(t *testing.T, f *Fixture) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		before := f.Server.Requests()
		_, err := f.Client.Add(cctx, f.Conversation, f.Person(7))
		checkCode(t, err, participants.Canceled)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
		}
		if n := f.Server.Requests() - before; n != 0 {
			t.Errorf("%d requests reached the fake, want 0", n)
		}
	})

	run("RetryAfterLostResponse", func(t *testing.T, f *Fixture) {
		before := f.Count(f.Conversation)
		f.Server.InjectFaults(Fault{CommitThenDrop: true})
		res, err := f.Client.Add(ctx, f.Conversation, f.Person(8))
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
		checkResult(t, f, h.Name, res, present(f))
		if got := f.Count(f.Conversation); got != before+1 {
			t.Errorf("participants = %d, want %d (exactly one)", got, before+1)
		}
	})

	run("RetryOn503", func(t *testing.T, f *Fixture) {
		before := f.Count(f.Conversation)
		f.Server.InjectFaults(Fault{Status: http.StatusServiceUnavailable, Body: "<html><body>503 Service Unavailable</body></html>", Header: http.Header{"Content-Type": {"text/html"}}})
		res, err := f.Client.Add(ctx, f.Conversation, f.Person(9))
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
		checkResult(t, f, h.Name, res, added(f))
		if got := f.Count(f.Conversation); got != before+1 {
			t.Errorf("participants = %d, want %d", got, before+1)
		}
	})

	run("RetryOn429", func(t *testing.T, f *Fixture) {
		f.Server.InjectFaults(Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}})
		if _, err := f.Client.Add(ctx, f.Conversation, f.Person(10)); err != nil {
			t.Fatalf("Add: %v", err)
		}
		if n := f.Server.Requests(); n != 2 {
			t.Errorf("requests = %d, want 2", n)
		}
	})

	run("Concurrent", func(t *testing.T, f *Fixture) {
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
	})
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
