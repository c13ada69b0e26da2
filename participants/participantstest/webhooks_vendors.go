package participantstest

import (
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Twilio and Intercom sign with HMAC-SHA1.
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// The deliveries of each fake, in the vendor's shape and signature
// (VENDOR-FACTS-WEBHOOKS): what the vendor packages' verifiers and
// decoders accept.

// ---- Twilio: form posts, X-Twilio-Signature ----

// twilioHookData is a participant change of the Twilio fake.
type twilioHookData struct {
	p       TwilioParticipant
	service string
}

type twilioHooks struct{ s *TwilioServer }

func (twilioHooks) name() string           { return "twilio" }
func (twilioHooks) batches() bool          { return false }
func (twilioHooks) noRetry(int) bool       { return false }
func (twilioHooks) timeout() time.Duration { return 5 * time.Second }
func twilioSign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(u))
	for _, k := range keys {
		vs := slices.Clone(form[k])
		slices.Sort(vs)
		for _, v := range slices.Compact(vs) {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (h twilioHooks) request(ctx context.Context, target string, d *delivery, attempt int, secret string, forged bool) (*http.Request, error) {
	ev := d.events[0]
	data := ev.data.(twilioHookData)
	p := data.p
	form := url.Values{
		"EventType":       {ev.kind},
		"AccountSid":      {p.AccountSID},
		"ChatServiceSid":  {data.service},
		"ConversationSid": {p.ConversationSID},
		"ParticipantSid":  {p.SID},
		"Attributes":      {p.Attributes},
		"DateCreated":     {p.DateCreated},
		"Source":          {"API"},
		"RetryCount":      {strconv.Itoa(attempt - 1)},
		"WebhookType":     {"webhook"},
	}
	if ev.kind != "onParticipantAdded" {
		form.Set("DateUpdated", p.DateUpdated)
	}
	if p.Identity != nil {
		form.Set("Identity", *p.Identity)
	}
	if p.RoleSID != nil {
		form.Set("RoleSid", *p.RoleSID)
	}
	if b := p.MessagingBinding; b != nil {
		for k, v := range map[string]string{"Type": b.Type, "Address": b.Address, "ProxyAddress": b.ProxyAddress, "ProjectedAddress": b.ProjectedAddress} {
			if v != "" {
				form.Set("MessagingBinding."+k, v)
			}
		}
	}
	if forged {
		form.Set("ParticipantSid", ForgedParticipant)
		secret = wrongSecret(secret)
	}
	req, err := newPost(ctx, target, []byte(form.Encode()), "application/x-www-form-urlencoded")
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Twilio-Signature", twilioSign(secret, target, form))
	req.Header.Set("I-Twilio-Idempotency-Token", d.id)
	return req, nil
}

// Subscribe makes the fake deliver its participants' changes to target as
// Twilio's post-action webhooks do: a form POST of onParticipantAdded,
// onParticipantRemoved or onParticipantUpdated (EventType, AccountSid,
// ChatServiceSid, ConversationSid, ParticipantSid, Identity,
// MessagingBinding.*, RoleSid, Attributes, DateCreated, DateUpdated,
// Source "API", RetryCount, WebhookType), signed with the auth token in
// X-Twilio-Signature over target and the sorted parameters, with the
// delivery's I-Twilio-Idempotency-Token. As on Twilio, a change made
// through the REST API is delivered only when its request carried
// "X-Twilio-Webhook-Enabled: true" (twilioparticipants.WithWebhooks).
// Verify them with twilio.NewWebhookVerifier(fake.AuthToken()). w.Secret
// must be empty or the auth token; it panics otherwise, and for a target
// that is not an http or https URL.
func (s *TwilioServer) Subscribe(target string, w Webhooks) *Subscription {
	if w.Secret != "" && w.Secret != s.authToken {
		panic("participantstest: TwilioServer.Subscribe: Twilio signs with the auth token: leave Webhooks.Secret empty")
	}
	w.Secret = s.authToken
	return s.hooks.add(twilioHooks{s}, target, w)
}

// emitTwilio queues a Twilio participant event of p in conv.
func (s *TwilioServer) emitTwilio(kind string, p *twilioParticipant, conv *twilioConversation) {
	out := p.clone()
	s.hooks.emit(hookEvent{kind: kind, data: twilioHookData{p: out, service: conv.service}})
}

// ---- Intercom: JSON notification_event, X-Hub-Signature ----

type intercomHookData struct {
	conversation string
	contact      IntercomContact
}

type intercomHooks struct{}

func (intercomHooks) name() string           { return "intercom" }
func (intercomHooks) batches() bool          { return false }
func (intercomHooks) timeout() time.Duration { return 5 * time.Second }

// noRetry: 410 disables the subscription on Intercom.
func (intercomHooks) noRetry(status int) bool { return status == http.StatusGone }

func (intercomHooks) request(ctx context.Context, target string, d *delivery, attempt int, secret string, forged bool) (*http.Request, error) {
	ev := d.events[0]
	data := ev.data.(intercomHookData)
	contact := map[string]any{"type": "contact", "id": data.contact.ID, "role": data.contact.Role}
	if data.contact.Email != "" {
		contact["email"] = data.contact.Email
	}
	if data.contact.UserID != "" {
		contact["external_id"] = data.contact.UserID
	}
	if forged {
		contact["id"] = ForgedParticipant
		secret = wrongSecret(secret)
	}
	body, err := json.Marshal(map[string]any{
		"type": "notification_event", "id": d.id, "topic": ev.kind, "app_id": "fakeapp",
		"created_at": ev.at.Unix(), "first_sent_at": ev.at.Unix(), "delivery_attempts": attempt,
		"data": map[string]any{"type": "notification_event_data", "item": map[string]any{
			"conversation": map[string]any{"type": "conversation", "id": data.conversation},
			"contact":      contact,
		}},
	})
	if err != nil {
		return nil, err
	}
	req, err := newPost(ctx, target, body, "application/json")
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Hub-Signature", intercomSign(secret, body))
	return req, nil
}

// intercomSign is Intercom's X-Hub-Signature of body: "sha1=" and the hex
// HMAC-SHA1 keyed by the client secret.
func intercomSign(secret string, body []byte) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	return "sha1=" + hex.EncodeToString(mac.Sum(nil))
}

// Subscribe makes the fake deliver attaches and detaches to target as
// Intercom's webhooks do: a JSON notification_event of topic
// conversation.contact.attached or conversation.contact.detached, whose
// data.item holds the conversation and the contact (id, role, email,
// external_id), signed in X-Hub-Signature ("sha1=" and the hex
// HMAC-SHA1 of the body keyed by w.Secret, the app's client secret). An
// attach of someone already on the conversation changes nothing and sends
// nothing. Verify them with intercom.NewWebhookVerifier(sub.Secret()). It
// panics for a target that is not an http or https URL.
func (s *IntercomServer) Subscribe(target string, w Webhooks) *Subscription {
	return s.hooks.add(intercomHooks{}, target, w)
}

// ---- Bird: conversation.updated, messagebird-signature ----

type birdHookData struct {
	conversation string
	participants []BirdParticipant
}

type birdHooks struct{}

func (birdHooks) name() string           { return "bird" }
func (birdHooks) batches() bool          { return false }
func (birdHooks) noRetry(int) bool       { return false }
func (birdHooks) timeout() time.Duration { return 10 * time.Second }

func (birdHooks) request(ctx context.Context, target string, d *delivery, _ int, secret string, forged bool) (*http.Request, error) {
	ev := d.events[0]
	data := ev.data.(birdHookData)
	active, pending := 0, 0
	featured := []BirdParticipant{}
	for _, p := range data.participants {
		if p.Status == "active" || p.Status == "" {
			active++
		} else {
			pending++
		}
		if len(featured) < 5 {
			featured = append(featured, p)
		}
	}
	conv := data.conversation
	if forged {
		conv = ForgedParticipant
		secret = wrongSecret(secret)
	}
	body, err := json.Marshal(map[string]any{
		"service": "conversations", "event": ev.kind,
		"payload": map[string]any{
			"id": conv, "status": "active", "featuredParticipants": featured,
			"activeParticipantCount": active, "pendingParticipantCount": pending,
			"updatedAt": ev.at.Format(time.RFC3339Nano),
		},
	})
	if err != nil {
		return nil, err
	}
	req, err := newPost(ctx, target, body, "application/json")
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("messagebird-request-timestamp", ts)
	req.Header.Set("messagebird-signature", birdSign(secret, ts, target, body))
	req.Header.Set("messagebird-request-id", d.id)
	return req, nil
}

// birdSign is Bird's messagebird-signature: the base64 HMAC-SHA256, keyed
// by the signing key, of the timestamp, "\n", the URL, "\n" and the raw
// SHA-256 of the body.
func birdSign(key, ts, target string, body []byte) string {
	sum := sha256.Sum256(body)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(ts + "\n" + target + "\n"))
	mac.Write(sum[:])
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Subscribe makes the fake deliver its conversations' changes to target
// as a Bird webhook subscription of the conversations service does: a
// JSON {service, event, payload} of conversation.created (a conversation
// seeded after the subscription) or conversation.updated (a participant
// added, removed or given another status), whose payload is the
// conversation (id, status, featuredParticipants, activeParticipantCount,
// pendingParticipantCount, updatedAt), signed with w.Secret, the signing
// key: messagebird-signature is the base64 HMAC-SHA256 of the
// messagebird-request-timestamp, "\n", target, "\n" and the body's
// SHA-256, with the delivery's messagebird-request-id. Bird sends no
// participant event: a receiver lists the participants
// (birdparticipants.NewReceiver). Verify them with
// bird.NewWebhookVerifier(sub.Secret()). It panics for a target that is
// not an http or https URL.
func (s *BirdServer) Subscribe(target string, w Webhooks) *Subscription {
	return s.hooks.add(birdHooks{}, target, w)
}

// emitBirdLocked queues a conversation event of conv; s.mu is held.
func (s *BirdServer) emitBirdLocked(kind, convID string, conv *birdConversation) {
	ps := make([]BirdParticipant, len(conv.participants))
	for i, p := range conv.participants {
		ps[i] = p.clone()
	}
	s.hooks.emit(hookEvent{kind: kind, data: birdHookData{conversation: convID, participants: ps}})
}

// ---- Sunshine: batched events, X-API-Key ----

type sunshineHookData struct {
	conversation, conversationType string
	user                           SunshineUser
}

type sunshineHooks struct{ appID, webhookID string }

func (sunshineHooks) name() string           { return "sunshine" }
func (sunshineHooks) batches() bool          { return true }
func (sunshineHooks) timeout() time.Duration { return 20 * time.Second }

// noRetry: Sunshine stops after 400, 401, 403, 404 and 406.
func (sunshineHooks) noRetry(status int) bool {
	switch status {
	case 400, 401, 403, 404, 406:
		return true
	}
	return false
}

func (h sunshineHooks) request(ctx context.Context, target string, d *delivery, _ int, secret string, forged bool) (*http.Request, error) {
	events := make([]map[string]any, 0, len(d.events))
	for _, ev := range d.events {
		data := ev.data.(sunshineHookData)
		user := map[string]any{"id": data.user.ID, "authenticated": false}
		if data.user.ExternalID != "" {
			user["externalId"] = data.user.ExternalID
		}
		if forged {
			user["id"] = ForgedParticipant
		}
		events = append(events, map[string]any{
			"id": ev.id, "createdAt": ev.at.Format("2006-01-02T15:04:05.000Z07:00"), "type": ev.kind,
			"payload": map[string]any{
				"conversation": map[string]any{"id": data.conversation, "type": data.conversationType},
				"user":         user,
			},
		})
	}
	body, err := json.Marshal(map[string]any{
		"app":     map[string]any{"id": h.appID},
		"webhook": map[string]any{"id": h.webhookID, "version": "v2"},
		"events":  events,
	})
	if err != nil {
		return nil, err
	}
	req, err := newPost(ctx, target, body, "application/json")
	if err != nil {
		return nil, err
	}
	if forged {
		secret = wrongSecret(secret)
	}
	req.Header.Set("X-API-Key", secret)
	return req, nil
}

// Subscribe makes the fake deliver joins and leaves to target as a
// Sunshine Conversations v2 webhook with the conversation:join and
// conversation:leave triggers does: a JSON {app, webhook, events[]} whose
// events carry their own id, createdAt, type and payload {conversation
// {id, type}, user {id, externalId}} (with [Webhooks.Batch], several
// events in one request), with w.Secret, the webhook's secret, in
// X-API-Key. As Sunshine documents, it gives up after 400, 401, 403, 404
// and 406. Verify them with sunshine.NewWebhookVerifier(sub.Secret()). It
// panics for a target that is not an http or https URL.
func (s *SunshineServer) Subscribe(target string, w Webhooks) *Subscription {
	return s.hooks.add(sunshineHooks{appID: s.appID, webhookID: randomHex(12)}, target, w)
}

// emitSunshineLocked queues a join or leave of u in conv; s.mu is held.
func (s *SunshineServer) emitSunshineLocked(kind string, conv *sunshineConversation, u SunshineUser) {
	s.hooks.emit(hookEvent{kind: kind, data: sunshineHookData{conversation: conv.id, conversationType: conv.typ, user: u}})
}
