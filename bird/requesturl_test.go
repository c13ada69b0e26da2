package bird

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/urltest"
)

// The generated request builders escape path parameters and join them with
// the server without reflection or URL parsing (specs/templates/client.tmpl,
// opurl.Join): every URL is the one upstream oapi-codegen gives, hostile
// values included (see internal/urltest), and a few are pinned literally.

func TestRequestURLsAsUpstream(t *testing.T) {
	urltest.AsUpstream(t, DefaultBaseURL+"/", urlBuilders())
}

func TestRequestURLEscaping(t *testing.T) {
	urltest.Pinned(t, urlBuilders()[0], DefaultBaseURL+"/", pinnedEscapes())
}

func urlBuilders() []urltest.Builder {
	return []urltest.Builder{
		{Name: "AddParticipantWithBody", Format: "/workspaces/%s/conversations/%s/participants", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newAddParticipantRequestWithBody(urltest.Ctx, s, p, p, "application/json", strings.NewReader("{}"))
		}},
		{Name: "AddParticipant", Format: "/workspaces/%s/conversations/%s/participants", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newAddParticipantRequest(urltest.Ctx, s, p, p, addParticipantJSONRequestBody{})
		}},
		{Name: "GetParticipant", Format: "/workspaces/%s/conversations/%s/participants/%s", Params: 3, Build: func(s, p string) (*http.Request, error) {
			return newGetParticipantRequest(urltest.Ctx, s, p, p, p)
		}},
		{Name: "RemoveParticipant", Format: "/workspaces/%s/conversations/%s/participants/%s", Params: 3, Build: func(s, p string) (*http.Request, error) {
			return newRemoveParticipantRequest(urltest.Ctx, s, p, p, p)
		}},
		{Name: "GetParticipantByIdentifier", Format: "/workspaces/%s/conversations/%s/participants/%s/%s", Params: 4, Build: func(s, p string) (*http.Request, error) {
			return newGetParticipantByIdentifierRequest(urltest.Ctx, s, p, p, p, p)
		}},
		{Name: "UpdateParticipantWithBody", Format: "/workspaces/%s/conversations/%s/participants/%s", Params: 3, Build: func(s, p string) (*http.Request, error) {
			return newUpdateParticipantRequestWithBody(urltest.Ctx, s, p, p, p, "application/json", strings.NewReader("{}"))
		}},
		{Name: "UpdateParticipant", Format: "/workspaces/%s/conversations/%s/participants/%s", Params: 3, Build: func(s, p string) (*http.Request, error) {
			return newUpdateParticipantRequest(urltest.Ctx, s, p, p, p, updateParticipantJSONRequestBody{})
		}},
		{Name: "UpdateParticipantByIdentifierWithBody", Format: "/workspaces/%s/conversations/%s/participants/%s/%s", Params: 4, Build: func(s, p string) (*http.Request, error) {
			return newUpdateParticipantByIdentifierRequestWithBody(urltest.Ctx, s, p, p, p, p, "application/json", strings.NewReader("{}"))
		}},
		{Name: "UpdateParticipantByIdentifier", Format: "/workspaces/%s/conversations/%s/participants/%s/%s", Params: 4, Build: func(s, p string) (*http.Request, error) {
			return newUpdateParticipantByIdentifierRequest(urltest.Ctx, s, p, p, p, p, updateParticipantByIdentifierJSONRequestBody{})
		}},
		{Name: "ListParticipants", Format: "/workspaces/%s/conversations/%s/participants", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newListParticipantsRequest(urltest.Ctx, s, p, p, nil)
		}},
	}
}

func pinnedEscapes() map[string]string {
	const b = DefaultBaseURL + "/workspaces/"
	return map[string]string{
		"a/b":         b + "a%2Fb/conversations/a%2Fb/participants",
		"%2e":         b + "%252e/conversations/%252e/participants",
		"a b":         b + "a%20b/conversations/a%20b/participants",
		"ümlaut":      b + "%C3%BCmlaut/conversations/%C3%BCmlaut/participants",
		"a?b#c":       b + "a%3Fb%23c/conversations/a%3Fb%23c/participants",
		"a;b,c":       b + "a%3Bb%2Cc/conversations/a%3Bb%2Cc/participants",
		"":            b + "/conversations//participants",
		"..":          DefaultBaseURL + "/participants",
		".":           b + "conversations/participants",
		"../../admin": DefaultBaseURL + "/workspaces/..%2F..%2Fadmin/conversations/..%2F..%2Fadmin/participants",
	}
}
