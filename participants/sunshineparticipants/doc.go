// Package sunshineparticipants is the Sunshine Conversations provider of
// package participants: New builds it from a sunshine.Client and Options,
// and participants.New makes a Client of it:
//
//	sc, err := sunshine.New(keyID, secret)
//	c := participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: "5d8c..."}))
//	res, err := c.Add(ctx, conversationID, participants.Participant{ExternalID: "crm-42"})
//
// Result.As and Member.As reach a *sunshine.Participant; the BeforeAdd
// option of package participants hands it the *sunshine.JoinBody.
//
// Sunshine Conversations cannot update a participant: the provider has no
// Update, and Client.Update answers Unimplemented before any request.
package sunshineparticipants
