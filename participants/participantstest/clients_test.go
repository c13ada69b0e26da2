package participantstest_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/observe"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// helper is one vendor's participants.Client helper, seen through what
// every vendor has.
type helper struct {
	name string
	new  func(testing.TB, ...option.Option) (*participants.Client, *participantstest.Server, func() int)
	conv string
	p    participants.Participant
}

var helpers = []helper{
	{"intercom", func(t testing.TB, o ...option.Option) (*participants.Client, *participantstest.Server, func() int) {
		c, f := participantstest.NewIntercomParticipants(t, o...)
		return c, f.Server, func() int { return len(f.Customers(participantstest.IntercomConversationID)) }
	}, participantstest.IntercomConversationID, participants.Participant{Email: "ada@example.com"}},
	{"bird", func(t testing.TB, o ...option.Option) (*participants.Client, *participantstest.Server, func() int) {
		c, f := participantstest.NewBirdParticipants(t, o...)
		return c, f.Server, func() int { return len(f.Participants(participantstest.BirdConversationID)) }
	}, participantstest.BirdConversationID, participants.Participant{Email: "ada@example.com"}},
	{"twilio", func(t testing.TB, o ...option.Option) (*participants.Client, *participantstest.Server, func() int) {
		c, f := participantstest.NewTwilioParticipants(t, o...)
		return c, f.Server, func() int { return len(f.Participants(participantstest.TwilioConversationSID)) }
	}, participantstest.TwilioConversationSID, participants.Participant{Phone: "+15558675310"}},
}

// TestParticipantsHelpers: each helper's client adds to the seeded
// conversation, retries four 503s in milliseconds, and lets the caller's
// options win over its own.
func TestParticipantsHelpers(t *testing.T) {
	ctx := context.Background()
	for _, h := range helpers {
		t.Run(h.name, func(t *testing.T) {
			waits := &waitRecorder{}
			c, fake, count := h.new(t, option.WithMaxRetries(4), option.WithObserver(waits))
			if c.Provider() != h.name {
				t.Errorf("Provider() = %q", c.Provider())
			}
			unavailable := participantstest.Fault{Status: http.StatusServiceUnavailable}
			fake.InjectFaults(unavailable, unavailable, unavailable, unavailable)
			if _, err := c.Add(ctx, h.conv, h.p); err != nil {
				t.Fatal(err)
			}
			// The default waits are 500 ms, 1 s, 2 s and 4 s: a timer never
			// fires early, so each would last at least 500 ms. The
			// helper's last a few milliseconds.
			if got := waits.backoffs(); len(got) != 4 || slices.Max(got) >= 500*time.Millisecond {
				t.Errorf("the waits before the 4 retries: %v, want 4 shorter than the default 500 ms", got)
			}
			if fake.Requests() != 5 || count() != 1 {
				t.Errorf("requests = %d, participants = %d, want 5 and 1", fake.Requests(), count())
			}

			// The caller's attempt timeout wins over the helper's 5 s.
			c, fake, _ = h.new(t, option.WithAttemptTimeout(50*time.Millisecond), option.WithMaxRetries(0))
			fake.InjectFaults(participantstest.Fault{Delay: 2 * time.Second})
			// With the helper's 5 s, the answer after 2 s would be a success.
			if _, err := c.Add(ctx, h.conv, h.p); err == nil {
				t.Error("Add succeeded past a 50 ms attempt timeout")
			}
		})
	}
}

// TestVendorHelpers: the vendor clients of the helpers hold the fake's
// credentials and reach its seeded conversation.
func TestVendorHelpers(t *testing.T) {
	ctx := context.Background()
	ic, ifake := participantstest.NewIntercom(t)
	if _, err := ic.AttachContact(ctx, participantstest.IntercomConversationID,
		intercom.AdminAttach(participantstest.IntercomAdminID, intercom.CustomerByEmail("ada@example.com"))); err != nil {
		t.Errorf("intercom: %v", err)
	}
	if n := len(ifake.Customers(participantstest.IntercomConversationID)); n != 1 {
		t.Errorf("intercom: %d customers, want 1", n)
	}

	bc, bfake := participantstest.NewBird(t)
	if bfake.WorkspaceID() != participantstest.DefaultBirdWorkspaceID {
		t.Errorf("bird workspace %q", bfake.WorkspaceID())
	}
	res, err := bc.AddParticipant(ctx, bfake.WorkspaceID(), participantstest.BirdConversationID, bird.ContactByIdentifier("emailaddress", "ada@example.com"))
	if err != nil || !res.Created {
		t.Errorf("bird: %+v, %v", res, err)
	}

	tc, tfake := participantstest.NewTwilio(t)
	if _, err := tc.CreateParticipant(ctx, participantstest.TwilioConversationName,
		twilio.CreateParticipantParams{Address: "+15558675310", ProxyAddress: participantstest.TwilioProxyAddress}); err != nil {
		t.Errorf("twilio: %v", err)
	}
	if n := len(tfake.Participants(participantstest.TwilioConversationSID)); n != 1 {
		t.Errorf("twilio: %d participants, want 1", n)
	}
}

// TestHelperCleanup: the fake closes when the test that made it ends.
func TestHelperCleanup(t *testing.T) {
	var url string
	t.Run("inner", func(t *testing.T) {
		_, fake := participantstest.NewBird(t)
		url = fake.URL()
	})
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	if res, err := (&http.Client{Transport: tr}).Get(url); err == nil {
		res.Body.Close()
		t.Errorf("the fake at %s still answers after its test ended", url)
	}
}

// fatalTB records Fatal instead of ending the test.
type fatalTB struct {
	testing.TB
	mu    sync.Mutex
	fatal []any
}

func (f *fatalTB) Fatal(args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fatal = append(f.fatal, args...)
}

// TestHelperBadOption: an option the constructor refuses fails the test.
func TestHelperBadOption(t *testing.T) {
	bad := option.WithRetryWait(0, 0)
	for name, call := range map[string]func(testing.TB) bool{
		"intercom": func(tb testing.TB) bool { c, _ := participantstest.NewIntercom(tb, bad); return c == nil },
		"bird":     func(tb testing.TB) bool { c, _ := participantstest.NewBird(tb, bad); return c == nil },
		"twilio":   func(tb testing.TB) bool { c, _ := participantstest.NewTwilio(tb, bad); return c == nil },
	} {
		rec := &fatalTB{TB: t}
		if nilClient := call(rec); !nilClient || len(rec.fatal) == 0 {
			t.Errorf("%s: a refused option did not fail the test (fatal %v)", name, rec.fatal)
		}
	}
}

// waitRecorder is an observe.Observer that keeps the waits before retries.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *waitRecorder) StartCall(ctx context.Context, _ observe.Call) (context.Context, observe.CallObserver) {
	return ctx, r
}
func (r *waitRecorder) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (r *waitRecorder) EndAttempt(context.Context, observe.Attempt)             {}
func (r *waitRecorder) EndCall(context.Context, observe.CallEnd)                {}
func (r *waitRecorder) Wait(_ context.Context, w observe.Wait) {
	if w.Kind == observe.WaitBackoff {
		r.mu.Lock()
		r.waits = append(r.waits, w.Duration)
		r.mu.Unlock()
	}
}

func (r *waitRecorder) backoffs() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}
