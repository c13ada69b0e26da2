// Package birdparticipants is the Bird provider of package participants: New
// builds it from a bird.Client and Options, and participants.New makes a
// Client of it:
//
//	bc, err := bird.New(accessKey)
//	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: "2b6a..."}))
//	res, err := c.Add(ctx, conversationID, participants.Participant{Phone: "+31612345678"})
//	res, err = c.Update(ctx, conversationID, participants.Participant{Phone: "+31612345678"},
//		participants.Update{Status: participants.StatusInvited})
//
// The BeforeAdd option of package participants hands it a
// *bird.CreateParticipantBody, a checked union with no fields to edit:
// replace it whole with one built by bird.UserParticipant,
// FlowParticipant, ContactByID or ContactByIdentifier, e.g.
// *body.(*bird.CreateParticipantBody) = bird.ContactByIdentifier("phonenumber", "+15558675310").
// Result.As and Member.As reach a *bird.Participant.
//
// Update changes the status (Bird's update participant, by participant ID
// or by identifier key and value); Update.Role and Update.Attributes are
// Unimplemented, as Bird participants have neither.
package birdparticipants
