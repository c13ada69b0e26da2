package sunshine

import (
	"fmt"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// MaxIDLen is the longest user ID, external ID or participant ID a body
// accepts, in characters (Sunshine's limit on externalId).
const MaxIDLen = 1024

// JoinBody is the request body of JoinConversation
// (POST /v2/apps/{appId}/conversations/{conversationId}/join): exactly one
// of userId and userExternalId, and subscribeSDKClient, which Sunshine
// requires for sdkGroup conversations (the only ones join accepts), so it is
// always sent. Build it only with JoinByUserID or JoinByExternalID;
// JoinConversation refuses the zero value, and a body built from invalid
// arguments, before any request. On the wire:
//
//	{"userId":"5963c0d619a30a2e00de36b8","subscribeSDKClient":false}
type JoinBody struct {
	req        participantJoinBody // the generated union; set only by the constructors
	err        error               // the first invalid argument the constructor saw
	userID     string
	externalID string
}

// JoinOption sets an optional field of a JoinBody.
type JoinOption func(*joinOptions)

type joinOptions struct {
	subscribe bool
}

// WithSubscribeSDKClient sends subscribeSDKClient: true, which subscribes
// the user's SDK client to the conversation at once (push notifications),
// creating an SDK client when the user has none. Without it false is sent.
func WithSubscribeSDKClient() JoinOption {
	return func(o *joinOptions) { o.subscribe = true }
}

// JoinByUserID is the body that adds the user with this Sunshine user ID:
// {"userId":userID,"subscribeSDKClient":false}.
func JoinByUserID(userID string, opts ...JoinOption) JoinBody {
	b, o := joinBody("body.userId", userID, opts)
	if b.err == nil {
		b.userID = userID
		b.err = b.req.fromJoinByUserID(joinByUserID{UserId: userID, SubscribeSDKClient: o.subscribe})
	}
	return b
}

// JoinByExternalID is the body that adds the user with this externalId (your
// own ID of the user): {"userExternalId":externalID,"subscribeSDKClient":false}.
func JoinByExternalID(externalID string, opts ...JoinOption) JoinBody {
	b, o := joinBody("body.userExternalId", externalID, opts)
	if b.err == nil {
		b.externalID = externalID
		b.err = b.req.fromJoinByExternalID(joinByExternalID{UserExternalId: externalID, SubscribeSDKClient: o.subscribe})
	}
	return b
}

// UserID returns the userId the body joins, "" when it names the user by
// externalId or is invalid.
func (b JoinBody) UserID() string { return b.userID }

// ExternalID returns the userExternalId the body joins, "" when it names the
// user by ID or is invalid.
func (b JoinBody) ExternalID() string { return b.externalID }

// Validate reports why JoinConversation would refuse the body: unset (the
// zero value) or built from invalid arguments. The error is a *ParamError.
func (b JoinBody) Validate() error {
	_, err := b.wire()
	return err
}

// MarshalJSON returns the body as JoinConversation sends it, or the
// Validate error.
func (b JoinBody) MarshalJSON() ([]byte, error) {
	return marshal(b.wire())
}

// String returns the JSON body, or a note that it is invalid.
func (b JoinBody) String() string { return describe(b.wire()) }

func (b JoinBody) wire() ([]byte, error) {
	return wire(b.req.union, b.err, "build it with JoinByUserID or JoinByExternalID")
}

// joinBody checks the user's ID, the value of field, and applies opts; a
// JoinBody with err set when either is refused.
func joinBody(field, id string, opts []JoinOption) (JoinBody, joinOptions) {
	var o joinOptions
	if err := checkID(field, id); err != nil {
		return JoinBody{err: err}, o
	}
	for i, opt := range opts {
		if opt == nil {
			return JoinBody{err: &pathparam.Error{Vendor: Vendor, Field: "body", Reason: fmt.Sprintf("join option %d is nil", i)}}, o
		}
		opt(&o)
	}
	return JoinBody{}, o
}

// LeaveBody is the request body of LeaveConversation
// (POST /v2/apps/{appId}/conversations/{conversationId}/leave): exactly one
// of userId, userExternalId and participantId. Sunshine's own schema is a
// oneOf whose branches require nothing, so that any body matches all three;
// this type holds exactly one key and nothing else. Build it only with
// LeaveByUserID, LeaveByExternalID or LeaveByParticipantID;
// LeaveConversation refuses the zero value, and a body built from invalid
// arguments, before any request.
type LeaveBody struct {
	req participantLeaveBody // the generated union; set only by the constructors
	err error                // the first invalid argument the constructor saw
}

// LeaveByUserID is the body that removes the user with this Sunshine user
// ID: {"userId":userID}.
func LeaveByUserID(userID string) LeaveBody {
	return leaveBody("body.userId", userID, func(u *participantLeaveBody) error { return u.fromLeaveByUserID(leaveByUserID{UserId: userID}) })
}

// LeaveByExternalID is the body that removes the user with this externalId:
// {"userExternalId":externalID}.
func LeaveByExternalID(externalID string) LeaveBody {
	return leaveBody("body.userExternalId", externalID, func(u *participantLeaveBody) error {
		return u.fromLeaveByExternalID(leaveByExternalID{UserExternalId: externalID})
	})
}

// LeaveByParticipantID is the body that removes the participant with this
// ID (Participant.ID, not the user's): {"participantId":participantID}.
func LeaveByParticipantID(participantID string) LeaveBody {
	return leaveBody("body.participantId", participantID, func(u *participantLeaveBody) error {
		return u.fromLeaveByParticipantID(leaveByParticipantID{ParticipantId: participantID})
	})
}

// Validate reports why LeaveConversation would refuse the body: unset (the
// zero value) or built from invalid arguments. The error is a *ParamError.
func (b LeaveBody) Validate() error {
	_, err := b.wire()
	return err
}

// MarshalJSON returns the body as LeaveConversation sends it, or the
// Validate error.
func (b LeaveBody) MarshalJSON() ([]byte, error) {
	return marshal(b.wire())
}

// String returns the JSON body, or a note that it is invalid.
func (b LeaveBody) String() string { return describe(b.wire()) }

func (b LeaveBody) wire() ([]byte, error) {
	return wire(b.req.union, b.err, "build it with LeaveByUserID, LeaveByExternalID or LeaveByParticipantID")
}

// leaveBody checks id, the value of field, and fills the union with from.
func leaveBody(field, id string, from func(*participantLeaveBody) error) LeaveBody {
	if err := checkID(field, id); err != nil {
		return LeaveBody{err: err}
	}
	var b LeaveBody
	b.err = from(&b.req)
	return b
}

// wire returns raw, or why a body cannot be sent.
func wire(raw []byte, err error, how string) ([]byte, error) {
	switch {
	case err != nil:
		return nil, err
	case len(raw) == 0:
		return nil, &pathparam.Error{Vendor: Vendor, Field: "body", Reason: "unset: " + how}
	}
	return raw, nil
}

func marshal(raw []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), raw...), nil
}

func describe(raw []byte, err error) string {
	if err != nil {
		return "invalid sunshine body: " + err.Error()
	}
	return string(raw)
}

// checkID refuses an ID Sunshine cannot use (see pathparam.CheckText).
func checkID(field, v string) error {
	return pathparam.CheckText(Vendor, field, v, MaxIDLen)
}
