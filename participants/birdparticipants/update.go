package birdparticipants

import (
	"context"
	"fmt"
	"net/http"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
)

// Update changes the status of the participant pt names with Bird's update
// participant: PATCH .../participants/{participantId} for a ParticipantID,
// PATCH .../participants/{identifierKey}/{identifierValue} for Email
// (emailaddress), Phone (phonenumber) or Identifier; a participant named
// by ID (with its Kind) is looked up first, as for Get, and updated by the
// participant ID found. Update.Status → status; Update.Role and
// Update.Attributes are Unimplemented (Bird participants have no role and
// carry no attributes). On a 404 a list of one participant tells a
// missing conversation from a missing participant, for the message; both
// are NotFound.
func (p *birdProvider) Update(ctx context.Context, conversationID string, pt driver.Participant, u driver.Update, o driver.CallOptions) (*driver.Result, error) {
	const name = "bird"
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, name, "client", "nil *bird.Client")
	}
	if err := driver.Refuse(name, u.Role != "", "Update.Role", "Bird has no participant roles"); err != nil {
		return nil, err
	}
	if err := driver.Refuse(name, u.Attributes != nil, "Update.Attributes", "participants carry no attributes"); err != nil {
		return nil, err
	}
	if u.Status == "" {
		// The Client refuses an empty Update; a provider called directly
		// sends nothing empty either.
		return nil, driver.Errorf(driver.InvalidArgument, name, "Update.Status", "nothing to update: Bird updates a participant's status")
	}
	ref, err := birdRefOf(&pt)
	if err != nil {
		return nil, err
	}
	body := bird.ParticipantUpdate{Status: bird.ParticipantStatus(u.Status)}
	opts := driver.RequestOptions(&o)
	var bp *bird.Participant
	switch {
	case ref.id != "" && ref.kind != "":
		// Named by the contact, user or flow ID: find the participant (and
		// check its type) first.
		found, _, err := p.lookup(ctx, conversationID, ref, o)
		if err != nil {
			return nil, err
		}
		bp, err = p.c.UpdateParticipant(ctx, p.o.WorkspaceID, conversationID, found.ID, body, opts...)
	case ref.id != "":
		bp, err = p.c.UpdateParticipant(ctx, p.o.WorkspaceID, conversationID, ref.id, body, opts...)
	default:
		bp, err = p.c.UpdateParticipantByIdentifier(ctx, p.o.WorkspaceID, conversationID, ref.key, ref.value, body, opts...)
	}
	switch {
	case err == nil:
		return birdResult(bp, driver.Updated), nil
	case !isStatus(err, http.StatusNotFound):
		fields := ref.fields()
		fields["update.Status"] = "Update.Status"
		return nil, driver.WrapFields(name, err, fields)
	}
	exists, checkErr := p.conversationExists(ctx, conversationID, o)
	switch {
	case checkErr != nil:
		return nil, birdCheckFailed(fmt.Sprintf("Bird answered 404 to the update by %s, and checking whether conversation %s exists failed",
			ref, pathparam.Quote(conversationID)), checkErr, err)
	case !exists:
		return nil, p.conversationNotFound(conversationID, err)
	}
	return nil, &driver.Error{Code: driver.NotFound, Provider: name,
		Message: fmt.Sprintf("no participant with %s in conversation %s", ref, pathparam.Quote(conversationID)), Err: err}
}
