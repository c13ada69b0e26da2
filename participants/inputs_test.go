package participants_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// badInput is one refused call: whatever the vendor, Add fails with code,
// an *Error naming the vendor and a field, and the fake sees no request.
type badInput struct {
	name string
	// only restricts the case to these vendors.
	only []string
	// conv replaces the env's conversation when set.
	conv func(e *env) string
	p    participants.Participant
	opts []participants.Option
	// client replaces the env's client (a provider with other options).
	client func(t *testing.T, e *env) *participants.Client
	code   participants.ErrorCode
	// field is the *Error's Field; "" accepts any non-empty field.
	field string
}

func convIs(s string) func(*env) string { return func(*env) string { return s } }

var (
	ada      = participants.Participant{Email: "ada@example.com"}
	adaPhone = participants.Participant{Phone: "+15558675310"}
	// adaAny can be expressed on every vendor (Email on Intercom and Bird,
	// Phone on Twilio).
	adaAny = participants.Participant{Email: "ada@example.com", Phone: "+15558675310"}
	long   = strings.Repeat("a", 5000)
)

func badInputs() []badInput {
	cases := []badInput{
		{name: "no identity", p: participants.Participant{}, code: participants.InvalidArgument, field: "Participant"},
		{name: "only a Channel", p: participants.Participant{Channel: participants.ChannelSMS}, code: participants.InvalidArgument, field: "Participant"},
		{name: "Kind bot without ID", p: participants.Participant{Kind: participants.KindBot, Email: "a@example.com"}, code: participants.InvalidArgument, field: "ID"},
		{name: "unknown Kind", p: participants.Participant{Kind: "robot", ID: "x"}, code: participants.InvalidArgument, field: "Kind"},
		{name: "unknown Status", p: participants.Participant{Email: "a@example.com", Phone: "+15558675310", ExternalID: "a", Status: "asleep"}, code: participants.InvalidArgument, field: "Status"},
		{name: "unknown Channel", p: participants.Participant{Phone: "+15558675310", Channel: "pigeon"}, code: participants.InvalidArgument, field: "Channel"},
		{name: "Channel without Phone", p: participants.Participant{Email: "a@example.com", ExternalID: "a", Channel: participants.ChannelWhatsApp}, code: participants.InvalidArgument, field: "Channel"},
		{name: "Identifier.Key without Value", p: participants.Participant{Email: "a@example.com", ExternalID: "a", Identifier: participants.Identifier{Key: "phonenumber"}}, code: participants.InvalidArgument, field: "Identifier.Value"},
		{name: "control character in ExternalID", p: participants.Participant{ExternalID: "ada\x00"}, code: participants.InvalidArgument, field: "ExternalID"},
		{name: "control character in ID", p: participants.Participant{ID: "12\n3"}, code: participants.InvalidArgument, field: "ID"},
		{name: "DEL in Identifier.Value", p: participants.Participant{Identifier: participants.Identifier{Value: "+1555\x7f"}}, code: participants.InvalidArgument, field: "Identifier.Value"},
		{name: "surrounding space in ExternalID", p: participants.Participant{ExternalID: " ada"}, code: participants.InvalidArgument, field: "ExternalID"},
		{name: "conversationID empty", conv: convIs(""), p: adaAny, code: participants.InvalidArgument, field: "conversationID"},
		{name: "conversationID ..", conv: convIs(".."), p: adaAny, code: participants.InvalidArgument},
		{name: "conversationID .", conv: convIs("."), p: adaAny, code: participants.InvalidArgument},
		{name: "conversationID with a newline", conv: convIs("12\n3"), p: adaAny, code: participants.InvalidArgument, field: "conversationID"},
		{name: "conversationID with NUL", conv: convIs("12\x003"), p: adaAny, code: participants.InvalidArgument, field: "conversationID"},
		{name: "conversationID over-long", conv: convIs(long), p: adaAny, code: participants.InvalidArgument},
		{name: "conversationID with surrounding space", conv: convIs(" 123"), p: adaAny, code: participants.InvalidArgument, field: "conversationID"},
		{name: "nil AddOption", p: adaAny, opts: []participants.Option{nil}, code: participants.InvalidArgument, field: "opts"},
		{name: "Attributes too long (4 KB)", only: []string{"twilio"}, p: participants.Participant{ExternalID: "ada", Attributes: json.RawMessage(`{"a":"` + long + `"}`)}, code: participants.InvalidArgument, field: "Attributes"},
		{name: "ExternalID over-long", only: []string{"intercom", "twilio"}, p: participants.Participant{ExternalID: long}, code: participants.InvalidArgument},
		{name: "ExternalID not UTF-8", only: []string{"intercom", "twilio"}, p: participants.Participant{ExternalID: "ada\xff"}, code: participants.InvalidArgument},
		{name: "Identifier.Value over-long", only: []string{"bird", "twilio"}, p: participants.Participant{Identifier: participants.Identifier{Value: long}}, code: participants.InvalidArgument},
		{name: "Identifier.Key over-long", only: []string{"bird"}, p: participants.Participant{Identifier: participants.Identifier{Key: long, Value: "x"}}, code: participants.InvalidArgument},
		{name: "Phone on Intercom", only: []string{"intercom"}, p: adaPhone, code: participants.Unimplemented, field: "Phone"},
		{name: "Email on Twilio", only: []string{"twilio"}, p: ada, code: participants.Unimplemented, field: "Email"},
		{name: "ExternalID on Bird", only: []string{"bird"}, p: participants.Participant{ExternalID: "ada"}, code: participants.Unimplemented, field: "ExternalID"},
		{name: "Attributes on Intercom", only: []string{"intercom"}, p: participants.Participant{Email: "a@example.com", Attributes: json.RawMessage(`{}`)}, code: participants.Unimplemented, field: "Attributes"},
		{name: "Status on Twilio", only: []string{"twilio"}, p: participants.Participant{ExternalID: "a", Status: participants.StatusActive}, code: participants.Unimplemented, field: "Status"},
		{name: "Kind user on Intercom", only: []string{"intercom", "twilio"}, p: participants.Participant{Kind: participants.KindUser, ID: "u1"}, code: participants.Unimplemented, field: "Kind"},
		{name: "Identifier with a Key on Twilio", only: []string{"twilio"}, p: participants.Participant{Identifier: participants.Identifier{Key: "phonenumber", Value: "+15558675310"}}, code: participants.Unimplemented, field: "Identifier.Key"},
		{name: "WithRole on Intercom", only: []string{"intercom"}, p: ada, opts: []participants.Option{twilioparticipants.WithRole(twilioRole)}, code: participants.Unimplemented, field: "WithRole"},
		{name: "WithRole on Bird", only: []string{"bird"}, p: ada, opts: []participants.Option{twilioparticipants.WithRole(twilioRole)}, code: participants.Unimplemented, field: "WithRole"},
		{name: "WithAdmin on Bird", only: []string{"bird"}, p: ada, opts: []participants.Option{intercomparticipants.WithAdmin("781236")}, code: participants.Unimplemented, field: "WithAdmin"},
		{name: "WithAdmin on Twilio", only: []string{"twilio"}, p: adaPhone, opts: []participants.Option{intercomparticipants.WithAdmin("781236")}, code: participants.Unimplemented, field: "WithAdmin"},
		{name: "WithAdmin with a control character", only: []string{"intercom"}, p: ada, opts: []participants.Option{intercomparticipants.WithAdmin("78\r\n1")}, code: participants.InvalidArgument, field: "WithAdmin"},
		{name: "intercomparticipants.Options.AdminID with a control character", only: []string{"intercom"}, p: ada, code: participants.InvalidArgument, field: "intercomparticipants.Options.AdminID",
			client: func(t *testing.T, e *env) *participants.Client {
				return participants.New(intercomparticipants.New(intercomClient(t, e), intercomparticipants.Options{AdminID: "78\u00851"}))
			}},
		{name: "WithRole not an RL SID", only: []string{"twilio"}, p: adaPhone, opts: []participants.Option{twilioparticipants.WithRole("RL123")}, code: participants.InvalidArgument, field: "WithRole"},
		{name: "WithRole of another SID type", only: []string{"twilio"}, p: adaPhone, opts: []participants.Option{twilioparticipants.WithRole("MB00000000000000000000000000000001")}, code: participants.InvalidArgument, field: "WithRole"},
		{name: "twilioparticipants.Options.RoleSID not an RL SID", only: []string{"twilio"}, p: adaPhone, code: participants.InvalidArgument, field: "twilioparticipants.Options.RoleSID",
			client: func(t *testing.T, e *env) *participants.Client {
				return participants.New(twilioparticipants.New(twilioClient(t, e), twilioparticipants.Options{ProxyAddress: twilioProxy, RoleSID: "RL../x"}))
			}},
		{name: "Twilio phone without ProxyAddress", only: []string{"twilio"}, p: adaPhone, code: participants.InvalidArgument, field: "twilioparticipants.Options.ProxyAddress",
			client: func(t *testing.T, e *env) *participants.Client {
				return participants.New(twilioparticipants.New(twilioClient(t, e), twilioparticipants.Options{}))
			}},
		{name: "Twilio conversation ..", only: []string{"twilio"}, conv: convIs(".."), p: adaPhone, code: participants.InvalidArgument, field: "conversationID"},
		{name: "Bird workspace not a UUID", only: []string{"bird"}, p: ada, code: participants.InvalidArgument, field: "birdparticipants.Options.WorkspaceID",
			client: birdWorkspace("not-a-uuid")},
		{name: "Bird workspace ..", only: []string{"bird"}, p: ada, code: participants.InvalidArgument, field: "birdparticipants.Options.WorkspaceID",
			client: birdWorkspace("..")},
		{name: "Bird workspace empty", only: []string{"bird"}, p: ada, code: participants.InvalidArgument, field: "birdparticipants.Options.WorkspaceID",
			client: birdWorkspace("")},
		{name: "Bird workspace UUID/../UUID", only: []string{"bird"}, p: ada, code: participants.InvalidArgument, field: "birdparticipants.Options.WorkspaceID",
			client: birdWorkspace(birdConversation + "/../" + birdConversation)},
		{name: "Bird conversation %2e%2e", only: []string{"bird"}, conv: convIs("%2e%2e"), p: ada, code: participants.InvalidArgument, field: "conversationID"},
		{name: "Bird conversation a/b", only: []string{"bird"}, conv: convIs("c9c60caa-eaf5-4628-9687/91de4d452bfa"), p: ada, code: participants.InvalidArgument, field: "conversationID"},
		{name: "Bird conversation UUID too short", only: []string{"bird"}, conv: convIs("c9c60caa-eaf5-4628-9687-91de4d452bf"), p: ada, code: participants.InvalidArgument, field: "conversationID"},
		{name: "Bird conversation UUID with a suffix", only: []string{"bird"}, conv: convIs(birdConversation + "%2F.."), p: ada, code: participants.InvalidArgument, field: "conversationID"},
		{name: "Bird PlatformAddressSelector with a newline", only: []string{"bird"}, p: participants.Participant{ID: "c1"}, code: participants.InvalidArgument, field: "birdparticipants.Options.PlatformAddressSelector",
			client: func(t *testing.T, e *env) *participants.Client {
				return participants.New(birdparticipants.New(birdClient(t, e), birdparticipants.Options{WorkspaceID: e.bird.WorkspaceID(), PlatformAddressSelector: "a\nb"}))
			}},
		{name: "Bird BirdOptions.Status unknown", only: []string{"bird"}, p: ada, code: participants.InvalidArgument, field: "birdparticipants.Options.Status",
			client: func(t *testing.T, e *env) *participants.Client {
				return participants.New(birdparticipants.New(birdClient(t, e), birdparticipants.Options{WorkspaceID: e.bird.WorkspaceID(), Status: "asleep"}))
			}},
	}
	for _, email := range []string{"not-an-email", "a@", "@example.com", "Ada <ada@example.com>", "ada@example.com ",
		"a b@example.com", "ada@@example.com", "ada@example.com\n", strings.Repeat("a", 250) + "@example.com", "ada@exa\tmple.com", `"a\tb"@example.com`} {
		cases = append(cases, badInput{name: fmt.Sprintf("Email %q", clipName(email)), p: participants.Participant{Email: email}, code: participants.InvalidArgument, field: "Email"})
	}
	for _, phone := range []string{"555-0100", "15558675310", "+0123456", "+1 555 867 5310", "+1234567890123456", "+", "+1",
		"+1555867531０", "+1555867531\n", "whatsapp:+15558675310", "+1(555)8675310", "tel:+15558675310"} {
		cases = append(cases, badInput{name: fmt.Sprintf("Phone %q", phone), p: participants.Participant{Phone: phone}, code: participants.InvalidArgument, field: "Phone"})
	}
	for _, attrs := range []string{`[1,2]`, `"text"`, `{`, `null`, `42`, `{"a":1} {"b":2}`, ``, ` `} {
		cases = append(cases, badInput{name: fmt.Sprintf("Attributes %q", attrs), p: participants.Participant{ExternalID: "ada", Attributes: json.RawMessage(attrs)}, code: participants.InvalidArgument, field: "Attributes"})
	}
	return cases
}

const twilioRole = "RL00000000000000000000000000000001"

func clipName(s string) string {
	if len(s) > 40 {
		return s[:20] + "…" + s[len(s)-15:]
	}
	return s
}

func twilioClient(t *testing.T, e *env) *twilio.Client {
	c, err := twilio.New(e.twilio.AccountSID(), e.twilio.AuthToken(), e.srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func intercomClient(t *testing.T, e *env) *intercom.Client {
	c, err := intercom.New(e.intercom.Token(), e.srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func birdClient(t *testing.T, e *env) *bird.Client {
	c, err := bird.New(e.bird.AccessKey(), e.srv.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func birdWorkspace(ws string) func(t *testing.T, e *env) *participants.Client {
	return func(t *testing.T, e *env) *participants.Client {
		return participants.New(birdparticipants.New(birdClient(t, e), birdparticipants.Options{WorkspaceID: ws}))
	}
}

// TestBadInput: every case is a clear error before any request.
func TestBadInput(t *testing.T) {
	for _, v := range vendors {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, v)
			for _, tc := range badInputs() {
				if tc.only != nil && !contains(tc.only, v) {
					continue
				}
				t.Run(tc.name, func(t *testing.T) {
					c, conv := e.client, e.conv
					if tc.client != nil {
						c = tc.client(t, e)
					}
					if tc.conv != nil {
						conv = tc.conv(e)
					}
					before := e.srv.Requests()
					res, err := c.Add(context.Background(), conv, tc.p, tc.opts...)
					if err == nil {
						t.Fatalf("Add succeeded: %+v", res)
					}
					if got := participants.Code(err); got != tc.code {
						t.Errorf("Code = %v, want %v (%v)", got, tc.code, err)
					}
					var pe *participants.Error
					switch {
					case !errors.As(err, &pe):
						t.Errorf("not a *participants.Error: %#v", err)
					case pe.Provider != v:
						t.Errorf("Provider = %q, want %q", pe.Provider, v)
					case pe.Field == "":
						t.Errorf("no Field: %v", err)
					case tc.field != "" && pe.Field != tc.field:
						t.Errorf("Field = %q, want %q (%v)", pe.Field, tc.field, err)
					}
					if !strings.HasPrefix(err.Error(), v+": ") {
						t.Errorf("message does not name %s: %v", v, err)
					}
					if n := e.srv.Requests() - before; n != 0 {
						t.Errorf("%d requests reached the fake, want none", n)
					}
				})
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestConcurrentAdds: 64 goroutines, one Client per vendor, 16 people each
// added 4 times at once: every person is there exactly once, every call
// succeeds, exactly one Added per person (Unreported on Intercom).
func TestConcurrentAdds(t *testing.T) {
	const people, calls = 16, 4
	for _, v := range vendors {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, v)
			before := e.count()
			outcomes := make([][]participants.Outcome, people)
			ids := make([]map[string]bool, people)
			for i := range ids {
				ids[i] = map[string]bool{}
			}
			var (
				mu   sync.Mutex
				wg   sync.WaitGroup
				errs []error
			)
			start := make(chan struct{})
			for g := range people * calls {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					res, err := e.client.Add(context.Background(), e.conv, e.person(100+i))
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						errs = append(errs, fmt.Errorf("person %d: %w", i, err))
						return
					}
					outcomes[i] = append(outcomes[i], res.Outcome)
					ids[i][res.ID] = true
				}(g % people)
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				t.Error(err)
			}
			if got := e.count(); got != before+people {
				t.Errorf("participants = %d, want %d", got, before+people)
			}
			for i, os := range outcomes {
				var nAdded, nPresent, nUnreported int
				for _, o := range os {
					switch o {
					case participants.Added:
						nAdded++
					case participants.AlreadyPresent:
						nPresent++
					case participants.Unreported:
						nUnreported++
					}
				}
				if v == "intercom" {
					if nUnreported != calls {
						t.Errorf("person %d: outcomes %v, want %d Unreported", i, os, calls)
					}
					continue
				}
				if nAdded != 1 || nPresent != calls-1 {
					t.Errorf("person %d: outcomes %v, want 1 Added and %d AlreadyPresent", i, os, calls-1)
				}
				if len(ids[i]) != 1 {
					t.Errorf("person %d: IDs %v, want one", i, ids[i])
				}
			}
		})
	}
}
