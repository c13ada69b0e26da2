// Command quickstart takes one person through a conversation's lifecycle on
// Intercom, Bird, Twilio and Sunshine Conversations with the same
// participants.Client calls (add, add again, list, remove, remove again),
// shows typed errors, and prints what happened as a table.
//
// # Without credentials
//
//	go run ./examples/quickstart
//
// starts in-process fakes of the four vendor APIs (package
// participants/participantstest), seeds a conversation on each and runs
// against them: no account, no network. The person is
//
//	participants.Participant{ExternalID: "user-42", Email: "ada@example.com", Phone: "+15558675310"}
//
// Add sends every identity that is set, or refuses: no vendor takes three
// identities at once, so each step sets participants.Participant.Use to the
// identity the vendor should get (Intercom the user_id, Bird the email
// address, Twilio the chat Identity, Sunshine the user's externalId: the
// first of the person's identities the vendor supports). The steps are:
//
//   - add with every identity and no Use: refused before any request,
//     InvalidArgument naming the identities the vendor cannot send together
//     (Unimplemented on Twilio, which cannot express an email at all);
//   - add: Bird, Twilio and Sunshine say Added; Intercom does not tell
//     (Unreported; intercomparticipants.Options{ReportOutcome: true} reads
//     the conversation before each add to report Added or AlreadyPresent, at the cost
//     of a second request);
//   - add again: AlreadyPresent; Intercom Unreported;
//   - list: every participant of the conversation (Client.List);
//   - remove: Removed (Client.Remove, named by the same identities);
//   - remove again: AlreadyAbsent, a success: Remove has ensure semantics;
//   - add to a conversation that does not exist: participants.Code(err) is
//     NotFound and errors.As reaches the vendor's *APIError with HTTP 404;
//   - add by phone on Intercom: Unimplemented, refused before any request.
//
// The PARTICIPANTS column is read back from the fake's state after each
// step. The command exits with status 1 when a step does not go as expected.
//
// The fakes also send the webhooks of the vendors (participantstest's
// Subscribe): each is subscribed to an endpoint of a loopback server where
// a participants.WebhookHandler per vendor verifies the signed deliveries
// (Twilio's X-Twilio-Signature, Intercom's X-Hub-Signature, Bird's
// messagebird-signature, Sunshine's X-API-Key), de-duplicates them and
// collects the person's events; after the table the quickstart prints
// them: a join and a leave on each vendor (Twilio's adds and removes ask
// for webhooks with twilioparticipants.WithWebhooks, as Twilio needs; Bird
// sends no participant event, and its receiver lists the participants on
// each conversation.updated). examples/webhooks receives the real vendors.
//
// # With credentials
//
// Put the credentials of the vendors you want to call in the environment and
// name the conversation and the person with flags. Vendors without
// credentials are skipped; no fakes are started. The person is added, then
// removed again.
//
//	export INTERCOM_TOKEN=... INTERCOM_ADMIN_ID=781236
//	export BIRD_ACCESS_KEY=... BIRD_WORKSPACE_ID=a1405560-...
//	export TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... TWILIO_PROXY_ADDRESS=+15017122661
//	export SUNSHINE_KEY_ID=app_... SUNSHINE_SECRET=... SUNSHINE_APP_ID=... SUNSHINE_BASE_URL=https://api.smooch.io
//	go run ./examples/quickstart \
//		-intercom-conversation 123456 \
//		-bird-conversation 0a5b3b5e-... \
//		-twilio-conversation CH... \
//		-sunshine-conversation 029c31f25a21b47effd7be90 \
//		-external-id user-42 -email ada@example.com -phone +15558675310
//
// TWILIO_PROXY_ADDRESS (your Twilio number) is needed only when the person
// is added to Twilio by phone, that is without -external-id. INTERCOM_BASE_URL,
// BIRD_BASE_URL and TWILIO_BASE_URL, when set, replace the production hosts
// (for example https://api.eu.intercom.io); Sunshine has no default host, so
// SUNSHINE_BASE_URL is required (https://api.smooch.io,
// https://api.eu-1.smooch.io or https://{subdomain}.zendesk.com/sc). Every call shares one deadline
// (-timeout, 30s by default). Against real APIs the first add may also say
// AlreadyPresent, when the person was already there.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// demoPerson is who the quickstart adds when no person flags are given.
var demoPerson = participants.Participant{
	ExternalID: "user-42",
	Email:      "ada@example.com",
	Phone:      "+15558675310",
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// flags are the command-line flags.
type flags struct {
	intercomConversation string
	birdConversation     string
	twilioConversation   string
	sunshineConversation string
	person               participants.Participant
	timeout              time.Duration
}

func parseFlags(out io.Writer, args []string) (*flags, error) {
	var f flags
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&f.intercomConversation, "intercom-conversation", "", "Intercom conversation `ID` (needs INTERCOM_TOKEN and INTERCOM_ADMIN_ID)")
	fs.StringVar(&f.birdConversation, "bird-conversation", "", "Bird conversation `UUID` (needs BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID)")
	fs.StringVar(&f.twilioConversation, "twilio-conversation", "", "Twilio conversation `SID` CH... or unique name (needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)")
	fs.StringVar(&f.sunshineConversation, "sunshine-conversation", "", "Sunshine Conversations conversation `ID` (needs SUNSHINE_KEY_ID, SUNSHINE_SECRET, SUNSHINE_APP_ID and SUNSHINE_BASE_URL)")
	fs.StringVar(&f.person.ExternalID, "external-id", "", "your `ID` of the person: Intercom user_id, Twilio Identity, Sunshine externalId")
	fs.StringVar(&f.person.Email, "email", "", "the person's email `address`")
	fs.StringVar(&f.person.Phone, "phone", "", "the person's E.164 phone `number`, such as +15558675310")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "deadline for all calls, retries included")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return &f, nil
}

// run is the whole command; main only wires it to the process.
func run(ctx context.Context, out io.Writer, env func(string) string, args []string) error {
	f, err := parseFlags(out, args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()

	targets, skipped, err := fromEnv(env, f)
	if err != nil {
		return err
	}
	person := f.person
	var got *events
	if len(targets) == 0 {
		if person.ExternalID == "" && person.Email == "" && person.Phone == "" {
			person = demoPerson
		}
		fakes, err := startFakes(person)
		if err != nil {
			return err
		}
		defer fakes.close()
		targets, got = fakes.targets, fakes.events
		fmt.Fprintln(out, "No vendor credentials in the environment: using in-process fakes of Intercom, Bird, Twilio and Sunshine Conversations.")
	} else {
		if person.ExternalID == "" && person.Email == "" && person.Phone == "" {
			return errors.New("say who to add: set -external-id, -email and/or -phone")
		}
		var names []string
		for _, t := range targets {
			names = append(names, t.name)
		}
		fmt.Fprintf(out, "Calling the real APIs of %s.\n", strings.Join(names, ", "))
		for _, s := range skipped {
			fmt.Fprintln(out, "Skipping", s)
		}
	}
	fmt.Fprintf(out, "Person: %s (Participant.Use chooses the identity each vendor gets).\n\n", describePerson(person))
	return demo(ctx, out, targets, person, got)
}

// target is one vendor to run the steps against.
type target struct {
	name         string               // "intercom", "bird", "twilio" or "sunshine"
	client       *participants.Client // the facade over the vendor client
	conversation string               // where the person is added
	// missing is a conversation that does not exist. Set only for fakes: a
	// real account could have anything.
	missing string
	// count returns how many participants the conversation has now, read
	// from the fake's state; nil against a real API.
	count func() int
	// flush waits until the fake has delivered the webhooks of the
	// changes so far; nil against a real API.
	flush func(context.Context) error
	// opts are given to every add and remove (on the Twilio fake:
	// twilioparticipants.WithWebhooks, so that they fire webhooks).
	opts []participants.Option
}

// step is one call of the Client (op: add, list or remove) and what it
// should return: one of the outcomes want, or an error with code wantCode.
// A list step succeeds when the listing ends without an error; the table
// shows what it listed.
type step struct {
	name         string
	op           string
	conversation string
	person       participants.Participant
	want         []participants.Outcome
	wantCode     participants.ErrorCode
	orCode       participants.ErrorCode // another code that is as expected, if any
}

func (s step) ok(res *participants.Result, err error) bool {
	if err != nil || s.wantCode != participants.OK {
		c := participants.Code(err)
		return c == s.wantCode || s.orCode != participants.OK && c == s.orCode
	}
	return s.op == "list" || slices.Contains(s.want, res.Outcome)
}

func (s step) expected() string {
	if s.orCode != participants.OK {
		return s.wantCode.String() + " or " + s.orCode.String()
	}
	if s.wantCode != participants.OK {
		return s.wantCode.String()
	}
	if s.op == "list" {
		return "a list"
	}
	var names []string
	for _, o := range s.want {
		names = append(names, o.String())
	}
	return strings.Join(names, " or ")
}

// steps returns what to do on t, and what each step should return.
func (t target) steps(person participants.Participant) []step {
	// Bird, Twilio and Sunshine say whether the person is new; Intercom
	// does not.
	first := []participants.Outcome{participants.Added}
	again := []participants.Outcome{participants.AlreadyPresent}
	if t.name == "intercom" {
		first, again = []participants.Outcome{participants.Unreported}, []participants.Outcome{participants.Unreported}
	} else if t.missing == "" {
		// A real conversation may already have the person.
		first = append(first, participants.AlreadyPresent)
	}
	var steps []step
	if len(identities(person)) > 1 {
		// Add sends every identity that is set, or none: several without
		// Use are refused before any request (Unimplemented when one of
		// them cannot be expressed at all on the vendor, as an email on
		// Twilio).
		steps = append(steps, step{name: "add with every identity", op: "add", conversation: t.conversation, person: person,
			wantCode: participants.InvalidArgument, orCode: participants.Unimplemented})
	}
	person = t.chosen(person)
	steps = append(steps, []step{
		{name: "add", op: "add", conversation: t.conversation, person: person, want: first},
		{name: "add again", op: "add", conversation: t.conversation, person: person, want: again},
		{name: "list", op: "list", conversation: t.conversation, person: person},
		{name: "remove", op: "remove", conversation: t.conversation, person: person, want: []participants.Outcome{participants.Removed}},
		{name: "remove again", op: "remove", conversation: t.conversation, person: person, want: []participants.Outcome{participants.AlreadyAbsent}},
	}...)
	if t.missing != "" {
		steps = append(steps, step{name: "add to a missing conversation", op: "add", conversation: t.missing, person: person, wantCode: participants.NotFound})
	}
	if t.name == "intercom" {
		// Intercom cannot add anyone by phone: the facade says so before
		// sending anything.
		byPhone := participants.Participant{Phone: cmp.Or(person.Phone, demoPerson.Phone)}
		steps = append(steps, step{name: "add by phone only", op: "add", conversation: t.conversation, person: byPhone, wantCode: participants.Unimplemented})
	}
	return steps
}

// vendorIdentities are the identities of the quickstart's person that each
// vendor can add someone by, in the order the quickstart prefers them.
var vendorIdentities = map[string][]participants.IdentityField{
	"intercom": {participants.UseExternalID, participants.UseEmail},
	"bird":     {participants.UseEmail, participants.UsePhone},
	"twilio":   {participants.UseExternalID, participants.UsePhone},
	"sunshine": {participants.UseExternalID},
}

// chosen returns person with Use set to the first of its identities that
// t's vendor supports (unchanged when it supports none: Add then says
// Unimplemented).
func (t target) chosen(person participants.Participant) participants.Participant {
	set := identities(person)
	for _, f := range vendorIdentities[t.name] {
		if slices.Contains(set, f) {
			person.Use = f
			break
		}
	}
	return person
}

// identities returns the identities set in p.
func identities(p participants.Participant) []participants.IdentityField {
	var set []participants.IdentityField
	for _, f := range []struct {
		id participants.IdentityField
		v  string
	}{{participants.UseExternalID, p.ExternalID}, {participants.UseEmail, p.Email}, {participants.UsePhone, p.Phone}} {
		if f.v != "" {
			set = append(set, f.id)
		}
	}
	return set
}

// do runs s on t's client. A list step returns a Result of its own making
// that carries the count and the IDs listed in detail.
func (t target) do(ctx context.Context, s step) (res *participants.Result, detail string, err error) {
	switch s.op {
	case "remove":
		res, err = t.client.Remove(ctx, s.conversation, s.person, t.opts...)
	case "list":
		var ids []string
		for m, err := range t.client.List(ctx, s.conversation) {
			if err != nil {
				return nil, "", err
			}
			ids = append(ids, m.ID)
		}
		return &participants.Result{Provider: t.name}, fmt.Sprintf("%d listed: %s", len(ids), strings.Join(ids, ", ")), nil
	default:
		res, err = t.client.Add(ctx, s.conversation, s.person, t.opts...)
	}
	return res, "", err
}

// demo runs the steps of every target and prints a table row for each,
// then, on the fakes (got is not nil), the events their webhooks delivered.
// It returns an error naming the steps that did not go as expected.
func demo(ctx context.Context, out io.Writer, targets []target, person participants.Participant, got *events) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tSTEP\tRESULT\tPARTICIPANT ID\tPARTICIPANTS\tDETAIL")
	var failed []string
	for _, t := range targets {
		for _, s := range t.steps(person) {
			res, listed, err := t.do(ctx, s)
			if t.flush != nil {
				// The fake delivers asynchronously: wait, so that Bird's
				// receiver lists the participants of this step.
				if ferr := t.flush(ctx); ferr != nil {
					failed = append(failed, fmt.Sprintf("%s %q: webhooks: %v", t.name, s.name, ferr))
				}
			}

			result, id, detail := report(res, err)
			if s.op == "list" && err == nil {
				result, detail = "Listed", listed
			}
			if !s.ok(res, err) {
				failed = append(failed, fmt.Sprintf("%s %q: got %s, want %s", t.name, s.name, result, s.expected()))
			}
			count := "-"
			if t.count != nil {
				count = strconv.Itoa(t.count())
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.name, s.name, result, id, count, detail)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if got != nil {
		if err := printEvents(out, targets, got.all()); err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d step(s) did not go as expected:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	fmt.Fprintln(out, "\nEvery step went as expected.")
	for _, t := range targets {
		if t.name == "intercom" {
			fmt.Fprintln(out, "Intercom does not say whether the person was new (Unreported): intercomparticipants.Options{ReportOutcome: true} reports Added or AlreadyPresent, reading the conversation before each add.")
		}
	}
	return nil
}

// report turns what Client.Add or Client.Remove returned into table cells.
func report(res *participants.Result, err error) (result, id, detail string) {
	if err != nil {
		return participants.Code(err).String(), "-", explain(err)
	}
	// Intercom reports no participant ID when the person is named by
	// user_id or email.
	return res.Outcome.String(), cmp.Or(res.ID, "-"), describe(res)
}

// describe says what the vendor answered, reaching the decoded vendor
// response with Result.As.
func describe(res *participants.Result) string {
	var (
		customers *intercom.CustomersList
		bp        *bird.Participant
		tp        *twilio.Participant
		sp        *sunshine.Participant
	)
	switch {
	case res.As(&customers):
		return fmt.Sprintf("Intercom lists %d customer(s) on the conversation", len(customers.Customers))
	case res.As(&bp):
		if bp.Contact != nil && bp.Contact.IdentifierKey != "" && bp.Contact.IdentifierValue != "" {
			return fmt.Sprintf("Bird %s by %s %s", bp.Type, bp.Contact.IdentifierKey, bp.Contact.IdentifierValue)
		}
		return fmt.Sprintf("Bird %s", bp.Type)
	case res.As(&tp):
		if tp.Identity != "" {
			return "Twilio chat identity " + tp.Identity
		}
		if b := tp.MessagingBinding; b != nil {
			return fmt.Sprintf("Twilio %s %s via %s", b.Type, b.Address, b.ProxyAddress)
		}
	case res.As(&sp):
		return "Sunshine user " + sp.UserID
	}
	return ""
}

// explain says why Client.Add failed.
func explain(err error) string {
	// The vendor's *APIError stays in the chain. intercom.APIError,
	// bird.APIError, twilio.APIError and sunshine.APIError are one type, so
	// one errors.As serves the four vendors.
	var apiErr *twilio.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("*APIError: HTTP %d, vendor code %s", apiErr.StatusCode, apiErr.Code)
	}
	var pe *participants.Error
	if errors.As(err, &pe) && (pe.Code == participants.Unimplemented || pe.Code == participants.InvalidArgument) {
		return "no request sent: " + pe.Message
	}
	return err.Error()
}

func describePerson(p participants.Participant) string {
	var parts []string
	for _, f := range []struct{ name, v string }{
		{"ExternalID", p.ExternalID}, {"Email", p.Email}, {"Phone", p.Phone},
	} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	return strings.Join(parts, ", ")
}
