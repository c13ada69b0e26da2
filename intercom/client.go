package intercom

import (
	"context"
	"fmt"
	"net/http"

	"github.com/conversekit/conversekit/internal/clientopt"
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
	conn   clientopt.Conn    // runs every operation (clientopt.Do)
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
	return &Client{server: gen.Server, tc: tc, conn: clientopt.NewConn(vendor, gen.Server, tc)}, nil
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
	return clientopt.Do(ctx, c.conn, callAttach, opts, []clientopt.Param{clientopt.Path("conversationID", conversationID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			// The generated union's own bytes, through the raw method: the
			// typed one re-encodes them through encoding/json (reflection, a
			// copy).
			raw, err := body.MarshalJSON()
			return clientopt.BuildBody(raw, err, func(b *transport.Body) (*http.Request, error) {
				return newAttachContactToConversationRequestWithBody(ctx, server, conversationID, nil, "application/json", b)
			})
		}, decodeAttach)
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
	return clientopt.Do(ctx, c.conn, callDetach, opts, []clientopt.Param{clientopt.Path("conversationID", conversationID), clientopt.Path("contactID", contactID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			if err := checkValue("admin_id", adminID); err != nil {
				return nil, err
			}
			return newDetachContactFromConversationRequest(ctx, server, conversationID, contactID, nil, detachContactRequest{AdminID: adminID})
		}, decodeDetach)
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
	return clientopt.Do(ctx, c.conn, callContacts, opts, []clientopt.Param{clientopt.Path("conversationID", conversationID)},
		func(ctx context.Context, server string) (*http.Request, error) {
			return newRetrieveConversationRequest(ctx, server, conversationID, nil)
		}, decodeContacts)
}

// The operations as clientopt.Do runs them and errors name them: the
// POST is retried only with option.WithIdempotent().
var (
	callAttach   = clientopt.Operation{Vendor: vendor, Name: "POST /conversations/{id}/customers"}
	callDetach   = clientopt.Operation{Vendor: vendor, Name: "DELETE /conversations/{id}/customers/{contact_id}", Idempotent: true}
	callContacts = clientopt.Operation{Vendor: vendor, Name: "GET /conversations/{id}", Idempotent: true}
)

// The decode steps of the operations.
var (
	decodeAttach = customers(callAttach)
	decodeDetach = customers(callDetach)
	// Only the contacts list is decoded: the rest of the conversation
	// (parts, source, ...) is skipped by encoding/json.
	decodeConversation = clientopt.Decode(callContacts, "a contacts list", func(c *conversation) bool { return c.Contacts.Contacts != nil })
)

// decodeContacts returns the contacts list of a conversation.
func decodeContacts(resp *http.Response, body []byte) (*ConversationContacts, error) {
	conv, err := decodeConversation(resp, body)
	if err != nil {
		return nil, err
	}
	return &conv.Contacts, nil
}

// customers is the decode step of an operation answering with the
// customers list, whatever its Content-Type, in either shape: the
// "customers" array Intercom sends, or the conversation object the official
// 2.14 definition declares, whose "contacts": {"contacts": [...]} list then
// fills Customers (each with type "contact"). A 2xx proves only what its
// body proves: a body with neither ({}, {"status":"ok"}, null, an array,
// {"customers":null}, {"contacts":{}}) is a *SuccessBodyError, not a
// success.
func customers(op clientopt.Operation) func(*http.Response, []byte) (*CustomersList, error) {
	decode := clientopt.Decode(op, "a customers list", func(l *CustomersList) bool {
		return l.Customers != nil || (l.Contacts != nil && l.Contacts.Contacts != nil)
	})
	return func(resp *http.Response, body []byte) (*CustomersList, error) {
		l, err := decode(resp, body)
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
}

// apiPaths are the leading literal segments of the API's operation paths
// (specs/intercom.yaml): option.WithBaseURL must not end with them, or they would
// be doubled (clientopt.CheckAPIPrefix).
var apiPaths = []string{"/conversations"}
