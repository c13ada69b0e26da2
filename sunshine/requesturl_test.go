package sunshine

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/urltest"
)

// The generated request builders escape path parameters and join them with
// the server as upstream oapi-codegen does (see internal/urltest); a few are
// pinned literally.

func TestRequestURLsAsUpstream(t *testing.T) {
	urltest.AsUpstream(t, USBaseURL+"/", urlBuilders())
}

func TestRequestURLEscaping(t *testing.T) {
	urltest.Pinned(t, urlBuilders()[0], USBaseURL+"/", pinnedEscapes())
}

func urlBuilders() []urltest.Builder {
	body := func() *strings.Reader { return strings.NewReader("{}") }
	return []urltest.Builder{
		{Name: "JoinConversationWithBody", Format: "/v2/apps/%s/conversations/%s/join", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newJoinConversationRequestWithBody(urltest.Ctx, s, p, p, "application/json", body())
		}},
		{Name: "LeaveConversationWithBody", Format: "/v2/apps/%s/conversations/%s/leave", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newLeaveConversationRequestWithBody(urltest.Ctx, s, p, p, "application/json", body())
		}},
		{Name: "ListParticipants", Format: "/v2/apps/%s/conversations/%s/participants", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newListParticipantsRequest(urltest.Ctx, s, p, p, nil)
		}},
		{Name: "CreateUserWithBody", Format: "/v2/apps/%s/users", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newCreateUserRequestWithBody(urltest.Ctx, s, p, "application/json", body())
		}},
		{Name: "CreateConversationWithBody", Format: "/v2/apps/%s/conversations", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newCreateConversationRequestWithBody(urltest.Ctx, s, p, "application/json", body())
		}},
		{Name: "GetConversation", Format: "/v2/apps/%s/conversations/%s", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newGetConversationRequest(urltest.Ctx, s, p, p)
		}},
	}
}

func pinnedEscapes() map[string]string {
	const b = USBaseURL + "/v2/apps/"
	return map[string]string{
		"a/b":         b + "a%2Fb/conversations/a%2Fb/join",
		"%2e":         b + "%252e/conversations/%252e/join",
		"a b":         b + "a%20b/conversations/a%20b/join",
		"ümlaut":      b + "%C3%BCmlaut/conversations/%C3%BCmlaut/join",
		"a?b#c":       b + "a%3Fb%23c/conversations/a%3Fb%23c/join",
		"":            b + "/conversations//join",
		"..":          USBaseURL + "/v2/join",
		".":           b + "conversations/join",
		"../../admin": b + "..%2F..%2Fadmin/conversations/..%2F..%2Fadmin/join",
	}
}
