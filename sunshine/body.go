package sunshine

import (
	"encoding/json"
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
	raw        []byte
	err        error
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
	b := joinBody("body.userId", wireJoin{UserID: userID}, opts)
	if b.err == nil {
		b.userID = userID
	}
	return b
}

// JoinByExternalID is the body that adds the user with this externalId (your
// own ID of the user): {"userExternalId":externalID,"subscribeSDKClient":false}.
func JoinByExternalID(externalID string, opts ...JoinOption) JoinBody {
	b := joinBody("body.userExternalId", wireJoin{UserExternalID: externalID}, opts)
	if b.err == nil {
		b.externalID = externalID
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
	return wire(b.raw, b.err, "build it with JoinByUserID or JoinByExternalID")
}

// wireJoin is the JSON of a join body, in wire key order.
type wireJoin struct {
	UserID             string `json:"userId,omitempty"`
	UserExternalID     string `json:"userExternalId,omitempty"`
	SubscribeSDKClient bool   `json:"subscribeSDKClient"`
}

func joinBody(field string, w wireJoin, opts []JoinOption) JoinBody {
	if err := checkID(field, w.UserID+w.UserExternalID); err != nil {
		return JoinBody{err: err}
	}
	var o joinOptions
	for i, opt := range opts {
		if opt == nil {
			return JoinBody{err: &pathparam.Error{Vendor: Vendor, Field: "body", Reason: fmt.Sprintf("join option %d is nil", i)}}
		}
		opt(&o)
	}
	w.SubscribeSDKClient = o.subscribe
	return JoinBody{raw: encode(w)}
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
	raw []byte
	err error
}

// LeaveByUserID is the body that removes the user with this Sunshine user
// ID: {"userId":userID}.
func LeaveByUserID(userID string) LeaveBody {
	return leaveBody("body.userId", wireLeave{UserID: userID})
}

// LeaveByExternalID is the body that removes the user with this externalId:
// {"userExternalId":externalID}.
func LeaveByExternalID(externalID string) LeaveBody {
	return leaveBody("body.userExternalId", wireLeave{UserExternalID: externalID})
}

// LeaveByParticipantID is the body that removes the participant with this
// ID (Participant.ID, not the user's): {"participantId":participantID}.
func LeaveByParticipantID(participantID string) LeaveBody {
	return leaveBody("body.participantId", wireLeave{ParticipantID: participantID})
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
	return wire(b.raw, b.err, "build it with LeaveByUserID, LeaveByExternalID or LeaveByParticipantID")
}

// wireLeave is the JSON of a leave body: one key is set.
type wireLeave struct {
	UserID         string `json:"userId,omitempty"`
	UserExternalID string `json:"userExternalId,omitempty"`
	ParticipantID  string `json:"participantId,omitempty"`
}

func leaveBody(field string, w wireLeave) LeaveBody {
	if err := checkID(field, w.UserID+w.UserExternalID+w.ParticipantID); err != nil {
		return LeaveBody{err: err}
	}
	return LeaveBody{raw: encode(w)}
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

// encode marshals a wire struct of strings and booleans, which cannot fail.
func encode(v any) []byte {
	raw, _ := json.Marshal(v)
	return raw
}

// checkID refuses an ID Sunshine cannot use (see pathparam.CheckText).
func checkID(field, v string) error {
	return pathparam.CheckText(Vendor, field, v, MaxIDLen)
}
