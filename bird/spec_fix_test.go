package bird

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// Bird's remove 403 has no JSON body: the text is the message, and the
// error is an ordinary *APIError.
func TestRemoveForbiddenPlainText(t *testing.T) {
	for _, ct := range []string{"text/plain; charset=utf-8", "", "application/json"} {
		t.Run(ct, func(t *testing.T) {
			c, mock, _ := newClient(t, []func() (*http.Response, error){resp(403, ct, "Deleting this participant is not allowed")})
			err := c.RemoveParticipant(context.Background(), ws, conv, "p1")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if ae.StatusCode != 403 || ae.Code != "" || ae.Message != "Deleting this participant is not allowed" {
				t.Errorf("APIError = %+v", ae)
			}
			if got, want := err.Error(), "bird: HTTP 403 Forbidden: Deleting this participant is not allowed"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestListParticipantsTotal(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[`+seed201+`],"nextPageToken":"","total":1,"totalType":""}`)})
	list, err := c.ListParticipants(context.Background(), ws, conv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total == nil || *list.Total != 1 || list.TotalType != "" || len(list.Results) != 1 {
		t.Errorf("list = %+v", list)
	}

	c, _, _ = newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[],"total":2500,"totalType":"estimate"}`)})
	list, err = c.ListParticipants(context.Background(), ws, conv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total == nil || *list.Total != 2500 || list.TotalType != "estimate" {
		t.Errorf("list = %+v", list)
	}

	// Both are optional.
	c, _, _ = newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)})
	list, err = c.ListParticipants(context.Background(), ws, conv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != nil || list.TotalType != "" {
		t.Errorf("list = %+v", list)
	}
}

func TestListParticipantsPageTokenLength(t *testing.T) {
	ok := strings.Repeat("é", MaxPageTokenLen) // 8000 characters, 16000 bytes
	c, mock, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)})
	if _, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{PageToken: ok}); err != nil {
		t.Fatalf("8000 characters: %v", err)
	}
	if mock.GetTotalCallCount() != 1 || !strings.Contains(rec.last(t).Query, "pageToken=") {
		t.Errorf("8000 characters: not sent")
	}

	long := strings.Repeat("a", MaxPageTokenLen+1)
	c, mock, _ = newClient(t, nil)
	_, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{PageToken: long})
	var pe *pathparam.Error
	if !errors.As(err, &pe) || pe.Vendor != "bird" || pe.Field != "params.PageToken" {
		t.Fatalf("err = %v (%T), want a *pathparam.Error for pageToken", err, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "bird") || !strings.Contains(msg, "params.PageToken") || !strings.Contains(msg, "8000") {
		t.Errorf("Error() = %q", msg)
	}
	if mock.GetTotalCallCount() != 0 {
		t.Error("a request was sent")
	}
}

// TestSpecLifecycleFacts pins the facts from Bird's per-operation pages in
// specs/bird.yaml.
func TestSpecLifecycleFacts(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../specs/bird.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			params := append(openapi3.Parameters{}, item.Parameters...)
			params = append(params, op.Parameters...)
			for _, p := range params {
				v := p.Value
				if v.In == "path" && v.Schema.Value.MinLength != 1 {
					t.Errorf("%s %s: path parameter %s minLength = %d, want 1", method, path, v.Name, v.Schema.Value.MinLength)
				}
			}
		}
	}
	list := doc.Paths.Find("/workspaces/{workspaceId}/conversations/{conversationId}/participants").Get
	if tok := list.Parameters.GetByInAndName("query", "pageToken"); tok == nil || tok.Schema.Value.MaxLength == nil || *tok.Schema.Value.MaxLength != 8000 {
		t.Error("pageToken has no maxLength 8000")
	}
	props := doc.Components.Schemas["ParticipantList"].Value.Properties
	if props["total"] == nil || !props["total"].Value.Type.Is("integer") || props["totalType"] == nil || !props["totalType"].Value.Type.Is("string") {
		t.Error("ParticipantList lacks total (integer) or totalType (string)")
	}
	remove := doc.Paths.Find("/workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}").Delete
	forbidden := remove.Responses.Value("403")
	if forbidden == nil || forbidden.Value.Content.Get("application/json") != nil || forbidden.Value.Content.Get("text/plain") == nil {
		t.Error("remove 403 should be declared as plain text, not JSON")
	}
}
