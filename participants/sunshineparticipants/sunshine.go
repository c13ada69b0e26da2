package sunshineparticipants

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/sunshine"
)

// Options configure the Sunshine Conversations provider.
type Options struct {
	// AppID is the Sunshine app the conversations belong to. Required.
	AppID string
	// SubscribeSDKClient sends subscribeSDKClient: true with every join, so
	// that the user's SDK client is subscribed to the conversation at once
	// (push notifications). false is sent otherwise.
	SubscribeSDKClient bool
}

type sunshineProvider struct {
	c *sunshine.Client
	o Options
}

// New returns the driver.Provider for Sunshine Conversations v2 over c: Add
// joins (POST /v2/apps/{appId}/conversations/{conversationId}/join), Remove
// leaves (POST …/leave), List, Get and the ensure checks list
// (GET …/participants, cursor pages of up to 100).
//
// Mapping: ID → userId (the Sunshine user ID), ExternalID → userExternalId
// (your externalId of the user), ParticipantID → participantId (Remove) or
// the participant's id (Get). Email, Phone, Identifier, Attributes, Status,
// Kind user or bot, WithAdmin and WithRole are not expressible: Unimplemented
// before any request. A join names one user: ID and ExternalID together
// (or with another identity) are InvalidArgument naming them before any
// request; Participant.Use chooses one. Participants are users of the app: join answers 404
// (NotFound, Field ID or ExternalID) for a user that does not exist.
//
// Ensure semantics. Sunshine does not document a join of a user who is
// already a participant, so Add reads first: it lists the conversation and
// answers AlreadyPresent, with no join, when the user is there, and joins
// (Added) only when not. Two Adds of the same user racing (in two processes,
// or concurrent Adds here) may both read "absent" and both join: when the
// second join is refused (409, or a 400 that is not about the conversation's
// size), Add reads again and answers AlreadyPresent when the user is there;
// if Sunshine accepted a second join with 201, both Adds answer Added (an
// undocumented answer can say no more). A join answer lost in transit is
// retried by the transport and settles the same way.
//
// Errors. A join on a full conversation (400 "Too many participants") and
// a join on a conversation that is not sdkGroup (join works only on sdkGroup
// conversations; Sunshine does not document the answer, so a 400 is
// followed by a read of the conversation's type) are FailedPrecondition:
// the conversation's state refuses the call, retrying does not help, and
// the caller must change the conversation (remove someone, use an sdkGroup
// conversation). A leave answered 404 not_found ("User is not a member of
// the conversation") is AlreadyAbsent; 404 conversation_not_found is
// NotFound; any other 404 is settled by reading the conversation: it exists,
// AlreadyAbsent; it does not, NotFound (Field "conversationID").
//
// A read that settles an answer and fails decides the code: the read before
// a join, the lookup after a refused join, the read of the conversation's
// type after a 400 and the read after an ambiguous 404 to a leave answer
// Unavailable, Canceled, DeadlineExceeded, ... as that read failed, never
// the code of the answer it was to settle; both errors are in the chain.
//
// Lists follow meta.afterCursor, or, on a page that gives only links.next,
// that link's page[after] when the link is the same list on the client's
// host (sunshine.Client.NextCursor); any other link is Unknown. A
// conversation type the error of a refused join quotes is cleaned of the
// client's credentials, as its APIErrors are.
//
// Result.As and Member.As reach the *sunshine.Participant (Result.ID is its
// id). A Removed or AlreadyAbsent Result carries the ParticipantID the
// request named, if any, and no vendor record (leave answers {}).
func New(c *sunshine.Client, o Options) driver.Provider {
	return &sunshineProvider{c: c, o: o}
}

const sunshineName = "sunshine"

func (p *sunshineProvider) Name() string { return sunshineName }

// ErrorCode classifies the errors of the Sunshine client: FailedPrecondition
// for a join refused with "Too many participants", else the code of the
// status of its *APIError, InvalidArgument for a refused argument,
// Unavailable for transport errors, Unknown otherwise.
func (p *sunshineProvider) ErrorCode(err error) driver.ErrorCode {
	if sunshine.IsTooManyParticipants(err) {
		return driver.FailedPrecondition
	}
	return driver.Classify(err)
}

// sunshineFields are the facade names of the sunshine client's arguments.
var sunshineFields = map[string]string{
	"appID":               "sunshineparticipants.Options.AppID",
	"body.userId":         "ID",
	"body.userExternalId": "ExternalID",
	"body.participantId":  "ParticipantID",
	"params.Size":         "WithPageSize",
}

// check refuses what no Sunshine call can carry: no client, a Kind other
// than contact.
func (p *sunshineProvider) check(pt *driver.Participant, o *driver.CallOptions) error {
	if p.c == nil {
		return driver.Errorf(driver.InvalidArgument, sunshineName, "client", "nil *sunshine.Client")
	}
	return driver.Refuse(sunshineName, pt.Kind != "" && pt.Kind != driver.KindContact, "Kind", "participants are users of the app")
}

func (p *sunshineProvider) Add(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	if err := p.check(&pt, &o); err != nil {
		return nil, err
	}
	if err := driver.Refuse(sunshineName, pt.Attributes != nil, "Attributes", "join carries no attributes"); err != nil {
		return nil, err
	}
	if err := driver.Refuse(sunshineName, pt.Status != "", "Status", "participants have no status"); err != nil {
		return nil, err
	}
	if err := driver.OneIdentity(sunshineName, &pt, "a join names the user by userId or by userExternalId, not both"); err != nil {
		return nil, err
	}
	var jopts []sunshine.JoinOption
	if p.o.SubscribeSDKClient {
		jopts = append(jopts, sunshine.WithSubscribeSDKClient())
	}
	var body sunshine.JoinBody
	switch {
	case pt.ID != "":
		body = sunshine.JoinByUserID(pt.ID, jopts...)
	case pt.ExternalID != "":
		body = sunshine.JoinByExternalID(pt.ExternalID, jopts...)
	default:
		return nil, driver.NoIdentity(sunshineName, &pt)
	}
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&body); err != nil {
			return nil, &driver.Error{Code: driver.InvalidArgument, Provider: sunshineName, Field: "BeforeAdd", Err: err}
		}
	}
	if err := body.Validate(); err != nil {
		return nil, driver.WrapFields(sunshineName, err, sunshineFields)
	}
	opts := driver.RequestOptions(&o)
	member := joined(body)
	found, err := p.find(ctx, conversationID, member, opts)
	switch {
	case err != nil:
		return nil, driver.WrapFields(sunshineName, err, sunshineFields)
	case found != nil:
		return sunshineResult(found, driver.AlreadyPresent), nil
	}
	created, err := p.c.JoinConversation(ctx, p.o.AppID, conversationID, body, opts...)
	if err == nil {
		return sunshineResult(created, driver.Added), nil
	}
	return p.joinFailed(ctx, conversationID, body, member, err, opts)
}

// joined returns the test that a listed participant is the user body joins.
func joined(body sunshine.JoinBody) func(*sunshine.Participant) bool {
	if id := body.UserID(); id != "" {
		return func(sp *sunshine.Participant) bool { return sp.UserID == id }
	}
	ext := body.ExternalID()
	return func(sp *sunshine.Participant) bool { return sp.UserExternalID == ext }
}

// joinFailed settles a join that Sunshine refused with err.
func (p *sunshineProvider) joinFailed(ctx context.Context, conversationID string, body sunshine.JoinBody, member func(*sunshine.Participant) bool, err error, opts []option.Option) (*driver.Result, error) {
	var api *apierror.Error
	if !errors.As(err, &api) {
		return nil, driver.WrapError(sunshineName, err)
	}
	switch {
	case sunshine.IsTooManyParticipants(err):
		return nil, &driver.Error{Code: driver.FailedPrecondition, Provider: sunshineName, Message: "the conversation is full (Sunshine: Too many participants)", Err: err}
	case api.StatusCode == http.StatusNotFound && api.Code != sunshine.CodeConversationNotFound:
		field := "ID"
		if body.UserID() == "" {
			field = "ExternalID"
		}
		return nil, &driver.Error{Code: driver.NotFound, Provider: sunshineName, Field: field, Message: "no such user in the app", Err: err}
	case api.StatusCode != http.StatusConflict && api.StatusCode != http.StatusBadRequest:
		return nil, driver.WrapError(sunshineName, err)
	}
	// A 409, or a 400 about something else than the size: the user may be
	// there already (a racing Add, a retried join), or the conversation
	// may not be sdkGroup. Read to tell.
	found, lookupErr := p.find(ctx, conversationID, member, opts)
	switch {
	case lookupErr != nil:
		return nil, driver.DuplicateLookupFailed(sunshineName, err, lookupErr)
	case found != nil:
		return sunshineResult(found, driver.AlreadyPresent), nil
	case api.StatusCode == http.StatusConflict:
		return nil, &driver.Error{Code: driver.AlreadyExists, Provider: sunshineName, Message: "Sunshine answered 409 but the user is not a participant of this conversation", Err: err}
	}
	conv, convErr := p.c.GetConversation(ctx, p.o.AppID, conversationID, opts...)
	switch {
	case isStatus(convErr, http.StatusNotFound):
		return nil, sunshineNoConversation(conversationID, convErr)
	case convErr != nil:
		// The read's failure decides (Unavailable, Canceled, NotFound for
		// a conversation gone, ...): the 400 alone does not say why.
		return nil, sunshineCheckFailed("Sunshine refused the join (400), and reading the conversation's type to tell why failed", convErr, err)
	case conv.Type != sunshine.ConversationTypeSdkGroup:
		return nil, &driver.Error{Code: driver.FailedPrecondition, Provider: sunshineName,
			Message: "join works only on sdkGroup conversations; this one is " + pathparam.Quote(p.c.Redact(string(conv.Type))), Err: err}
	}
	return nil, driver.WrapError(sunshineName, err)
}

// find returns the participant of the conversation for which match holds,
// or nil, reading every page.
func (p *sunshineProvider) find(ctx context.Context, conversationID string, match func(*sunshine.Participant) bool, opts []option.Option) (*sunshine.Participant, error) {
	params := &sunshine.ListParticipantsParams{Size: sunshine.MaxPageSize}
	for sp, err := range p.c.AllParticipants(ctx, p.o.AppID, conversationID, params, opts...) {
		if err != nil {
			return nil, err
		}
		if match(sp) {
			return sp, nil
		}
	}
	return nil, nil
}

func (p *sunshineProvider) List(ctx context.Context, conversationID, page string, o driver.CallOptions) (*driver.Page, error) {
	if err := p.check(&driver.Participant{}, &o); err != nil {
		return nil, err
	}
	l, err := p.c.ListParticipants(ctx, p.o.AppID, conversationID, &sunshine.ListParticipantsParams{After: page, Size: o.PageSize}, driver.RequestOptions(&o)...)
	if err != nil {
		return nil, driver.WrapFields(sunshineName, err, sunshineFields)
	}
	next, err := p.c.NextCursor(p.o.AppID, conversationID, l)
	if err != nil {
		return nil, &driver.Error{Code: driver.Unknown, Provider: sunshineName, Err: err}
	}
	return driver.NewPage(l.Participants, next, sunshineMember), nil
}

// ref returns the test that a listed participant is the one pt names, and
// the field that names it: ParticipantID, else ID, else ExternalID.
func ref(pt *driver.Participant) (func(*sunshine.Participant) bool, string, error) {
	switch {
	case pt.ParticipantID != "":
		return func(sp *sunshine.Participant) bool { return sp.ID == pt.ParticipantID }, "ParticipantID", nil
	case pt.ID != "":
		return func(sp *sunshine.Participant) bool { return sp.UserID == pt.ID }, "ID", nil
	case pt.ExternalID != "":
		return func(sp *sunshine.Participant) bool { return sp.UserExternalID == pt.ExternalID }, "ExternalID", nil
	}
	return nil, "", driver.NoIdentity(sunshineName, pt)
}

func (p *sunshineProvider) Get(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	if err := p.check(&pt, &o); err != nil {
		return nil, err
	}
	match, field, err := ref(&pt)
	if err != nil {
		return nil, err
	}
	found, err := p.find(ctx, conversationID, match, driver.RequestOptions(&o))
	switch {
	case err != nil:
		return nil, driver.WrapFields(sunshineName, err, sunshineFields)
	case found == nil:
		return nil, driver.Errorf(driver.NotFound, sunshineName, field, "no participant of the conversation has this %s", field)
	}
	return driver.NewMember(sunshineMember(found), found), nil
}

func (p *sunshineProvider) Remove(ctx context.Context, conversationID string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	if err := p.check(&pt, &o); err != nil {
		return nil, err
	}
	var body sunshine.LeaveBody
	switch {
	case pt.ParticipantID != "":
		body = sunshine.LeaveByParticipantID(pt.ParticipantID)
	case pt.ID != "":
		body = sunshine.LeaveByUserID(pt.ID)
	case pt.ExternalID != "":
		body = sunshine.LeaveByExternalID(pt.ExternalID)
	default:
		return nil, driver.NoIdentity(sunshineName, &pt)
	}
	opts := driver.RequestOptions(&o)
	err := p.c.LeaveConversation(ctx, p.o.AppID, conversationID, body, opts...)
	if err == nil {
		return driver.NewResult(sunshineName, pt.ParticipantID, driver.KindContact, "", driver.Removed, nil), nil
	}
	var api *apierror.Error
	if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound || api.Code == sunshine.CodeConversationNotFound {
		return nil, driver.WrapFields(sunshineName, err, sunshineFields)
	}
	if api.Code != sunshine.CodeNotFound {
		// A 404 that does not say which is missing: read the conversation.
		_, convErr := p.c.GetConversation(ctx, p.o.AppID, conversationID, opts...)
		switch {
		case isStatus(convErr, http.StatusNotFound):
			return nil, sunshineNoConversation(conversationID, convErr)
		case convErr != nil:
			return nil, sunshineCheckFailed("Sunshine answered 404 to the leave, and reading the conversation to tell whether it exists failed", convErr, err)
		}
	}
	return driver.NewResult(sunshineName, pt.ParticipantID, driver.KindContact, "", driver.AlreadyAbsent, nil), nil
}

// sunshineNoConversation is the NotFound of a conversation whose read
// answered 404 (err).
func sunshineNoConversation(conversationID string, err error) error {
	return &driver.Error{Code: driver.NotFound, Provider: sunshineName, Field: "conversationID",
		Message: "no conversation " + pathparam.Quote(conversationID), Err: err}
}

// sunshineCheckFailed is the error of a call refused with err whose check,
// a read of the conversation, failed with checkErr: the check's code
// (Unavailable, Canceled, DeadlineExceeded, NotFound for a missing
// conversation, ...), with checkErr first in the chain and err after it.
func sunshineCheckFailed(message string, checkErr, err error) error {
	return &driver.Error{Code: driver.Code(driver.WrapError(sunshineName, checkErr)), Provider: sunshineName, Message: message,
		Err: fmt.Errorf("%w (after the answer: %w)", checkErr, err)}
}

func sunshineResult(sp *sunshine.Participant, outcome driver.Outcome) *driver.Result {
	return driver.NewResult(sunshineName, sp.ID, driver.KindContact, "", outcome, sp)
}

func sunshineMember(sp *sunshine.Participant) driver.Member {
	return driver.Member{Provider: sunshineName, ID: sp.ID, Kind: driver.KindContact, ContactID: sp.UserID, ExternalID: sp.UserExternalID}
}

// isStatus reports whether err holds a vendor *APIError of this status.
func isStatus(err error, status int) bool {
	var api *apierror.Error
	return errors.As(err, &api) && api.StatusCode == status
}
