// Package participants manages the participants of a conversation on
// Intercom, Bird, Twilio and Sunshine Conversations through one API: Add,
// List, Get, Update and Remove, with the same rules on every vendor.
//
// A Client works over one provider, which a provider package builds from
// its vendor client and options:
//
//	tw, err := twilio.New(accountSID, authToken)
//	if err != nil { ... }
//	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{ProxyAddress: "+15017122661"}))
//	res, err := c.Add(ctx, "CH...", participants.Participant{Phone: "+15558675310"})
//	for m, err := range c.List(ctx, "CH...") { ... }
//	res, err = c.Update(ctx, "CH...", participants.Participant{Phone: "+15558675310"}, participants.Update{Role: "RL..."})
//	res, err = c.Remove(ctx, "CH...", participants.Participant{Phone: "+15558675310"})
//
// The provider packages are intercomparticipants, birdparticipants,
// twilioparticipants and sunshineparticipants (in this module's
// participants directory). Each documents its mapping, its Options and the
// per-call options of its vendor (intercomparticipants.WithAdmin,
// twilioparticipants.WithRole and WithWebhooks), which the Client passes
// to its provider alone: given to a Client over another provider, such an
// option is Unimplemented before any request. This package imports no
// vendor package: a program that uses Twilio alone links Twilio alone.
//
// # Mapping
//
// A Participant is mapped to each vendor by this table. Add sends every
// identity (ID, ExternalID, Email, Phone, Identifier) that is set, or none:
// each of the four vendors takes one identity per add, so several set
// identities are InvalidArgument naming them and the vendor, before any
// request, and an identity the vendor cannot express is Unimplemented.
// Participant.Use chooses the one to send when you hold several
// (Participant{ExternalID: "crm-42", Phone: "+1...", Use: UsePhone} sends
// the phone alone). Other fields (Attributes, Status, Kind user or bot) that
// the vendor cannot carry are Unimplemented too: nothing is silently
// dropped.
//
//	Participant            Intercom (attach contact)     Bird                              Twilio                                                       Sunshine (join)
//	Kind contact + ID      customer.intercom_user_id     {type: contact, id}               not expressible                                              userId
//	ExternalID             customer.user_id              not expressible                   Identity                                                     userExternalId
//	Email                  customer.email (creates lead) contact emailaddress              not expressible                                              not expressible
//	Phone (+ Channel)      not expressible               contact phonenumber               MessagingBinding.Address (+ whatsapp:) and ProxyAddress      not expressible
//	Kind user / bot + ID   not expressible               {type: user / flow, id}           not expressible                                              not expressible
//	Identifier{Key,Value}  not expressible               contact identifierKey/Value       MessagingBinding.Address                                     not expressible
//	Attributes             not expressible               not expressible                   Attributes                                                   not expressible
//	Status                 not expressible               status                            not expressible                                              not expressible
//
// # Lifecycle
//
// List, Get, Update and Remove follow the same rules as Add. Update
// changes a participant's role and attributes (Twilio) or status (Bird);
// Intercom and Sunshine cannot update a participant, and Update answers
// Unimplemented before any request there. Get and Remove name the
// participant by Participant.ParticipantID (the Result.ID or Member.ID the
// vendor gave) or by the identities Add takes: Participant.Use when set,
// else the first the vendor can look up in the order ID, ExternalID,
// Email, Phone, Identifier. The other identities set are checked against
// what the vendor reports: a participant that reports another value for
// one of them is never returned (Get: NotFound) or removed (Remove:
// FailedPrecondition); Remove with several identities looks the
// participant up first (one more request) and removes it by its ID. Add
// refuses a ParticipantID. Remove has ensure semantics both
// ways: Removed when the vendor removed the participant, AlreadyAbsent (a
// success) when they were not there, and NotFound, never AlreadyAbsent, for
// a missing conversation: where the vendor answers the same 404 for both,
// the provider reads the conversation to find out. List is an iter.Seq2
// that fetches pages as the loop asks for them (WithPageSize sets their
// size), yields each participant once and ends on the first error; a
// vendor whose pages never end gets an Unknown error after MaxListPages
// (10,000) pages, the bound of the vendor iterators too.
//
// What each vendor can look up, and what an operation costs in requests in
// the common case:
//
//	             Intercom                         Bird                                 Twilio                                   Sunshine
//	List         1 (no pages)                     1 per page (limit 1..100)            1 per page (PageSize 1..100)             1 per page (page[size] 1..100)
//	Get by       ParticipantID, ID, ExternalID    ParticipantID, ID (+Kind), Email,    ParticipantID, ExternalID: 1;            ParticipantID, ID, ExternalID:
//	             (1 read of the conversation)     Phone, Identifier: 1                 Phone, Identifier: list pages            list pages
//	Remove by    ParticipantID, ID: 1 detach;     ParticipantID: 1 delete;             ParticipantID: 1; ExternalID: 2          ParticipantID, ID, ExternalID:
//	             ExternalID: read + detach        identities: lookup + delete          (fetch + delete); Phone: list + delete   1 leave
//	absent       +1 read after the 404            +1 read after the 404                +1 read after the 404                    0 (not_found says so)
//	Add          1 attach (2 with ReportOutcome)  1                                    1                                        list + join
//
// Refusals that are about the conversation's state, not the caller's input,
// are FailedPrecondition: Intercom keeps a conversation's last customer
// (422; a read tells it from a retried detach that already removed the
// contact: AlreadyAbsent), Bird may refuse a removal (403 "Deleting this participant is not
// allowed"), Sunshine refuses a join to a full conversation or to one that
// is not sdkGroup. Change the conversation first; retrying does not help.
//
// # Outcomes
//
// Add has ensure semantics: adding someone who is already there is success.
// Result.Outcome is AlreadyPresent only where the vendor said so (Bird
// answered 200 instead of 201; Twilio answered a duplicate code 50433, 50437,
// or 50416 for an address found in this conversation) or a read proved it
// (Sunshine, Intercom with intercomparticipants.Options.ReportOutcome), Added where it
// said the participant is new, and Unreported where the vendor does not tell
// (Intercom by default). Remove reports Removed or AlreadyAbsent, Update
// Updated.
//
// # Errors
//
// Every error from a Client call is an *Error. Code(err) gives the portable
// ErrorCode (NotFound, AlreadyExists, InvalidArgument, Unimplemented,
// Unauthenticated, PermissionDenied, FailedPrecondition, RateLimited,
// Unavailable, Canceled, DeadlineExceeded, Unknown), and errors.Is works with the sentinels (ErrNotFound, ...) and with
// context.Canceled and context.DeadlineExceeded. The vendor's *APIError
// (status, vendor code, message, request ID, Retry-After, raw body) stays in
// the chain:
//
//	var apiErr *twilio.APIError
//	if errors.As(err, &apiErr) { log.Print(apiErr.StatusCode, apiErr.Code) }
//
// Vendor statuses map as 400/422 InvalidArgument, 401 Unauthenticated, 403
// PermissionDenied, 404 NotFound, 409 AlreadyExists, 429 RateLimited, 408
// and 5xx Unavailable (501 Unimplemented), 3xx Unavailable (a redirect is
// never followed), any other status Unknown. A 404 whose body is not the
// vendor's error shape (an HTML page, plain text, an empty body: the server
// at that host does not answer as the vendor would, most often a wrong
// option.WithBaseURL) is Unknown, never NotFound; its APIError's
// Misrouted() is true and its message says so. A 2xx whose body does not carry
// the participant (Intercom: the customers list, or the conversation object
// its official definition declares, holding the contact named by ID) is
// Unknown, never success.
//
// When the vendor refuses an add as a duplicate and the lookup of the
// existing participant then fails, the lookup's failure decides the code
// (Unavailable, Canceled, DeadlineExceeded, ...): AlreadyExists means only
// that the vendor holds this identity elsewhere. A *DuplicateLookupError in
// the chain holds both answers. Likewise, where Bird or Sunshine reads again
// to settle an answer (a 404 that may mean a missing conversation, a join
// refused with a 400), a failure of that read decides the code: never
// NotFound or InvalidArgument that no answer proved.
//
// # Retries
//
// Retries happen once, in the vendor clients' shared transport: 429 is always
// retried after Retry-After or X-RateLimit-Reset; because Add has ensure
// semantics, the Client marks it idempotent so 408, 5xx, timeouts and
// dropped connections (also in the middle of a 2xx body) are retried too,
// with exponential backoff and jitter.
// The context's deadline covers all attempts; when a vendor asks to wait past
// it, Add returns RateLimited at once. When the deadline passes during a
// wait, Add returns DeadlineExceeded and the last vendor *APIError stays
// reachable with errors.As. Configure retries on the vendor client
// (option.WithMaxRetries, option.WithAttemptTimeout, ...).
//
// # Events
//
// NewWebhookHandler receives a vendor's webhooks and calls a HandlerFunc
// once per participant event (ParticipantJoined, ParticipantLeft,
// ParticipantUpdated), in the identity language of Member. The vendor's
// Receiver comes from its provider package (twilioparticipants.NewReceiver,
// intercomparticipants.NewReceiver, birdparticipants.NewReceiver,
// sunshineparticipants.NewReceiver) over the vendor package's verifier,
// which checks the signature before anything is decoded. Events are
// de-duplicated by the vendor's ID (Deduper; NewMemoryDeduper by default),
// and the handler answers each vendor so that a failure is delivered again
// and a forgery is refused without calling the HandlerFunc:
//
//	v, err := twilio.NewWebhookVerifier(authToken, twilio.WithPublicURL("https://hooks.example.com/webhooks/twilio"))
//	h, err := participants.NewWebhookHandler(twilioparticipants.NewReceiver(v),
//		func(ctx context.Context, e participants.Event) error {
//			log.Print(e.Provider, e.Kind, e.Participant.ID, e.ConversationID)
//			return nil
//		})
//	http.Handle("POST /webhooks/twilio", h)
//
// # Your own provider
//
// New accepts any driver.Provider: the contract, the types a provider
// exchanges with the Client and the helpers for provider authors are in
// package participants/driver, apart from what a user calls. An operation
// added later arrives as an optional interface (driver.Updater for
// Update): a provider that does not implement it keeps compiling, and the
// Client answers Unimplemented for it. drivertest.RunConformanceTests (package participants/drivertest)
// checks every rule of the driver.Provider documentation against a fake of
// the vendor, which can be a plain http.Handler wrapped by
// participantstest.NewServer for fault injection;
// participants/drivertest/external_test.go is a complete toy
// provider that passes it.
//
// # As
//
// Result.As and Member.As reach the decoded vendor response, and the
// BeforeAdd option reaches the vendor request body. The targets are
// *intercom.CustomersList (Member: *intercom.ContactReference),
// *bird.Participant, *twilio.Participant and *sunshine.Participant; their fields read like Go (ID,
// SID, URL) and are pointers only where null or absence means something
// (Bird's Contact, Twilio's MessagingBinding, nil for a chat identity):
//
//	var p *twilio.Participant
//	if res.As(&p) && p.MessagingBinding != nil {
//		fmt.Println(p.SID, p.MessagingBinding.Address)
//	}
package participants
