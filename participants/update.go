package participants

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
)

// Update is the change Client.Update makes to a participant. A zero field
// is left as it is; at least one field must be set. A field the vendor
// cannot carry is Unimplemented naming it, before any request:
//
//	           Twilio                        Bird       Intercom, Sunshine
//	Role       RoleSid (RL + 32 hex digits)  -          Update is Unimplemented
//	Attributes Attributes (replaces them)    -
//	Status     -                             status
type Update struct {
	// Role is the participant's new role in the conversation: a Twilio
	// conversation role SID (RL...).
	Role string
	// Attributes is a JSON object that replaces the participant's
	// attributes (Twilio).
	Attributes json.RawMessage
	// Status is the participant's new status (Bird): active, invited or
	// pending.
	Status Status
}

// validate checks u before any provider runs: something to change, and
// each field set of the right form.
func (u *Update) validate(provider string) error {
	if u.Role == "" && u.Attributes == nil && u.Status == "" {
		return errorf(InvalidArgument, provider, "Update", "nothing to update: set Role, Attributes or Status")
	}
	if u.Role != "" && (strings.TrimSpace(u.Role) != u.Role || strings.IndexFunc(u.Role, unicode.IsControl) >= 0) {
		return errorf(InvalidArgument, provider, "Update.Role", "%s has surrounding space or control characters", pathparam.Quote(u.Role))
	}
	if u.Attributes != nil && !driver.ValidAttributes(u.Attributes) {
		return errorf(InvalidArgument, provider, "Update.Attributes", "not a JSON object")
	}
	switch u.Status {
	case "", StatusActive, StatusInvited, StatusPending:
	default:
		return errorf(InvalidArgument, provider, "Update.Status", "%s is not active, invited or pending", pathparam.Quote(string(u.Status)))
	}
	return nil
}

// Update changes the participant of the conversation that who names (as
// for Get: its ParticipantID, Use, or the first identity the vendor can
// look up) as u says, and returns the participant as the vendor answered,
// with Outcome Updated.
//
// A provider that cannot update participants (Intercom, Sunshine, or one
// of your own without driver.Updater) answers Unimplemented naming the
// vendor, before any request, and so does a field of u the vendor cannot
// carry (see Update). An empty u, Attributes that are not a JSON object or
// a Status other than active, invited or pending is InvalidArgument naming
// the field, before any request. A missing conversation or participant is
// NotFound. When who sets several identities (or a ParticipantID and
// identities), Update first looks the participant up as Get does (one more
// request) and changes it by its ID only when none of its reported
// identities contradicts those given; a contradiction is
// FailedPrecondition naming the identity, and nothing is changed. An
// update sets values, so its requests are retried as safely as Remove's.
// Errors are as for Add.
func (c *Client) Update(ctx context.Context, conversationID string, who Participant, u Update, opts ...Option) (*Result, error) {
	name, o, err := c.prepare(ctx, conversationID, driver.OpUpdate, opts)
	if err != nil {
		return nil, err
	}
	up, ok := c.p.(driver.Updater)
	if !ok {
		return nil, errorf(Unimplemented, name, "Update", "%s cannot update a participant", name)
	}
	if err := who.validateRef(name, driver.OpUpdate); err != nil {
		return nil, err
	}
	if err := u.validate(name); err != nil {
		return nil, err
	}
	n := len(who.identities())
	if who.ParticipantID != "" {
		n++
	}
	switch {
	case n > 1:
		// Several identities: find the participant, check the others
		// against it, and change it by its ID, so that a participant who
		// is not the one described is never changed.
		m, f, err := c.get(ctx, name, conversationID, &who, driver.CallOptions{RequestOptions: o.RequestOptions})
		switch {
		case f != "":
			return nil, &Error{Code: FailedPrecondition, Provider: name, Field: string(f),
				Message: "not updated: the participant found reports another " + string(f) + " than the one given"}
		case err != nil:
			return nil, err
		}
		who = Participant{ParticipantID: m.ID}
	case who.Use != "":
		who = who.only(who.Use)
	}
	res, err := up.Update(ctx, conversationID, who.driver(), u.driver(), o)
	return c.result(name, res, err)
}

// driver returns the driver view of u.
func (u *Update) driver() driver.Update {
	return driver.Update{Role: u.Role, Attributes: u.Attributes, Status: driver.Status(u.Status)}
}
