package twilioparticipants

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/twilio"
)

// twilioMaxPageSize is the largest PageSize Twilio takes.
const twilioMaxPageSize = 100

// twilioLifecycleFields are the facade names of the twilio client's
// arguments in List, Get and Remove.
var twilioLifecycleFields = map[string]string{
	"conversationSID":          "conversationID",
	"participantSID":           "ParticipantID",
	"participantSIDOrIdentity": "ExternalID",
	"params.PageSize":          "WithPageSize",
}

// List returns one page of GET /v1/Conversations/{ConversationSid}/Participants
// (or its service-scoped twin): page is "" for the first page, then the
// next_page_url of the page before, of which only the paging parameters are
// used.
func (p *twilioProvider) List(ctx context.Context, conversationID, page string, o driver.CallOptions) (*driver.Page, error) {
	const name = "twilio"
	if p.c == nil {
		return nil, driver.Errorf(driver.InvalidArgument, name, "client", "nil *twilio.Client")
	}
	if o.PageSize > twilioMaxPageSize {
		return nil, driver.Errorf(driver.InvalidArgument, name, "WithPageSize", "%d is more than Twilio's %d", o.PageSize, twilioMaxPageSize)
	}
	params := twilio.ListParticipantsParams{PageSize: o.PageSize}
	if page != "" {
		next, err := twilio.NextPageParams(page)
		if err != nil {
			return nil, &driver.Error{Code: driver.Unknown, Provider: name, Message: "Twilio's next_page_url cannot be read", Err: err}
		}
		if next.PageSize == 0 {
			next.PageSize = o.PageSize
		}
		params = next
	}
	tp, err := p.c.ListParticipants(ctx, conversationID, &params, driver.RequestOptions(&o)...)
	if err != nil {
		return nil, driver.WrapFields(name, err, twilioLifecycleFields)
	}
	// Next without the credential: the Client quotes a repeated token in
	// its error, and a token that carries the credential is no token to
	// send back to Twilio in a query string.
	return driver.NewPage(tp.Participants, p.c.Redact(tp.Meta.NextPageURL), twilioMember), nil
}

// twilioMember is the portable view of a Twilio participant: ID its SID,
// ExternalID its identity, Identifier.Value its binding address, Phone and
// Channel when that address is an E.164 number (sms) or "whatsapp:" and one
// (whatsapp).
func twilioMember(tp *twilio.Participant) driver.Member {
	m := driver.Member{Provider: "twilio", ID: tp.SID, Kind: driver.KindContact, ExternalID: tp.Identity}
	if b := tp.MessagingBinding; b != nil && b.Address != "" {
		m.Identifier = driver.Identifier{Value: b.Address}
		if wa, ok := strings.CutPrefix(b.Address, "whatsapp:"); ok && driver.ValidPhone(wa) {
			m.Phone, m.Channel = wa, driver.ChannelWhatsApp
		} else if driver.ValidPhone(b.Address) {
			m.Phone, m.Channel = b.Address, driver.ChannelSMS
		}
	}
	return m
}

// twilioRef is how a Get or Remove names a Twilio participant: by SID, by
// identity or by binding address (with the proxy address that narrows it).
type twilioRef struct {
	sid, identity, address, proxy string
	// field is the Participant field the reference came from.
	field string
}

// ref resolves the Participant of a Get or Remove to what Twilio can look
// up, refusing what it cannot express before any request. A context that
// is already done is its error, before anything else is checked.
func (p *twilioProvider) ref(ctx context.Context, pt *driver.Participant, o *driver.CallOptions) (twilioRef, error) {
	const name = "twilio"
	if p.c == nil {
		return twilioRef{}, driver.Errorf(driver.InvalidArgument, name, "client", "nil *twilio.Client")
	}
	if err := ctx.Err(); err != nil {
		return twilioRef{}, err
	}
	switch {
	case pt.ParticipantID != "":
		return twilioRef{sid: pt.ParticipantID, field: "ParticipantID"}, nil
	case pt.Kind != "" && pt.Kind != driver.KindContact:
		return twilioRef{}, driver.NoIdentity(name, pt)
	case pt.ExternalID != "":
		return twilioRef{identity: pt.ExternalID, field: "ExternalID"}, nil
	case pt.Phone != "":
		r := twilioRef{address: pt.Phone, proxy: p.o.ProxyAddress, field: "Phone"}
		if pt.Channel == driver.ChannelWhatsApp {
			r.address = "whatsapp:" + pt.Phone
			if r.proxy != "" && !strings.HasPrefix(r.proxy, "whatsapp:") {
				r.proxy = "whatsapp:" + r.proxy
			}
		}
		return r, nil
	case pt.Identifier.Value != "":
		if pt.Identifier.Key != "" {
			// Field Identifier, not Identifier.Key: with a Key this is
			// another vendor's identifier (Bird's identifierKey), which
			// Twilio cannot look up.
			return twilioRef{}, driver.Errorf(driver.Unimplemented, name, "Identifier", "not expressible on twilio: an identifier is a messaging-binding address, without Identifier.Key")
		}
		return twilioRef{address: pt.Identifier.Value, proxy: p.o.ProxyAddress, field: "Identifier"}, nil
	}
	return twilioRef{}, driver.NoIdentity(name, pt)
}

// matches reports whether tp has r's binding address, and whether its
// proxy address is the one r prefers (r has none, or the same).
func (r *twilioRef) matches(tp *twilio.Participant) (address, proxy bool) {
	b := tp.MessagingBinding
	if b == nil || b.Address != r.address {
		return false, false
	}
	return true, r.proxy == "" || b.ProxyAddress == r.proxy
}

// fetch reads the participant r names by SID or identity, with one GET,
// and checks that Twilio answered with that participant.
func (p *twilioProvider) fetch(ctx context.Context, conversationID string, r *twilioRef, opts []option.Option) (*twilio.Participant, error) {
	key := r.sid
	if key == "" {
		key = r.identity
	}
	tp, err := p.c.FetchParticipant(ctx, conversationID, key, opts...)
	if err != nil {
		return nil, driver.WrapFields("twilio", err, twilioLifecycleFields)
	}
	if (r.sid != "" && !strings.EqualFold(tp.SID, r.sid)) || (r.identity != "" && tp.Identity != r.identity) {
		return nil, &driver.Error{Code: driver.Unknown, Provider: "twilio", Field: r.field,
			Message: "Twilio answered with another participant (" + p.c.Redact(tp.SID) + ") than the one asked for"}
	}
	return tp, nil
}

// search lists the conversation's participants for the one whose binding
// has r's address: the first that also has r's proxy address, as soon as
// it is listed, else the first with the address. nil when the list (which
// proves the conversation exists) has no such participant.
func (p *twilioProvider) search(ctx context.Context, conversationID string, r *twilioRef, opts []option.Option) (*twilio.Participant, error) {
	var first *twilio.Participant
	for tp, err := range p.c.AllParticipants(ctx, conversationID, &twilio.ListParticipantsParams{PageSize: twilioMaxPageSize}, opts...) {
		if err != nil {
			return nil, driver.WrapFields("twilio", err, twilioLifecycleFields)
		}
		address, proxy := r.matches(tp)
		if proxy && address {
			return tp, nil
		}
		if address && first == nil {
			first = tp
		}
	}
	return first, nil
}

// checkSID refuses a ParticipantID that is not an MB SID.
func (r *twilioRef) checkSID() error {
	if r.sid != "" && !pathparam.IsSID("MB", r.sid) {
		return driver.Errorf(driver.InvalidArgument, "twilio", "ParticipantID", "%s is not a Twilio participant SID (MB followed by 32 hex digits)", pathparam.Quote(r.sid))
	}
	return nil
}

// Get reads the participant pt names: by ParticipantID (MB SID) or
// ExternalID (identity) with one fetch; by Phone or Identifier by listing
// the conversation's participants until one has that binding address.
func (p *twilioProvider) Get(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	const name = "twilio"
	r, err := p.ref(ctx, &pt, &o)
	if err != nil {
		return nil, err
	}
	if err := r.checkSID(); err != nil {
		return nil, err
	}
	opts := driver.RequestOptions(&o)
	if r.address == "" {
		tp, err := p.fetch(ctx, conversationID, &r, opts)
		if err != nil {
			return nil, err
		}
		return driver.NewMember(twilioMember(tp), tp), nil
	}
	tp, err := p.search(ctx, conversationID, &r, opts)
	if err != nil {
		return nil, err
	}
	if tp == nil {
		return nil, driver.Errorf(driver.NotFound, name, r.field, "no participant with the address %s in the conversation", pathparam.Quote(r.address))
	}
	return driver.NewMember(twilioMember(tp), tp), nil
}

// Remove deletes the participant pt names, after resolving its SID (none
// for a ParticipantID, a fetch for an ExternalID, a list for a Phone or
// Identifier), with DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}.
// A 404 is settled by a read of the conversation.
func (p *twilioProvider) Remove(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	const name = "twilio"
	r, err := p.ref(ctx, &pt, &o)
	if err != nil {
		return nil, err
	}
	if err := r.checkSID(); err != nil {
		return nil, err
	}
	opts := driver.RequestOptions(&o)
	var found *twilio.Participant
	switch {
	case r.identity != "":
		found, err = p.fetch(ctx, conversationID, &r, opts)
		if err != nil {
			if twilioStatus(err) == http.StatusNotFound {
				return p.absent(ctx, conversationID, "", err, opts)
			}
			return nil, err
		}
	case r.address != "":
		found, err = p.search(ctx, conversationID, &r, opts)
		if err != nil {
			return nil, err
		}
		if found == nil {
			// The list proved the conversation exists.
			return driver.NewResult(name, "", driver.KindContact, "", driver.AlreadyAbsent, nil), nil
		}
	}
	sid := r.sid
	var raw any
	if found != nil {
		sid, raw = found.SID, found
	}
	err = p.c.DeleteParticipant(ctx, conversationID, sid, &twilio.DeleteParticipantParams{WebhookEnabled: callWebhooks(&o, p.o.WebhookEnabled)}, opts...)
	switch {
	case err == nil:
		return driver.NewResult(name, sid, driver.KindContact, "", driver.Removed, raw), nil
	case twilioStatus(err) == http.StatusNotFound:
		return p.absent(ctx, conversationID, sid, err, opts)
	}
	return nil, driver.WrapFields(name, err, twilioLifecycleFields)
}

// absent settles a 404 (notFound) on a participant of the conversation: a
// read of one participant proves the conversation exists (AlreadyAbsent)
// or not (NotFound).
func (p *twilioProvider) absent(ctx context.Context, conversationID, sid string, notFound error, opts []option.Option) (*driver.Result, error) {
	const name = "twilio"
	_, err := p.c.ListParticipants(ctx, conversationID, &twilio.ListParticipantsParams{PageSize: 1}, opts...)
	switch {
	case err == nil:
		return driver.NewResult(name, sid, driver.KindContact, "", driver.AlreadyAbsent, nil), nil
	case twilioStatus(err) == http.StatusNotFound:
		return nil, &driver.Error{Code: driver.NotFound, Provider: name, Field: "conversationID", Message: "the conversation does not exist", Err: notFound}
	}
	return nil, &driver.Error{Code: driver.Code(driver.WrapError(name, err)), Provider: name,
		Message: "Twilio answered 404 for the participant; reading the conversation to tell a missing participant from a missing conversation failed",
		Err:     errors.Join(err, notFound)}
}

// twilioStatus is the HTTP status of the Twilio *APIError in err's chain,
// 0 when there is none.
func twilioStatus(err error) int {
	var api *apierror.Error
	if errors.As(err, &api) {
		return api.StatusCode
	}
	return 0
}

// createNotFound settles a 404 / 20404 to a create (a 404 without Twilio's
// code 20404 is not settled: it is NotFound as it is). Twilio can answer 404 / 20404
// to the re-add of a participant removed moments before although it
// created them (its support article "Resolving Error 20404 When Re-Adding
// the Same Participant"), so the participant is looked up by listing the
// conversation (by identity or by address), as the article says a later
// list shows them: a fetch by identity may not. Found, the result is success
// with Outcome Unreported: the read proves the participant is there, but
// not that this create put them there (another writer may have, between
// the two requests). Not found (or no conversation), the create's 404 is
// NotFound.
func (p *twilioProvider) createNotFound(ctx context.Context, conversationID string, params *twilio.CreateParticipantParams, createErr error, opts []option.Option) (*driver.Result, error) {
	const name = "twilio"
	if params.Identity == "" && params.Address == "" {
		return nil, driver.WrapError(name, createErr)
	}
	// A list, not a fetch by identity: the article says a list shows the
	// participant; the stale mapping it blames may hide them from a fetch
	// by identity.
	tp, err := p.find(ctx, conversationID, params, opts)
	switch {
	case twilioStatus(err) == http.StatusNotFound || (err == nil && tp == nil):
		return nil, &driver.Error{Code: driver.NotFound, Provider: name, Message: "Twilio answered 404 to the create, and a read found no such participant in the conversation", Err: createErr}
	case err != nil:
		return nil, &driver.Error{Code: driver.Code(driver.WrapError(name, err)), Provider: name,
			Message: "Twilio answered 404 to the create; looking the participant up failed",
			Err:     errors.Join(err, createErr)}
	}
	return twilioResult(tp, driver.Unreported), nil
}
