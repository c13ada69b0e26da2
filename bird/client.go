// Package bird is a client for the participants of a conversation in Bird's
// Conversations API (https://api.bird.com), generated from specs/bird.yaml
// with a small hand-written layer on top.
//
//	c, err := bird.New(accessKey)
//	res, err := c.AddParticipant(ctx, workspaceID, conversationID,
//		bird.ContactByIdentifier("emailaddress", "john.doe@bird.com"))
//	if err == nil && !res.Created {
//		// the contact was already a participant (Bird answered 200, not 201)
//	}
//
// Every call takes a context first, checks its path parameters and body
// before any request is sent, and returns the decoded 2xx body.
//
// # Errors
//
// Arguments that would change the request path or cannot be sent (an empty
// ID, ".", "..", a control character, a workspace or conversation ID that is
// not a UUID, an unset or invalid body) are refused before any request with
// an error that names the field and "bird". Every non-2xx response is an
// *APIError (use errors.As) with the HTTP status, Bird's code ("ResourceNotFound",
// "InvalidPayload", ...), message, free-form details, the request ID when a
// request-ID header is present, Retry-After and the raw body. Error() never
// contains the access key. Context errors are returned as they are.
//
// A 2xx proves only what its body proves: when AddParticipant,
// GetParticipant or GetParticipantByIdentifier get a 2xx whose body is not a
// participant with a non-empty id ({}, {"status":"ok"}, null, an array, a
// participant list), they return a *SuccessBodyError, never a success.
//
// # Retries
//
// Retries happen in one place, below this package: a 429 is always retried
// (Bird did not process it), honouring Retry-After; GET and DELETE calls are
// also retried on 408, 5xx and transport errors; AddParticipant (a POST) is
// not, so a 503 is returned after one attempt. When Retry-After would pass the
// context deadline the call returns at once with a rate-limited *APIError.
// The option package sets the retry count, waits and timeouts.
//
// # Generated code
//
// The types Participant, ParticipantList, ParticipantStatus, ParticipantType,
// ListParticipantsParams and the raw ClientWithResponses come from
// bird.gen.go. Build request bodies only with UserParticipant,
// FlowParticipant, ContactByID and ContactByIdentifier: the generated
// CreateParticipant union and its From*/As*/Merge* methods check nothing
// (an unset union is sent as null). Client.Generated reaches the generated
// client for anything this layer does not cover.
package bird

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
)

// Vendor is the name this package uses in errors: "bird".
const Vendor = "bird"

// DefaultBaseURL is Bird's production API host.
const DefaultBaseURL = "https://api.bird.com"

// MaxPageTokenLen is the longest pageToken Bird accepts, in characters;
// ListParticipants refuses a longer one before sending.
const MaxPageTokenLen = 8000

// Client calls Bird's conversation participant operations. It is safe for
// concurrent use.
type Client struct {
	gen *rawClient
}

// New returns a Client that authenticates with the workspace access key,
// sent as "Authorization: AccessKey <key>" on every request, together with
// "Accept: application/json" and the conversekit User-Agent.
//
// The key must not be empty, all whitespace, padded with whitespace, or
// contain control characters. Options are applied in order and the first
// error is returned; the base URL defaults to DefaultBaseURL.
func New(accessKey string, opts ...option.Option) (*Client, error) {
	if err := clientopt.CheckCredential(Vendor, "accessKey", accessKey); err != nil {
		return nil, err
	}
	s, err := clientopt.Resolve(Vendor, DefaultBaseURL, opts)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	header.Set("Authorization", "AccessKey "+accessKey)
	header.Set("Accept", "application/json")
	tc := s.Transport(Vendor, header, decodeError, transport.Redaction{Secrets: []string{accessKey}})
	gen, err := newRawClient(s.BaseURL, withHTTPClient(tc))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	return &Client{gen: gen}, nil
}

// AddResult is the outcome of AddParticipant.
type AddResult struct {
	// Participant is the participant as Bird returned it.
	Participant Participant
	// Created is true when Bird added the participant (201) and false when
	// it was already in the conversation (200).
	Created bool
	// StatusCode is the HTTP status Bird answered with: 200 or 201.
	StatusCode int
}

// AddParticipant ensures the conversation has the participant:
// POST /workspaces/{workspaceId}/conversations/{conversationId}/participants.
//
// workspaceID and conversationID must be UUIDs; body must come from
// UserParticipant, FlowParticipant, ContactByID or ContactByIdentifier. The
// result's Created tells a new participant (201) from one already present
// (200). The call is not marked idempotent, so only 429s and dial errors are
// retried.
func (c *Client) AddParticipant(ctx context.Context, workspaceID, conversationID string, body CreateParticipantBody) (*AddResult, error) {
	if err := checkConversation(workspaceID, conversationID); err != nil {
		return nil, err
	}
	raw, err := body.wire()
	if err != nil {
		return nil, err
	}
	// The raw generated method with our own bytes: the generated union
	// cannot hold the seed's key order, and the body is already checked.
	resp, err := c.gen.AddParticipantWithBody(ctx, workspaceID, conversationID, "application/json", bytes.NewReader(raw))
	if err != nil {
		return nil, wrap("AddParticipant", err)
	}
	respBody, err := readBody(resp)
	if err != nil {
		return nil, wrap("AddParticipant", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return nil, unexpected("AddParticipant", resp)
	}
	p, err := participant(opAdd, resp.StatusCode, respBody)
	if err != nil {
		return nil, err
	}
	return &AddResult{Participant: *p, Created: resp.StatusCode == http.StatusCreated, StatusCode: resp.StatusCode}, nil
}

// The operations in the messages of *SuccessBodyError.
const (
	opAdd          = "POST /workspaces/{workspaceId}/conversations/{conversationId}/participants"
	opGet          = "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}"
	opGetByIdentif = "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}"
)

// participant decodes a 2xx participant body. A 2xx proves only what its
// body proves: a body without a participant ID ({}, {"status":"ok"}, null,
// an array, a participant list) is a *SuccessBodyError, not a success.
func participant(op string, status int, body []byte) (*Participant, error) {
	return apierror.DecodeSuccess(Vendor, op, status, body, "a participant ID",
		func(p *Participant) bool { return p.ID != "" })
}

// participant200 reads a GET response that must be 200 with a participant.
func participant200(name, op string, resp *http.Response) (*Participant, error) {
	body, err := readBody(resp)
	if err != nil {
		return nil, wrap(name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected(name, resp)
	}
	return participant(op, resp.StatusCode, body)
}

// readBody reads and closes a response body, sized by Content-Length when
// it is known.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if n := resp.ContentLength; n >= 0 && n <= 1<<20 {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return io.ReadAll(resp.Body)
}

// ListParticipantsParams are the query parameters of ListParticipants. Zero
// values are not sent.
type ListParticipantsParams struct {
	// Limit is the query parameter limit, the page size: 1..100; 0 means
	// Bird's default (10).
	Limit int
	// PageToken is the query parameter pageToken: the NextPageToken of the
	// previous page, at most MaxPageTokenLen characters.
	PageToken string
	// Reverse is the query parameter reverse: true lists in reverse order.
	Reverse bool
}

// generated checks p and converts it to the generated query parameters.
func (p *ListParticipantsParams) generated() (*listParticipantsParams, error) {
	if p == nil {
		return nil, nil
	}
	var g listParticipantsParams
	if p.Limit != 0 {
		if p.Limit < 1 || p.Limit > 100 {
			return nil, &pathparam.Error{Vendor: Vendor, Field: "limit", Reason: fmt.Sprintf("%d is outside 1..100", p.Limit)}
		}
		g.Limit = &p.Limit
	}
	if p.PageToken != "" {
		if n := utf8.RuneCountInString(p.PageToken); n > MaxPageTokenLen {
			return nil, &pathparam.Error{Vendor: Vendor, Field: "pageToken", Reason: fmt.Sprintf("%d characters, longer than %d", n, MaxPageTokenLen)}
		}
		g.PageToken = &p.PageToken
	}
	if p.Reverse {
		g.Reverse = &p.Reverse
	}
	return &g, nil
}

// ListParticipants returns one page of the conversation's participants:
// GET /workspaces/{workspaceId}/conversations/{conversationId}/participants.
//
// params may be nil; Limit must be within 1..100 when set (Bird's default is
// 10) and PageToken at most MaxPageTokenLen characters; a bad one is a
// *ParamError before any request. Pass the returned
// NextPageToken as PageToken for the next page. Total and TotalType are
// returned as Bird sends them (Bird does not document TotalType's values).
func (c *Client) ListParticipants(ctx context.Context, workspaceID, conversationID string, params *ListParticipantsParams) (*ParticipantList, error) {
	if err := checkConversation(workspaceID, conversationID); err != nil {
		return nil, err
	}
	g, err := params.generated()
	if err != nil {
		return nil, err
	}
	resp, err := c.gen.ListParticipants(transport.WithIdempotent(ctx), workspaceID, conversationID, g)
	if err != nil {
		return nil, wrap("ListParticipants", err)
	}
	body, err := readBody(resp)
	if err != nil {
		return nil, wrap("ListParticipants", err)
	}
	return ok200[ParticipantList]("ListParticipants", resp, body)
}

// GetParticipant returns one participant of the conversation:
// GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}.
func (c *Client) GetParticipant(ctx context.Context, workspaceID, conversationID, participantID string) (*Participant, error) {
	if err := checkConversation(workspaceID, conversationID); err != nil {
		return nil, err
	}
	if err := pathparam.Check(Vendor, "participantId", participantID); err != nil {
		return nil, err
	}
	// The raw method: the typed parser would fail on a 2xx array body before
	// the participant check.
	resp, err := c.gen.GetParticipant(transport.WithIdempotent(ctx), workspaceID, conversationID, participantID)
	if err != nil {
		return nil, wrap("GetParticipant", err)
	}
	return participant200("GetParticipant", opGet, resp)
}

// GetParticipantByIdentifier returns the contact participant with the given
// identifier, such as ("emailaddress", "a@b.com") or ("phonenumber",
// "+31612345678"):
// GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}.
// Both values are path-escaped into their own segment.
func (c *Client) GetParticipantByIdentifier(ctx context.Context, workspaceID, conversationID, identifierKey, identifierValue string) (*Participant, error) {
	if err := checkConversation(workspaceID, conversationID); err != nil {
		return nil, err
	}
	if err := pathparam.Check(Vendor, "identifierKey", identifierKey); err != nil {
		return nil, err
	}
	if err := pathparam.Check(Vendor, "identifierValue", identifierValue); err != nil {
		return nil, err
	}
	resp, err := c.gen.GetParticipantByIdentifier(transport.WithIdempotent(ctx), workspaceID, conversationID, identifierKey, identifierValue)
	if err != nil {
		return nil, wrap("GetParticipantByIdentifier", err)
	}
	return participant200("GetParticipantByIdentifier", opGetByIdentif, resp)
}

// RemoveParticipant removes the participant from the conversation:
// DELETE /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}.
// Bird answers 204; 403 means removal is not allowed (Bird sends it as plain
// text, which becomes the *APIError's Message), 404 that the participant or
// conversation is unknown.
func (c *Client) RemoveParticipant(ctx context.Context, workspaceID, conversationID, participantID string) error {
	if err := checkConversation(workspaceID, conversationID); err != nil {
		return err
	}
	if err := pathparam.Check(Vendor, "participantId", participantID); err != nil {
		return err
	}
	resp, err := c.gen.RemoveParticipant(transport.WithIdempotent(ctx), workspaceID, conversationID, participantID)
	if err != nil {
		return wrap("RemoveParticipant", err)
	}
	// The 204 body is empty; read it all so the connection can be reused.
	if _, err := readBody(resp); err != nil {
		return wrap("RemoveParticipant", err)
	}
	return nil
}

func checkConversation(workspaceID, conversationID string) error {
	if err := pathparam.CheckUUID(Vendor, "workspaceId", workspaceID); err != nil {
		return err
	}
	return pathparam.CheckUUID(Vendor, "conversationId", conversationID)
}

// wrap returns API errors, context errors and errors that already name the
// vendor as they are, and prefixes the rest (body decoding errors).
func wrap(op string, err error) error {
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.HasPrefix(err.Error(), Vendor+": ") {
		return err
	}
	return fmt.Errorf("%s: %s: %w", Vendor, op, err)
}

// unexpected is the error for a 2xx status the operation does not document.
func unexpected(op string, r *http.Response) error {
	code := 0
	if r != nil {
		code = r.StatusCode
	}
	return fmt.Errorf("%s: %s: unexpected HTTP status %d", Vendor, op, code)
}

// ok200 decodes the body of a 200 response, whatever its Content-Type. Any
// other status is an error.
func ok200[T any](op string, resp *http.Response, body []byte) (*T, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected(op, resp)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("%s: %s: empty response body", Vendor, op)
	}
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("%s: %s: decode response: %w", Vendor, op, err)
	}
	return v, nil
}
