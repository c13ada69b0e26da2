package sunshine

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSpecValidates loads specs/sunshine.yaml with kin-openapi, validates it
// and checks the operations, hosts and body shapes the client relies on.
func TestSpecValidates(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../specs/sunshine.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	want := map[string]string{
		"joinConversation":   "POST /v2/apps/{appId}/conversations/{conversationId}/join",
		"leaveConversation":  "POST /v2/apps/{appId}/conversations/{conversationId}/leave",
		"listParticipants":   "GET /v2/apps/{appId}/conversations/{conversationId}/participants",
		"createUser":         "POST /v2/apps/{appId}/users",
		"createConversation": "POST /v2/apps/{appId}/conversations",
		"getConversation":    "GET /v2/apps/{appId}/conversations/{conversationId}",
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
		t.Errorf("operations = %v", got)
	}
	hosts := map[string]bool{}
	for _, s := range doc.Servers {
		hosts[s.URL] = true
	}
	for _, h := range []string{USBaseURL, EUBaseURL, "https://{subdomain}.zendesk.com/sc"} {
		if !hosts[h] {
			t.Errorf("servers lack %s", h)
		}
	}
	if s := doc.Components.SecuritySchemes["basicAuth"]; s == nil || s.Value.Scheme != "basic" {
		t.Error("basicAuth is not HTTP basic")
	}
	leave := doc.Components.Schemas["ParticipantLeaveBody"].Value
	if len(leave.OneOf) != 3 {
		t.Fatalf("leave oneOf has %d branches", len(leave.OneOf))
	}
	for _, b := range leave.OneOf {
		if len(b.Value.Required) != 1 || len(b.Value.Properties) != 1 || b.Value.AdditionalProperties.Has == nil || *b.Value.AdditionalProperties.Has {
			t.Errorf("leave branch %s: required %v, properties %d: want one required key and nothing else", b.Ref, b.Value.Required, len(b.Value.Properties))
		}
	}
	if n := len(doc.Components.Schemas["ParticipantJoinBody"].Value.AnyOf); n != 2 {
		t.Errorf("join anyOf has %d branches", n)
	}
	if p := doc.Components.Schemas["Participant"].Value; len(p.Required) != 0 || !p.Properties["userExternalId"].Value.Nullable || !p.Properties["lastRead"].Value.Nullable {
		t.Error("Participant: no field may be required; userExternalId and lastRead are nullable")
	}
}
