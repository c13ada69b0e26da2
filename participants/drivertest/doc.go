// Package drivertest is the conformance suite of package
// participants/driver, as gocloud's blob/drivertest: RunConformanceTests
// runs, against a provider and a fake of its vendor, one named subtest per
// rule of the driver.Provider documentation (ensure semantics, refusals
// before any request, identities, retries, the lifecycle, and the optional
// operations such as Update), and, when the Harness has Events, the
// participant events received from the fake's webhooks through
// participants.NewWebhookHandler and the provider's Receiver: a join and
// a leave exactly once each, under duplicated, retried, reordered, batched
// and forged deliveries.
//
// Its Harness and Fixture ask only what any provider and any fake can
// give: a participants.Client over the provider, a conversation, people to
// add, a count of them, a participantstest.Fake (a request count and fault
// injection), and Capabilities saying what the vendor can express, look
// up, page and update. The fakes of package participantstest are such
// Fakes, and participantstest.NewServer makes one of a fake of any vendor
// written as a plain http.Handler; external_test.go in this package is a
// complete provider of a toy vendor that passes the suite that way.
package drivertest
