package intercom

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestSpecValidates loads specs/intercom.yaml with kin-openapi and validates
// it, examples included.
func TestSpecValidates(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../specs/intercom.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	for _, op := range []struct {
		path, method, id string
		codes            []int
	}{
		{"/conversations/{id}", "GET", "retrieveConversation", []int{200, 401, 403, 404, 429}},
		{"/conversations/{id}/customers", "POST", "attachContactToConversation", []int{200, 401, 403, 404, 422, 429}},
		{"/conversations/{id}/customers/{contact_id}", "DELETE", "detachContactFromConversation", []int{200, 401, 403, 404, 422, 429}},
	} {
		item := doc.Paths.Find(op.path)
		if item == nil {
			t.Fatalf("missing path %s", op.path)
		}
		o := item.GetOperation(op.method)
		if o == nil || o.OperationID != op.id {
			t.Fatalf("%s %s: want operationId %s, got %+v", op.method, op.path, op.id, o)
		}
		for _, code := range op.codes {
			if o.Responses.Status(code) == nil {
				t.Errorf("%s: no %d response", op.id, code)
			}
		}
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok {
		t.Error("no bearerAuth security scheme")
	}
}
