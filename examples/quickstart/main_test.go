package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/participants/participantstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// envOf returns a getenv over vars.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// wantRows checks that out has a table row matching each pattern: vendor,
// step, result and the rest of the row, separated by runs of spaces.
func wantRows(t *testing.T, out string, rows ...string) {
	t.Helper()
	for _, r := range rows {
		re := regexp.MustCompile(`(?m)^` + r + `$`)
		if !re.MatchString(out) {
			t.Errorf("no row matches %q in\n%s", r, out)
		}
	}
}

func TestFakes(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, envOf(nil), nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	const (
		uuid = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
		mb   = `MB[0-9a-f]{32}`
	)
	wantRows(t, out.String(),
		// Several identities and no Use: refused before any request.
		`intercom +add with every identity +InvalidArgument +- +1 +no request sent: intercom cannot send ExternalID and Email and Phone together.*`,
		`bird +add with every identity +InvalidArgument +- +0 +no request sent: bird cannot send ExternalID and Email and Phone together.*`,
		`twilio +add with every identity +Unimplemented +- +0 +no request sent: .*email.*`,
		`sunshine +add with every identity +InvalidArgument +- +0 +no request sent: sunshine cannot send ExternalID and Email and Phone together.*`,
		`intercom +add +Unreported +- +2 +Intercom lists 2 customer\(s\) on the conversation`,
		`intercom +add again +Unreported +- +2 +.*`,
		`intercom +list +Listed +- +2 +2 listed: [0-9a-f]+, [0-9a-f]+`,
		`intercom +remove +Removed +[0-9a-f]+ +1 +Intercom lists 1 customer\(s\) on the conversation`,
		`intercom +remove again +AlreadyAbsent +- +1 +`,
		`intercom +add to a missing conversation +NotFound +- +1 +\*APIError: HTTP 404, vendor code not_found`,
		`intercom +add by phone only +Unimplemented +- +1 +no request sent: .*Phone`,
		`bird +add +Added +`+uuid+` +1 +Bird contact by emailaddress ada@example.com`,
		`bird +add again +AlreadyPresent +`+uuid+` +1 +.*`,
		`bird +list +Listed +- +1 +1 listed: `+uuid,
		`bird +remove +Removed +`+uuid+` +0 +.*`,
		`bird +remove again +AlreadyAbsent +- +0 +`,
		`bird +add to a missing conversation +NotFound +- +0 +\*APIError: HTTP 404, vendor code ResourceNotFound`,
		`twilio +add +Added +`+mb+` +1 +Twilio chat identity user-42`,
		`twilio +add again +AlreadyPresent +`+mb+` +1 +.*`,
		`twilio +list +Listed +- +1 +1 listed: `+mb,
		`twilio +remove +Removed +`+mb+` +0 +.*`,
		`twilio +remove again +AlreadyAbsent +- +0 +`,
		`twilio +add to a missing conversation +NotFound +- +0 +\*APIError: HTTP 404, vendor code 20404`,
		`sunshine +add +Added +[0-9a-f]{24} +1 +Sunshine user [0-9a-f]{24}`,
		`sunshine +add again +AlreadyPresent +[0-9a-f]{24} +1 +.*`,
		`sunshine +list +Listed +- +1 +1 listed: [0-9a-f]{24}`,
		`sunshine +remove +Removed +[0-9a-f]{24} +0 +`, // found by the identities, removed by its ID
		`sunshine +remove again +AlreadyAbsent +- +0 +`,
		`sunshine +add to a missing conversation +NotFound +- +0 +\*APIError: HTTP 404, vendor code conversation_not_found`,
	)
	// List shows the participant the adds reported, and Remove removes it.
	for _, vendor := range []string{"bird", "twilio", "sunshine"} {
		added := regexp.MustCompile(`(?m)^` + vendor + ` +add +Added +(\S+)`).FindStringSubmatch(out.String())
		listed := regexp.MustCompile(`(?m)^` + vendor + ` +list +Listed +- +\d+ +1 listed: (\S+)$`).FindStringSubmatch(out.String())
		if added == nil || listed == nil || added[1] != listed[1] {
			t.Errorf("%s: want the participant added (%q) listed (%q)", vendor, added, listed)
		}
	}
	// The second add names the same participant as the first.
	for _, vendor := range []string{"bird", "twilio"} {
		ids := regexp.MustCompile(`(?m)^`+vendor+` +add(?: again)? +(?:Added|AlreadyPresent) +(\S+)`).FindAllStringSubmatch(out.String(), -1)
		if len(ids) != 2 || ids[0][1] != ids[1][1] {
			t.Errorf("%s: want the same participant ID from both adds, got %q", vendor, ids)
		}
	}
	// The fakes' webhooks: a join and a leave of the person on each vendor.
	wantRows(t, out.String(),
		`intercom +joined +[0-9a-f]{24} +user-42 ada@example.com +\d+`,
		`intercom +left +[0-9a-f]{24} +user-42 ada@example.com +\d+`,
		`bird +joined +`+uuid+` +ada@example.com +`+uuid,
		`bird +left +`+uuid+` +`+uuid,
		`twilio +joined +`+mb+` +user-42 +CH[0-9a-f]{32}`,
		`twilio +left +`+mb+` +user-42 +CH[0-9a-f]{32}`,
		`sunshine +joined +user [0-9a-f]{24} +user-42 +[0-9a-f]{24}`,
		`sunshine +left +user [0-9a-f]{24} +user-42 +[0-9a-f]{24}`,
	)
	if n := strings.Count(out.String(), " joined "); n != 4 {
		t.Errorf("%d joined events, want 4 (one per vendor)", n)
	}
	if !strings.Contains(out.String(), "Every step went as expected.") {
		t.Errorf("no success line in\n%s", out.String())
	}
}

// TestCredentials runs the real-API mode against the fakes, through the
// *_BASE_URL variables, with Twilio's credentials left out.
func TestCredentials(t *testing.T) {
	ic := participantstest.NewIntercomServer()
	defer ic.Close()
	bs := participantstest.NewBirdServer()
	defer bs.Close()
	ic.SeedAdmin("7")
	ic.SeedContact(participantstest.IntercomContact{UserID: "u-1"})
	first := ic.SeedContact(participantstest.IntercomContact{Email: "first@example.com"})
	icConv := ic.SeedConversation("", first.ID)
	bsConv := bs.SeedConversation("")

	env := envOf(map[string]string{
		"INTERCOM_TOKEN": ic.Token(), "INTERCOM_ADMIN_ID": "7", "INTERCOM_BASE_URL": ic.URL(),
		"BIRD_ACCESS_KEY": bs.AccessKey(), "BIRD_WORKSPACE_ID": bs.WorkspaceID(), "BIRD_BASE_URL": bs.URL(),
	})
	args := []string{"-intercom-conversation", icConv, "-bird-conversation", bsConv,
		"-external-id", "u-1", "-phone", "+31612345678"}
	var out bytes.Buffer
	if err := run(t.Context(), &out, env, args); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	wantRows(t, out.String(),
		`Calling the real APIs of intercom, bird\.`,
		`Skipping twilio: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set`,
		`Skipping sunshine: SUNSHINE_KEY_ID, SUNSHINE_SECRET, SUNSHINE_APP_ID and SUNSHINE_BASE_URL are not set`,
		`intercom +add +Unreported +- +- +Intercom lists 2 customer\(s\) on the conversation`,
		`intercom +remove +Removed +\S+ +- +.*`,
		`intercom +remove again +AlreadyAbsent +- +- +`,
		`intercom +add by phone only +Unimplemented +- +- +.*`,
		`bird +add +Added +\S+ +- +Bird contact by phonenumber \+31612345678`,
		`bird +add again +AlreadyPresent +\S+ +- +.*`,
	)
	if strings.Contains(out.String(), "missing conversation") || strings.Contains(out.String(), "twilio  ") {
		t.Errorf("unexpected steps in\n%s", out.String())
	}
	// The person was added, then removed.
	if n := len(bs.Participants(bsConv)); n != 0 {
		t.Errorf("bird has %d participants, want 0", n)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"half the credentials", map[string]string{"INTERCOM_TOKEN": "x"}, []string{"-intercom-conversation", "1", "-email", "a@b.co"},
			"INTERCOM_TOKEN is set but INTERCOM_ADMIN_ID is not"},
		{"no conversation flag", map[string]string{"BIRD_ACCESS_KEY": "k", "BIRD_WORKSPACE_ID": participantstest.DefaultBirdWorkspaceID}, []string{"-email", "a@b.co"},
			"-bird-conversation"},
		{"flag without credentials", nil, []string{"-twilio-conversation", "CH00000000000000000000000000000000"},
			"-twilio-conversation needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"},
		{"no person", map[string]string{"TWILIO_ACCOUNT_SID": participantstest.DefaultTwilioAccountSID, "TWILIO_AUTH_TOKEN": "t"},
			[]string{"-twilio-conversation", "CH00000000000000000000000000000000"}, "set -external-id, -email and/or -phone"},
		{"phone without proxy", map[string]string{"TWILIO_ACCOUNT_SID": participantstest.DefaultTwilioAccountSID, "TWILIO_AUTH_TOKEN": "t"},
			[]string{"-twilio-conversation", "CH00000000000000000000000000000000", "-phone", "+15558675310"}, "TWILIO_PROXY_ADDRESS"},
		{"sunshine without its base URL", map[string]string{"SUNSHINE_KEY_ID": "app_1", "SUNSHINE_SECRET": "s", "SUNSHINE_APP_ID": "a"},
			[]string{"-sunshine-conversation", "029c31f25a21b47effd7be90", "-external-id", "u-1"}, "SUNSHINE_BASE_URL is not"},
		{"bad flag", nil, []string{"-nope"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), &out, envOf(tc.env), tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestUnexpected makes a step go wrong and checks that run fails.
func TestUnexpected(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // every Add fails with Canceled
	var out bytes.Buffer
	err := run(ctx, &out, envOf(nil), nil)
	if err == nil || !strings.Contains(err.Error(), "did not go as expected") {
		t.Fatalf("got %v, want steps that did not go as expected", err)
	}
}
