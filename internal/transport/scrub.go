package transport

// Scrubber returns the function that removes r's Secrets from a text, in
// every form Redaction.Secrets lists, as they are removed from the fields
// of an *apierror.Error: for the other vendor-supplied strings a client
// quotes in its own messages (a page token, a conversation type), which
// may echo a credential. A text in which replacing did not remove every
// secret is replaced whole. With no secrets it returns the text as it is.
func (r Redaction) Scrubber() func(string) string {
	return r.compile().scrub
}
