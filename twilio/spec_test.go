package twilio

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSpecValidates loads specs/twilio.yaml with kin-openapi and validates it.
func TestSpecValidates(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../specs/twilio.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	want := map[string]string{
		"CreateConversationParticipant": "POST /v1/Conversations/{ConversationSid}/Participants",
		"ListConversationParticipants":  "GET /v1/Conversations/{ConversationSid}/Participants",
		"FetchConversationParticipant":  "GET /v1/Conversations/{ConversationSid}/Participants/{Sid}",
		"DeleteConversationParticipant": "DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}",
		"UpdateConversationParticipant": "POST /v1/Conversations/{ConversationSid}/Participants/{Sid}",

		"CreateServiceConversationParticipant": "POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants",
		"ListServiceConversationParticipants":  "GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants",
		"FetchServiceConversationParticipant":  "GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}",
		"UpdateServiceConversationParticipant": "POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}",
		"DeleteServiceConversationParticipant": "DELETE /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}",
	}
	got := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got[op.OperationID] = method + " " + path
		}
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("operation %s = %q, want %q", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("operations = %v, want %v", got, want)
	}
	if s := doc.Components.SecuritySchemes["accountSidAuthToken"]; s == nil || s.Value.Scheme != "basic" {
		t.Errorf("security scheme accountSidAuthToken is not HTTP basic")
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != DefaultBaseURL {
		t.Errorf("servers = %v, want %s", doc.Servers, DefaultBaseURL)
	}
	p := doc.Components.Schemas["Participant"].Value
	for name, prop := range p.Properties {
		if !prop.Value.Nullable {
			t.Errorf("Participant.%s is not nullable", name)
		}
	}
	if len(p.Properties) != 13 {
		t.Errorf("Participant has %d properties, want 13", len(p.Properties))
	}
	form := doc.Components.Schemas["CreateConversationParticipantRequest"].Value
	for _, k := range []string{"Identity", "MessagingBinding.Address", "MessagingBinding.ProxyAddress", "DateCreated", "DateUpdated", "Attributes", "MessagingBinding.ProjectedAddress", "RoleSid"} {
		if form.Properties[k] == nil {
			t.Errorf("create form lacks %s", k)
		}
	}
	update := doc.Components.Schemas["UpdateConversationParticipantRequest"].Value
	for _, k := range []string{"Identity", "MessagingBinding.ProxyAddress", "MessagingBinding.ProjectedAddress", "DateCreated", "DateUpdated", "Attributes", "RoleSid", "LastReadMessageIndex", "LastReadTimestamp"} {
		if update.Properties[k] == nil {
			t.Errorf("update form lacks %s", k)
		}
	}
	if n := len(update.Properties); n != 9 {
		t.Errorf("update form has %d fields, want 9", n)
	}
	if s := doc.Components.Parameters["ChatServiceSid"]; s == nil || s.Value.Schema.Value.Pattern != "^IS[0-9a-fA-F]{32}$" {
		t.Errorf("ChatServiceSid has no IS pattern")
	}
}
