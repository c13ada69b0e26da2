package participants

import "github.com/conversekit/conversekit/participants/driver"

// The conversions between the user's types and the driver's. The Client
// hands a provider driver types and hands the user this package's types,
// so that neither package's API depends on the other's.

// driver returns the driver view of p: every field but Use, which the
// Client has applied.
func (p *Participant) driver() driver.Participant {
	return driver.Participant{
		Kind:          driver.Kind(p.Kind),
		ID:            p.ID,
		ExternalID:    p.ExternalID,
		Email:         p.Email,
		Phone:         p.Phone,
		Channel:       driver.Channel(p.Channel),
		Identifier:    driver.Identifier(p.Identifier),
		Attributes:    p.Attributes,
		Status:        driver.Status(p.Status),
		ParticipantID: p.ParticipantID,
	}
}

// fromDriverResult returns the user's view of r.
func fromDriverResult(r *driver.Result) *Result {
	return &Result{Provider: r.Provider, ID: r.ID, Kind: Kind(r.Kind), Status: Status(r.Status), Outcome: Outcome(r.Outcome), raw: r.Raw}
}

// fromDriverMember returns the user's view of dm.
func fromDriverMember(dm *driver.Member) *Member {
	m := new(Member)
	setMember(m, dm)
	return m
}

// setMember sets m to the user's view of dm.
func setMember(m *Member, dm *driver.Member) {
	*m = Member{
		Provider:   dm.Provider,
		ID:         dm.ID,
		Kind:       Kind(dm.Kind),
		Status:     Status(dm.Status),
		ContactID:  dm.ContactID,
		ExternalID: dm.ExternalID,
		Email:      dm.Email,
		Phone:      dm.Phone,
		Channel:    Channel(dm.Channel),
		Identifier: Identifier(dm.Identifier),
		raw:        dm.Raw,
	}
}
