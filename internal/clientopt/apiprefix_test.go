package clientopt

import (
	"errors"
	"testing"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// CheckAPIPrefix, in its own package (the vendor tests call it through
// New): the longest overlap of the base URL's end with an API path's start
// is named, with the URL to give instead; anything else passes.
func TestCheckAPIPrefix(t *testing.T) {
	twilio := []string{"/v1/Conversations", "/v1/Services"}
	for _, tc := range []struct {
		vendor, base string
		api          []string
		want         string // "" when the URL is accepted
	}{
		{"twilio", "https://conversations.twilio.com", twilio, ""},
		{"twilio", "https://conversations.twilio.com/", twilio, ""},
		{"twilio", "https://conversations.twilio.com/v1", twilio,
			`"https://conversations.twilio.com/v1" ends with /v1, where the twilio API's paths (/v1/Conversations/...) start: requests would go to /v1/v1/...; give "https://conversations.twilio.com"`},
		{"twilio", "https://conversations.twilio.com/v1/Conversations/", twilio,
			`"https://conversations.twilio.com/v1/Conversations/" ends with /v1/Conversations, where the twilio API's paths (/v1/Conversations/...) start: requests would go to /v1/Conversations/v1/Conversations/...; give "https://conversations.twilio.com"`},
		{"twilio", "https://proxy.example/twilio/V1/services", twilio,
			`"https://proxy.example/twilio/V1/services" ends with /V1/services, where the twilio API's paths (/v1/Services/...) start: requests would go to /V1/services/V1/services/...; give "https://proxy.example/twilio"`},
		{"twilio", "https://proxy.example/v1/x", twilio, ""},
		{"twilio", "https://proxy.example/x/Conversations", twilio, ""},
		{"sunshine", "https://api.smooch.io/v2", []string{"/v2/apps"}, `"https://api.smooch.io/v2" ends with /v2, where the sunshine API's paths (/v2/apps/...) start: requests would go to /v2/v2/...; give "https://api.smooch.io"`},
		{"sunshine", "https://acme.zendesk.com/sc", []string{"/v2/apps"}, ""},
		{"bird", "https://api.bird.com/workspaces", []string{"/workspaces"}, `"https://api.bird.com/workspaces" ends with /workspaces, where the bird API's paths (/workspaces/...) start: requests would go to /workspaces/workspaces/...; give "https://api.bird.com"`},
		{"bird", "https://api.bird.com", nil, ""},
	} {
		err := CheckAPIPrefix(tc.vendor, tc.base, tc.api...)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v, want it accepted", tc.base, err)
			}
			continue
		}
		var pe *pathparam.Error
		if !errors.As(err, &pe) || pe.Field != "option.WithBaseURL" || pe.Reason != tc.want {
			t.Errorf("%s:\n got %v\nwant reason %s", tc.base, err, tc.want)
		}
	}
	err := CheckAPIPrefix("bird", "http://[::1", "/workspaces")
	var pe *pathparam.Error
	if !errors.As(err, &pe) || pe.Vendor != "bird" || pe.Field != "option.WithBaseURL" || len(pe.Reason) < len("not a URL: ") || pe.Reason[:len("not a URL: ")] != "not a URL: " {
		t.Errorf("unparsable URL: %v", err)
	}
}
