// Package twiliogo compares conversekit with twilio-go, Twilio's official Go
// library, on the same work:
//
//   - the verification and decoding of a participant webhook
//     (twilio.WebhookVerifier.Verify and twilio.DecodeWebhook against
//     twilio-go's client.RequestValidator.Validate and a url.ParseQuery of
//     the body; webhook_test.go);
//   - participant create, list (one page of 50) and delete through the same
//     in-memory RoundTripper answering canned Twilio responses, by
//     conversekit's facade (participants.Client over twilioparticipants),
//     its vendor client (twilio.Client) and twilio-go's ConversationsV1
//     service (ops_test.go);
//   - the Go init of a Twilio-only program: the programs under cmd/, run
//     with GODEBUG=inittrace=1 (init_test.go).
//
// It is a module of its own, so that twilio-go never enters the core
// module's graph; it has no code to import, only the programs under cmd/
// and benchmarks:
//
//	cd bench/twiliogo && go test -run '^$' -bench . -benchmem -count 6
package twiliogo
