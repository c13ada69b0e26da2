// Command twilio uses the Twilio Conversations client on its own, without
// the participants facade: it creates a participant, creates it again to show
// Twilio's duplicate error (code 50433 for an identity, 50416 for a phone
// number) as a typed *twilio.APIError reached with errors.As, and lists the
// conversation's participants.
//
// Without credentials it runs against an in-process fake of Twilio (package
// participants/participantstest):
//
//	go run ./examples/twilio
//
// With credentials it calls the real API, adding a chat participant by
// identity:
//
//	TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... \
//		go run ./examples/twilio -conversation CH... -identity user-42
//
// or an SMS participant by phone, which talks to your Twilio number
// TWILIO_PROXY_ADDRESS:
//
//	TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... TWILIO_PROXY_ADDRESS=+15017122661 \
//		go run ./examples/twilio -conversation CH... -phone +15558675310
//
// TWILIO_BASE_URL, when set, replaces https://conversations.twilio.com.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "twilio:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, env func(string) string, args []string) error {
	fs := flag.NewFlagSet("twilio", flag.ContinueOnError)
	fs.SetOutput(out)
	conversation := fs.String("conversation", "", "conversation `SID` (CH...) or unique name (required with TWILIO_ACCOUNT_SID)")
	identity := fs.String("identity", "", "chat `identity` of the participant to add")
	phone := fs.String("phone", "", "E.164 phone `number` of an SMS participant to add (needs TWILIO_PROXY_ADDRESS)")
	timeout := fs.Duration("timeout", 30*time.Second, "deadline for all calls, retries included")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	accountSID, authToken, proxy := env("TWILIO_ACCOUNT_SID"), env("TWILIO_AUTH_TOKEN"), env("TWILIO_PROXY_ADDRESS")
	var opts []option.Option
	switch {
	case accountSID == "" && authToken == "":
		if *conversation != "" {
			return errors.New("-conversation needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN in the environment")
		}
		// No credentials: a fake with one empty conversation.
		fake := participantstest.NewTwilioServer()
		defer fake.Close()
		accountSID, authToken = fake.AccountSID(), fake.AuthToken()
		*conversation = fake.SeedConversation("", "")
		if *identity == "" && *phone == "" {
			*identity = "user-42"
		}
		if proxy == "" {
			proxy = "+15017122661"
		}
		opts = append(opts, option.WithBaseURL(fake.URL()), option.WithHTTPClient(fake.Client()))
		fmt.Fprintln(out, "No TWILIO_ACCOUNT_SID: using an in-process fake of Twilio.")
	case accountSID == "" || authToken == "":
		return errors.New("set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
	case *conversation == "" || (*identity == "" && *phone == ""):
		return errors.New("TWILIO_ACCOUNT_SID is set: name the conversation with -conversation and the participant with -identity or -phone")
	default:
		if u := env("TWILIO_BASE_URL"); u != "" {
			opts = append(opts, option.WithBaseURL(u))
		}
	}

	// A chat participant by identity, or else an SMS participant by phone.
	params := twilio.CreateParticipantParams{Identity: *identity}
	duplicate := twilio.CodeIdentityExists
	if *identity == "" {
		if proxy == "" {
			return errors.New("-phone needs TWILIO_PROXY_ADDRESS, the Twilio number the participant talks to")
		}
		params = twilio.CreateParticipantParams{Address: *phone, ProxyAddress: proxy}
		duplicate = twilio.CodeBindingInUse
	}

	tc, err := twilio.New(accountSID, authToken, opts...)
	if err != nil {
		return err
	}

	// Create the participant. Against a real conversation it may already be
	// there: that is the duplicate error below.
	fmt.Fprintf(out, "\nPOST /v1/Conversations/%s/Participants\n", *conversation)
	p, err := tc.CreateParticipant(ctx, *conversation, params)
	var apiErr *twilio.APIError
	switch {
	case err == nil:
		fmt.Fprintf(out, "  created participant %s\n", p.SID)
	case errors.As(err, &apiErr) && apiErr.Code == duplicate:
		fmt.Fprintf(out, "  not created: code %s, %s\n", apiErr.Code, apiErr.Message)
	default:
		return err
	}

	// Create it again: Twilio refuses with an error code, not a status of
	// its own. Every non-2xx answer is a *twilio.APIError.
	_, err = tc.CreateParticipant(ctx, *conversation, params)
	if !errors.As(err, &apiErr) || apiErr.Code != duplicate {
		return fmt.Errorf("creating the participant again: want a *twilio.APIError with code %s, got %v", duplicate, err)
	}
	fmt.Fprintln(out, "  creating it again failed as expected:")
	fmt.Fprintf(out, "  status %d, code %s, message %q\n", apiErr.StatusCode, apiErr.Code, apiErr.Message)
	fmt.Fprintf(out, "  more info %s\n", apiErr.MoreInfo)

	// List every participant; AllParticipants follows the pages.
	fmt.Fprintln(out, "\nParticipants:")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SID\tIDENTITY\tADDRESS")
	for p, err := range tc.AllParticipants(ctx, *conversation, nil) {
		if err != nil {
			return err
		}
		address := "-"
		if b := p.MessagingBinding; b != nil && b.Address != "" {
			address = b.Address + " via " + b.ProxyAddress
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.SID, orDash(p.Identity), address)
	}
	return tw.Flush()
}

// orDash returns s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
