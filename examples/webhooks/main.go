// Command webhooks receives the participant events of all four vendors
// (who joined, left or changed in a conversation) from their webhooks,
// verified, de-duplicated and normalised by participants.WebhookHandler,
// and prints one line per event.
//
// Without configuration it runs a demonstration and exits: it serves the
// four endpoints on a loopback port with demonstration secrets, sends each
// one a delivery signed as the vendor signs it (twice, as a vendor retries)
// plus one forged delivery, and prints what the handler saw (Bird's joins
// are derived by listing an in-process fake of Bird):
//
//	go run ./examples/webhooks
//
// To receive the real vendors, give the endpoints' public URLs and the
// secrets of the vendors you use, and listen:
//
//	PUBLIC_URL=https://hooks.example.com \
//	TWILIO_AUTH_TOKEN=... \
//	INTERCOM_CLIENT_SECRET=... \
//	BIRD_SIGNING_KEY=... BIRD_ACCESS_KEY=... BIRD_WORKSPACE_ID=... \
//	SUNSHINE_WEBHOOK_SECRET=... \
//		go run ./examples/webhooks -listen :8080
//
// The endpoints are PUBLIC_URL + /webhooks/twilio, /webhooks/intercom,
// /webhooks/bird and /webhooks/sunshine: configure them in each vendor
// (Twilio: the conversation, service or account webhook with the
// onParticipantAdded, onParticipantRemoved and onParticipantUpdated
// filters; Intercom: the Developer Hub, topics conversation.contact.attached
// and conversation.contact.detached; Bird: a webhook subscription of the
// conversations service to conversation.created, conversation.updated and
// conversation.deleted with a signing key; Sunshine: an integration webhook
// with the conversation:join and conversation:leave triggers).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

func main() {
	listen := flag.String("listen", "", "serve on this address (e.g. :8080) with the secrets in the environment; empty: run the demonstration")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *listen == "" {
		err = demo(ctx, os.Stdout)
	} else {
		err = serve(ctx, *listen, os.Stdout)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// config is what the endpoints need: the public URL the vendors call (the
// URL Twilio and Bird sign), the secrets, and Bird's client to list
// participants. An empty secret leaves its vendor out.
type config struct {
	publicURL      string
	twilioToken    string
	intercomSecret string
	birdSigningKey string
	birdClient     *bird.Client
	birdWorkspace  string
	sunshineSecret string
}

// printer prints each event as one line to w.
type printer struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printer) handle(_ context.Context, e participants.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var who []string
	if e.Participant.ID != "" {
		who = append(who, e.Participant.ID)
	}
	for _, s := range []string{e.Participant.ExternalID, e.Participant.Email, e.Participant.Phone, e.Participant.ContactID} {
		if s != "" {
			who = append(who, s)
			break
		}
	}
	_, err := fmt.Fprintf(p.w, "%-8s %-7s %s in %s (event %s)\n", e.Provider, e.Kind, strings.Join(who, " "), e.ConversationID, e.ID)
	return err
}

// newMux returns the endpoints of the vendors cfg has secrets for.
func newMux(cfg config, fn participants.HandlerFunc, logger *slog.Logger) (*http.ServeMux, []string, error) {
	mux := http.NewServeMux()
	var vendors []string
	add := func(vendor string, recv driver.Receiver) error {
		h, err := participants.NewWebhookHandler(recv, fn, participants.WithLogger(logger))
		if err != nil {
			return err
		}
		mux.Handle("POST /webhooks/"+vendor, h)
		vendors = append(vendors, vendor)
		return nil
	}
	if cfg.twilioToken != "" {
		v, err := twilio.NewWebhookVerifier(cfg.twilioToken, twilio.WithPublicURL(cfg.publicURL+"/webhooks/twilio"))
		if err != nil {
			return nil, nil, err
		}
		if err := add("twilio", twilioparticipants.NewReceiver(v)); err != nil {
			return nil, nil, err
		}
	}
	if cfg.intercomSecret != "" {
		v, err := intercom.NewWebhookVerifier(cfg.intercomSecret)
		if err != nil {
			return nil, nil, err
		}
		if err := add("intercom", intercomparticipants.NewReceiver(v)); err != nil {
			return nil, nil, err
		}
	}
	if cfg.birdSigningKey != "" {
		if cfg.birdClient == nil || cfg.birdWorkspace == "" {
			return nil, nil, errors.New("BIRD_SIGNING_KEY needs BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID: Bird's joins are found by listing")
		}
		v, err := bird.NewWebhookVerifier(cfg.birdSigningKey, bird.WithPublicURL(cfg.publicURL+"/webhooks/bird"))
		if err != nil {
			return nil, nil, err
		}
		recv, err := birdparticipants.NewReceiver(v, birdparticipants.New(cfg.birdClient, birdparticipants.Options{WorkspaceID: cfg.birdWorkspace}), birdparticipants.ReceiverOptions{})
		if err != nil {
			return nil, nil, err
		}
		if err := add("bird", recv); err != nil {
			return nil, nil, err
		}
	}
	if cfg.sunshineSecret != "" {
		v, err := sunshine.NewWebhookVerifier(cfg.sunshineSecret)
		if err != nil {
			return nil, nil, err
		}
		if err := add("sunshine", sunshineparticipants.NewReceiver(v)); err != nil {
			return nil, nil, err
		}
	}
	if len(vendors) == 0 {
		return nil, nil, errors.New("no vendor configured: set TWILIO_AUTH_TOKEN, INTERCOM_CLIENT_SECRET, BIRD_SIGNING_KEY or SUNSHINE_WEBHOOK_SECRET (or run without -listen for the demonstration)")
	}
	return mux, vendors, nil
}

// serve serves the endpoints of the vendors configured in the environment
// on addr until ctx ends.
func serve(ctx context.Context, addr string, out io.Writer) error {
	cfg := config{
		publicURL:      os.Getenv("PUBLIC_URL"),
		twilioToken:    os.Getenv("TWILIO_AUTH_TOKEN"),
		intercomSecret: os.Getenv("INTERCOM_CLIENT_SECRET"),
		birdSigningKey: os.Getenv("BIRD_SIGNING_KEY"),
		birdWorkspace:  os.Getenv("BIRD_WORKSPACE_ID"),
		sunshineSecret: os.Getenv("SUNSHINE_WEBHOOK_SECRET"),
	}
	if cfg.publicURL == "" {
		return errors.New("PUBLIC_URL is not set: the URL the vendors call (Twilio and Bird sign it)")
	}
	if key := os.Getenv("BIRD_ACCESS_KEY"); key != "" {
		bc, err := bird.New(key)
		if err != nil {
			return err
		}
		cfg.birdClient = bc
	}
	mux, vendors, err := newMux(cfg, (&printer{w: out}).handle, slog.Default())
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(out, "receiving %v on %s (%s/webhooks/<vendor>)\n", vendors, addr, cfg.publicURL)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
