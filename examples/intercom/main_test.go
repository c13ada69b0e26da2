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
		`\(email ada@example\.com\): 2 customer\(s\)`,
		`(?m)^  user +[0-9a-f]{24}$`,
		`(?m)^  lead +[0-9a-f]{24}$`, // Intercom created a lead for the unknown email
		`status 404, code not_found, message "Resource Not Found"`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("output does not match %q:\n%s", re, out.String())
		}
	}
}

// TestCredentials runs the real-API mode against a fake, through
// INTERCOM_BASE_URL.
func TestCredentials(t *testing.T) {
	fake := participantstest.NewIntercomServer()
	defer fake.Close()
	fake.SeedAdmin("9")
	ada := fake.SeedContact(participantstest.IntercomContact{Email: "ada@example.com"})
	conv := fake.SeedConversation("")
	env := envOf(map[string]string{"INTERCOM_TOKEN": fake.Token(), "INTERCOM_ADMIN_ID": "9", "INTERCOM_BASE_URL": fake.URL()})

	var out bytes.Buffer
	if err := run(t.Context(), &out, env, []string{"-conversation", conv, "-email", "ada@example.com"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if got := fake.Customers(conv); len(got) != 1 || got[0].ID != ada.ID {
		t.Errorf("customers = %v, want only %s", got, ada.ID)
	}
	if !strings.Contains(out.String(), "user  "+ada.ID) {
		t.Errorf("output does not list %s:\n%s", ada.ID, out.String())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"INTERCOM_TOKEN": "t"}, nil, "set both INTERCOM_TOKEN and INTERCOM_ADMIN_ID"},
		{map[string]string{"INTERCOM_TOKEN": "t", "INTERCOM_ADMIN_ID": "1"}, []string{"-email", "a@b.co"}, "-conversation and -email"},
		{nil, []string{"-conversation", "1"}, "-conversation needs INTERCOM_TOKEN"},
	} {
		var out bytes.Buffer
		err := run(t.Context(), &out, envOf(tc.env), tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v args %q: got %v, want an error containing %q", tc.env, tc.args, err, tc.want)
		}
	}
}
