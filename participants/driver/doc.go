// Package driver is the contract between the portable participants.Client
// and a provider: the Provider interface every provider implements, the
// optional interfaces of operations added later (Updater), the types a
// provider exchanges with the Client, and helpers for provider authors.
//
// A user of conversekit does not import it: they call participants.Client
// over a provider package (intercomparticipants, birdparticipants,
// twilioparticipants, sunshineparticipants, or one of their own). A
// provider author implements Provider (and any optional interface the
// vendor supports), builds refusals with Errorf, classifies vendor errors
// with WrapError or Classify, and proves the provider with
// participants/drivertest.
//
// # Optional operations
//
// An operation added after v0 arrives as an optional interface (Updater is
// the first): the Client asks the Provider for it with a type assertion
// and answers Unimplemented, before any request, for a Provider that does
// not implement it. A Provider written against an older version of this
// package keeps compiling and keeps working.
//
// # Per-call options
//
// The Client hands a Provider one CallOptions per call: the portable
// options (BeforeAdd, RequestOptions, PageSize) and the VendorOptions of
// provider packages (twilioparticipants.WithRole, intercomparticipants.WithAdmin),
// which travel through the Client opaquely. The Client has already refused
// a VendorOption of another provider, and one that does not apply to the
// operation, so a Provider reads the ones of its own that it finds.
//
// # Errors
//
// A Provider returns an *Error for what it refuses before any request
// (Errorf), or the vendor client's error as it is (the Client asks
// Provider.ErrorCode for its code), or WrapError's *Error over it. The
// Client turns every *Error into a participants.Error with the same code,
// provider, field, message and chain.
package driver
