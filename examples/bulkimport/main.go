// Command bulkimport adds the people of a CSV file to one conversation with
// participants.Client.AddEach, shows a progress bar with the rate and the
// vendor's 429 pauses, writes every failure to a CSV file with its input
// line, code and message, and exits with status 1 when any row failed.
//
// # The input
//
// The first row names the columns; the other rows are people. The columns,
// in any order, are the fields of participants.Participant:
//
//	external_id, email, phone, channel, identifier_key, identifier_value, kind, id, status, use
//
// Add sends every identity of a row that is set, and each vendor takes one
// identity per add: a row with several (an email and a phone, say) fails
// with InvalidArgument unless its use cell names the one to send (ID,
// ExternalID, Email, Phone or Identifier: participants.Participant.Use).
//
// An empty cell is an unset field. A header that names another column, or
// none of the identity columns, is refused before anything is sent. A row
// whose cells are not those of the header (a missing or an extra cell, a
// stray quote) is a failure of its own line, code InvalidArgument; so is a
// row the vendor cannot express (an Intercom row with only a phone number:
// Unimplemented), refused by the facade before any request.
//
// # The output
//
// failures.csv (-failures) has one row per failed input row:
//
//	line, <the input's columns, as the participant was read>, code, message
//
// where line is the row's line in the input (the header is line 1) and code
// is participants.Code of the error (NotFound, InvalidArgument, ...). Fix
// the rows, drop the line, code and message columns, and the file is an
// input again. With no failure the file has only its header.
//
// # Without credentials
//
//	go run .
//
// writes a CSV of 10,000 people (-people) with a few bad rows to a
// temporary directory and imports it into a conversation of an in-process
// fake of Bird (package participants/participantstest) that answers 429 above
// 2,000 requests a second, as a real vendor does: the progress bar shows
// the bulk add pausing for the vendor's Retry-After, then following the
// rate it learned. -in imports your own file into the fake instead.
//
// # With credentials
//
// The same environment variables as examples/quickstart select the vendor
// (exactly one vendor's credentials, or -vendor to choose):
//
//	export BIRD_ACCESS_KEY=... BIRD_WORKSPACE_ID=a1405560-...
//	go run . -in people.csv -conversation 0a5b3b5e-...
//
//	export INTERCOM_TOKEN=... INTERCOM_ADMIN_ID=781236
//	export TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=... TWILIO_PROXY_ADDRESS=+15017122661
//	export SUNSHINE_KEY_ID=app_... SUNSHINE_SECRET=... SUNSHINE_APP_ID=... SUNSHINE_BASE_URL=https://api.smooch.io
//
// INTERCOM_BASE_URL, BIRD_BASE_URL and TWILIO_BASE_URL replace the
// production hosts when set. Without -rate the bulk add adapts to the
// vendor (the quota Intercom announces, the rate learned at the others'
// 429s); -rate 490 starts at most 490 adds a second instead.
//
// This example is a module of its own, so that its progress bar never
// enters the module graph of github.com/conversekit/conversekit.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/conversekit/conversekit/participants"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Stderr, os.Getenv, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "bulkimport:", err)
		os.Exit(1)
	}
}

// flags are the command-line flags.
type flags struct {
	in           string
	failures     string
	people       int
	vendor       string
	conversation string
	concurrency  int
	rate         float64
	timeout      time.Duration
	quiet        bool
}

func parseFlags(out io.Writer, args []string) (*flags, error) {
	var f flags
	fs := flag.NewFlagSet("bulkimport", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&f.in, "in", "", "the CSV `file` of people to add (default: a generated one, on the fakes)")
	fs.StringVar(&f.failures, "failures", "failures.csv", "where to write the failed rows (`file`)")
	fs.IntVar(&f.people, "people", 10000, "how many people the generated CSV has (without -in)")
	fs.StringVar(&f.vendor, "vendor", "", "intercom, bird, twilio or sunshine: the vendor to call when several have credentials")
	fs.StringVar(&f.conversation, "conversation", "", "the conversation `ID` to add the people to (needed with credentials)")
	fs.IntVar(&f.concurrency, "concurrency", 8, "how many adds run at once")
	fs.Float64Var(&f.rate, "rate", 0, "start at most this many adds a `second` (0: adapt to the vendor)")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Minute, "deadline of the whole import, retries included")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	case f.concurrency < 1:
		return nil, fmt.Errorf("-concurrency %d: need at least 1", f.concurrency)
	case f.rate < 0:
		return nil, fmt.Errorf("-rate %v: need 0 (adapt) or more", f.rate)
	case f.people < 1:
		return nil, fmt.Errorf("-people %d: need at least 1", f.people)
	case f.failures == "":
		return nil, errors.New("-failures: need a file name")
	}
	return &f, nil
}

// run is the whole command; main only wires it to the process. out gets
// the summary, bar the progress bar.
func run(ctx context.Context, out, bar io.Writer, env func(string) string, args []string) error {
	f, err := parseFlags(out, args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()

	pauses := &pauses{}
	t, err := fromEnv(env, f, pauses)
	if err != nil {
		return err
	}
	if t == nil {
		fk, err := startFake(pauses)
		if err != nil {
			return err
		}
		defer fk.close()
		t = &fk.target
		fmt.Fprintln(out, "No vendor credentials in the environment: importing into an in-process fake of Bird.")
		if f.in == "" {
			dir, err := os.MkdirTemp("", "bulkimport-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			f.in = dir + string(os.PathSeparator) + "people.csv"
			bad, err := writeDemoCSV(f.in, f.people, fk.users)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Generated %s: %d people, %d of them bad rows.\n", f.in, f.people, len(bad))
		}
	} else if f.in == "" {
		return errors.New("-in: name the CSV file of people to add to " + t.name)
	}
	return importFile(ctx, out, bar, f, t, pauses)
}

// importFile adds the people of f.in to t's conversation and writes the
// failures to f.failures. Its error says how many rows failed.
func importFile(ctx context.Context, out, barOut io.Writer, f *flags, t *target, pauses *pauses) error {
	in, err := os.Open(f.in)
	if err != nil {
		return err
	}
	defer in.Close()
	total, err := countRows(in)
	if err != nil {
		return fmt.Errorf("%s: %w", f.in, err)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r, err := newReader(in)
	if err != nil {
		return fmt.Errorf("%s: %w", f.in, err)
	}

	file, err := os.Create(f.failures)
	if err != nil {
		return err
	}
	defer file.Close()
	fw, err := newFailureWriter(file, r.columns)
	if err != nil {
		return err
	}

	if f.quiet {
		barOut = io.Discard
	}
	bar := newBar(barOut, total, t.name)
	r.onBadRow = func(line int, fields []string, err error) {
		fw.badRow(line, fields, err)
		_ = bar.Add(1)
	}

	opts := []participants.BulkOption{participants.WithConcurrency(f.concurrency)}
	if f.rate > 0 {
		opts = append(opts, participants.WithRateLimit(f.rate, 1))
	}
	start := time.Now()
	counts := map[participants.Outcome]int{}
	for i, res := range t.client.AddEach(ctx, t.conversation, r.participants(), opts...) {
		line := r.line(i)
		if res.Err != nil {
			fw.failed(line, res.Participant, res.Err)
		} else {
			counts[res.Result.Outcome]++
		}
		bar.Describe(pauses.describe(t.name))
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	fmt.Fprintln(barOut)
	elapsed := time.Since(start)
	if r.err != nil {
		return fmt.Errorf("%s: %w", f.in, r.err)
	}
	if err := fw.close(); err != nil {
		return fmt.Errorf("%s: %w", f.failures, err)
	}
	if err := file.Close(); err != nil {
		return err
	}

	rows, failed := r.rows, fw.count()
	limited, paused := pauses.totals()
	fmt.Fprintf(out, "%d rows in %s (%.0f rows/s): %d added, %d already present, %d unreported, %d failed.\n",
		rows, elapsed.Round(time.Millisecond), float64(rows)/max(elapsed.Seconds(), 1e-9),
		counts[participants.Added], counts[participants.AlreadyPresent], counts[participants.Unreported], failed)
	fmt.Fprintf(out, "%s answered 429 %d times; requests were paused for %s in all.\n", t.name, limited, paused.Round(time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d of %d rows failed: see %s", failed, rows, f.failures)
	}
	fmt.Fprintf(out, "No row failed (%s has only its header).\n", f.failures)
	return nil
}

// newBar is the progress bar of max rows: the count, the rate and, in its
// description, the 429 pauses.
func newBar(w io.Writer, max int64, vendor string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(vendor),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
	)
}
