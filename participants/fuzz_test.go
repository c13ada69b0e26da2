package participants_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

func FuzzValidEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", "a@b", "not-an-email", "Ada <ada@example.com>", `"a b"@example.com`,
		`"a\tb"@example.com`, "ada@example.com ", "a@[127.0.0.1]", "ada+tag@sub.example.co.uk", "é@example.com",
		"a@b\x00c", "\xff@example.com", strings.Repeat("a", 250) + "@b.co", "(comment)a@b.com", "a@b.com (c)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !driver.ValidEmail(s) {
			return
		}
		switch {
		case len(s) > 254:
			t.Fatalf("ValidEmail(%q): longer than 254 bytes", s)
		case !utf8.ValidString(s):
			t.Fatalf("ValidEmail(%q): not UTF-8", s)
		case strings.IndexFunc(s, unicode.IsControl) >= 0:
			t.Fatalf("ValidEmail(%q): control character", s)
		case strings.TrimSpace(s) != s:
			t.Fatalf("ValidEmail(%q): surrounding space", s)
		case !strings.Contains(s, "@"):
			t.Fatalf("ValidEmail(%q): no @", s)
		}
	})
}

// validPhone is an oracle for ValidPhone written without a regexp.
func validPhone(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func FuzzValidPhone(f *testing.F) {
	for _, s := range []string{"+15558675310", "+1", "+12", "+0123", "15558675310", "+1 555", "+123456789012345",
		"+1234567890123456", "+1555867531０", "+٣٣٣", "+15558675310\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := driver.ValidPhone(s), validPhone(s); got != want {
			t.Fatalf("ValidPhone(%q) = %v, want %v", s, got, want)
		}
	})
}

// recorder is a Provider that records what reaches it.
type recorder struct {
	mu    sync.Mutex
	calls int
	conv  string
	p     driver.Participant
	o     driver.CallOptions
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) ErrorCode(error) driver.ErrorCode { return driver.Unknown }

func (r *recorder) List(_ context.Context, conv, _ string, o driver.CallOptions) (*driver.Page, error) {
	r.record(conv, driver.Participant{}, o)
	return &driver.Page{}, nil
}

func (r *recorder) Get(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	r.record(conv, p, o)
	return driver.NewMember(driver.Member{Provider: "recorder", ID: "id"}, nil), nil
}

func (r *recorder) Remove(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	r.record(conv, p, o)
	return driver.NewResult("recorder", "id", driver.KindContact, "", driver.Removed, nil), nil
}

func (r *recorder) record(conv string, p driver.Participant, o driver.CallOptions) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.conv, r.p, r.o = conv, p, o
}

func (r *recorder) Add(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.conv, r.p, r.o = conv, p, o
	return driver.NewResult("recorder", "id", driver.KindContact, "", driver.Added, nil), nil
}

// checkReached fails t unless the participant a provider received is valid:
// the invariants Client.Add promises every provider.
func checkReached(t *testing.T, conv string, p driver.Participant) {
	t.Helper()
	clean := func(name, v string) {
		if strings.TrimSpace(v) != v || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			t.Fatalf("%s %q reached the provider", name, v)
		}
	}
	if conv == "" {
		t.Fatal("empty conversation ID reached the provider")
	}
	clean("conversationID", conv)
	for name, v := range map[string]string{"ID": p.ID, "ExternalID": p.ExternalID, "Email": p.Email, "Phone": p.Phone,
		"Identifier.Key": p.Identifier.Key, "Identifier.Value": p.Identifier.Value} {
		clean(name, v)
	}
	if p.ID == "" && p.ExternalID == "" && p.Email == "" && p.Phone == "" && p.Identifier.Value == "" {
		t.Fatalf("a participant without identity reached the provider: %+v", p)
	}
	if p.Email != "" && !driver.ValidEmail(p.Email) {
		t.Fatalf("Email %q reached the provider", p.Email)
	}
	if p.Phone != "" && !validPhone(p.Phone) {
		t.Fatalf("Phone %q reached the provider", p.Phone)
	}
	switch p.Kind {
	case "", driver.KindContact:
	case driver.KindUser, driver.KindBot:
		if p.ID == "" {
			t.Fatalf("Kind %s without ID reached the provider", p.Kind)
		}
	default:
		t.Fatalf("Kind %q reached the provider", p.Kind)
	}
	switch p.Channel {
	case "":
	case driver.ChannelSMS, driver.ChannelWhatsApp:
		if p.Phone == "" {
			t.Fatalf("Channel %q without Phone reached the provider", p.Channel)
		}
	default:
		t.Fatalf("Channel %q reached the provider", p.Channel)
	}
	switch p.Status {
	case "", driver.StatusActive, driver.StatusInvited, driver.StatusPending:
	default:
		t.Fatalf("Status %q reached the provider", p.Status)
	}
	if p.Identifier.Key != "" && p.Identifier.Value == "" {
		t.Fatalf("Identifier.Key without Value reached the provider")
	}
	if p.Attributes != nil {
		var m map[string]json.RawMessage
		if json.Unmarshal(p.Attributes, &m) != nil || m == nil {
			t.Fatalf("Attributes %q reached the provider", p.Attributes)
		}
	}
}

func addSeeds(f *testing.F) {
	f.Add("123", "", "", "", "ada@example.com", "", "", "", "", "", "")
	f.Add("CH00000000000000000000000000000001", "", "", "ada", "", "+15558675310", "whatsapp", "", "", `{"a":1}`, "")
	f.Add("c9c60caa-eaf5-4628-9687-91de4d452bfa", "bot", "flow-1", "", "", "", "", "", "", "", "invited")
	f.Add("..", "", "", "", "", "", "", "facebookid-1", "123", "", "")
	f.Add("a/b", "user", "", "", "a@b", "+1", "sms", "k", "", "[1]", "asleep")
	f.Add("%2e%2e", "contact", "x\x00", " y", "Ada <a@b.com>", "+1555867531０", "pigeon", "", "v", "{", "active")
	f.Add("\t", "", "", "", "", "", "", "", "", "null", "")
}

// FuzzAddValidation: Client.Add never panics, and whatever it passes to the
// provider is valid; whatever it refuses is an InvalidArgument naming a field.
func FuzzAddValidation(f *testing.F) {
	addSeeds(f)
	rec := &recorder{}
	c := participants.New(rec)
	f.Fuzz(func(t *testing.T, conv, kind, id, ext, email, phone, channel, key, value, attrs, status string) {
		p := participants.Participant{
			Kind: participants.Kind(kind), ID: id, ExternalID: ext, Email: email, Phone: phone,
			Channel: participants.Channel(channel), Identifier: participants.Identifier{Key: key, Value: value},
			Status: participants.Status(status),
		}
		if attrs != "" {
			p.Attributes = json.RawMessage(attrs)
		}
		before := rec.calls
		res, err := c.Add(context.Background(), conv, p)
		if rec.calls != before {
			if err != nil || res == nil {
				t.Fatalf("provider called but Add = %v, %v", res, err)
			}
			checkReached(t, rec.conv, rec.p)
			return
		}
		var pe *participants.Error
		if !errors.As(err, &pe) || pe.Code != participants.InvalidArgument || pe.Field == "" || pe.Provider != "recorder" {
			t.Fatalf("refused with %#v, want an InvalidArgument *Error with a Field", err)
		}
	})
}

// doerFunc is an option.Doer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzAddRequests: through the real adapters and vendor clients, with a
// canned vendor beneath, every request that is sent has exactly the
// operation's path shape with the conversation ID as one literal segment,
// and a body that parses; nothing panics.
func FuzzAddRequests(f *testing.F) {
	addSeeds(f)
	const ws = "0d6a5d3e-4c5b-4a69-8f0e-0a1b2c3d4e5f"
	var (
		mu   sync.Mutex
		reqs []*http.Request
		body [][]byte
	)
	doer := doerFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs, body = append(reqs, r), append(body, b)
		mu.Unlock()
		var status int
		var out string
		switch {
		case strings.HasPrefix(r.URL.Path, "/conversations/"):
			status, out = 200, `{"customers":[{"type":"user","id":"c1"}]}`
		case strings.HasPrefix(r.URL.Path, "/workspaces/"):
			status, out = 201, `{"id":"p1","type":"contact","status":"active"}`
		default:
			status, out = 201, `{"sid":"MB00000000000000000000000000000001"}`
		}
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(out)), Request: r}, nil
	})
	opts := []option.Option{option.WithDoer(doer), option.WithMaxRetries(0)}
	ic, err := intercom.New("token", opts...)
	if err != nil {
		f.Fatal(err)
	}
	bc, err := bird.New("key", opts...)
	if err != nil {
		f.Fatal(err)
	}
	tc, err := twilio.New(envTwilioSID, "token", opts...)
	if err != nil {
		f.Fatal(err)
	}
	clients := []struct {
		c     *participants.Client
		shape []string
	}{
		{participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "1"})), []string{"conversations", "*", "customers"}},
		{participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: ws})), []string{"workspaces", ws, "conversations", "*", "participants"}},
		{participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: "+15017122661"})), []string{"v1", "Conversations", "*", "Participants"}},
	}
	f.Fuzz(func(t *testing.T, conv, kind, id, ext, email, phone, channel, key, value, attrs, status string) {
		p := participants.Participant{
			Kind: participants.Kind(kind), ID: id, ExternalID: ext, Email: email, Phone: phone,
			Channel: participants.Channel(channel), Identifier: participants.Identifier{Key: key, Value: value},
			Status: participants.Status(status),
		}
		if attrs != "" {
			p.Attributes = json.RawMessage(attrs)
		}
		for i, c := range clients {
			mu.Lock()
			reqs, body = nil, nil
			mu.Unlock()
			res, err := c.c.Add(context.Background(), conv, p)
			mu.Lock()
			sent, sentBody := reqs, body
			mu.Unlock()
			if err == nil && (res == nil || len(sent) == 0) {
				t.Fatalf("%s: success without a request", vendors[i])
			}
			if err != nil {
				var pe *participants.Error
				if !errors.As(err, &pe) || pe.Provider != vendors[i] {
					t.Fatalf("%s: error %#v is not a *participants.Error of the vendor", vendors[i], err)
				}
				if len(sent) == 0 && pe.Code != participants.InvalidArgument && pe.Code != participants.Unimplemented {
					t.Fatalf("%s: refused before any request with %v", vendors[i], err)
				}
			}
			for j, r := range sent {
				checkReached(t, conv, asDriver(p)) // anything sent was valid input
				segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
				if len(segs) != len(c.shape) {
					t.Fatalf("%s: path %q for conversation %q", vendors[i], r.URL.EscapedPath(), conv)
				}
				for k, w := range c.shape {
					s, err := url.PathUnescape(segs[k])
					if w == "*" {
						w = conv
					}
					if err != nil || s != w {
						t.Fatalf("%s: path %q segment %d = %q, want %q", vendors[i], r.URL.EscapedPath(), k, s, w)
					}
				}
				if vendors[i] == "twilio" {
					if _, err := url.ParseQuery(string(sentBody[j])); err != nil {
						t.Fatalf("twilio: form body %q: %v", sentBody[j], err)
					}
				} else if !json.Valid(sentBody[j]) || !bytes.HasPrefix(sentBody[j], []byte("{")) {
					t.Fatalf("%s: body %q is not a JSON object", vendors[i], sentBody[j])
				}
			}
		}
	})
}
