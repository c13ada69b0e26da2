package participants_test

// Benchmarks of Client.Remove and Client.List (one page of 50) against the
// vendor client call under them and a hand-written net/http floor, and the
// Sunshine vendor of BenchmarkAdd. Every layer sends the same request
// through the same in-memory RoundTripper (cannedRT). See BENCHMARKS.md.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

const (
	benchSunshineKeyID  = "app_5d8cff3cd55b040010928b5c"
	benchSunshineSecret = "sunshine-secret-0123456789abcdef"
	benchSunshineApp    = "5d8cff3cd55b040010928b5b"
	benchSunshineConv   = "029c31f25a21b47effd7be90"

	benchIntercomContact = "662f3cbd5a1b0f0cbd5a1b0f"
	benchBirdParticipant = "4fd8f8b5-0d9e-4b7b-9e8c-21c0d0a7c3a1"
	benchTwilioMember    = "MB00000000000000000000000000000001"
	benchSunshineMember  = "8ac3bfa2a0f1b7c2d3e4f5a6"

	// benchListSize is the participants on the one page BenchmarkList reads.
	benchListSize = 50
)

// benchSunshineResponse is Sunshine's 201 to a join.
const benchSunshineResponse = `{"participant":{"id":"8ac3bfa2a0f1b7c2d3e4f5a6","userId":"7ac3bfa2a0f1b7c2d3e4f5a6","userExternalId":"crm-42","unreadCount":0,"lastRead":"2026-12-07T10:00:00.000Z","clientAssociations":[]}}`

// sunshinePlain is a Sunshine participant as a hand-written client would
// decode it: every field the library hands its users (through Member.As),
// its clients included.
type sunshinePlain struct {
	ID                 string `json:"id"`
	UserID             string `json:"userId"`
	UserExternalID     string `json:"userExternalId"`
	UnreadCount        int    `json:"unreadCount"`
	LastRead           string `json:"lastRead"`
	ClientAssociations []struct {
		Type     string `json:"type"`
		ClientID string `json:"clientId"`
	} `json:"clientAssociations"`
}

func sunshineClient(tb testing.TB, rt http.RoundTripper) *sunshine.Client {
	return must(sunshine.New(benchSunshineKeyID, benchSunshineSecret,
		option.WithBaseURL(sunshine.USBaseURL), option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
}

var benchSunshineAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(benchSunshineKeyID+":"+benchSunshineSecret))

// benchSunshineURL is the URL of a Sunshine participant operation
// (join, leave, participants).
func benchSunshineURL(op string) string {
	return sunshine.USBaseURL + "/v2/apps/" + benchSunshineApp + "/conversations/" + benchSunshineConv + "/" + op
}

// floorJSON sends method url with a JSON body (nil: none) and the headers,
// and decodes the answer into out (nil: a body-less answer); it fails tb
// unless the status is want.
func floorJSON(tb testing.TB, c *http.Client, ctx context.Context, method, url string, body any, header http.Header, want int, out any) error {
	var r *strings.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = strings.NewReader(string(b))
	}
	var req *http.Request
	var err error
	if r != nil {
		req, err = http.NewRequestWithContext(ctx, method, url, r)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, url, nil)
	}
	if err != nil {
		return err
	}
	req.Header = header
	status, err := floorDo(c, req, out)
	if err != nil {
		return err
	}
	if status != want {
		tb.Fatalf("floor %s %s: %d, want %d", method, url, status, want)
	}
	return nil
}

func jsonHeader(auth string, extra ...string) http.Header {
	h := http.Header{
		"Authorization": {auth},
		"Accept":        {"application/json"},
		"User-Agent":    {"conversekit/0.1.0"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = []string{extra[i+1]}
	}
	return h
}

// benchSunshine is a Sunshine Add: two requests, as Sunshine does not say
// what a join of a participant does: the facade reads the participants
// (ensure semantics: an existing one is not joined again), then joins. The
// vendor layer makes the same two calls with the vendor client; the floor
// makes them hand-written.
func benchSunshine(tb testing.TB) benchVendor {
	rt := newCannedRT(201, "application/json", benchSunshineResponse)
	rt.byMethod = map[string]*cannedRT{http.MethodGet: newCannedRT(200, "application/json", `{"participants":[],"meta":{"hasMore":false},"links":{}}`)}
	sc := sunshineClient(tb, rt)
	pc := participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: benchSunshineApp}))
	p := participants.Participant{ExternalID: "crm-42"}
	plain := &http.Client{Transport: rt}
	url := benchSunshineURL("join")
	listURL := fmt.Sprintf("%s?page[size]=%d", benchSunshineURL("participants"), sunshine.MaxPageSize)
	type join struct {
		UserExternalID     string `json:"userExternalId"`
		SubscribeSDKClient bool   `json:"subscribeSDKClient"`
	}
	return benchVendor{
		name:     "sunshine",
		rt:       rt,
		requests: 2,
		facade: func(ctx context.Context) error {
			_, err := pc.Add(ctx, benchSunshineConv, p)
			return err
		},
		vendor: func(ctx context.Context) error {
			l, err := sc.ListParticipants(ctx, benchSunshineApp, benchSunshineConv, &sunshine.ListParticipantsParams{Size: sunshine.MaxPageSize})
			if err != nil {
				return err
			}
			for _, sp := range l.Participants {
				if sp.UserExternalID == p.ExternalID {
					tb.Fatalf("vendor: already there: %+v", l)
				}
			}
			_, err = sc.JoinConversation(ctx, benchSunshineApp, benchSunshineConv, sunshine.JoinByExternalID(p.ExternalID))
			return err
		},
		floor: func(ctx context.Context) error {
			var list struct {
				Participants []sunshinePlain `json:"participants"`
				Meta         struct {
					HasMore bool `json:"hasMore"`
				} `json:"meta"`
			}
			if err := floorJSON(tb, plain, ctx, http.MethodGet, listURL, nil, jsonHeader(benchSunshineAuth), 200, &list); err != nil {
				return err
			}
			for _, sp := range list.Participants {
				if sp.UserExternalID == p.ExternalID {
					tb.Fatalf("floor: already there: %+v", list)
				}
			}
			var out struct {
				Participant sunshinePlain `json:"participant"`
			}
			if err := floorJSON(tb, plain, ctx, http.MethodPost, url, join{UserExternalID: p.ExternalID},
				jsonHeader(benchSunshineAuth, "Content-Type", "application/json"), 201, &out); err != nil {
				return err
			}
			if out.Participant.ID == "" {
				tb.Fatalf("floor: %+v", out)
			}
			return nil
		},
	}
}

// removeVendors is, per vendor, the removal of a participant named by the
// ID the vendor gave it (one request: no lookup).
func removeVendors(tb testing.TB) []benchVendor {
	var vs []benchVendor

	{ // Intercom: DELETE with the admin in the body; 200 with the customers left.
		rt := newCannedRT(200, "application/json; charset=utf-8", `{"customers":[{"type":"user","id":"5f7f02cb22f4bb37597e0b7d"}]}`)
		ic := must(intercom.New(benchIntercomToken, option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
		pc := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin}))
		plain := &http.Client{Transport: rt}
		url := intercom.DefaultBaseURL + "/conversations/" + intercomConversation + "/customers/" + benchIntercomContact
		type detach struct {
			AdminID string `json:"admin_id"`
		}
		vs = append(vs, benchVendor{
			name: "intercom", rt: rt,
			facade: func(ctx context.Context) error {
				_, err := pc.Remove(ctx, intercomConversation, participants.Participant{ID: benchIntercomContact})
				return err
			},
			vendor: func(ctx context.Context) error {
				_, err := ic.DetachContact(ctx, intercomConversation, benchIntercomContact, intercomAdmin)
				return err
			},
			floor: func(ctx context.Context) error {
				var out struct {
					Customers []struct {
						Type string `json:"type"`
						ID   string `json:"id"`
					} `json:"customers"`
				}
				if err := floorJSON(tb, plain, ctx, http.MethodDelete, url, detach{AdminID: intercomAdmin},
					jsonHeader("Bearer "+benchIntercomToken, "Intercom-Version", intercom.DefaultVersion, "Content-Type", "application/json"), 200, &out); err != nil {
					return err
				}
				for _, c := range out.Customers {
					if c.ID == benchIntercomContact {
						tb.Fatalf("floor: still there: %+v", out)
					}
				}
				return nil
			},
		})
	}
	{ // Bird: DELETE, 204.
		rt := newCannedRT(204, "", "")
		bc := must(bird.New(benchBirdKey, option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
		pc := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
		plain := &http.Client{Transport: rt}
		url := bird.DefaultBaseURL + "/workspaces/" + benchBirdWorkspace + "/conversations/" + birdConversation + "/participants/" + benchBirdParticipant
		vs = append(vs, benchVendor{
			name: "bird", rt: rt,
			facade: func(ctx context.Context) error {
				_, err := pc.Remove(ctx, birdConversation, participants.Participant{ParticipantID: benchBirdParticipant})
				return err
			},
			vendor: func(ctx context.Context) error {
				return bc.RemoveParticipant(ctx, benchBirdWorkspace, birdConversation, benchBirdParticipant)
			},
			floor: func(ctx context.Context) error {
				return floorJSON(tb, plain, ctx, http.MethodDelete, url, nil, jsonHeader("AccessKey "+benchBirdKey), 204, nil)
			},
		})
	}
	{ // Twilio: DELETE, 204.
		rt := newCannedRT(204, "", "")
		tc := must(twilio.New(benchTwilioSID, benchTwilioToken, option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
		pc := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
		plain := &http.Client{Transport: rt}
		url := twilio.DefaultBaseURL + "/v1/Conversations/" + twilioConversation + "/Participants/" + benchTwilioMember
		auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(benchTwilioSID+":"+benchTwilioToken))
		vs = append(vs, benchVendor{
			name: "twilio", rt: rt,
			facade: func(ctx context.Context) error {
				_, err := pc.Remove(ctx, twilioConversation, participants.Participant{ParticipantID: benchTwilioMember})
				return err
			},
			vendor: func(ctx context.Context) error {
				return tc.DeleteParticipant(ctx, twilioConversation, benchTwilioMember, nil)
			},
			floor: func(ctx context.Context) error {
				return floorJSON(tb, plain, ctx, http.MethodDelete, url, nil, jsonHeader(auth), 204, nil)
			},
		})
	}
	{ // Sunshine: POST leave, 200 {}.
		rt := newCannedRT(200, "application/json", `{}`)
		sc := sunshineClient(tb, rt)
		pc := participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: benchSunshineApp}))
		plain := &http.Client{Transport: rt}
		url := benchSunshineURL("leave")
		type leave struct {
			ParticipantID string `json:"participantId"`
		}
		vs = append(vs, benchVendor{
			name: "sunshine", rt: rt,
			facade: func(ctx context.Context) error {
				_, err := pc.Remove(ctx, benchSunshineConv, participants.Participant{ParticipantID: benchSunshineMember})
				return err
			},
			vendor: func(ctx context.Context) error {
				return sc.LeaveConversation(ctx, benchSunshineApp, benchSunshineConv, sunshine.LeaveByParticipantID(benchSunshineMember))
			},
			floor: func(ctx context.Context) error {
				var out map[string]json.RawMessage
				return floorJSON(tb, plain, ctx, http.MethodPost, url, leave{ParticipantID: benchSunshineMember},
					jsonHeader(benchSunshineAuth, "Content-Type", "application/json"), 200, &out)
			},
		})
	}
	return vs
}

// Pages of benchListSize participants, as each vendor sends them, with no
// page after them.
func benchIntercomPage() string {
	var b strings.Builder
	b.WriteString(`{"type":"conversation","id":"` + intercomConversation + `","contacts":{"type":"contact.list","contacts":[`)
	for i := range benchListSize {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"contact","id":"662f3cbd5a1b0f0cbd5a%04x","external_id":"crm-%d"}`, i, i)
	}
	b.WriteString(`]}}`)
	return b.String()
}

func benchBirdPage() string {
	var b strings.Builder
	b.WriteString(`{"results":[`)
	for i := range benchListSize {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"4fd8f8b5-0d9e-4b7b-9e8c-21c0d0a7%04x","type":"contact","status":"active","displayName":"Ada %d","contact":{"identifierKey":"emailaddress","identifierValue":"ada%d@example.com","platformAddress":"ada%d@example.com"}}`, i, i, i, i)
	}
	b.WriteString(`],"nextPageToken":""}`)
	return b.String()
}

func benchTwilioPage() string {
	var b strings.Builder
	b.WriteString(`{"participants":[`)
	for i := range benchListSize {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"account_sid":"%s","conversation_sid":"%s","sid":"MB000000000000000000000000000%05d","identity":null,"attributes":"{}","messaging_binding":{"type":"sms","address":"+1555867%04d","proxy_address":"+15017122661"},"role_sid":"RL00000000000000000000000000000001","date_created":"2015-12-16T22:18:37Z","date_updated":"2015-12-16T22:18:37Z","url":"https://conversations.twilio.com/v1/Conversations/%s/Participants/MB000000000000000000000000000%05d","last_read_message_index":null,"last_read_timestamp":null}`,
			benchTwilioSID, twilioConversation, i, i, twilioConversation, i)
	}
	fmt.Fprintf(&b, `],"meta":{"page":0,"page_size":%d,"first_page_url":"https://conversations.twilio.com/v1/Conversations/%s/Participants?PageSize=%d&Page=0","previous_page_url":null,"url":"https://conversations.twilio.com/v1/Conversations/%s/Participants?PageSize=%d&Page=0","next_page_url":null,"key":"participants"}}`,
		benchListSize, twilioConversation, benchListSize, twilioConversation, benchListSize)
	return b.String()
}

func benchSunshinePage() string {
	var b strings.Builder
	b.WriteString(`{"participants":[`)
	for i := range benchListSize {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"8ac3bfa2a0f1b7c2d3e4%04x","userId":"7ac3bfa2a0f1b7c2d3e4%04x","userExternalId":"crm-%d","unreadCount":0,"lastRead":"2026-12-07T10:00:00.000Z","clientAssociations":[]}`, i, i, i)
	}
	b.WriteString(`],"meta":{"hasMore":false},"links":{}}`)
	return b.String()
}

// listVendors is, per vendor, the listing of a conversation of
// benchListSize participants in one request: the facade's List read to the
// end, the vendor client's list call, a hand-written GET decoded into
// plain structs.
func listVendors(tb testing.TB) []benchVendor {
	var vs []benchVendor
	// count ranges over seq and checks that it gave benchListSize members.
	count := func(seq func(func(*participants.Member, error) bool)) error {
		n := 0
		for m, err := range seq {
			if err != nil {
				return err
			}
			if m.ID == "" {
				tb.Fatalf("member without ID")
			}
			n++
		}
		if n != benchListSize {
			tb.Fatalf("listed %d, want %d", n, benchListSize)
		}
		return nil
	}
	want := func(n int) {
		if n != benchListSize {
			tb.Fatalf("listed %d, want %d", n, benchListSize)
		}
	}
	pageSize := participants.WithPageSize(benchListSize)

	{ // Intercom: GET the conversation (no pages).
		rt := newCannedRT(200, "application/json; charset=utf-8", benchIntercomPage())
		ic := must(intercom.New(benchIntercomToken, option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
		pc := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin}))
		plain := &http.Client{Transport: rt}
		url := intercom.DefaultBaseURL + "/conversations/" + intercomConversation
		vs = append(vs, benchVendor{
			name: "intercom", rt: rt,
			facade: func(ctx context.Context) error { return count(pc.List(ctx, intercomConversation)) },
			vendor: func(ctx context.Context) error {
				l, err := ic.ConversationContacts(ctx, intercomConversation)
				if err == nil {
					want(len(l.Contacts))
				}
				return err
			},
			floor: func(ctx context.Context) error {
				var out struct {
					Contacts struct {
						Contacts []struct {
							Type       string `json:"type"`
							ID         string `json:"id"`
							ExternalID string `json:"external_id"`
						} `json:"contacts"`
					} `json:"contacts"`
				}
				err := floorJSON(tb, plain, ctx, http.MethodGet, url, nil, jsonHeader("Bearer "+benchIntercomToken, "Intercom-Version", intercom.DefaultVersion), 200, &out)
				want(len(out.Contacts.Contacts))
				return err
			},
		})
	}
	{ // Bird: GET participants?limit=50.
		rt := newCannedRT(200, "application/json", benchBirdPage())
		bc := must(bird.New(benchBirdKey, option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
		pc := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
		plain := &http.Client{Transport: rt}
		url := fmt.Sprintf("%s/workspaces/%s/conversations/%s/participants?limit=%d", bird.DefaultBaseURL, benchBirdWorkspace, birdConversation, benchListSize)
		vs = append(vs, benchVendor{
			name: "bird", rt: rt,
			facade: func(ctx context.Context) error { return count(pc.List(ctx, birdConversation, pageSize)) },
			vendor: func(ctx context.Context) error {
				l, err := bc.ListParticipants(ctx, benchBirdWorkspace, birdConversation, &bird.ListParticipantsParams{Limit: benchListSize})
				if err == nil {
					want(len(l.Results))
				}
				return err
			},
			floor: func(ctx context.Context) error {
				var out struct {
					Results []struct {
						ID          string `json:"id"`
						Type        string `json:"type"`
						Status      string `json:"status"`
						DisplayName string `json:"displayName"`
						Contact     struct {
							IdentifierKey   string `json:"identifierKey"`
							IdentifierValue string `json:"identifierValue"`
							PlatformAddress string `json:"platformAddress"`
						} `json:"contact"`
					} `json:"results"`
					NextPageToken string `json:"nextPageToken"`
				}
				err := floorJSON(tb, plain, ctx, http.MethodGet, url, nil, jsonHeader("AccessKey "+benchBirdKey), 200, &out)
				want(len(out.Results))
				return err
			},
		})
	}
	{ // Twilio: GET Participants?PageSize=50.
		rt := newCannedRT(200, "application/json", benchTwilioPage())
		tc := must(twilio.New(benchTwilioSID, benchTwilioToken, option.WithHTTPClient(&http.Client{Transport: rt})))(tb)
		pc := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
		plain := &http.Client{Transport: rt}
		url := fmt.Sprintf("%s/v1/Conversations/%s/Participants?PageSize=%d", twilio.DefaultBaseURL, twilioConversation, benchListSize)
		auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(benchTwilioSID+":"+benchTwilioToken))
		vs = append(vs, benchVendor{
			name: "twilio", rt: rt,
			facade: func(ctx context.Context) error { return count(pc.List(ctx, twilioConversation, pageSize)) },
			vendor: func(ctx context.Context) error {
				l, err := tc.ListParticipants(ctx, twilioConversation, &twilio.ListParticipantsParams{PageSize: benchListSize})
				if err == nil {
					want(len(l.Participants))
				}
				return err
			},
			floor: func(ctx context.Context) error {
				var out struct {
					Participants []struct {
						SID              string  `json:"sid"`
						Identity         *string `json:"identity"`
						Attributes       string  `json:"attributes"`
						MessagingBinding *struct {
							Type         string `json:"type"`
							Address      string `json:"address"`
							ProxyAddress string `json:"proxy_address"`
						} `json:"messaging_binding"`
						RoleSID     string `json:"role_sid"`
						DateCreated string `json:"date_created"`
						DateUpdated string `json:"date_updated"`
					} `json:"participants"`
					Meta struct {
						NextPageURL *string `json:"next_page_url"`
					} `json:"meta"`
				}
				err := floorJSON(tb, plain, ctx, http.MethodGet, url, nil, jsonHeader(auth), 200, &out)
				want(len(out.Participants))
				return err
			},
		})
	}
	{ // Sunshine: GET participants?page[size]=50.
		rt := newCannedRT(200, "application/json", benchSunshinePage())
		sc := sunshineClient(tb, rt)
		pc := participants.New(sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: benchSunshineApp}))
		plain := &http.Client{Transport: rt}
		url := fmt.Sprintf("%s?page[size]=%d", benchSunshineURL("participants"), benchListSize)
		vs = append(vs, benchVendor{
			name: "sunshine", rt: rt,
			facade: func(ctx context.Context) error { return count(pc.List(ctx, benchSunshineConv, pageSize)) },
			vendor: func(ctx context.Context) error {
				l, err := sc.ListParticipants(ctx, benchSunshineApp, benchSunshineConv, &sunshine.ListParticipantsParams{Size: benchListSize})
				if err == nil {
					want(len(l.Participants))
				}
				return err
			},
			floor: func(ctx context.Context) error {
				var out struct {
					Participants []sunshinePlain `json:"participants"`
					Meta         struct {
						HasMore     bool   `json:"hasMore"`
						AfterCursor string `json:"afterCursor"`
					} `json:"meta"`
				}
				err := floorJSON(tb, plain, ctx, http.MethodGet, url, nil, jsonHeader(benchSunshineAuth), 200, &out)
				want(len(out.Participants))
				return err
			},
		})
	}
	return vs
}

// BenchmarkRemove compares, per vendor, Client.Remove of a participant
// named by the ID the vendor gave it, the vendor client call under it and a
// hand-written net/http floor. The goal is facade/floor <= 1.25 in ns/op
// and allocs/op (median of paired ratios over 6 interleaved rounds).
func BenchmarkRemove(b *testing.B) {
	benchLayers(b, removeVendors(b))
}

// BenchmarkList compares, per vendor, reading Client.List to the end on a
// conversation of 50 participants (one page), the vendor client's list
// call and a hand-written net/http floor that decodes the page into plain
// structs. Same goal as BenchmarkRemove.
func BenchmarkList(b *testing.B) {
	benchLayers(b, listVendors(b))
}
