package bird

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSpecValidates loads specs/bird.yaml with kin-openapi and validates it.
func TestSpecValidates(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../specs/bird.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	want := map[string]string{
		"addParticipant":                "POST /workspaces/{workspaceId}/conversations/{conversationId}/participants",
		"listParticipants":              "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants",
		"getParticipant":                "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}",
		"removeParticipant":             "DELETE /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}",
		"getParticipantByIdentifier":    "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}",
		"updateParticipant":             "PATCH /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}",
		"updateParticipantByIdentifier": "PATCH /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}",
	}
	got := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got[op.OperationID] = method + " " + path
		}
	}
	if len(got) != len(want) {
		t.Errorf("operations = %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("operation %s = %q, want %q", id, got[id], w)
		}
	}
	add := doc.Paths.Find("/workspaces/{workspaceId}/conversations/{conversationId}/participants").Post
	for _, code := range []string{"200", "201", "404", "409", "422"} {
		if add.Responses.Value(code) == nil {
			t.Errorf("addParticipant has no %s response", code)
		}
	}
	union := doc.Components.Schemas["CreateParticipant"].Value
	if len(union.OneOf) != 3 {
		t.Fatalf("CreateParticipant oneOf has %d members, want 3", len(union.OneOf))
	}
	for i, name := range []string{"CreateParticipantUserOrFlow", "CreateParticipantContactByID", "CreateParticipantContactByIdentifier"} {
		if ref := union.OneOf[i].Ref; ref != "#/components/schemas/"+name {
			t.Errorf("oneOf[%d] = %q, want a $ref to %s", i, ref, name)
		}
	}
}

// TestBodiesMatchSpec checks that every body the constructors build matches
// exactly one member of the spec's CreateParticipant oneOf, and decodes into
// the generated member type with no unknown field.
func TestBodiesMatchSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../specs/bird.yaml")
	if err != nil {
		t.Fatal(err)
	}
	union := doc.Components.Schemas["CreateParticipant"].Value
	bodies := []struct {
		body   CreateParticipantBody
		member any
	}{
		{UserParticipant("u-1"), &createParticipantUserOrFlow{}},
		{UserParticipant("u-1", WithStatus(ParticipantStatusPending)), &createParticipantUserOrFlow{}},
		{FlowParticipant("f-1", WithStatus(ParticipantStatusActive)), &createParticipantUserOrFlow{}},
		{ContactByID("c-1"), &createParticipantContactByID{}},
		{ContactByID("c-1", WithPlatformAddressSelector("attributes.workEmail"), WithStatus(ParticipantStatusInvited)), &createParticipantContactByID{}},
		{ContactByIdentifier("emailaddress", "john.doe@bird.com"), &createParticipantContactByIdentifier{}},
		{ContactByIdentifier("", "+31612345678", WithPlatformAddressSelector("identifiers.phonenumber")), &createParticipantContactByIdentifier{}},
	}
	for _, b := range bodies {
		raw, err := json.Marshal(b.body)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		if err := union.VisitJSON(v); err != nil {
			t.Errorf("%s does not match CreateParticipant: %v", raw, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(b.member); err != nil {
			t.Errorf("%s into %T: %v", raw, b.member, err)
		}
	}
	// The spec itself refuses what the constructors refuse.
	for _, bad := range []string{`null`, `{}`, `{"type":"contact","id":"c","contact":{"identifierValue":"x"},"extra":1}`, `{"type":"user","id":"u","status":"inactive"}`} {
		var v any
		_ = json.Unmarshal([]byte(bad), &v)
		if union.VisitJSON(v) == nil && bad != `null` {
			t.Errorf("spec accepts %s", bad)
		}
	}
}
