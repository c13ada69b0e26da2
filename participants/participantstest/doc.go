// Package participantstest provides stateful, in-memory fakes of the four
// vendor APIs behind package participants (Intercom, Bird, Twilio and
// Sunshine Conversations), built
// on net/http/httptest, for tests and for examples that run without
// credentials.
//
// Each fake serves the vendor's participant endpoints on a local URL,
// authenticates the way the vendor does, validates every request as
// strictly as the vendor documents (method, path, auth, content type, body
// shape, types, enums, limits) and refuses with the vendor's own status and
// error body. State (conversations, contacts, participants) lives in memory
// and is safe for concurrent use; duplicate detection is atomic, so two
// concurrent identical adds create exactly one participant.
//
// The constructors do not need a testing.TB:
//
//	tw := participantstest.NewTwilioServer()
//	defer tw.Close()
//	conv := tw.SeedConversation("", "support-42")
//	// point a Twilio client at tw.URL() with tw.AccountSID(), tw.AuthToken()
//
// # One-line helpers for tests
//
// In a test, [NewIntercom], [NewBird] and [NewTwilio] start a seeded fake,
// close it when the test ends and return a vendor client of it with the
// fake's credentials and retry waits of milliseconds
// ([Server.ClientOptions]); [NewIntercomParticipants],
// [NewBirdParticipants] and [NewTwilioParticipants] return a
// participants.Client over that vendor client instead. Options given to
// them are appended, so they win:
//
//	func TestRetries(t *testing.T) {
//		c, fake := participantstest.NewBirdParticipants(t, option.WithMaxRetries(4))
//		fake.InjectFaults(four503s...) // retried in milliseconds, not seconds
//		res, err := c.Add(ctx, participantstest.BirdConversationID, p)
//		...
//	}
//
// What they seed is named by constants: [IntercomAdminID],
// [IntercomConversationID], [BirdConversationID], [TwilioConversationSID]
// (unique name [TwilioConversationName]), and [TwilioProxyAddress] for the
// Twilio participants.Client.
//
// Seeding methods panic on programming errors (a malformed or duplicate
// id), like regexp.MustCompile.
//
// # Paths
//
// The fakes route on the escaped request path and unescape each segment on
// its own: an encoded slash (%2F) stays inside its segment, and "." and ".."
// segments (also as %2e%2e) are ordinary ids, which are simply not found.
//
// # Faults, rate limits and the request log
//
// Every fake embeds [Server], which provides fault injection
// ([Server.InjectFaults] with [Fault]: a canned response, a delay, a dropped
// connection, or a request that is processed and then dropped, so that the
// client sees a transport error although the state changed), aimed at a
// method when [Fault.Method] is set, a per-second
// rate limit answered with the vendor's 429 ([Server.SetRateLimit]), and a
// log of the requests received, without their Authorization header
// ([Server.RequestLog]).
//
// # In memory, on virtual time
//
// [Server.Transport] reaches a fake in memory, without a socket, and
// [Server.InMemoryClientOptions] are the helpers' client options over it.
// A fake serves on loopback only from the first call of URL, Client or
// ClientOptions on, so one used only in memory can run in a
// testing/synctest bubble, where Retry-After waits, deadlines and
// [Fault.Delay] pass on virtual time:
//
//	synctest.Test(t, func(t *testing.T) {
//		fake := participantstest.NewBirdServer()
//		defer fake.Close()
//		conv := fake.SeedConversation("")
//		bc, err := bird.New(fake.AccessKey(), fake.InMemoryClientOptions()...)
//		...
//	})
//
// # Webhooks
//
// Each fake also sends its vendor's webhooks of participant changes:
// [TwilioServer.Subscribe], [IntercomServer.Subscribe],
// [BirdServer.Subscribe] and [SunshineServer.Subscribe] deliver to a URL,
// from a goroutine of the [Subscription], in the vendor's payload shape
// and signed as the vendor signs (the vendor packages' verifiers accept
// them): Twilio's onParticipantAdded, onParticipantRemoved and
// onParticipantUpdated form posts, only for requests that carried
// "X-Twilio-Webhook-Enabled: true", as Twilio; Intercom's
// conversation.contact.attached and detached notifications; Bird's
// conversation.created and conversation.updated; Sunshine's
// conversation:join and conversation:leave, batched. A delivery answered
// with an error is retried as the vendor retries (bounded, with waits of
// milliseconds), and [Webhooks] injects delivery faults: duplicates,
// answers lost, reordering, batches and forged copies.
// [Subscription.Flush] waits for the deliveries; the fake's Close closes
// its subscriptions. [SubscribeTwilio] and its siblings subscribe a fake
// in a test and return the provider's Receiver of its deliveries, for
// participants.NewWebhookHandler:
//
//	c, fake := participantstest.NewTwilioParticipants(t)
//	srv := httptest.NewServer(mux) // serves h below at /webhooks
//	sub, recv := participantstest.SubscribeTwilio(t, fake, srv.URL+"/webhooks", participantstest.Webhooks{Duplicates: 1})
//	h, err := participants.NewWebhookHandler(recv, handle)
//	...
//	c.Add(ctx, participantstest.TwilioConversationSID, p, twilioparticipants.WithWebhooks(true))
//	sub.Flush(ctx) // handle has seen the join, once
//
// # Your own provider
//
// drivertest.RunConformanceTests (package participants/drivertest) checks
// a driver.Provider against the rules of its documentation, talking to a
// [Fake] (a request count and fault injection): every fake here is one.
// [NewServer] wraps a fake of any vendor, written as a plain http.Handler,
// with the same core as the fakes here, so it is such a Fake.
// participants/drivertest/external_test.go is a complete provider of a toy
// vendor, outside the module's internals, that passes the suite this way.
package participantstest
