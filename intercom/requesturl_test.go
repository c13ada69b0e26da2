package intercom

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
	urltest.Pinned(t, urlBuilders()[1], DefaultBaseURL+"/", pinnedEscapes())
}

func urlBuilders() []urltest.Builder {
	return []urltest.Builder{
		{Name: "RetrieveConversation", Format: "/conversations/%s", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newRetrieveConversationRequest(urltest.Ctx, s, p, nil)
		}},
		{Name: "AttachContactToConversationWithBody", Format: "/conversations/%s/customers", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newAttachContactToConversationRequestWithBody(urltest.Ctx, s, p, nil, "application/json", strings.NewReader("{}"))
		}},
		{Name: "AttachContactToConversation", Format: "/conversations/%s/customers", Params: 1, Build: func(s, p string) (*http.Request, error) {
			return newAttachContactToConversationRequest(urltest.Ctx, s, p, nil, attachContactToConversationJSONRequestBody{})
		}},
		{Name: "DetachContactFromConversationWithBody", Format: "/conversations/%s/customers/%s", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newDetachContactFromConversationRequestWithBody(urltest.Ctx, s, p, p, nil, "application/json", strings.NewReader("{}"))
		}},
		{Name: "DetachContactFromConversation", Format: "/conversations/%s/customers/%s", Params: 2, Build: func(s, p string) (*http.Request, error) {
			return newDetachContactFromConversationRequest(urltest.Ctx, s, p, p, nil, detachContactFromConversationJSONRequestBody{})
		}},
	}
}

func pinnedEscapes() map[string]string {
	const b = DefaultBaseURL + "/conversations/"
	return map[string]string{
		"a/b":         b + "a%2Fb/customers",
		"%2e":         b + "%252e/customers",
		"a b":         b + "a%20b/customers",
		"ümlaut":      b + "%C3%BCmlaut/customers",
		"a?b#c":       b + "a%3Fb%23c/customers",
		"a;b,c":       b + "a%3Bb%2Cc/customers",
		"":            b + "/customers",
		"..":          DefaultBaseURL + "/customers",
		".":           b + "customers",
		"../../admin": b + "..%2F..%2Fadmin/customers",
	}
}
