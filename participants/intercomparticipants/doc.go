// Package intercomparticipants is the Intercom provider of package
// participants: New builds it from a intercom.Client and Options, and
// participants.New makes a Client of it:
//
//	ic, err := intercom.New(accessToken)
//	c := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "781236"}))
//	res, err := c.Add(ctx, "123", participants.Participant{Email: "ada@example.com"})
//	res, err = c.Remove(ctx, "123", participants.Participant{Email: "ada@example.com"}, intercomparticipants.WithAdmin("991"))
//
// WithAdmin is its per-call option (Add, Remove). The BeforeAdd option of
// package participants hands it an *intercom.AttachContactBody, a checked
// union with no fields to edit: replace it whole with one built by
// intercom.AdminAttach or intercom.ContactAttach. Result.As reaches an
// *intercom.CustomersList (an *intercom.ConversationContacts when a read
// decided the Outcome), Member.As an *intercom.ContactReference.
//
// Intercom cannot update a participant: the provider has no Update, and
// Client.Update answers Unimplemented before any request.
package intercomparticipants
