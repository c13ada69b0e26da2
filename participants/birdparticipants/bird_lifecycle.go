package birdparticipants

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
)

// The Bird lifecycle. Bird's participant ID is the ID of the contact, user
// or flow behind the participant (Bird's Participant schema: "if type is
// user then it's a user ID, if type is contact then it's a contact ID"), so
// Member.ID and Member.ContactID are the same value, and Participant.ID
// names a participant directly.
//
// Requests in the common case:
//   - List: one GET .../participants per page (limit = WithPageSize).
//   - Get: one GET, by participant ID (ParticipantID or ID) or by
//     identifier (Email, Phone, Identifier); a 404 costs one more (a list
//     of one participant) to say whether the conversation is missing.
//   - Remove by ParticipantID: one DELETE. By ID, Email, Phone or
//     Identifier: the GET of Get, then the DELETE. A 404 costs the same
//     one-participant list, which tells AlreadyAbsent from NotFound.

// birdMaxPageSize is the largest limit Bird's list takes.
const birdMaxPageSize = 100

// birdNames are Bird's participant types for the portable kinds.
var birdNames = map[driver.Kind]bird.ParticipantType{
	"": bird.ParticipantTypeContact, driver.KindContact: bird.ParticipantTypeContact,
	driver.KindUser: bird.ParticipantTypeUser, driver.KindBot: bird.ParticipantTypeFlow,
}

// List returns one page of GET
// /workspaces/{workspaceId}/conversations/{conversationId}/participants,
// with limit CallOptions.PageSize (1..100; 0 is Bird's default, 10) and
// pageToken page.
func (p *birdProvider) List(ctx context.Context, conversationID, page string, o driver.CallOptions) (*driver.Page, error) {
	const name = "bird"
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, name, "client", "nil *bird.Client")
	}
	if o.PageSize > birdMaxPageSize {
		return nil, driver.Errorf(driver.InvalidArgument, name, "WithPageSize", "%d is above Bird's largest page, %d", o.PageSize, birdMaxPageSize)
	}
	list, err := p.c.ListParticipants(ctx, p.o.WorkspaceID, conversationID, &bird.ListParticipantsParams{Limit: o.PageSize, PageToken: page}, driver.RequestOptions(&o)...)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return nil, p.conversationNotFound(conversationID, err)
		}
		return nil, driver.WrapFields(name, err, birdFields)
	}
	return driver.NewPage(list.Results, list.NextPageToken, birdMember), nil
}

// birdMember is the portable view of a Bird participant (Raw unset).
func birdMember(bp *bird.Participant) driver.Member {
	m := driver.Member{Provider: "bird", ID: bp.ID, Kind: birdKind(bp.Type), Status: driver.Status(bp.Status)}
	switch bp.Type {
	case bird.ParticipantTypeContact, bird.ParticipantTypeUser, bird.ParticipantTypeFlow:
		m.ContactID = bp.ID
	}
	if c := bp.Contact; c != nil && c.IdentifierValue != "" {
		m.Identifier = driver.Identifier{Key: c.IdentifierKey, Value: c.IdentifierValue}
		switch {
		case c.IdentifierKey == "emailaddress" && driver.ValidEmail(c.IdentifierValue):
			m.Email = c.IdentifierValue
		case c.IdentifierKey == "phonenumber" && driver.ValidPhone(c.IdentifierValue):
			m.Phone = c.IdentifierValue
		}
	}
	return m
}

// birdKind is the portable kind of a Bird participant type: flow is
// KindBot; every other type is kept as Bird names it.
func birdKind(t bird.ParticipantType) driver.Kind {
	if t == bird.ParticipantTypeFlow {
		return driver.KindBot
	}
	return driver.Kind(t)
}

// birdRef is how a Participant names a Bird participant for Get and
// Remove: a participant ID, or an identifier key and value.
type birdRef struct {
	id         string               // the participant ID, when named by one
	kind       bird.ParticipantType // the type ID names; "" for ParticipantID
	key, value string               // the identifier, when named by one
	field      string               // the Participant field used
	keyField   string               // the field the identifier key came from
}

func (r *birdRef) String() string {
	if r.id != "" {
		return r.field + " " + pathparam.Quote(r.id)
	}
	return r.field + " " + pathparam.Quote(r.value)
}

// fields maps the bird client's argument names to the Participant fields
// of r, for errors.
func (r *birdRef) fields() map[string]string {
	m := maps.Clone(birdFields)
	m["participantID"] = r.field
	m["identifierKey"] = r.keyField
	m["identifierValue"] = r.field
	return m
}

// birdRefOf picks the first identity of pt Bird can look up, in the order
// ParticipantID, ID, Email, Phone, Identifier. ExternalID alone is
// Unimplemented: Bird participants carry no external ID.
func birdRefOf(pt *driver.Participant) (*birdRef, error) {
	const name = "bird"
	switch {
	case pt.ParticipantID != "":
		return &birdRef{id: pt.ParticipantID, field: "ParticipantID"}, nil
	case pt.ID != "":
		return &birdRef{id: pt.ID, kind: birdNames[pt.Kind], field: "ID"}, nil
	case pt.Email != "":
		return &birdRef{key: "emailaddress", value: pt.Email, field: "Email", keyField: "Email"}, nil
	case pt.Phone != "":
		return &birdRef{key: "phonenumber", value: pt.Phone, field: "Phone", keyField: "Phone"}, nil
	case pt.Identifier.Value != "":
		if pt.Identifier.Key == "" {
			return nil, driver.Errorf(driver.InvalidArgument, name, "Identifier.Key", "empty: Bird finds a participant by identifier key and value (Add alone can infer the key)")
		}
		return &birdRef{key: pt.Identifier.Key, value: pt.Identifier.Value, field: "Identifier.Value", keyField: "Identifier.Key"}, nil
	}
	return nil, driver.NoIdentity(name, pt)
}

// Get returns the participant pt names: GET
// .../participants/{participantId} for ParticipantID or ID (whose Kind
// must match the participant's type), GET
// .../participants/{identifierKey}/{identifierValue} for Email
// (emailaddress), Phone (phonenumber) or Identifier. On a 404 a list of
// one participant tells a missing conversation from a missing participant,
// for the message; both are NotFound.
func (p *birdProvider) Get(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, "bird", "client", "nil *bird.Client")
	}
	ref, err := birdRefOf(&pt)
	if err != nil {
		return nil, err
	}
	bp, _, err := p.lookup(ctx, conversationID, ref, o)
	if err != nil {
		return nil, err
	}
	return driver.NewMember(birdMember(bp), bp), nil
}

// lookup returns the participant ref names. absent is true, with a
// NotFound error saying so, when the participant is not in the
// conversation and the conversation exists; a missing conversation is a
// NotFound naming conversationID; other errors are the client's.
func (p *birdProvider) lookup(ctx context.Context, conversationID string, ref *birdRef, o driver.CallOptions) (_ *bird.Participant, absent bool, _ error) {
	const name = "bird"
	var bp *bird.Participant
	var err error
	if ref.id != "" {
		bp, err = p.c.GetParticipant(ctx, p.o.WorkspaceID, conversationID, ref.id, driver.RequestOptions(&o)...)
	} else {
		bp, err = p.c.GetParticipantByIdentifier(ctx, p.o.WorkspaceID, conversationID, ref.key, ref.value, driver.RequestOptions(&o)...)
	}
	switch {
	case err == nil && ref.kind != "" && bp.Type != ref.kind:
		// Not absent: a participant has the ID; the caller named the wrong
		// kind, and Remove must not answer AlreadyAbsent.
		// bp.Type is Bird's: it goes through the client's redaction.
		return nil, false, driver.Errorf(driver.NotFound, name, "Kind", "the participant with ID %s is a %s, not a %s: set Kind to name it",
			pathparam.Quote(ref.id), p.c.Redact(string(birdKind(bp.Type))), birdKind(ref.kind))
	case err == nil:
		return bp, false, nil
	case !isStatus(err, http.StatusNotFound):
		return nil, false, driver.WrapFields(name, err, ref.fields())
	}
	exists, checkErr := p.conversationExists(ctx, conversationID, o)
	switch {
	case checkErr != nil:
		// The check's failure decides: NotFound would claim what no
		// answer proved, and a 503 or a cancelled context must keep
		// its code.
		return nil, false, birdCheckFailed(fmt.Sprintf("Bird answered 404 to the lookup by %s, and checking whether conversation %s exists failed",
			ref, pathparam.Quote(conversationID)), checkErr, err)
	case !exists:
		return nil, false, p.conversationNotFound(conversationID, err)
	}
	return nil, true, &driver.Error{Code: driver.NotFound, Provider: name, Message: fmt.Sprintf("no participant with %s in conversation %s", ref, pathparam.Quote(conversationID)), Err: err}
}

// conversationExists reads one participant of the conversation: Bird's
// list answers 404 only when the conversation does not exist.
func (p *birdProvider) conversationExists(ctx context.Context, conversationID string, o driver.CallOptions) (bool, error) {
	_, err := p.c.ListParticipants(ctx, p.o.WorkspaceID, conversationID, &bird.ListParticipantsParams{Limit: 1}, driver.RequestOptions(&o)...)
	switch {
	case err == nil:
		return true, nil
	case isStatus(err, http.StatusNotFound):
		return false, nil
	}
	return false, err
}

// birdCheckFailed is the error of a 404 (err) whose check, the read that
// tells a missing participant from a missing conversation, failed with
// checkErr: the check's code (Unavailable, Canceled, DeadlineExceeded,
// ...), with checkErr first in the chain and the 404 after it.
func birdCheckFailed(message string, checkErr, err error) error {
	return &driver.Error{Code: driver.Code(driver.WrapError("bird", checkErr)), Provider: "bird", Message: message,
		Err: fmt.Errorf("%w (after the answer: %w)", checkErr, err)}
}

// conversationNotFound is the NotFound of a conversation Bird does not
// know (err is its 404).
func (p *birdProvider) conversationNotFound(conversationID string, err error) error {
	return &driver.Error{Code: driver.NotFound, Provider: "bird", Field: "conversationID",
		Message: fmt.Sprintf("no conversation %s in workspace %s", pathparam.Quote(conversationID), pathparam.Quote(p.o.WorkspaceID)), Err: err}
}

// Remove ensures the participant pt names is not in the conversation:
// DELETE .../participants/{participantId}, after the lookup of Get unless
// pt names the participant by ParticipantID. 204 is Removed. A 404 (from
// the lookup or the DELETE, such as the retry of a DELETE whose response
// was lost) is AlreadyAbsent when a list of one participant shows that the
// conversation exists, NotFound when it does not. Bird's 403 "Deleting this
// participant is not allowed" is FailedPrecondition.
func (p *birdProvider) Remove(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	const name = "bird"
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, name, "client", "nil *bird.Client")
	}
	ref, err := birdRefOf(&pt)
	if err != nil {
		return nil, err
	}
	var bp *bird.Participant // the participant as looked up, if it was
	if ref.field != "ParticipantID" {
		var absent bool
		bp, absent, err = p.lookup(ctx, conversationID, ref, o)
		switch {
		case absent:
			return driver.NewResult(name, ref.id, "", "", driver.AlreadyAbsent, nil), nil
		case err != nil:
			return nil, err
		}
		ref = &birdRef{id: bp.ID, field: ref.field}
	}
	err = p.c.RemoveParticipant(ctx, p.o.WorkspaceID, conversationID, ref.id, driver.RequestOptions(&o)...)
	res := driver.NewResult(name, ref.id, "", "", driver.Removed, nil)
	if bp != nil {
		res = birdResult(bp, driver.Removed)
	}
	switch {
	case err == nil:
		return res, nil
	case isStatus(err, http.StatusForbidden) && birdRemovalRefused(err):
		return nil, &driver.Error{Code: driver.FailedPrecondition, Provider: name, Message: fmt.Sprintf(
			"Bird does not allow removing participant %s from this conversation (403); this depends on the participant and the conversation, not on the request, so retrying will not help",
			pathparam.Quote(ref.id)), Err: err}
	case !isStatus(err, http.StatusNotFound):
		return nil, driver.WrapFields(name, err, ref.fields())
	}
	exists, checkErr := p.conversationExists(ctx, conversationID, o)
	switch {
	case checkErr != nil:
		return nil, birdCheckFailed("Bird answered 404 to the DELETE, and checking whether the conversation exists failed", checkErr, err)
	case !exists:
		return nil, p.conversationNotFound(conversationID, err)
	}
	res.Outcome = driver.AlreadyAbsent
	return res, nil
}

// birdRemovalRefused reports whether a 403 to a DELETE is Bird's refusal
// of the removal, "Deleting this participant is not allowed", which Bird
// sends without a JSON error body, rather than an access key without the
// permission (a JSON error with a code).
func birdRemovalRefused(err error) bool {
	var api *apierror.Error
	if !errors.As(err, &api) {
		return false
	}
	return api.Code == "" || strings.Contains(strings.ToLower(api.Message), "not allowed")
}

// isStatus reports whether err is a vendor *APIError with the HTTP status.
func isStatus(err error, status int) bool {
	var api *apierror.Error
	return errors.As(err, &api) && api.StatusCode == status
}
