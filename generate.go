// Package conversekit adds a participant to a conversation on Intercom, Bird,
// Twilio and Sunshine Conversations through one call. The portable API is in
// package participants; the vendor clients are in packages intercom, bird,
// twilio and sunshine, generated from the OpenAPI specs in specs/ by the
// go:generate lines below.
package conversekit

//go:generate go tool -modfile=tools.mod oapi-codegen -config specs/intercom.cfg.yaml specs/intercom.yaml
//go:generate go tool -modfile=tools.mod oapi-codegen -config specs/bird.cfg.yaml specs/bird.yaml
//go:generate go tool -modfile=tools.mod oapi-codegen -config specs/twilio.cfg.yaml specs/twilio.yaml
//go:generate go tool -modfile=tools.mod oapi-codegen -config specs/sunshine.cfg.yaml specs/sunshine.yaml
