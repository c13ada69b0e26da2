package sunshine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pager"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
)

// Vendor is the name this package uses in errors: "sunshine".
const Vendor = "sunshine"

// The documented hosts of legacy Sunshine Conversations accounts. Accounts
// licensed through Zendesk use ZendeskURL(subdomain) instead.
const (
	// USBaseURL is the legacy US host.
	USBaseURL = "https://api.smooch.io"
	// EUBaseURL is the legacy EU host.
	EUBaseURL = "https://api.eu-1.smooch.io"
)

// CursorLen is the length of a page cursor (a record ID), in characters.
const CursorLen = 24

// MaxPageSize is the largest page size ListParticipants accepts.
const MaxPageSize = 100

// keyPrefixes are the documented key ID prefixes: app, account,
// service-account and custom-integration keys.
var keyPrefixes = []string{"app_", "act_", "svc_", "int_"}

// isSubdomain reports whether s is a Zendesk subdomain: one DNS label in
// lower case, 1 to 63 letters, digits and inner hyphens.
func isSubdomain(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ZendeskURL returns the base URL of a Zendesk-licensed account,
// "https://<subdomain>.zendesk.com/sc". subdomain is one DNS label in lower
// case ("acme" for acme.zendesk.com); anything else, a dot or a scheme
// included, is a *ParamError.
func ZendeskURL(subdomain string) (string, error) {
	if !isSubdomain(subdomain) {
		return "", &pathparam.Error{Vendor: Vendor, Field: "subdomain", Reason: pathparam.Quote(subdomain) + " is not a Zendesk subdomain (lower-case letters, digits and inner hyphens, at most 63)"}
	}
	return "https://" + subdomain + ".zendesk.com/sc", nil
}

// Client calls Sunshine Conversations v2 participant, user and conversation
// operations. It is safe for concurrent use.
type Client struct {
	server string            // the base URL, as the generated request builders take it
	tc     *transport.Client // sends every request
	conn   clientopt.Conn    // runs every operation (clientopt.Do)
	// redact removes the credentials from a vendor-supplied string.
	redact func(string) string
	// base is the base URL, for checking links to next pages.
	base string
}

// New returns a Client that authenticates with HTTP basic auth: the API key
// ID (app_, act_, svc_ or int_ followed by the key) as user name and its
// secret as password, sent with "Accept: application/json" and the
// conversekit User-Agent on every request.
//
// The base URL has no default, because the right host depends on the
// account: pass option.WithBaseURL(sunshine.USBaseURL), EUBaseURL, or the
// URL ZendeskURL returns. Options are applied in order and the first error
// is returned; every error is a *ParamError naming the argument.
func New(keyID, secret string, opts ...option.Option) (*Client, error) {
	if err := clientopt.CheckCredential(Vendor, "keyID", keyID); err != nil {
		return nil, err
	}
	if !validKeyID(keyID) {
		return nil, &pathparam.Error{Vendor: Vendor, Field: "keyID", Reason: "not an API key ID (app_, act_, svc_ or int_ followed by the key)"}
	}
	if err := clientopt.CheckCredential(Vendor, "secret", secret); err != nil {
		return nil, err
	}
	s, err := clientopt.Resolve(Vendor, "", opts)
	if err != nil {
		return nil, err
	}
	if s.BaseURL == "" {
		return nil, &pathparam.Error{Vendor: Vendor, Field: "option.WithBaseURL", Reason: "required: sunshine.USBaseURL, sunshine.EUBaseURL or sunshine.ZendeskURL(subdomain)"}
	}
	if err := clientopt.CheckAPIPrefix(Vendor, s.BaseURL, apiPaths...); err != nil {
		return nil, err
	}
	basic := base64.StdEncoding.EncodeToString([]byte(keyID + ":" + secret))
	header := http.Header{}
	header.Set("Authorization", "Basic "+basic)
	header.Set("Accept", "application/json")
	redaction := transport.Redaction{Secrets: []string{secret, basic}}
	tc := s.Transport(Vendor, header, decodeError, redaction)
	gen, err := newRawClient(s.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	return &Client{server: gen.Server, tc: tc, conn: clientopt.NewConn(Vendor, gen.Server, tc), redact: redaction.Scrubber(), base: s.BaseURL}, nil
}

// Redact returns s with the client's credentials replaced by
// "[redacted]", in every form its APIErrors are cleaned of (as they are,
// URL- and JSON-escaped): for quoting a vendor-supplied string, which may
// echo a credential, in a message of your own. The client's own messages
// already do.
func (c *Client) Redact(s string) string {
	if c.redact == nil {
		return s
	}
	return c.redact(s)
}

func validKeyID(id string) bool {
	for _, p := range keyPrefixes {
		if len(id) > len(p) && strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// The operations, as named in the messages of *SuccessBodyError.
const (
	opJoin       = "POST /v2/apps/{appId}/conversations/{conversationId}/join"
	opLeave      = "POST /v2/apps/{appId}/conversations/{conversationId}/leave"
	opList       = "GET /v2/apps/{appId}/conversations/{conversationId}/participants"
	opCreateUser = "POST /v2/apps/{appId}/users"
	opCreateConv = "POST /v2/apps/{appId}/conversations"
	opGetConv    = "GET /v2/apps/{appId}/conversations/{conversationId}"
)

// JoinConversation adds a user to an sdkGroup conversation:
// POST /v2/apps/{appId}/conversations/{conversationId}/join.
//
// body must come from JoinByUserID or JoinByExternalID. Sunshine answers
// 201 with the participant; 404 conversation_not_found for a missing
// conversation (404 with another code for an unknown user) and 400
// bad_request "Too many participants" for a full conversation, each an
// *APIError. Joining a user who is already a participant, or a personal
// conversation, is undocumented.
//
// opts are per-call options (option.WithHeader, option.WithMaxRetries,
// option.WithAttemptTimeout, option.WithIdempotent,
// option.WithResponseInto). The POST is not retried on 5xx or after a
// connection reset unless called with option.WithIdempotent(): only 429s
// and dial errors are.
func (c *Client) JoinConversation(ctx context.Context, appID, conversationID string, body JoinBody, opts ...option.Option) (*Participant, error) {
	return clientopt.Do(ctx, c.conn, callJoin, opts, []clientopt.Param{clientopt.Path("appID", appID), clientopt.Path("conversationID", conversationID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			raw, err := body.wire()
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newJoinConversationRequestWithBody(ctx, server, appID, conversationID, "application/json", b)
			})
		}, decodeJoin)
}

// LeaveConversation removes a participant from a conversation:
// POST /v2/apps/{appId}/conversations/{conversationId}/leave.
//
// body must come from LeaveByUserID, LeaveByExternalID or
// LeaveByParticipantID. Sunshine answers 200 with an empty object (any
// other 2xx body that is not a JSON object is a *SuccessBodyError); 404
// not_found "User is not a member of the conversation" when the user is not
// a participant; 404 conversation_not_found for a missing conversation.
//
// Leaving is safe to repeat (a second leave is a 404), so the call is
// marked idempotent and retried on 5xx and lost responses. opts are
// per-call options, as for JoinConversation.
func (c *Client) LeaveConversation(ctx context.Context, appID, conversationID string, body LeaveBody, opts ...option.Option) error {
	_, err := clientopt.Do(ctx, c.conn, callLeave, opts, []clientopt.Param{clientopt.Path("appID", appID), clientopt.Path("conversationID", conversationID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			raw, err := body.wire()
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newLeaveConversationRequestWithBody(ctx, server, appID, conversationID, "application/json", b)
			})
		}, decodeLeave)
	return err
}

// ListParticipantsParams are the query parameters of ListParticipants. Zero
// values are not sent.
type ListParticipantsParams struct {
	// After is page[after]: a cursor (meta.afterCursor of the page before,
	// or the page[after] of its links.next: see NextCursor), CursorLen
	// characters. Only records after it are listed.
	After string
	// Before is page[before]: a cursor (meta.beforeCursor), CursorLen
	// characters. Only one of After and Before may be set.
	Before string
	// Size is page[size], 1..MaxPageSize; 0 means Sunshine's default (25).
	Size int
}

// generated checks p and converts it to the generated query parameters.
func (p *ListParticipantsParams) generated() (*listParticipantsParams, error) {
	if p == nil {
		return nil, nil
	}
	var q pageQuery
	if p.Size != 0 {
		if p.Size < 1 || p.Size > MaxPageSize {
			return nil, &pathparam.Error{Vendor: Vendor, Field: "params.Size", Reason: fmt.Sprintf("%d is outside 1..%d", p.Size, MaxPageSize)}
		}
		q.Size = &p.Size
	}
	if p.After != "" && p.Before != "" {
		return nil, &pathparam.Error{Vendor: Vendor, Field: "params.Before", Reason: "set together with After: send only one"}
	}
	for _, c := range []struct {
		field string
		v     string
		dst   **string
	}{{"params.After", p.After, &q.After}, {"params.Before", p.Before, &q.Before}} {
		if c.v == "" {
			continue
		}
		if err := pathparam.CheckText(Vendor, c.field, c.v, CursorLen); err != nil {
			return nil, err
		}
		if n := utf8.RuneCountInString(c.v); n != CursorLen {
			return nil, &pathparam.Error{Vendor: Vendor, Field: c.field, Reason: fmt.Sprintf("%d characters, a cursor has %d", n, CursorLen)}
		}
		*c.dst = &c.v
	}
	return &listParticipantsParams{PageParam: &q}, nil
}

// ListParticipants returns one page of a conversation's participants:
// GET /v2/apps/{appId}/conversations/{conversationId}/participants.
//
// params may be nil; a bad one is a *ParamError before any request. Pass
// the cursor NextCursor returns as After for the next page (Meta.AfterCursor
// while Meta.HasMore, else the page[after] of Links.Next). A 2xx body without a participants array is a
// *SuccessBodyError. opts are per-call options, as for JoinConversation;
// the call is idempotent.
func (c *Client) ListParticipants(ctx context.Context, appID, conversationID string, params *ListParticipantsParams, opts ...option.Option) (*ParticipantList, error) {
	return clientopt.Do(ctx, c.conn, callList, opts, []clientopt.Param{clientopt.Path("appID", appID), clientopt.Path("conversationID", conversationID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			g, err := params.generated()
			if err != nil {
				return nil, err
			}
			return newListParticipantsRequest(ctx, server, appID, conversationID, g)
		}, decodeList)
}

// MaxPages bounds AllParticipants against a server whose cursors never end:
// it is the module's one bound on any list (participants.MaxListPages).
const MaxPages = pager.MaxPages

// AllParticipants iterates over the participants of a conversation, calling
// ListParticipants once per page and following each page's next cursor
// (see NextCursor; a Before in params applies to the first page only).
// params may be nil. Iteration stops at the first error, which is yielded
// with a nil participant: a page whose next page cannot be named, or a
// cursor that repeats one already followed, is an error too. opts are
// per-call options given to each page's request.
func (c *Client) AllParticipants(ctx context.Context, appID, conversationID string, params *ListParticipantsParams, opts ...option.Option) iter.Seq2[*Participant, error] {
	return pager.Pages[ListParticipantsParams, Participant]{
		Fetch: func(p ListParticipantsParams) ([]Participant, ListParticipantsParams, bool, error) {
			page, err := c.ListParticipants(ctx, appID, conversationID, &p, opts...)
			if err != nil {
				return nil, p, false, err
			}
			next, err := c.NextCursor(appID, conversationID, page)
			return page.Participants, ListParticipantsParams{After: next, Size: p.Size}, next != "", err
		},
		Max: MaxPages,
		Repeat: func(next ListParticipantsParams) error {
			return fmt.Errorf("%s: %s: the next page's cursor %s repeats a page already read", Vendor, opList, pathparam.Quote(c.Redact(next.After)))
		},
		TooMany: func(max int) error {
			return fmt.Errorf("%s: %s: more than %d pages: the list does not end", Vendor, opList, max)
		},
	}.All(params)
}

// NextCursor returns the cursor of the page after l, a page of
// ListParticipants(appID, conversationID): "" on the last page (no
// meta.hasMore and no links.next); else meta.afterCursor, or, when Sunshine
// gives only links.next, that link's page[after]. The link must be a full
// URL of this client's host and of the list's own path (an https base URL
// takes only an https link), and carry one non-empty page[after]: anything
// else is an error naming the link (credentials removed), and so is a page
// that has more but names no next page. The cursor is sent back as
// page[after]; nothing else of the link is followed.
func (c *Client) NextCursor(appID, conversationID string, l *ParticipantList) (string, error) {
	var next string
	if l.Links != nil {
		next = l.Links.Next
	}
	hasMore := l.Meta != nil && l.Meta.HasMore
	switch {
	case !hasMore && next == "":
		return "", nil
	case l.Meta != nil && l.Meta.AfterCursor != "":
		return l.Meta.AfterCursor, nil
	case next == "":
		return "", fmt.Errorf("%s: %s: meta.hasMore without meta.afterCursor or links.next", Vendor, opList)
	}
	after, reason := c.linkCursor(appID, conversationID, next)
	if reason != "" {
		return "", fmt.Errorf("%s: %s: links.next %s is not followed: %s", Vendor, opList, pathparam.Quote(c.Redact(next)), reason)
	}
	return after, nil
}

// linkCursor returns the page[after] of link, a links.next, or why it is
// refused: not the list of appID's conversationID on the client's base
// URL, or no single non-empty page[after].
func (c *Client) linkCursor(appID, conversationID, link string) (after, reason string) {
	base, err := url.Parse(c.base)
	if err != nil || c.base == "" {
		return "", "the client has no base URL to check it against"
	}
	u, err := url.Parse(link)
	switch {
	case err != nil:
		return "", "not a URL"
	case !u.IsAbs() || u.Opaque != "":
		return "", "not a full URL"
	case u.User != nil:
		return "", "it carries user information"
	case !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host):
		return "", "not on the API's host " + pathparam.Quote(base.Scheme+"://"+base.Host)
	}
	want := strings.TrimSuffix(base.Path, "/") + "/v2/apps/" + appID + "/conversations/" + conversationID + "/participants"
	if u.Path != want || strings.Contains(u.RawPath, "%2F") || strings.Contains(u.RawPath, "%2f") {
		return "", "not the path of the conversation's participant list"
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", "its query does not parse"
	}
	vs := q["page[after]"]
	if len(vs) != 1 || vs[0] == "" {
		return "", "no single page[after] in its query"
	}
	return vs[0], ""
}

// CreateUserParams are the fields of CreateUser. Zero values are not sent.
type CreateUserParams struct {
	// ExternalID is your own ID of the user, unique in the app, 1..1024
	// characters.
	ExternalID string
	// Profile is sent as it is when set.
	Profile *UserProfile
}

// CreateUser creates a user of the app: POST /v2/apps/{appId}/users.
// Sunshine answers 201 with the user; 409 conflict "User already exists"
// when the externalId is taken. opts are per-call options, as for
// JoinConversation; the POST is not retried on 5xx unless called with
// option.WithIdempotent().
func (c *Client) CreateUser(ctx context.Context, appID string, p CreateUserParams, opts ...option.Option) (*User, error) {
	return clientopt.Do(ctx, c.conn, callCreateUser, opts, []clientopt.Param{clientopt.Path("appID", appID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			body := userCreateBody{Profile: p.Profile}
			if p.ExternalID != "" {
				if err := checkID("ExternalID", p.ExternalID); err != nil {
					return nil, err
				}
				body.ExternalId = &p.ExternalID
			}
			raw, err := json.Marshal(body)
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newCreateUserRequestWithBody(ctx, server, appID, "application/json", b)
			})
		}, decodeUser)
}

// CreateConversationParams are the fields of CreateConversation. Empty
// strings are not sent.
type CreateConversationParams struct {
	// Type is ConversationTypeSdkGroup (the only type JoinConversation can
	// add users to) or ConversationTypePersonal. Required.
	Type ConversationType
	// DisplayName is the conversation's name.
	DisplayName string
	// Description is the conversation's description.
	Description string
}

// CreateConversation creates a conversation:
// POST /v2/apps/{appId}/conversations. Sunshine answers 201 with the
// conversation; 404 app_not_found for an unknown app. opts are per-call
// options, as for JoinConversation; the POST is not retried on 5xx unless
// called with option.WithIdempotent().
func (c *Client) CreateConversation(ctx context.Context, appID string, p CreateConversationParams, opts ...option.Option) (*Conversation, error) {
	return clientopt.Do(ctx, c.conn, callCreateConv, opts, []clientopt.Param{clientopt.Path("appID", appID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			if !p.Type.Valid() {
				return nil, &pathparam.Error{Vendor: Vendor, Field: "Type", Reason: pathparam.Quote(string(p.Type)) + " is not personal or sdkGroup"}
			}
			body := conversationCreateBody{Type: p.Type}
			if p.DisplayName != "" {
				body.DisplayName = &p.DisplayName
			}
			if p.Description != "" {
				body.Description = &p.Description
			}
			raw, err := json.Marshal(body)
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newCreateConversationRequestWithBody(ctx, server, appID, "application/json", b)
			})
		}, decodeCreateConv)
}

// GetConversation returns a conversation:
// GET /v2/apps/{appId}/conversations/{conversationId}; 404
// conversation_not_found when it does not exist. opts are per-call options,
// as for JoinConversation; the call is idempotent.
func (c *Client) GetConversation(ctx context.Context, appID, conversationID string, opts ...option.Option) (*Conversation, error) {
	return clientopt.Do(ctx, c.conn, callGetConv, opts, []clientopt.Param{clientopt.Path("appID", appID), clientopt.Path("conversationID", conversationID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			return newGetConversationRequest(ctx, server, appID, conversationID)
		}, decodeGetConv)
}

// The operations as clientopt.Do runs them: the POSTs that create are
// retried only with option.WithIdempotent(); a leave is safe to repeat (a
// second one is a 404).
var (
	callJoin       = clientopt.Operation{Vendor: Vendor, Name: opJoin}
	callLeave      = clientopt.Operation{Vendor: Vendor, Name: opLeave, Idempotent: true}
	callList       = clientopt.Operation{Vendor: Vendor, Name: opList, Idempotent: true}
	callCreateUser = clientopt.Operation{Vendor: Vendor, Name: opCreateUser}
	callCreateConv = clientopt.Operation{Vendor: Vendor, Name: opCreateConv}
	callGetConv    = clientopt.Operation{Vendor: Vendor, Name: opGetConv, Idempotent: true}
)

// The decode steps: a 2xx proves only what its body proves.
var (
	decodeParticipant = clientopt.Decode(callJoin, "a participant (participant.id)",
		func(r *participantResponse) bool { return r.Participant != nil && r.Participant.ID != "" })
	decodeLeave = clientopt.Decode(callLeave, "a JSON object",
		func(*map[string]json.RawMessage) bool { return true })
	decodeList = clientopt.Decode(callList, "a participants array",
		func(l *ParticipantList) bool { return l.Participants != nil })
	decodeUserResponse = clientopt.Decode(callCreateUser, "a user (user.id)",
		func(r *userResponse) bool { return r.User != nil && r.User.ID != "" })
	decodeCreateConv = conversation(callCreateConv)
	decodeGetConv    = conversation(callGetConv)
)

// decodeJoin returns the participant of a join's answer.
func decodeJoin(resp *http.Response, body []byte) (*Participant, error) {
	r, err := decodeParticipant(resp, body)
	if err != nil {
		return nil, err
	}
	return r.Participant, nil
}

// decodeUser returns the user of CreateUser's answer.
func decodeUser(resp *http.Response, body []byte) (*User, error) {
	r, err := decodeUserResponse(resp, body)
	if err != nil {
		return nil, err
	}
	return r.User, nil
}

// conversation is the decode step of an operation answering with a
// conversation, which must carry its ID.
func conversation(op clientopt.Operation) func(*http.Response, []byte) (*Conversation, error) {
	decode := clientopt.Decode(op, "a conversation (conversation.id)",
		func(r *conversationResponse) bool { return r.Conversation != nil && r.Conversation.ID != "" })
	return func(resp *http.Response, body []byte) (*Conversation, error) {
		r, err := decode(resp, body)
		if err != nil {
			return nil, err
		}
		return r.Conversation, nil
	}
}

// apiPaths are the leading literal segments of the API's operation paths
// (specs/sunshine.yaml): option.WithBaseURL must not end with them, or they would
// be doubled (clientopt.CheckAPIPrefix).
var apiPaths = []string{"/v2/apps"}
