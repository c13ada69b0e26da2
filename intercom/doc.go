// Package intercom is the conversekit client for Intercom's conversation
// participants: attach a contact to a conversation
// (POST /conversations/{id}/customers) and detach one
// (DELETE /conversations/{id}/customers/{contact_id}).
//
//	c, err := intercom.New(token) // option.WithBaseURL("https://api.eu.intercom.io") for the EU
//	list, err := c.AttachContact(ctx, conversationID,
//		intercom.AdminAttach("781236", intercom.CustomerByEmail("jane@example.com")))
//
// Every call sends "Authorization: Bearer <token>", "Accept: application/json"
// and "Intercom-Version: 2.14" (see WithVersion). Both calls return the list
// of every customer now on the conversation (CustomersList); Intercom does
// not say whether the contact was already there. Roles other than "user" and
// "lead" are kept as they are.
//
// # Bodies
//
// Request bodies are built only with AdminAttach and ContactAttach from
// Customer values made by CustomerByIntercomUserID, CustomerByUserID and
// CustomerByEmail. An unset body or Customer, or an empty value, is refused
// with an error naming the field before any request is sent. The generated
// union types (AttachContactRequest, CustomerIdentifier, with their From*,
// As* and Merge* methods) check nothing: an unset union is sent as null and
// Merge* can set two branches. Do not build them by hand.
//
// # Errors
//
// A non-2xx response is an *APIError (errors.As) carrying the status,
// Intercom's errors[0].code, message and field, the request ID, the raw body
// and any wait Intercom asked for. A bad path parameter or body value is a
// *pathparam.Error naming the field and "intercom", returned before any
// request. Context errors are returned as they are. A 2xx proves only what
// its body proves: a 2xx whose body has no "customers" array ({},
// {"status":"ok"}, null, an array) is a *SuccessBodyError, never a success.
//
// # Retries
//
// The shared transport retries 429s (waiting for Retry-After or, as Intercom
// sends, X-RateLimit-Reset) and connection failures before sending. DELETE is
// idempotent and is also retried on 408 and 5xx; POST is not (a 5xx after the
// attach may have been applied). When the wait Intercom asks for would pass
// the context deadline the call returns at once with an *APIError whose
// Error() says "rate limited".
//
// # Generated code
//
// Client.Generated returns the oapi-codegen client underneath (same
// transport, no argument checks) for advanced use.
package intercom
