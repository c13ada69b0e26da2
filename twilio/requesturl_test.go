package twilio

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
		{Name: "CreateConversationParticipantWithBody", Format: "/v1/Conversations/%s/Participants", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newCreateConversationParticipantRequestWithBody(urltest.Ctx, s, p, nil, "application/x-www-form-urlencoded", strings.NewReader(""))
		}},
		{Name: "CreateConversationParticipantWithFormdataBody", Format: "/v1/Conversations/%s/Participants", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newCreateConversationParticipantRequestWithFormdataBody(urltest.Ctx, s, p, nil, createConversationParticipantFormdataRequestBody{})
		}},
		{Name: "DeleteConversationParticipant", Format: "/v1/Conversations/%s/Participants/%s", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newDeleteConversationParticipantRequest(urltest.Ctx, s, p, p, nil)
		}},
		{Name: "FetchConversationParticipant", Format: "/v1/Conversations/%s/Participants/%s", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newFetchConversationParticipantRequest(urltest.Ctx, s, p, p)
		}},
		{Name: "ListConversationParticipants", Format: "/v1/Conversations/%s/Participants", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newListConversationParticipantsRequest(urltest.Ctx, s, p, nil)
		}},
	}
}

func pinnedEscapes() map[string]string {
	const b = DefaultBaseURL + "/v1/Conversations/"
	return map[string]string{
		"a/b":         b + "a%2Fb/Participants",
		"%2e":         b + "%252e/Participants",
		"a b":         b + "a%20b/Participants",
		"ümlaut":      b + "%C3%BCmlaut/Participants",
		"a?b#c":       b + "a%3Fb%23c/Participants",
		"a;b,c":       b + "a%3Bb%2Cc/Participants",
		"":            b + "/Participants",
		"..":          DefaultBaseURL + "/v1/Participants",
		".":           b + "Participants",
		"../../admin": b + "..%2F..%2Fadmin/Participants",
	}
}
