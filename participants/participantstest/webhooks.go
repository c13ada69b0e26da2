package participantstest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Webhooks configures a subscription of a fake to a URL (see
// [TwilioServer.Subscribe], [IntercomServer.Subscribe],
// [BirdServer.Subscribe] and [SunshineServer.Subscribe]): the secret its
// deliveries are signed with, how they are retried, and the faults
// injected into them. The zero Webhooks delivers each event once, signed
// with a generated secret ([Subscription.Secret]), retried as the vendor
// retries with waits of milliseconds.
type Webhooks struct {
	// Secret is what the deliveries are signed with: Intercom's client
	// secret, Bird's signing key, Sunshine's webhook secret. Empty
	// generates one. Twilio signs with the account's auth token: leave it
	// empty or set the token.
	Secret string

	// MaxAttempts bounds the attempts of one delivery, the first included
	// (default: the vendor's, [DefaultMaxAttempts]).
	MaxAttempts int
	// RetryWait is the wait before each retry (default 2 ms; vendors wait
	// minutes).
	RetryWait time.Duration
	// Timeout bounds one attempt (default the vendor's: 5 s for Twilio
	// and Intercom, 20 s for Sunshine, 10 s for Bird, which documents
	// none).
	Timeout time.Duration

	// Duplicates sends each delivery that succeeded this many more times,
	// the same request (same event IDs, same delivery ID), each again
	// signed.
	Duplicates int
	// FailFirst makes the first FailFirst attempts of each delivery count
	// as failed whatever the answer, as when the receiver's 200 is lost on
	// the way: the receiver handles them, and the delivery is retried.
	FailFirst int
	// Reorder holds the deliveries until [Subscription.Flush] and then
	// sends them newest first.
	Reorder bool
	// Batch, above 1, holds the events until [Subscription.Flush] and
	// sends up to Batch of them in one request where the vendor batches
	// (Sunshine's "events" array); the other vendors send one event per
	// request whatever Batch says, as they do.
	Batch int
	// Forge precedes each delivery with a forged copy: the body changed
	// (the participant of every event replaced by [ForgedParticipant]) and
	// signed with a wrong secret. A forged copy is never retried; its
	// answer is in [Subscription.Attempts] with Forged set.
	Forge bool
}

// ForgedParticipant is the participant ID (Twilio's ParticipantSid,
// Intercom's contact id, Sunshine's user id, Bird's conversation id) that
// forged copies ([Webhooks.Forge]) carry: a receiver must never let it
// through.
const ForgedParticipant = "forged0000000000000000000000000000"

// DefaultMaxAttempts returns how many attempts of one delivery the fake of
// vendor ("intercom", "bird", "twilio", "sunshine") makes when
// [Webhooks.MaxAttempts] is 0: Intercom 2 (it retries once), Bird 5 (it
// retries "at increasing intervals over a period of 8 hours"), Twilio 3
// (it documents no retry policy for these webhooks), Sunshine 5 (its
// documented maximum; none after 400, 401, 403, 404 or 406). It returns 1
// for another name.
func DefaultMaxAttempts(vendor string) int {
	switch vendor {
	case "intercom":
		return 2
	case "twilio":
		return 3
	case "bird", "sunshine":
		return 5
	}
	return 1
}

// Attempt is one request of a delivery, as the fake sent it.
type Attempt struct {
	// Delivery numbers the deliveries of the subscription from 1, in the
	// order they were queued; a duplicate or a forged copy has the number
	// of its delivery.
	Delivery int
	// Attempt numbers the attempts of the delivery from 1 (duplicates
	// and forged copies count 1).
	Attempt int
	// Events is how many events the request carried.
	Events int
	// Status is the receiver's answer, 0 when the request failed.
	Status int
	// Err is the error of a request that got no answer.
	Err error
	// Duplicate reports a copy sent after the delivery succeeded
	// ([Webhooks.Duplicates]).
	Duplicate bool
	// Forged reports a forged copy ([Webhooks.Forge]).
	Forged bool
	// CountedFailed reports an answer that [Webhooks.FailFirst] counted as
	// a failure.
	CountedFailed bool
}

// OK reports whether the receiver answered 2xx.
func (a Attempt) OK() bool { return a.Status >= 200 && a.Status < 300 }

// hookEvent is one change of a fake's participants, in the vendor's terms
// (a TwilioParticipant, an Intercom contact, ...): the vendor's encoder
// reads it.
type hookEvent struct {
	id   string // the event's own ID, where the vendor gives events one
	kind string // the vendor's event type or topic
	at   time.Time
	data any
}

// hookVendor turns events into signed requests, in one vendor's shape.
type hookVendor interface {
	// name is "twilio", "intercom", "bird" or "sunshine".
	name() string
	// batches reports whether one request carries several events.
	batches() bool
	// noRetry reports whether the vendor gives up after this status.
	noRetry(status int) bool
	// timeout is the vendor's attempt timeout.
	timeout() time.Duration
	// request builds the request of d's events to target, the attempt-th,
	// signed with secret, forged (the body changed after signing, or a
	// wrong secret) when forged is set.
	request(ctx context.Context, target string, d *delivery, attempt int, secret string, forged bool) (*http.Request, error)
}

// delivery is one request's worth of events, with the IDs that stay the
// same on every attempt.
type delivery struct {
	n      int
	id     string // the vendor's delivery or notification ID
	events []hookEvent
}

// Subscription delivers a fake's participant events to one URL, signed as
// the vendor signs them, from a goroutine of its own. Create it with the
// Subscribe method of a fake; the fake's Close closes it. It is safe for
// concurrent use.
type Subscription struct {
	url    string
	secret string
	cfg    Webhooks
	v      hookVendor
	client *http.Client
	owner  *subscriptions

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}

	mu       sync.Mutex
	held     []hookEvent // events waiting for Flush (Reorder, Batch)
	queue    []*delivery
	busy     int           // deliveries queued or in flight
	idle     chan struct{} // closed when busy drops to 0
	n        int
	attempts []Attempt
	closed   bool
}

// subscriptions is what a fake keeps of its subscriptions.
type subscriptions struct {
	mu   sync.Mutex
	subs []*Subscription
}

// add starts a subscription of v's events to target.
func (ss *subscriptions) add(v hookVendor, target string, cfg Webhooks) *Subscription {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		panic(fmt.Sprintf("participantstest: %s Subscribe: %q is not an http or https URL", v.name(), target))
	}
	switch {
	case cfg.MaxAttempts < 0, cfg.RetryWait < 0, cfg.Timeout < 0, cfg.Duplicates < 0, cfg.FailFirst < 0, cfg.Batch < 0:
		panic(fmt.Sprintf("participantstest: %s Subscribe: a negative Webhooks setting", v.name()))
	}
	if cfg.Secret == "" {
		cfg.Secret = "whsec-" + randomHex(16)
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts(v.name())
	}
	if cfg.RetryWait == 0 {
		cfg.RetryWait = 2 * time.Millisecond
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = v.timeout()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Subscription{
		url: target, secret: cfg.Secret, cfg: cfg, v: v,
		// A client of its own: no redirects followed (a vendor's
		// delivery is not redirected), no shared connection pool.
		client: &http.Client{
			Transport:     &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 2},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx: ctx, cancel: cancel, owner: ss,
		done: make(chan struct{}), wake: make(chan struct{}, 1),
	}
	ss.mu.Lock()
	ss.subs = append(ss.subs, s)
	ss.mu.Unlock()
	go s.run()
	return s
}

// emit queues ev for every subscription. It never blocks: fakes call it
// holding their lock.
func (ss *subscriptions) emit(ev hookEvent) {
	if ev.id == "" {
		ev.id = randomHex(12)
	}
	if ev.at.IsZero() {
		ev.at = time.Now().UTC()
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, s := range ss.subs {
		s.enqueue(ev)
	}
}

// closeAll closes every subscription.
func (ss *subscriptions) closeAll() {
	ss.mu.Lock()
	subs := ss.subs
	ss.subs = nil
	ss.mu.Unlock()
	for _, s := range subs {
		s.Close()
	}
}

// URL returns the URL the subscription delivers to.
func (s *Subscription) URL() string { return s.url }

// Secret returns the secret the deliveries are signed with (Twilio: the
// auth token): give it to the vendor package's webhook verifier.
func (s *Subscription) Secret() string { return s.secret }

// holds reports whether events wait for Flush.
func (s *Subscription) holds() bool { return s.cfg.Reorder || s.cfg.Batch > 1 }

// enqueue queues ev, or holds it until Flush.
func (s *Subscription) enqueue(ev hookEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.holds() {
		s.held = append(s.held, ev)
		return
	}
	s.pushLocked([]hookEvent{ev})
}

// pushLocked queues one delivery of events.
func (s *Subscription) pushLocked(events []hookEvent) {
	s.n++
	s.queue = append(s.queue, &delivery{n: s.n, id: newDeliveryID(s.v.name()), events: events})
	if s.busy == 0 {
		s.idle = make(chan struct{})
	}
	s.busy++
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// newDeliveryID is a delivery ID in the vendor's shape.
func newDeliveryID(vendor string) string {
	switch vendor {
	case "intercom":
		return "notif_" + newUUID()
	case "twilio":
		return "idem-" + randomHex(16)
	case "sunshine":
		return randomHex(12)
	}
	return newUUID()
}

// Flush sends the events held (with [Webhooks.Reorder] or
// [Webhooks.Batch]) and waits until every delivery queued so far has
// succeeded or given up, or ctx ends. It returns ctx's error, or
// net/http's ErrServerClosed when the subscription was closed with
// deliveries pending.
func (s *Subscription) Flush(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	held := s.held
	s.held = nil
	if s.cfg.Reorder {
		slices.Reverse(held)
	}
	per := 1
	if s.v.batches() && s.cfg.Batch > 1 {
		per = s.cfg.Batch
	}
	for len(held) > 0 {
		k := min(per, len(held))
		s.pushLocked(held[:k:k])
		held = held[k:]
	}
	if s.busy == 0 {
		s.mu.Unlock()
		return nil
	}
	idle := s.idle
	s.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-s.done:
		return http.ErrServerClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Attempts returns every request the subscription sent so far, in the
// order it sent them.
func (s *Subscription) Attempts() []Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.attempts)
}

// Close stops the deliveries: the request in flight is canceled, the
// events queued or held are dropped, and the fake forgets the
// subscription. It waits for the delivery goroutine
// to end and is safe to call more than once.
func (s *Subscription) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.cancel()
	}
	s.mu.Unlock()
	<-s.done
	s.client.CloseIdleConnections()
	s.owner.remove(s)
}

// remove forgets s.
func (ss *subscriptions) remove(s *Subscription) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.subs = slices.DeleteFunc(ss.subs, func(x *Subscription) bool { return x == s })
}

// run is the delivery goroutine.
func (s *Subscription) run() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.mu.Unlock()
			select {
			case <-s.wake:
			case <-s.ctx.Done():
			}
			s.mu.Lock()
		}
		if s.closed {
			s.queue, s.held = nil, nil
			s.mu.Unlock()
			return
		}
		d := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()

		s.deliver(d)

		s.mu.Lock()
		s.busy--
		if s.busy == 0 {
			close(s.idle)
		}
		s.mu.Unlock()
	}
}

// deliver sends d: its forged copy first when asked, then attempts until
// one succeeds (and its duplicates), the vendor gives up, or the
// subscription closes.
func (s *Subscription) deliver(d *delivery) {
	if s.cfg.Forge {
		s.attempt(d, 1, Attempt{Forged: true})
	}
	for i := 1; i <= s.cfg.MaxAttempts; i++ {
		if i > 1 {
			t := time.NewTimer(s.cfg.RetryWait)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return
			}
		}
		a := s.attempt(d, i, Attempt{})
		if s.ctx.Err() != nil {
			return
		}
		if a.OK() && !a.CountedFailed {
			for range s.cfg.Duplicates {
				s.attempt(d, 1, Attempt{Duplicate: true})
			}
			return
		}
		if a.Status != 0 && !a.CountedFailed && s.v.noRetry(a.Status) {
			return
		}
	}
}

// attempt sends one request of d and records it.
func (s *Subscription) attempt(d *delivery, n int, a Attempt) Attempt {
	a.Delivery, a.Attempt, a.Events = d.n, n, len(d.events)
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Timeout)
	defer cancel()
	secret := s.secret
	req, err := s.v.request(ctx, s.url, d, n, secret, a.Forged)
	if err == nil {
		var resp *http.Response
		resp, err = s.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
			a.Status = resp.StatusCode
		}
	}
	a.Err = err
	if !a.Forged && !a.Duplicate && a.Status != 0 && n <= s.cfg.FailFirst {
		a.CountedFailed = true
	}
	s.mu.Lock()
	s.attempts = append(s.attempts, a)
	s.mu.Unlock()
	return a
}

// newPost is a POST of body to target with contentType.
func newPost(ctx context.Context, target string, body []byte, contentType string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "participantstest-webhooks")
	return req, nil
}

// wrongSecret is the secret forged copies are signed with.
func wrongSecret(secret string) string { return "not-" + secret }
