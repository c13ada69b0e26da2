// Package twiliogo compares conversekit with twilio-go, Twilio's official Go
// library, on the same work: today the verification and decoding of a
// participant webhook (twilio.WebhookVerifier.Verify and
// twilio.DecodeWebhook against twilio-go's client.RequestValidator.Validate
// and a url.ParseQuery of the body). It is a module of its own, so that
// twilio-go never enters the core module's graph; it has no code to
// import, only benchmarks:
//
//	cd bench/twiliogo && go test -run '^$' -bench . -benchmem -count 6
package twiliogo
