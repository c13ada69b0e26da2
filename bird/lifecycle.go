package bird

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pager"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
)

// maxPages bounds AllParticipants against a server whose nextPageToken
// never ends: the module's one bound, pager.MaxPages (a variable so that a
// test can lower it).
var maxPages = pager.MaxPages

// AllParticipants iterates over every participant of a conversation,
// calling ListParticipants
// (GET /workspaces/{workspaceId}/conversations/{conversationId}/participants)
// once per page, lazily: the next page is fetched only when the loop asks
// for more, and breaking out of the loop stops the fetching. Each page's
// nextPageToken is sent back as pageToken; an absent or empty
// nextPageToken ends the sequence.
//
// params may be nil; its Limit and Reverse apply to every page and its
// PageToken to the first. Iteration stops at the first error, which is
// yielded once with a nil participant: bad params (a *ParamError before any
// request), a page's error, a nextPageToken Bird already returned (a
// loop), or a page 10,000 that still has more (the module's one bound on
// any list, participants.MaxListPages). opts are per-call options given to each page's ListParticipants
// (option.WithResponseInto holds the last page's response).
func (c *Client) AllParticipants(ctx context.Context, workspaceID, conversationID string, params *ListParticipantsParams, opts ...option.Option) iter.Seq2[*Participant, error] {
	return pager.Pages[ListParticipantsParams, Participant]{
		Fetch: func(p ListParticipantsParams) ([]Participant, ListParticipantsParams, bool, error) {
			page, err := c.ListParticipants(ctx, workspaceID, conversationID, &p, opts...)
			if err != nil {
				return nil, p, false, err
			}
			p.PageToken = page.NextPageToken
			return page.Results, p, p.PageToken != "", nil
		},
		Max: maxPages,
		Repeat: func(next ListParticipantsParams) error {
			return fmt.Errorf("%s: ListParticipants: nextPageToken repeats a page already read: %s", Vendor, pathparam.Quote(c.Redact(next.PageToken)))
		},
		TooMany: func(max int) error {
			return fmt.Errorf("%s: ListParticipants: more than %d pages: the list does not end", Vendor, max)
		},
	}.All(params)
}

// ParticipantUpdate is the body of UpdateParticipant and
// UpdateParticipantByIdentifier, Bird's UpdateParticipant schema. Bird
// refuses an update without any property, and so does this package,
// before sending.
type ParticipantUpdate struct {
	// Status is the participant's new status: ParticipantStatusPending,
	// ParticipantStatusInvited or ParticipantStatusActive. Required: the
	// zero value is an empty update.
	Status ParticipantStatus
}

// wire checks u and returns its JSON body, the generated updateParticipant
// model, such as {"status":"invited"}.
func (u ParticipantUpdate) wire() ([]byte, error) {
	if u.Status == "" {
		return nil, &pathparam.Error{Vendor: Vendor, Field: "update", Reason: "empty: Bird needs at least one property (Status)"}
	}
	if !u.Status.Valid() {
		return nil, &pathparam.Error{Vendor: Vendor, Field: "update.Status", Reason: fmt.Sprintf("%s is not pending, invited or active", pathparam.Quote(string(u.Status)))}
	}
	s := updateParticipantStatus(u.Status)
	return json.Marshal(updateParticipant{Status: &s})
}

// The update operations in the messages of *SuccessBodyError.
const (
	opUpdate          = "PATCH /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}"
	opUpdateByIdentif = "PATCH /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}"
)

// The update operations as clientopt.Do runs them: setting a status is
// idempotent, so they are retried like a GET.
var (
	callUpdate          = clientopt.Operation{Vendor: Vendor, Name: opUpdate, Idempotent: true}
	callUpdateByIdentif = clientopt.Operation{Vendor: Vendor, Name: opUpdateByIdentif, Idempotent: true}
)

// UpdateParticipant changes the participant with the given participant ID
// and returns it as Bird answers:
// PATCH /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}.
//
// update must set Status (Bird refuses an empty update); a bad one is a
// *ParamError before any request. A 200 whose body is not a participant
// is a *SuccessBodyError; 404 (unknown conversation or participant), 409
// (a conflicting state) and 422 are *APIErrors. opts are per-call
// options, as for AddParticipant; setting a status is idempotent, so the
// call is retried like a GET.
func (c *Client) UpdateParticipant(ctx context.Context, workspaceID, conversationID, participantID string, update ParticipantUpdate, opts ...option.Option) (*Participant, error) {
	return clientopt.Do(ctx, c.conn, callUpdate, opts, []clientopt.Param{clientopt.UUID("workspaceID", workspaceID), clientopt.UUID("conversationID", conversationID), clientopt.Path("participantID", participantID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			raw, err := update.wire()
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newUpdateParticipantRequestWithBody(ctx, server, workspaceID, conversationID, participantID, "application/json", b)
			})
		}, decodeUpdate)
}

// UpdateParticipantByIdentifier changes the contact participant with the
// given identifier, such as ("emailaddress", "a@b.com"), and returns it as
// Bird answers:
// PATCH /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}.
// Both values are path-escaped into their own segment; update, errors and
// opts are as for UpdateParticipant.
func (c *Client) UpdateParticipantByIdentifier(ctx context.Context, workspaceID, conversationID, identifierKey, identifierValue string, update ParticipantUpdate, opts ...option.Option) (*Participant, error) {
	return clientopt.Do(ctx, c.conn, callUpdateByIdentif, opts,
		[]clientopt.Param{clientopt.UUID("workspaceID", workspaceID), clientopt.UUID("conversationID", conversationID), clientopt.Path("identifierKey", identifierKey), clientopt.Path("identifierValue", identifierValue)},
		func(ctx context.Context, server string) (*http.Request, error) {
			raw, err := update.wire()
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newUpdateParticipantByIdentifierRequestWithBody(ctx, server, workspaceID, conversationID, identifierKey, identifierValue, "application/json", b)
			})
		}, decodeUpdateByIdentif)
}

// removed reports whether a DELETE status proves the removal: Bird
// answers 204; 200 is taken as well. Other 2xx (202 Accepted, ...) do not
// say the participant is gone.
func removed(status int) bool {
	return status == http.StatusNoContent || status == http.StatusOK
}
