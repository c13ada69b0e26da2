package twilio

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pager"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
)

// vendor names Twilio in errors.
const vendor = "twilio"

// DefaultBaseURL is the production host of the Twilio Conversations API.
const DefaultBaseURL = "https://conversations.twilio.com"

// Client calls the Twilio Conversations participant operations. It is safe
// for concurrent use. A Client from New or NewWithAPIKey reaches the
// conversations of the account's default Conversation Service through the
// /v1/Conversations/... paths; Service returns a view of it that reaches
// another Conversation Service through the /v1/Services/{ChatServiceSid}/...
// paths.
type Client struct {
	server string            // the base URL, as the generated request builders take it
	tc     *transport.Client // sends every request
	conn   clientopt.Conn    // runs every operation (clientopt.Do)
	// scrub removes the credential from a text (Redact).
	scrub func(string) string
	// service is the ChatServiceSid of a Service view, "" for the plain
	// paths.
	service string
}

// New returns a Client that authenticates with HTTP Basic auth: accountSID
// (AC followed by 32 hex digits) as user and authToken as password. Twilio
// recommends this for local testing and API keys (NewWithAPIKey) in
// production. Options are applied in order; the first option error is
// returned. The base URL defaults to DefaultBaseURL.
func New(accountSID, authToken string, opts ...option.Option) (*Client, error) {
	if err := clientopt.CheckCredential(vendor, "accountSID", accountSID); err != nil {
		return nil, err
	}
	if !pathparam.IsSID("AC", accountSID) {
		return nil, &pathparam.Error{Vendor: vendor, Field: "accountSID", Reason: "not an account SID (AC followed by 32 hex digits)"}
	}
	if err := clientopt.CheckCredential(vendor, "authToken", authToken); err != nil {
		return nil, err
	}
	return newClient(accountSID, authToken, opts)
}

// NewWithAPIKey returns a Client that authenticates with an API key, the
// way Twilio tells production users to authenticate: HTTP Basic auth with
// apiKeySID (SK followed by 32 hex digits) as user and apiKeySecret as
// password. Use a Main or Standard key: Twilio's Restricted keys do not
// list Conversations. No account SID is needed: no Conversations v1 path
// names the account, and responses carry it (Participant.AccountSID).
// The secret is hidden like an auth token: never in an error, a debug
// record or a log line. Options are as for New.
//
// It is a constructor of its own, not an option of New, because the
// credentials are required and positional (New's accountSID and authToken
// would otherwise be required yet unused), and a Client has exactly one
// pair.
func NewWithAPIKey(apiKeySID, apiKeySecret string, opts ...option.Option) (*Client, error) {
	if err := clientopt.CheckCredential(vendor, "apiKeySID", apiKeySID); err != nil {
		return nil, err
	}
	if !pathparam.IsSID("SK", apiKeySID) {
		return nil, &pathparam.Error{Vendor: vendor, Field: "apiKeySID", Reason: "not an API key SID (SK followed by 32 hex digits)"}
	}
	if err := clientopt.CheckCredential(vendor, "apiKeySecret", apiKeySecret); err != nil {
		return nil, err
	}
	return newClient(apiKeySID, apiKeySecret, opts)
}

// newClient builds a Client with HTTP Basic auth user:secret; both are
// checked by the caller.
func newClient(user, secret string, opts []option.Option) (*Client, error) {
	s, err := clientopt.Resolve(vendor, DefaultBaseURL, opts)
	if err != nil {
		return nil, err
	}
	if err := clientopt.CheckAPIPrefix(vendor, s.BaseURL, apiPaths...); err != nil {
		return nil, err
	}

	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
	header := http.Header{}
	header.Set("Authorization", "Basic "+basic)
	header.Set("Accept", "application/json")
	// Attributes is the one value Twilio marks as sensitive: hidden in debug
	// records, in the request form and in response JSON alike.
	redaction := transport.Redaction{
		Secrets:  []string{secret, basic},
		FormKeys: []string{"Attributes"},
		JSONKeys: []string{"attributes"},
	}
	tc := s.Transport(vendor, header, decodeError, redaction)

	gen, err := newRawClient(s.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", vendor, err)
	}
	return &Client{server: gen.Server, tc: tc, conn: clientopt.NewConn(vendor, gen.Server, tc), scrub: redaction.Scrubber()}, nil
}

// Redact returns s with the client's credential (the auth token or API key
// secret, and the Basic credentials made of it, in every escaped form)
// replaced by "[redacted]", as it is in every *APIError. Use it on what
// Twilio sent before quoting it in a message or a log: a vendor or proxy
// that echoes the credential it received may have put it anywhere.
func (c *Client) Redact(s string) string {
	if c == nil || c.scrub == nil {
		return s
	}
	return c.scrub(s)
}

// redactedError is an error of the client whose message quoted the
// client's credential: Error() is the message with it removed; Unwrap
// keeps the chain for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// hide returns err with the client's credential removed from its message.
// The messages the client writes itself can quote what Twilio sent (a
// value the decoder refused, a next_page_url); an *APIError is redacted
// by the transport already.
func (c *Client) hide(err error) error {
	if err == nil {
		return nil
	}
	if msg := c.Redact(err.Error()); msg != err.Error() {
		return &redactedError{msg: msg, err: err}
	}
	return err
}

// Service returns a view of c whose participant operations (create, list,
// fetch, update, delete) reach the conversations of the Conversation
// Service chatServiceSID (IS followed by 32 hex digits) through
// /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants
// and its /{Sid} instance path. The view shares c's credentials, transport
// and options and is as cheap as a struct copy; c itself is unchanged.
// Calling Service on a view replaces its service. A chatServiceSID that is
// not an IS SID is a *ParamError (Field "chatServiceSID").
//
// Participants read through a view carry ChatServiceSID.
func (c *Client) Service(chatServiceSID string) (*Client, error) {
	if err := pathparam.CheckSID(vendor, "chatServiceSID", "IS", chatServiceSID); err != nil {
		return nil, err
	}
	v := *c
	v.service = chatServiceSID
	return &v, nil
}

// ChatServiceSID returns the Conversation Service SID of a view made by
// Service, "" for a Client that uses the plain /v1/Conversations/... paths.
func (c *Client) ChatServiceSID() string { return c.service }

// opName names a vendor operation for errors, on the plain path and on the
// service-scoped one.
type opName struct{ plain, scoped string }

// The operations, as errors name them.
var (
	opCreate = opName{"POST /v1/Conversations/{ConversationSid}/Participants",
		"POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants"}
	opList = opName{"GET /v1/Conversations/{ConversationSid}/Participants",
		"GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants"}
	opFetch = opName{"GET /v1/Conversations/{ConversationSid}/Participants/{Sid}",
		"GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}"}
	opUpdate = opName{"POST /v1/Conversations/{ConversationSid}/Participants/{Sid}",
		"POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}"}
	opDelete = opName{"DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}",
		"DELETE /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}"}
)

// operation is o on the path c uses, as clientopt.Do runs it: idempotent
// operations are retried like a GET.
func (c *Client) operation(o opName, idempotent bool) clientopt.Operation {
	name := o.plain
	if c.service != "" {
		name = o.scoped
	}
	return clientopt.Operation{Vendor: vendor, Name: name, Idempotent: idempotent}
}

// CreateParticipant adds a participant to a conversation:
// POST /v1/Conversations/{ConversationSid}/Participants, or on a Service
// view POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants.
//
// conversationSID is a CH SID or the conversation's unique name. p is
// validated before any request is sent.
//
// opts are per-call options (option.WithHeader, option.WithMaxRetries,
// option.WithAttemptTimeout, option.WithIdempotent,
// option.WithResponseInto). The POST is not retried on 5xx or transport
// errors after the request was sent (it may have been processed) unless
// called with option.WithIdempotent(); 429 is always retried.
func (c *Client) CreateParticipant(ctx context.Context, conversationSID string, p CreateParticipantParams, opts ...option.Option) (*Participant, error) {
	op := c.operation(opCreate, false)
	return clientopt.Do(ctx, c.conn, op, opts, []clientopt.Param{clientopt.Path("conversationSID", conversationSID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			if err := p.validate(); err != nil {
				return nil, err
			}
			// The raw generated method with our own form encoding: the
			// runtime's form encoder drops time.Time fields and is
			// reflective, and the typed method also parses the 201 CORS
			// headers and would fail a participant that was created when one
			// of them is malformed.
			body := transport.NewBody(encodeCreateForm(p))
			hook := webhookHeader(p.WebhookEnabled)
			if c.service != "" {
				return newCreateServiceConversationParticipantRequestWithBody(ctx, server, c.service, conversationSID,
					&createServiceConversationParticipantParams{XTwilioWebhookEnabled: hook}, formContentType, body)
			}
			return newCreateConversationParticipantRequestWithBody(ctx, server, conversationSID,
				&createConversationParticipantParams{XTwilioWebhookEnabled: hook}, formContentType, body)
		},
		func(resp *http.Response, body []byte) (*Participant, error) { return c.participant(op, resp, body) })
}

// formContentType is the media type of Twilio's request bodies.
const formContentType = "application/x-www-form-urlencoded"

// webhookHeader is the X-Twilio-Webhook-Enabled header value to send: "true"
// when enabled, none otherwise.
func webhookHeader(enabled bool) *webhookEnabled {
	if !enabled {
		return nil
	}
	v := webhookEnabledTrue
	return &v
}

// ListParticipantsParams are the query parameters of ListParticipants. Zero
// values are not sent.
type ListParticipantsParams struct {
	// PageSize is the query parameter PageSize: 1..100; 0 means Twilio's
	// default (50).
	PageSize int
	// Page is the query parameter Page, the page index (client state only).
	Page int
	// PageToken is the query parameter PageToken, as found in a
	// next_page_url.
	PageToken string
}

func (p *ListParticipantsParams) generated() (*listConversationParticipantsParams, error) {
	if p == nil {
		return nil, nil
	}
	var g listConversationParticipantsParams
	if p.PageSize < 0 || p.PageSize > 100 {
		return nil, &pathparam.Error{Vendor: vendor, Field: "params.PageSize", Reason: fmt.Sprintf("%d is outside 1..100", p.PageSize)}
	}
	if p.Page < 0 {
		return nil, &pathparam.Error{Vendor: vendor, Field: "params.Page", Reason: fmt.Sprintf("%d is negative", p.Page)}
	}
	if p.PageToken != "" {
		if err := pathparam.CheckText(vendor, "params.PageToken", p.PageToken, pathparam.MaxLen); err != nil {
			return nil, err
		}
		g.PageToken = &p.PageToken
	}
	if p.PageSize != 0 {
		g.PageSize = &p.PageSize
	}
	if p.Page != 0 {
		g.Page = &p.Page
	}
	return &g, nil
}

// ListParticipants returns one page of a conversation's participants:
// GET /v1/Conversations/{ConversationSid}/Participants, or on a Service
// view GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants.
// params may be nil.
// opts are per-call options, as for CreateParticipant; the call is
// idempotent.
func (c *Client) ListParticipants(ctx context.Context, conversationSID string, params *ListParticipantsParams, opts ...option.Option) (*ParticipantPage, error) {
	op := c.operation(opList, true)
	return clientopt.Do(ctx, c.conn, op, opts, []clientopt.Param{clientopt.Path("conversationSID", conversationSID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			g, err := params.generated()
			if err != nil {
				return nil, err
			}
			if c.service != "" {
				return newListServiceConversationParticipantsRequest(ctx, server, c.service, conversationSID, (*listServiceConversationParticipantsParams)(g))
			}
			return newListConversationParticipantsRequest(ctx, server, conversationSID, g)
		},
		func(_ *http.Response, body []byte) (*ParticipantPage, error) {
			page := new(ParticipantPage)
			if err := decodeBytes(body, op.Name, page); err != nil {
				return nil, c.hide(err)
			}
			return page, nil
		})
}

// AllParticipants iterates over every participant of a conversation, calling
// GET /v1/Conversations/{ConversationSid}/Participants once per page and
// following each page's next_page_url (only its PageSize, Page and PageToken
// query parameters are used, so the request always goes to the client's own
// base URL). params may be nil. Iteration stops at the first error, which is
// yielded with a nil participant: a page's error, a next_page_url that
// repeats a page, or a page 10,000 that still has more (the module's one
// bound on any list, participants.MaxListPages). opts are per-call options given to each
// page's ListParticipants (option.WithResponseInto holds the last page's).
func (c *Client) AllParticipants(ctx context.Context, conversationSID string, params *ListParticipantsParams, opts ...option.Option) iter.Seq2[*Participant, error] {
	return pager.Pages[ListParticipantsParams, Participant]{
		Fetch: func(p ListParticipantsParams) ([]Participant, ListParticipantsParams, bool, error) {
			page, err := c.ListParticipants(ctx, conversationSID, &p, opts...)
			if err != nil {
				return nil, p, false, err
			}
			if page.Meta.NextPageURL == "" {
				return page.Participants, p, false, nil
			}
			next, err := nextPageParams(page.Meta.NextPageURL, p)
			return page.Participants, next, true, c.hide(err)
		},
		// Max: pager.MaxPages, the module's bound on any list.
		Repeat: func(ListParticipantsParams) error {
			return fmt.Errorf("%s: next_page_url repeats a page already read", vendor)
		},
		TooMany: func(max int) error { return fmt.Errorf("%s: more than %d pages: the list does not end", vendor, max) },
	}.All(params)
}

// NextPageParams returns the paging parameters of a page's next_page_url
// (ParticipantPage.Meta.NextPageURL), for the ListParticipants call that
// reads the next page: only its PageSize, Page and PageToken query
// parameters are used, so that the request always goes to the client's own
// base URL and conversation. PageSize is 0 when the URL carries none. An
// unparsable URL or a PageSize or Page that is not a number is an error.
func NextPageParams(nextPageURL string) (ListParticipantsParams, error) {
	return nextPageParams(nextPageURL, ListParticipantsParams{})
}

// nextPageParams reads the paging query parameters of a next_page_url.
func nextPageParams(raw string, prev ListParticipantsParams) (ListParticipantsParams, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// Neither the URL nor the parser's message (which quotes parts
		// of it) is quoted: Twilio wrote it, and a vendor or proxy that
		// echoes the credential may have put it there.
		return prev, fmt.Errorf("%s: bad next_page_url: not a URL", vendor)
	}
	q := u.Query()
	next := ListParticipantsParams{PageSize: prev.PageSize, PageToken: q.Get("PageToken")}
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return prev, fmt.Errorf("%s: bad PageSize in next_page_url", vendor)
		}
		next.PageSize = n
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return prev, fmt.Errorf("%s: bad Page in next_page_url", vendor)
		}
		next.Page = n
	}
	return next, nil
}

// FetchParticipant returns one participant of a conversation:
// GET /v1/Conversations/{ConversationSid}/Participants/{Sid}, or on a
// Service view GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}.
// sidOrIdentity
// is the participant's MB SID or its chat identity: fetch is the only
// participant operation Twilio documents as accepting an identity in place
// of the SID. opts are per-call options, as for CreateParticipant; the call
// is idempotent.
func (c *Client) FetchParticipant(ctx context.Context, conversationSID, sidOrIdentity string, opts ...option.Option) (*Participant, error) {
	op := c.operation(opFetch, true)
	return clientopt.Do(ctx, c.conn, op, opts,
		[]clientopt.Param{clientopt.Path("conversationSID", conversationSID), clientopt.Path("participantSIDOrIdentity", sidOrIdentity)},
		func(ctx context.Context, server string) (*http.Request, error) {
			// The raw method: the typed parser would fail on a 2xx array
			// body before the participant check.
			if c.service != "" {
				return newFetchServiceConversationParticipantRequest(ctx, server, c.service, conversationSID, sidOrIdentity)
			}
			return newFetchConversationParticipantRequest(ctx, server, conversationSID, sidOrIdentity)
		},
		func(resp *http.Response, body []byte) (*Participant, error) { return c.participant(op, resp, body) })
}

// DeleteParticipantParams are the options of DeleteParticipant. The zero
// value (or a nil pointer) sends none.
type DeleteParticipantParams struct {
	// WebhookEnabled sends the header X-Twilio-Webhook-Enabled: true, which
	// makes this REST-originated removal fire the conversation's webhooks
	// (as CreateParticipantParams.WebhookEnabled does for create).
	WebhookEnabled bool
}

// DeleteParticipant removes a participant from a conversation:
// DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}, or on a
// Service view DELETE /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}.
// participantSID is the participant's MB SID (MB followed by 32 hex digits):
// unlike FetchParticipant, Twilio documents no identity here, so anything
// else is refused before sending (fetch the participant by identity first to
// learn its SID). params may be nil. Twilio answers 204. opts are per-call
// options, as for CreateParticipant; the call is idempotent.
func (c *Client) DeleteParticipant(ctx context.Context, conversationSID, participantSID string, params *DeleteParticipantParams, opts ...option.Option) error {
	// The 204 body is empty: the skeleton reads it all, so that the
	// connection can be reused, and nothing is decoded.
	_, err := clientopt.Do(ctx, c.conn, c.operation(opDelete, true), opts,
		[]clientopt.Param{clientopt.Path("conversationSID", conversationSID), clientopt.SID("participantSID", "MB", participantSID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			hook := webhookHeader(params != nil && params.WebhookEnabled)
			if c.service != "" {
				return newDeleteServiceConversationParticipantRequest(ctx, server, c.service, conversationSID, participantSID,
					&deleteServiceConversationParticipantParams{XTwilioWebhookEnabled: hook})
			}
			return newDeleteConversationParticipantRequest(ctx, server, conversationSID, participantSID,
				&deleteConversationParticipantParams{XTwilioWebhookEnabled: hook})
		}, noContent)
	return err
}

// noContent is the decode step of an operation that returns nothing.
func noContent(*http.Response, []byte) (*struct{}, error) { return nil, nil }

// participant decodes the participant in the body of a 2xx response of op,
// with the client's credential removed from any error. A 2xx proves only
// what its body proves: a body without a non-empty "sid" ({}, {"status":"ok"},
// null, an array, a participant page) is a *SuccessBodyError, not a success.
func (c *Client) participant(op clientopt.Operation, resp *http.Response, body []byte) (*Participant, error) {
	p, err := apierror.DecodeSuccess(vendor, op.Name, resp.StatusCode, body, "a participant ID (sid)",
		func(p *Participant) bool { return p.SID != "" })
	return p, c.hide(err)
}

// SuccessBodyError is a 2xx response whose body does not carry the
// participant: CreateParticipant, FetchParticipant and UpdateParticipant
// return it (reach it with errors.As) when the body has no non-empty "sid",
// for example {}, {"status":"ok"}, null, an array or a participant page.
// Error() names the operation, what is missing and the HTTP status, never
// the body.
type SuccessBodyError = apierror.SuccessBodyError

// decodeBytes decodes the 2xx body b into v.
func decodeBytes(b []byte, op string, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// The decoder's message quotes a byte of the body; say less.
			return fmt.Errorf("%s: %s: the success body is not valid JSON (offset %d)", vendor, op, se.Offset)
		}
		return fmt.Errorf("%s: %s: decoding the success body: %w", vendor, op, err)
	}
	return nil
}

// apiPaths are the leading literal segments of the API's operation paths
// (specs/twilio.yaml): option.WithBaseURL must not end with them, or they would
// be doubled (clientopt.CheckAPIPrefix).
var apiPaths = []string{"/v1/Conversations", "/v1/Services"}
