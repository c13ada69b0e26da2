package intercom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
)

const vendor = "intercom"

// DefaultBaseURL is Intercom's production (US) host. The EU and Australian
// hosts are https://api.eu.intercom.io and https://api.au.intercom.io: pass
// them with option.WithBaseURL.
const DefaultBaseURL = "https://api.intercom.io"

// DefaultVersion is the Intercom-Version header sent on every call unless
// WithVersion overrides it.
const DefaultVersion = "2.14"

// Client calls the Intercom REST API. It is safe for concurrent use.
type Client struct {
	server string            // the base URL, as the generated request builders take it
	tc     *transport.Client // sends every request
	call   clientopt.Caller
}

// New returns a Client that authenticates with the access token (sent as
// "Authorization: Bearer <token>") and sends "Intercom-Version: 2.14" unless
// WithVersion says otherwise. It returns the first option error.
func New(token string, opts ...option.Option) (*Client, error) {
	if err := clientopt.CheckCredential(vendor, "token", token); err != nil {
		return nil, err
	}
	s, err := clientopt.Resolve(vendor, DefaultBaseURL, opts)
	if err != nil {
		return nil, err
	}
	if err := clientopt.CheckAPIPrefix(vendor, s.BaseURL, apiPaths...); err != nil {
		return nil, err
	}
	version := DefaultVersion
	if s.APIVersion != "" {
		version = s.APIVersion
	}
	header := http.Header{}
	header.Set("Authorization", "Bearer "+token)
	header.Set("Accept", "application/json")
	header.Set("Intercom-Version", version)
	tc := s.Transport(vendor, header, decodeError, transport.Redaction{Secrets: []string{token}})
	gen, err := newRawClient(s.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", vendor, err)
	}
	return &Client{server: gen.Server, tc: tc, call: clientopt.NewCaller(vendor, tc)}, nil
}

// WithVersion sets the Intercom-Version header sent on every call (default
// DefaultVersion, "2.14"). Values are case-sensitive ("Preview"); an unknown
// one makes Intercom answer 400 intercom_version_invalid. It applies to the
// client only: an operation refuses it.
func WithVersion(v string) option.Option {
	return clientopt.Func(func(s *clientopt.Settings) error {
		if err := clientopt.CheckCredential("intercom.WithVersion", "version", v); err != nil {
			return err
		}
		s.APIVersion = v
		return nil
	})
}

// AttachContact adds a contact to a conversation:
// POST /conversations/{id}/customers.
//
// Build body with AdminAttach or ContactAttach. The result lists every
// customer now on the conversation; Intercom does not say whether the contact
// was already there. Both shapes of the answer are accepted: the customers
// list Intercom sends, and the conversation object of the official 2.14
// definition, whose contacts then fill Customers and are kept in Contacts
// (with their external IDs).
//
// opts are per-call options (option.WithHeader, option.WithMaxRetries,
// option.WithAttemptTimeout, option.WithIdempotent,
// option.WithResponseInto). The POST is not retried on 5xx or after a
// connection reset unless called with option.WithIdempotent() (a 429 is
// always retried).
func (c *Client) AttachContact(ctx context.Context, conversationID string, body AttachContactBody, opts ...option.Option) (*CustomersList, error) {
	if err := pathparam.Check(vendor, "conversationID", conversationID); err != nil {
		return nil, err
	}
	req, err := body.request()
	if err != nil {
		return nil, err
	}
	call, err := clientopt.Call(c.call, false, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The raw method with the union's bytes as they are: the typed one
	// re-encodes them through encoding/json (reflection, a copy).
	raw, err := req.MarshalJSON()
	if err != nil {
		return nil, callError("POST /conversations/{id}/customers", err)
	}
	resp, err := clientopt.Send(ctx, c.tc, call, clientopt.Build(newAttachContactToConversationRequestWithBody(ctx, c.server, conversationID, nil, "application/json", transport.NewBody(raw))))
	if err != nil {
		return nil, callError("POST /conversations/{id}/customers", err)
	}
	return customers("POST /conversations/{id}/customers", resp)
}

// DetachContact removes a contact from a conversation on behalf of the admin:
// DELETE /conversations/{id}/customers/{contact_id}, with body
// {"admin_id": adminID}.
//
// The result lists the customers left on the conversation, in either shape
// as for AttachContact. A missing contact
// is a 404 *APIError ("User Not Found"); removing the last customer is a 422
// parameter_invalid. The call is idempotent: retried on 5xx. opts are
// per-call options, as for AttachContact.
func (c *Client) DetachContact(ctx context.Context, conversationID, contactID, adminID string, opts ...option.Option) (*CustomersList, error) {
	if err := pathparam.Check(vendor, "conversationID", conversationID); err != nil {
		return nil, err
	}
	if err := pathparam.Check(vendor, "contactID", contactID); err != nil {
		return nil, err
	}
	if err := checkValue("admin_id", adminID); err != nil {
		return nil, err
	}
	call, err := clientopt.Call(c.call, true, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp, err := clientopt.Send(ctx, c.tc, call, clientopt.Build(newDetachContactFromConversationRequest(ctx, c.server, conversationID, contactID, nil,
		detachContactRequest{AdminID: adminID})))
	if err != nil {
		return nil, callError("DELETE /conversations/{id}/customers/{contact_id}", err)
	}
	return customers("DELETE /conversations/{id}/customers/{contact_id}", resp)
}

// ConversationContacts returns every contact on a conversation:
// GET /conversations/{id}, of whose answer only the contacts list
// ("contacts": {"type": "contact.list", "contacts": [...]}) is decoded.
//
// Intercom does not paginate the list: one call returns every contact. Each
// ContactReference has type "contact" (not the role that AttachContact and
// DetachContact report), the contact's ID and its external ID ("" when
// Intercom sends null). A missing conversation is a 404 *APIError
// ("Resource Not Found"); a 2xx whose body has no contacts list is a
// *SuccessBodyError. The call is idempotent: retried on 5xx. opts are
// per-call options, as for AttachContact.
func (c *Client) ConversationContacts(ctx context.Context, conversationID string, opts ...option.Option) (*ConversationContacts, error) {
	const op = "GET /conversations/{id}"
	if err := pathparam.Check(vendor, "conversationID", conversationID); err != nil {
		return nil, err
	}
	call, err := clientopt.Call(c.call, true, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp, err := clientopt.Send(ctx, c.tc, call, clientopt.Build(newRetrieveConversationRequest(ctx, c.server, conversationID, nil)))
	if err != nil {
		return nil, callError(op, err)
	}
	// Only the contacts list is decoded: the rest of the conversation
	// (parts, source, ...) is skipped by encoding/json.
	conv, err := decode(op, resp, "a contacts list", func(c *conversation) bool { return c.Contacts.Contacts != nil })
	if err != nil {
		return nil, err
	}
	return &conv.Contacts, nil
}

// callError passes *APIError, *ParamError and context errors through as
// they are, and names the vendor and operation on anything else.
func callError(op string, err error) error {
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if strings.HasPrefix(err.Error(), vendor+":") {
		return err
	}
	return fmt.Errorf("%s: %s: %w", vendor, op, err)
}

// customers reads and closes a 2xx response and decodes the customers list
// in its body, whatever its Content-Type, in either shape: the "customers"
// array Intercom sends, or the conversation object the official 2.14
// definition declares, whose "contacts": {"contacts": [...]} list then
// fills Customers (each with type "contact"). A 2xx proves only what its
// body proves: a body with neither ({}, {"status":"ok"}, null, an array,
// {"customers":null}, {"contacts":{}}) is a *SuccessBodyError, not a
// success.
func customers(op string, resp *http.Response) (*CustomersList, error) {
	l, err := decode(op, resp, "a customers list", func(l *CustomersList) bool {
		return l.Customers != nil || (l.Contacts != nil && l.Contacts.Contacts != nil)
	})
	if err != nil {
		return nil, err
	}
	if l.Customers == nil {
		l.Customers = make([]CustomerRef, len(l.Contacts.Contacts))
		for i, r := range l.Contacts.Contacts {
			l.Customers[i] = CustomerRef{Type: r.Type, ID: r.ID}
		}
	}
	return l, nil
}

// decode reads and closes a 2xx response and decodes its body, whatever its
// Content-Type, into a T; a body for which present is false is a
// *SuccessBodyError saying what is missing.
func decode[T any](op string, resp *http.Response, missing string, present func(*T) bool) (*T, error) {
	body, err := transport.ReadBody(resp)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: HTTP %d: reading the body: %w", vendor, op, resp.StatusCode, err)
	}
	return apierror.DecodeSuccess(vendor, op, resp.StatusCode, body, missing, present)
}

// apiPaths are the leading literal segments of the API's operation paths
// (specs/intercom.yaml): option.WithBaseURL must not end with them, or they would
// be doubled (clientopt.CheckAPIPrefix).
var apiPaths = []string{"/conversations"}
