package participants

import "context"

// The twilio lifecycle (List, Get, Remove) is being built in issue 10: until
// it lands, these refuse with Unimplemented before any request.

func (p *twilioProvider) List(ctx context.Context, conversationID, page string, o CallOptions) (*Page, error) {
	return nil, Errorf(Unimplemented, p.Name(), "List", "not yet implemented for twilio")
}

func (p *twilioProvider) Get(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Member, error) {
	return nil, Errorf(Unimplemented, p.Name(), "Get", "not yet implemented for twilio")
}

func (p *twilioProvider) Remove(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Result, error) {
	return nil, Errorf(Unimplemented, p.Name(), "Remove", "not yet implemented for twilio")
}
