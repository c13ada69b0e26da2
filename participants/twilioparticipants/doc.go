// Package twilioparticipants is the Twilio provider of package participants:
// New builds it from a twilio.Client and Options, and participants.New makes
// a Client of it:
//
//	tw, err := twilio.New(accountSID, authToken)
//	c := participants.New(twilioparticipants.New(tw, twilioparticipants.Options{ProxyAddress: "+15017122661"}))
//	res, err := c.Add(ctx, "CH...", participants.Participant{Phone: "+15558675310"}, twilioparticipants.WithRole("RL..."))
//	res, err = c.Update(ctx, "CH...", participants.Participant{ParticipantID: res.ID},
//		participants.Update{Role: "RL...", Attributes: json.RawMessage(`{"tier":"gold"}`)})
//
// WithRole (Add) and WithWebhooks (Add, Update, Remove) are its per-call
// options. The BeforeAdd option of package participants hands it a
// *twilio.CreateParticipantParams; every field can be set
// (ProjectedAddress, DateCreated, ...), and the result is validated as any
// CreateParticipant call. Result.As and Member.As reach a
// *twilio.Participant.
//
// Update changes the role (RoleSid) and the attributes; Update.Status is
// Unimplemented, as Twilio participants have no status.
package twilioparticipants
