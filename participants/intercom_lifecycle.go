package participants

import "context"

// The intercom lifecycle (List, Get, Remove) is being built in issue 10: until
// it lands, these refuse with Unimplemented before any request.

func (p *intercomProvider) List(ctx context.Context, conversationID, page string, o CallOptions) (*Page, error) {
	return nil, Errorf(Unimplemented, p.Name(), "List", "not yet implemented for intercom")
}

func (p *intercomProvider) Get(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Member, error) {
	return nil, Errorf(Unimplemented, p.Name(), "Get", "not yet implemented for intercom")
}

func (p *intercomProvider) Remove(ctx context.Context, conversationID string, pt Participant, o CallOptions) (*Result, error) {
	return nil, Errorf(Unimplemented, p.Name(), "Remove", "not yet implemented for intercom")
}
