// Command intercom uses the Intercom client on its own, without the
// participants facade: it attaches a contact to a conversation by email,
// prints the customers list Intercom answers with, then makes a call that
// fails and reads the typed *intercom.APIError with errors.As.
//
// Without credentials it runs against an in-process fake of Intercom
// (package participants/participantstest):
//
//	go run ./examples/intercom
//
// With credentials it calls the real API; the admin INTERCOM_ADMIN_ID adds
// the contact:
//
//	INTERCOM_TOKEN=... INTERCOM_ADMIN_ID=781236 \
//		go run ./examples/intercom -conversation 123456 -email ada@example.com
//
// Intercom creates a lead when no contact has the email. INTERCOM_BASE_URL,
// when set, replaces the US host (for example https://api.eu.intercom.io).
// The failing call attaches the contact to the conversation "0", which does
// not exist.
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

	"github.com/conversekit/conversekit/intercom"
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
		fmt.Fprintln(os.Stderr, "intercom:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, env func(string) string, args []string) error {
	fs := flag.NewFlagSet("intercom", flag.ContinueOnError)
	fs.SetOutput(out)
	conversation := fs.String("conversation", "", "Intercom conversation `ID` (required with INTERCOM_TOKEN)")
	email := fs.String("email", "", "email `address` of the contact to attach (required with INTERCOM_TOKEN)")
	timeout := fs.Duration("timeout", 30*time.Second, "deadline for all calls, retries included")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	token, adminID := env("INTERCOM_TOKEN"), env("INTERCOM_ADMIN_ID")
	var opts []option.Option
	switch {
	case token == "" && adminID == "":
		if *conversation != "" {
			return errors.New("-conversation needs INTERCOM_TOKEN and INTERCOM_ADMIN_ID in the environment")
		}
		// No credentials: a fake with an admin and a conversation that one
		// customer started.
		fake := participantstest.NewIntercomServer()
		defer fake.Close()
		adminID = "781236"
		fake.SeedAdmin(adminID)
		grace := fake.SeedContact(participantstest.IntercomContact{UserID: "user-7", Email: "grace@example.com"})
		*conversation = fake.SeedConversation("", grace.ID)
		if *email == "" {
			*email = "ada@example.com"
		}
		token = fake.Token()
		opts = append(opts, option.WithBaseURL(fake.URL()), option.WithHTTPClient(fake.Client()))
		fmt.Fprintln(out, "No INTERCOM_TOKEN: using an in-process fake of Intercom.")
	case token == "" || adminID == "":
		return errors.New("set both INTERCOM_TOKEN and INTERCOM_ADMIN_ID")
	case *conversation == "" || *email == "":
		return errors.New("INTERCOM_TOKEN is set: name the conversation and the contact with -conversation and -email")
	default:
		if u := env("INTERCOM_BASE_URL"); u != "" {
			opts = append(opts, option.WithBaseURL(u))
		}
	}

	ic, err := intercom.New(token, opts...)
	if err != nil {
		return err
	}

	// Attach by email. Intercom answers with every customer now on the
	// conversation; it does not say whether this one is new.
	body := intercom.AdminAttach(adminID, intercom.CustomerByEmail(*email))
	list, err := ic.AttachContact(ctx, *conversation, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nPOST /conversations/%s/customers (email %s): %d customer(s)\n", *conversation, *email, len(list.Customers))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  TYPE\tID")
	for _, c := range list.Customers {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Type, c.ID)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	// A call that fails: the conversation "0" does not exist. Every non-2xx
	// answer is an *intercom.APIError.
	const missing = "0"
	_, err = ic.AttachContact(ctx, missing, body)
	var apiErr *intercom.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("attaching to conversation %q: want an *intercom.APIError, got %v", missing, err)
	}
	fmt.Fprintf(out, "\nPOST /conversations/%s/customers failed as expected:\n", missing)
	fmt.Fprintf(out, "  status %d, code %s, message %q\n", apiErr.StatusCode, apiErr.Code, apiErr.Message)
	fmt.Fprintf(out, "  request ID %s\n", apiErr.RequestID)
	return nil
}
