package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// The demonstration's secrets: what each vendor would give you.
const (
	demoTwilioToken    = "demo-twilio-auth-token"
	demoIntercomSecret = "demo-intercom-client-secret"
	demoBirdKey        = "demo-bird-signing-key"
	demoSunshineSecret = "demo-sunshine-webhook-secret"
)

// demo serves the four endpoints on a loopback port and plays the vendors:
// one signed delivery each (Twilio's twice, as a retry), a forged one, and
// for Bird a participant added to an in-process fake between two
// conversation.updated.
func demo(ctx context.Context, out io.Writer) error {
	fake := participantstest.NewBirdServer()
	defer fake.Close()
	fake.SeedConversation(participantstest.BirdConversationID)
	bc, err := bird.New(fake.AccessKey(), fake.ClientOptions()...)
	if err != nil {
		return err
	}
	var mux http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mux.ServeHTTP(w, r) }))
	defer srv.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux, _, err = newMux(config{
		publicURL: srv.URL, twilioToken: demoTwilioToken, intercomSecret: demoIntercomSecret,
		birdSigningKey: demoBirdKey, birdClient: bc, birdWorkspace: fake.WorkspaceID(), sunshineSecret: demoSunshineSecret,
	}, (&printer{w: out}).handle, quiet)
	if err != nil {
		return err
	}
	send := func(what string, r *http.Request) error {
		resp, err := srv.Client().Do(r.WithContext(ctx))
		if err != nil {
			return err
		}
		resp.Body.Close()
		fmt.Fprintf(out, "  -> %s: %d %s\n", what, resp.StatusCode, http.StatusText(resp.StatusCode))
		return nil
	}

	fmt.Fprintln(out, "Twilio: a participant added (delivered twice, as a retry), then a forged delivery")
	form := url.Values{"EventType": {"onParticipantAdded"}, "ConversationSid": {"CH" + strings.Repeat("a", 32)},
		"ParticipantSid": {"MB" + strings.Repeat("b", 32)}, "MessagingBinding.Address": {"+15558675310"},
		"DateCreated": {"2026-12-07T10:00:00Z"}, "Source": {"SMS"}}
	for _, what := range []string{"delivery", "retry"} {
		if err := send(what, twilioRequest(srv.URL+"/webhooks/twilio", demoTwilioToken, form, "idem-1")); err != nil {
			return err
		}
	}
	if err := send("forged", twilioRequest(srv.URL+"/webhooks/twilio", "not-the-token", form, "idem-2")); err != nil {
		return err
	}

	fmt.Fprintln(out, "Intercom: a contact attached")
	body := `{"type":"notification_event","id":"notif_1","topic":"conversation.contact.attached","app_id":"abc123","created_at":1711204872,"data":{"type":"notification_event_data","item":{"conversation":{"id":"1886"},"contact":{"type":"contact","id":"65446e1aaf142d1550cfd6d7","external_id":"crm-42"}}}}`
	if err := send("delivery", intercomRequest(srv.URL+"/webhooks/intercom", demoIntercomSecret, body)); err != nil {
		return err
	}

	fmt.Fprintln(out, "Bird: conversation.updated before and after a participant is added (the receiver lists and compares)")
	birdURL := srv.URL + "/webhooks/bird"
	if err := send("first sight, no event", birdRequest(birdURL, demoBirdKey, participantstest.BirdConversationID)); err != nil {
		return err
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}))
	if _, err := c.Add(ctx, participantstest.BirdConversationID, participants.Participant{Email: "ada@example.com"}); err != nil {
		return err
	}
	if err := send("after the add", birdRequest(birdURL, demoBirdKey, participantstest.BirdConversationID)); err != nil {
		return err
	}

	fmt.Fprintln(out, "Sunshine: a batch of a join and a leave")
	batch := `{"app":{"id":"5ebee0975ac5304b664a12fa"},"webhook":{"id":"5f4eaef81e3dcc117c7ba48a","version":"v2"},"events":[` +
		`{"id":"5f74a0d52b5315fc007e798a","createdAt":"2020-09-30T15:14:29.834Z","type":"conversation:join","payload":{"conversation":{"id":"f52b01137aa6c250bc7251fa","type":"sdkGroup"},"user":{"id":"26508c10541a4b0ff472e5e2","externalId":"912382197"}}},` +
		`{"id":"5f74a0d52b5315fc007e798c","createdAt":"2020-09-30T15:14:31Z","type":"conversation:leave","payload":{"conversation":{"id":"f52b01137aa6c250bc7251fa","type":"sdkGroup"},"user":{"id":"36508c10541a4b0ff472e5e3"}}}]}`
	r, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/sunshine", strings.NewReader(batch))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-API-Key", demoSunshineSecret)
	return send("delivery", r)
}

// twilioRequest is a form POST signed as Twilio signs: HMAC-SHA1 of the URL
// and the sorted names and values, base64.
func twilioRequest(u, token string, form url.Values, idem string) *http.Request {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(u))
	for _, k := range keys {
		mac.Write([]byte(k + form.Get(k)))
	}
	r, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	r.Header.Set("I-Twilio-Idempotency-Token", idem)
	return r
}

// intercomRequest is a JSON POST signed as Intercom signs: sha1= and the
// hex HMAC-SHA1 of the body.
func intercomRequest(u, secret, body string) *http.Request {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(body))
	r, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
	return r
}

// birdRequest is a conversation.updated signed as Bird signs: HMAC-SHA256
// of the timestamp, the URL and the body's SHA-256, base64.
func birdRequest(u, key, conversationID string) *http.Request {
	body := `{"service":"conversations","event":"conversation.updated","payload":{"id":"` + conversationID + `","status":"active"}}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sum := sha256.Sum256([]byte(body))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(ts + "\n" + u + "\n"))
	mac.Write(sum[:])
	r, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("messagebird-request-timestamp", ts)
	r.Header.Set("messagebird-signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return r
}
