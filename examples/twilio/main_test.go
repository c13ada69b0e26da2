package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/participants/participantstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestFake(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, envOf(nil), nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, re := range []string{
		`created participant (MB[0-9a-f]{32})`,
		`status 409, code 50433, message "A participant with the provided identity already exists`,
		`(?m)^  MB[0-9a-f]{32} +user-42 +-$`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("output does not match %q:\n%s", re, out.String())
		}
	}
}

// TestCredentials runs the real-API mode against a fake, through
// TWILIO_BASE_URL: by phone, twice, so that the second run meets the
// duplicate code 50416 on its first create.
func TestCredentials(t *testing.T) {
	fake := participantstest.NewTwilioServer()
	defer fake.Close()
	conv := fake.SeedConversation("", "support")
	env := envOf(map[string]string{
		"TWILIO_ACCOUNT_SID": fake.AccountSID(), "TWILIO_AUTH_TOKEN": fake.AuthToken(),
		"TWILIO_PROXY_ADDRESS": "+15017122661", "TWILIO_BASE_URL": fake.URL(),
	})
	args := []string{"-conversation", "support", "-phone", "+15558675310"}
	var out bytes.Buffer
	for range 2 {
		out.Reset()
		if err := run(t.Context(), &out, env, args); err != nil {
			t.Fatalf("run: %v\n%s", err, out.String())
		}
	}
	for _, want := range []string{"not created: code 50416", "code 50416", "+15558675310 via +15017122661"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := len(fake.Participants(conv)); n != 1 {
		t.Errorf("%d participants, want 1", n)
	}
}

func TestConfigErrors(t *testing.T) {
	sid := participantstest.DefaultTwilioAccountSID
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"TWILIO_ACCOUNT_SID": sid}, nil, "set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"},
		{map[string]string{"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "t"}, []string{"-conversation", "support"}, "-identity or -phone"},
		{map[string]string{"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "t"}, []string{"-conversation", "support", "-phone", "+15558675310"}, "TWILIO_PROXY_ADDRESS"},
		{nil, []string{"-conversation", "support"}, "-conversation needs TWILIO_ACCOUNT_SID"},
	} {
		var out bytes.Buffer
		err := run(t.Context(), &out, envOf(tc.env), tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v args %q: got %v, want an error containing %q", tc.env, tc.args, err, tc.want)
		}
	}
}
