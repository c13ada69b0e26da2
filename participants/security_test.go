package participants_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// attrSecret is a Twilio attribute value: Twilio marks attributes as
// sensitive, so it must never be logged either.
const attrSecret = "ATTR-SECRET-4242-ssn"

// wrongSecret is a wrong credential: still a credential, never shown.
const wrongSecret = "WRONG-SECRET-credential-9999"

// captureOutput sends everything the process writes through os.Stdout,
// os.Stderr, the log package and the default slog logger to one buffer until
// the returned function is called, which restores them and returns it.
func captureOutput(t *testing.T) func() string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var (
		buf  bytes.Buffer
		done = make(chan struct{})
	)
	go func() {
		_, _ = io.Copy(&buf, r)
		close(done)
	}()
	stdout, stderr := os.Stdout, os.Stderr
	logOut, logFlags := log.Writer(), log.Flags()
	prevSlog := slog.Default()
	os.Stdout, os.Stderr = w, w
	log.SetOutput(w)
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	var once sync.Once
	restore := func() string {
		once.Do(func() {
			os.Stdout, os.Stderr = stdout, stderr
			log.SetOutput(logOut)
			log.SetFlags(logFlags)
			slog.SetDefault(prevSlog)
			w.Close()
			<-done
			r.Close()
		})
		return buf.String()
	}
	t.Cleanup(func() { restore() })
	return restore
}

// secretForms are the forms a secret could be written in.
func secretForms(s string) []string {
	j, _ := json.Marshal(s)
	return []string{s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(string(j), `"`)}
}

// TestNoSecretsInOutput runs complete flows (success, duplicates, retries,
// vendor errors echoing the credential, bad credentials, deadlines, a panic
// in BeforeAdd) through every vendor with debug logging of bodies on, and
// finds no credential, and no Twilio attribute value, in any log record,
// anything written to stdout or stderr, any error string or panic value.
func TestNoSecretsInOutput(t *testing.T) {
	restore := captureOutput(t)
	var (
		logs    bytes.Buffer
		texts   []string // error strings and panic values
		secrets = []string{wrongSecret, attrSecret}
	)
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	debug := []option.Option{option.WithLogger(logger), option.WithDebugBodies()}
	keep := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err))
		}
	}

	// person is e's person i, with a secret attribute for Twilio.
	person := func(e *env, i int) participants.Participant {
		p := e.person(i)
		if e.vendor == "twilio" {
			p.Attributes = json.RawMessage(`{"ssn":"` + attrSecret + `","tier":"gold"}`)
		}
		return p
	}
	// echoOf is an error body echoing e's credentials everywhere.
	echoOf := func(e *env) string {
		return fmt.Sprintf(`{"type":"error.list","request_id":%q,"errors":[{"code":"unauthorized","message":"token %s is invalid","field":%q}],"code":%q,"message":"key %s / %s","more_info":%q,"details":{"k":%q}}`,
			e.secrets[0], e.secrets[0], e.secrets[0], e.secrets[0], e.secrets[0], e.secrets[len(e.secrets)-1], e.secrets[0], e.secrets[0])
	}
	ctx := context.Background()
	for _, v := range vendors {
		e := newEnv(t, v, debug...)
		secrets = append(secrets, e.secrets...)
		echo := echoOf(e)
		echoHeader := http.Header{"X-Debug-Echo": {"Bearer " + e.secrets[0]}, "Set-Cookie": {"session=" + e.secrets[0]}, "X-Request-Id": {e.secrets[0]}}

		steps := []struct {
			name   string
			faults []participantstest.Fault
			i      int
		}{
			{name: "success", i: 1},
			{name: "again", i: 1},
			{name: "429 then success", i: 2, faults: []participantstest.Fault{{Status: 429, Body: echo, Header: http.Header{"Retry-After": {"0"}}}}},
			{name: "503 HTML then success", i: 3, faults: []participantstest.Fault{{Status: 503, Body: "<html>" + e.secrets[0] + "</html>", Header: http.Header{"Content-Type": {"text/html"}}}}},
			{name: "committed, response lost", i: 4, faults: []participantstest.Fault{{CommitThenDrop: true}}},
			{name: "reset", i: 5, faults: []participantstest.Fault{{Drop: true}}},
			{name: "422 echoing the credential", i: 6, faults: []participantstest.Fault{{Status: 422, Body: echo, Header: echoHeader}}},
			{name: "401 echoing the credential", i: 6, faults: []participantstest.Fault{{Status: 401, Body: echo, Header: echoHeader}}},
			{name: "500 forever echoing the credential", i: 6, faults: repeatFault(4, participantstest.Fault{Status: 500, Body: echo, Header: echoHeader})},
		}
		for _, s := range steps {
			e.srv.InjectFaults(s.faults...)
			_, err := e.client.Add(ctx, e.conv, person(e, s.i))
			keep(err)
		}

		// The deadline passes while the server stalls after a 503 echoing
		// the credential: on virtual time (testing/synctest), through a
		// fake of the vendor reached in memory.
		synctest.Test(t, func(t *testing.T) {
			m := newMemEnv(t, v, debug...)
			secrets = append(secrets, m.secrets...)
			m.srv.InjectFaults(participantstest.Fault{Status: 503, Body: echoOf(m)}, participantstest.Fault{Delay: 5 * time.Second})
			c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			_, err := m.client.Add(c, m.conv, person(m, 7))
			if participants.Code(err) != participants.DeadlineExceeded {
				t.Errorf("%s: deadline: %v, want DeadlineExceeded", v, err)
			}
			keep(err)
		})

		// Wrong credentials.
		var bad *participants.Client
		switch v {
		case "intercom":
			ic, err := intercom.New(wrongSecret, e.srv.ClientOptions(debug...)...)
			if err != nil {
				t.Fatal(err)
			}
			bad = participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin}))
		case "bird":
			bc, err := bird.New(wrongSecret, e.srv.ClientOptions(debug...)...)
			if err != nil {
				t.Fatal(err)
			}
			bad = participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: e.bird.WorkspaceID()}))
		case "twilio":
			tc, err := twilio.New(e.twilio.AccountSID(), wrongSecret, e.srv.ClientOptions(debug...)...)
			if err != nil {
				t.Fatal(err)
			}
			bad = participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
		}
		_, err := bad.Add(ctx, e.conv, person(e, 8))
		if participants.Code(err) != participants.Unauthenticated {
			t.Errorf("%s: wrong credentials: %v, want Unauthenticated", v, err)
		}
		keep(err)

		// A panic in BeforeAdd propagates to the caller (hooks are the
		// caller's code); the body it sees carries no credential.
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: BeforeAdd panic did not propagate", v)
				}
				texts = append(texts, fmt.Sprint(r))
			}()
			_, _ = e.client.Add(ctx, e.conv, e.person(9), participants.BeforeAdd(func(body any) error {
				panic(fmt.Sprintf("hook saw %#v", body))
			}))
		}()
	}
	out := restore()

	all := logs.String()
	for _, want := range []string{`"msg":"conversekit attempt"`, `"request_body":`, `"response_body":`, `"Authorization":"[redacted]"`} {
		if !strings.Contains(all, want) {
			t.Errorf("debug log lacks %s", want)
		}
	}
	if !strings.Contains(all, `Attributes=%5Bredacted%5D`) || !strings.Contains(all, `"attributes\":\"[redacted]\"`) {
		t.Errorf("debug log shows no redacted Twilio Attributes (form and JSON)")
	}
	if out != "" {
		t.Errorf("wrote to stdout/stderr/log: %q", out)
	}
	for _, s := range secrets {
		for _, f := range secretForms(s) {
			if strings.Contains(all, f) {
				i := strings.Index(all, f)
				t.Errorf("debug log contains secret %q: …%s…", f, all[max(0, i-300):min(len(all), i+100)])
			}
			if strings.Contains(out, f) {
				t.Errorf("output contains secret %q", f)
			}
			for _, x := range texts {
				if strings.Contains(x, f) {
					t.Errorf("error or panic text contains secret %q: %s", f, x)
				}
			}
		}
	}
}

// TestBaseURLPolicy: each vendor's New refuses a base URL that is not https
// unless its host is loopback, and never echoes credentials in a URL.
func TestBaseURLPolicy(t *testing.T) {
	news := map[string]func(string) error{
		"intercom": func(u string) error { _, err := intercom.New(envIntercomToken, option.WithBaseURL(u)); return err },
		"bird":     func(u string) error { _, err := bird.New(envBirdKey, option.WithBaseURL(u)); return err },
		"twilio": func(u string) error {
			_, err := twilio.New(envTwilioSID, envTwilioToken, option.WithBaseURL(u))
			return err
		},
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://api.example.com", true},
		{"https://api.eu.intercom.io/", true},
		{"http://127.0.0.1:8080", true},
		{"http://127.5.6.7", true},
		{"http://localhost:1234", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:9999", true},
		{"http://api.example.com", false},
		{"http://10.0.0.1", false},
		{"http://0.0.0.0", false},
		{"http://127.0.0.1.evil.example", false},
		{"http://localhost.evil.example", false},
		{"http://127.1", false},
		{"http://0x7f000001", false},
		{"http://[::ffff:8.8.8.8]", false},
		{"ftp://127.0.0.1", false},
		{"ws://localhost", false},
		{"//api.example.com", false},
		{"api.example.com", false},
		{"https://", false},
		{"https://user:hunter2-password@api.example.com", false},
		{"http://user:hunter2-password@localhost", false},
		{"https://api.example.com/?token=abc", false},
		{"https://api.example.com/#frag", false},
	} {
		for _, v := range vendors {
			err := news[v](tc.url)
			if (err == nil) != tc.ok {
				t.Errorf("%s New(WithBaseURL(%q)): err = %v, want ok %v", v, tc.url, err, tc.ok)
			}
			if err != nil && (strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), v)) {
				t.Errorf("%s: error %q leaks the password or does not name the vendor", v, err)
			}
		}
	}
}

// traversals are path parameter values that would change the request path
// if they were not escaped into one segment.
var traversals = []string{"..%2F..", "%2e%2e", "%2E%2E%2F", "a/b", "a%2Fb", "../x", "x/..", "./x", ".%2e", "a?b=c", "a#b", "a;b", `a\b`, "%00", "a%20b", "a b", "%", "é/∂"}

// checkSegment asserts that the request path has the shape of want ("*" is
// the parameter) and that the parameter's segment unescapes to exactly v.
func checkSegment(t *testing.T, got string, v string, want ...string) {
	t.Helper()
	segs := strings.Split(strings.TrimPrefix(got, "/"), "/")
	if len(segs) != len(want) {
		t.Errorf("value %q: path %q has %d segments, want %d (%s)", v, got, len(segs), len(want), strings.Join(want, "/"))
		return
	}
	for i, w := range want {
		s, err := url.PathUnescape(segs[i])
		if err != nil {
			t.Errorf("value %q: segment %q of %q: %v", v, segs[i], got, err)
			continue
		}
		if w == "*" {
			w = v
		}
		if s != w {
			t.Errorf("value %q: segment %d of %q is %q, want %q", v, i, got, s, w)
		}
	}
}

// TestPathTraversal: for every vendor operation with a path parameter, a
// hostile value reaches the fake as one literal segment, or is refused
// before any request.
func TestPathTraversal(t *testing.T) {
	ctx := context.Background()
	type op struct {
		vendor, name string
		call         func(e *env, v string) error
		shape        func(e *env) []string
	}
	clients := map[*env]any{}
	get := func(t *testing.T, e *env) any {
		if c, ok := clients[e]; ok {
			return c
		}
		var c any
		switch e.vendor {
		case "intercom":
			ic, err := intercom.New(e.intercom.Token(), e.srv.ClientOptions(option.WithMaxRetries(0))...)
			if err != nil {
				t.Fatal(err)
			}
			c = ic
		case "bird":
			bc, err := bird.New(e.bird.AccessKey(), e.srv.ClientOptions(option.WithMaxRetries(0))...)
			if err != nil {
				t.Fatal(err)
			}
			c = bc
		case "twilio":
			tc, err := twilio.New(e.twilio.AccountSID(), e.twilio.AuthToken(), e.srv.ClientOptions(option.WithMaxRetries(0))...)
			if err != nil {
				t.Fatal(err)
			}
			c = tc
		}
		clients[e] = c
		return c
	}
	var tt *testing.T
	ic := func(e *env) *intercom.Client { return get(tt, e).(*intercom.Client) }
	bc := func(e *env) *bird.Client { return get(tt, e).(*bird.Client) }
	tw := func(e *env) *twilio.Client { return get(tt, e).(*twilio.Client) }
	birdBase := func(e *env) []string {
		return []string{"workspaces", e.bird.WorkspaceID(), "conversations", birdConversation, "participants"}
	}
	ops := []op{
		{"intercom", "Client.Add conversation", func(e *env, v string) error {
			_, err := e.client.Add(ctx, v, ada)
			return err
		}, func(*env) []string { return []string{"conversations", "*", "customers"} }},
		{"intercom", "AttachContact conversation", func(e *env, v string) error {
			_, err := ic(e).AttachContact(ctx, v, intercom.AdminAttach(intercomAdmin, intercom.CustomerByEmail("a@example.com")))
			return err
		}, func(*env) []string { return []string{"conversations", "*", "customers"} }},
		{"intercom", "DetachContact conversation", func(e *env, v string) error {
			_, err := ic(e).DetachContact(ctx, v, "c1", intercomAdmin)
			return err
		}, func(*env) []string { return []string{"conversations", "*", "customers", "c1"} }},
		{"intercom", "DetachContact contact", func(e *env, v string) error {
			_, err := ic(e).DetachContact(ctx, intercomConversation, v, intercomAdmin)
			return err
		}, func(*env) []string { return []string{"conversations", intercomConversation, "customers", "*"} }},
		{"bird", "GetParticipant participantId", func(e *env, v string) error {
			_, err := bc(e).GetParticipant(ctx, e.bird.WorkspaceID(), birdConversation, v)
			return err
		}, func(e *env) []string { return append(birdBase(e), "*") }},
		{"bird", "RemoveParticipant participantId", func(e *env, v string) error {
			return bc(e).RemoveParticipant(ctx, e.bird.WorkspaceID(), birdConversation, v)
		}, func(e *env) []string { return append(birdBase(e), "*") }},
		{"bird", "GetParticipantByIdentifier identifierKey", func(e *env, v string) error {
			_, err := bc(e).GetParticipantByIdentifier(ctx, e.bird.WorkspaceID(), birdConversation, v, "x")
			return err
		}, func(e *env) []string { return append(birdBase(e), "*", "x") }},
		{"bird", "GetParticipantByIdentifier identifierValue", func(e *env, v string) error {
			_, err := bc(e).GetParticipantByIdentifier(ctx, e.bird.WorkspaceID(), birdConversation, "emailaddress", v)
			return err
		}, func(e *env) []string { return append(birdBase(e), "emailaddress", "*") }},
		{"bird", "AddParticipant conversationId", func(e *env, v string) error {
			_, err := bc(e).AddParticipant(ctx, e.bird.WorkspaceID(), v, bird.ContactByIdentifier("emailaddress", "a@example.com"))
			return err
		}, func(e *env) []string { return nil }}, // UUIDs only: always refused
		{"bird", "ListParticipants workspaceId", func(e *env, v string) error {
			_, err := bc(e).ListParticipants(ctx, v, birdConversation, nil)
			return err
		}, func(e *env) []string { return nil }},
		{"twilio", "Client.Add conversation", func(e *env, v string) error {
			_, err := e.client.Add(ctx, v, adaPhone)
			return err
		}, func(*env) []string { return []string{"v1", "Conversations", "*", "Participants"} }},
		{"twilio", "CreateParticipant ConversationSid", func(e *env, v string) error {
			_, err := tw(e).CreateParticipant(ctx, v, twilio.CreateParticipantParams{Identity: "ada"})
			return err
		}, func(*env) []string { return []string{"v1", "Conversations", "*", "Participants"} }},
		{"twilio", "ListParticipants ConversationSid", func(e *env, v string) error {
			_, err := tw(e).ListParticipants(ctx, v, nil)
			return err
		}, func(*env) []string { return []string{"v1", "Conversations", "*", "Participants"} }},
		{"twilio", "FetchParticipant ConversationSid", func(e *env, v string) error {
			_, err := tw(e).FetchParticipant(ctx, v, "MB1")
			return err
		}, func(*env) []string { return []string{"v1", "Conversations", "*", "Participants", "MB1"} }},
		{"twilio", "FetchParticipant Sid", func(e *env, v string) error {
			_, err := tw(e).FetchParticipant(ctx, twilioConversation, v)
			return err
		}, func(*env) []string { return []string{"v1", "Conversations", twilioConversation, "Participants", "*"} }},
		{"twilio", "DeleteParticipant Sid", func(e *env, v string) error {
			return tw(e).DeleteParticipant(ctx, twilioConversation, v, nil)
		}, func(*env) []string { return []string{"v1", "Conversations", twilioConversation, "Participants", "*"} }},
	}
	envs := map[string]*env{}
	for _, v := range vendors {
		envs[v] = newEnv(t, v, option.WithMaxRetries(0))
	}
	for _, o := range ops {
		t.Run(o.vendor+"/"+o.name, func(t *testing.T) {
			tt = t
			e := envs[o.vendor]
			for _, v := range append(traversals, "..", ".", "") {
				before := len(e.srv.RequestLog())
				err := o.call(e, v)
				log := e.srv.RequestLog()[before:]
				shape := o.shape(e)
				switch {
				case len(log) == 0:
					if err == nil {
						t.Errorf("value %q: no request and no error", v)
					}
					if v == ".." || v == "." || v == "" || shape == nil {
						continue
					}
					// Refusing an odd but harmless value is allowed; say so.
					t.Logf("value %q refused: %v", v, err)
				case shape == nil || v == ".." || v == "." || v == "":
					t.Errorf("value %q reached the fake as %q, want it refused", v, log[0].Path)
				default:
					for _, r := range log {
						if r.Method == http.MethodGet && o.vendor == "twilio" && strings.HasPrefix(o.name, "Client.Add") && len(log) > 1 {
							continue // the duplicate lookup
						}
						checkSegment(t, r.Path, v, shape...)
					}
				}
			}
		})
	}
}
