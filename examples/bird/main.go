// Command bird uses the Bird client on its own, without the participants
// facade: it adds a contact to a conversation by email twice (Bird answers
// 201 Created, then 200 because the contact is already there), lists the
// participants, then makes a call that fails and reads the typed
// *bird.APIError with errors.As.
//
// Without credentials it runs against an in-process fake of Bird (package
// participants/participantstest):
//
//	go run ./examples/bird
//
// With credentials it calls the real API:
//
//	BIRD_ACCESS_KEY=... BIRD_WORKSPACE_ID=a1405560-... \
//		go run ./examples/bird -conversation 0a5b3b5e-... -email ada@example.com
//
// BIRD_BASE_URL, when set, replaces https://api.bird.com. The failing call
// adds the contact to the conversation 00000000-0000-4000-8000-000000000000,
// which does not exist.
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

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "bird:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, env func(string) string, args []string) error {
	fs := flag.NewFlagSet("bird", flag.ContinueOnError)
	fs.SetOutput(out)
	conversation := fs.String("conversation", "", "Bird conversation `UUID` (required with BIRD_ACCESS_KEY)")
	email := fs.String("email", "", "email `address` of the contact to add (required with BIRD_ACCESS_KEY)")
	timeout := fs.Duration("timeout", 30*time.Second, "deadline for all calls, retries included")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	accessKey, workspace := env("BIRD_ACCESS_KEY"), env("BIRD_WORKSPACE_ID")
	var opts []option.Option
	switch {
	case accessKey == "" && workspace == "":
		if *conversation != "" {
			return errors.New("-conversation needs BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID in the environment")
		}
		// No credentials: a fake with one empty conversation.
		fake := participantstest.NewBirdServer()
		defer fake.Close()
		accessKey, workspace = fake.AccessKey(), fake.WorkspaceID()
		*conversation = fake.SeedConversation("")
		if *email == "" {
			*email = "ada@example.com"
		}
		opts = append(opts, option.WithBaseURL(fake.URL()), option.WithHTTPClient(fake.Client()))
		fmt.Fprintln(out, "No BIRD_ACCESS_KEY: using an in-process fake of Bird.")
	case accessKey == "" || workspace == "":
		return errors.New("set both BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID")
	case *conversation == "" || *email == "":
		return errors.New("BIRD_ACCESS_KEY is set: name the conversation and the contact with -conversation and -email")
	default:
		if u := env("BIRD_BASE_URL"); u != "" {
			opts = append(opts, option.WithBaseURL(u))
		}
	}

	bc, err := bird.New(accessKey, opts...)
	if err != nil {
		return err
	}

	// Add the contact twice. Bird ensures the participant: Created is true
	// when it answered 201, false (200) when the contact was already there.
	body := bird.ContactByIdentifier("emailaddress", *email)
	fmt.Fprintf(out, "\nPOST /workspaces/%s/conversations/%s/participants (emailaddress %s)\n", workspace, *conversation, *email)
	for i := range 2 {
		res, err := bc.AddParticipant(ctx, workspace, *conversation, body)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  add %d: HTTP %d, Created %t, participant %s (%s)\n", i+1, res.StatusCode, res.Created, res.Participant.ID, res.Participant.Type)
		if i == 1 && res.Created {
			return errors.New("the second add created another participant")
		}
	}

	// List the participants, page by page (at most 10 pages here).
	fmt.Fprintln(out, "\nParticipants:")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  TYPE\tID\tSTATUS\tADDRESS")
	params := &bird.ListParticipantsParams{}
	for range 10 {
		page, err := bc.ListParticipants(ctx, workspace, *conversation, params)
		if err != nil {
			return err
		}
		for _, p := range page.Results {
			status, address := "-", "-"
			if p.Status != "" {
				status = string(p.Status)
			}
			if p.Contact != nil && p.Contact.PlatformAddress != "" {
				address = p.Contact.PlatformAddress
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Type, p.ID, status, address)
		}
		if page.NextPageToken == "" {
			break
		}
		params.PageToken = page.NextPageToken
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// A call that fails: the conversation does not exist. Every non-2xx
	// answer is a *bird.APIError.
	const missing = "00000000-0000-4000-8000-000000000000"
	_, err = bc.AddParticipant(ctx, workspace, missing, body)
	var apiErr *bird.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("adding to conversation %s: want a *bird.APIError, got %v", missing, err)
	}
	fmt.Fprintf(out, "\nAdding to conversation %s failed as expected:\n", missing)
	fmt.Fprintf(out, "  status %d, code %s, message %q\n", apiErr.StatusCode, apiErr.Code, apiErr.Message)
	return nil
}
