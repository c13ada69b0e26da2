// Package specs_test loads and validates the OpenAPI documents the vendor
// clients are generated from.
package specs_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestSpecsAreValidOpenAPI303(t *testing.T) {
	for _, tc := range []struct {
		file string
		ops  []string
	}{
		{"intercom.yaml", []string{"POST /conversations/{id}/customers", "DELETE /conversations/{id}/customers/{contact_id}"}},
		{"bird.yaml", []string{
			"POST /workspaces/{workspaceId}/conversations/{conversationId}/participants",
			"GET /workspaces/{workspaceId}/conversations/{conversationId}/participants",
		}},
		{"twilio.yaml", []string{
			"POST /v1/Conversations/{ConversationSid}/Participants",
			"GET /v1/Conversations/{ConversationSid}/Participants",
			"GET /v1/Conversations/{ConversationSid}/Participants/{Sid}",
			"DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}",
			"POST /v1/Conversations/{ConversationSid}/Participants/{Sid}",
			"POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants",
			"GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants",
			"GET /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}",
			"POST /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}",
			"DELETE /v1/Services/{ChatServiceSid}/Conversations/{ConversationSid}/Participants/{Sid}",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromFile(tc.file)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if doc.OpenAPI != "3.0.3" {
				t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Fatalf("validate: %v", err)
			}
			for _, op := range tc.ops {
				var method, path string
				for i := range op {
					if op[i] == ' ' {
						method, path = op[:i], op[i+1:]
						break
					}
				}
				item := doc.Paths.Find(path)
				if item == nil || item.GetOperation(method) == nil {
					t.Errorf("missing operation %s", op)
					continue
				}
				if item.GetOperation(method).OperationID == "" {
					t.Errorf("%s has no operationId", op)
				}
			}
			if len(doc.Servers) == 0 || doc.Servers[0].URL == "" {
				t.Error("no server URL")
			}
		})
	}
}
