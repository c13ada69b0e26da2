package specs_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestWebhookSchemas: the webhook payload schemas that the vendor packages
// decode into are in the specs, valid, with the fields the decoders rely on.
func TestWebhookSchemas(t *testing.T) {
	for file, schemas := range map[string]map[string][]string{
		"twilio.yaml": {
			"ParticipantEvent":     {"EventType", "ConversationSid", "ParticipantSid", "Identity", "MessagingBinding.Address", "RetryCount"},
			"ParticipantEventType": nil,
		},
		"intercom.yaml": {
			"NotificationEvent":        {"type", "id", "topic", "data"},
			"NotificationItem":         {"type", "id", "conversation", "contact"},
			"NotificationConversation": {"id", "model"},
			"NotificationContact":      {"id", "external_id"},
		},
		"bird.yaml": {
			"WebhookEvent":        {"service", "event", "payload"},
			"WebhookConversation": {"id", "featuredParticipants", "activeParticipantCount", "pendingParticipantCount"},
		},
		"sunshine.yaml": {
			"WebhookPayload":      {"app", "webhook", "events"},
			"WebhookEvent":        {"id", "type", "payload", "createdAt"},
			"WebhookEventPayload": {"conversation", "user"},
			"WebhookUser":         {"id", "externalId", "authenticated"},
		},
	} {
		t.Run(file, func(t *testing.T) {
			doc, err := openapi3.NewLoader().LoadFromFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Fatal(err)
			}
			for name, props := range schemas {
				ref := doc.Components.Schemas[name]
				if ref == nil || ref.Value == nil {
					t.Errorf("no schema %s", name)
					continue
				}
				for _, p := range props {
					if ref.Value.Properties[p] == nil {
						t.Errorf("%s has no property %s", name, p)
					}
				}
			}
		})
	}
}
