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
	const uuid = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	for _, re := range []string{
		`add 1: HTTP 201, Created true, participant (` + uuid + `) \(contact\)`,
		`add 2: HTTP 200, Created false, participant (` + uuid + `) \(contact\)`,
		`(?m)^  contact +` + uuid + ` +active +ada@example\.com$`,
		`status 404, code ResourceNotFound`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("output does not match %q:\n%s", re, out.String())
		}
	}
	ids := regexp.MustCompile(`participant (\S+) \(contact\)`).FindAllStringSubmatch(out.String(), -1)
	if len(ids) != 2 || ids[0][1] != ids[1][1] {
		t.Errorf("want one participant ID from both adds, got %q", ids)
	}
}

// TestCredentials runs the real-API mode against a fake, through
// BIRD_BASE_URL, with a contact that is already a participant.
func TestCredentials(t *testing.T) {
	fake := participantstest.NewBirdServer()
	defer fake.Close()
	conv := fake.SeedConversation("")
	env := envOf(map[string]string{"BIRD_ACCESS_KEY": fake.AccessKey(), "BIRD_WORKSPACE_ID": fake.WorkspaceID(), "BIRD_BASE_URL": fake.URL()})
	args := []string{"-conversation", conv, "-email", "grace@example.com"}

	for range 2 { // the second run finds the contact there already
		var out bytes.Buffer
		if err := run(t.Context(), &out, env, args); err != nil {
			t.Fatalf("run: %v\n%s", err, out.String())
		}
	}
	if n := len(fake.Participants(conv)); n != 1 {
		t.Errorf("%d participants, want 1", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"BIRD_ACCESS_KEY": "k"}, nil, "set both BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID"},
		{map[string]string{"BIRD_ACCESS_KEY": "k", "BIRD_WORKSPACE_ID": participantstest.DefaultBirdWorkspaceID}, []string{"-email", "a@b.co"}, "-conversation and -email"},
		{nil, []string{"-conversation", "x"}, "-conversation needs BIRD_ACCESS_KEY"},
	} {
		var out bytes.Buffer
		err := run(t.Context(), &out, envOf(tc.env), tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v args %q: got %v, want an error containing %q", tc.env, tc.args, err, tc.want)
		}
	}
}
