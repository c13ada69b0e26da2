package twiliogo

// Participant create, list (one page of 50) and delete, three ways, through
// the same in-memory RoundTripper answering canned Twilio responses:
// conversekit's facade (participants.Client over twilioparticipants),
// conversekit's vendor client (twilio.Client) and twilio-go's
// ConversationsV1 service. See BENCHMARKS.md ("Against twilio-go") for the
// figures and the commands.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	twiliogo "github.com/twilio/twilio-go"
	twiliogoclient "github.com/twilio/twilio-go/client"
	conversationsv1 "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

const (
	accountSID   = "AC00000000000000000000000000000001"
	authToken    = "0123456789abcdef0123456789abcdef" // twilio-go accepts only letters and digits
	conversation = "CH00000000000000000000000000000001"
	member       = "MB00000000000000000000000000000001"
	address      = "+15558675310"
	proxyAddress = "+15017122661"
	listSize     = 50
)

// participantJSON is one participant as Twilio sends it.
func participantJSON(i int) string {
	return fmt.Sprintf(`{"account_sid":"%s","conversation_sid":"%s","sid":"MB000000000000000000000000000%05d","identity":null,"attributes":"{}","messaging_binding":{"type":"sms","address":"+1555867%04d","proxy_address":"%s"},"role_sid":"RL00000000000000000000000000000001","date_created":"2015-12-16T22:18:37Z","date_updated":"2015-12-16T22:18:37Z","url":"https://conversations.twilio.com/v1/Conversations/%s/Participants/MB000000000000000000000000000%05d","last_read_message_index":null,"last_read_timestamp":null}`,
		accountSID, conversation, i+1, 5310+i, proxyAddress, conversation, i+1)
}

// pageJSON is a page of n participants with no page after it, as Twilio
// sends it.
func pageJSON(n int) string {
	var b strings.Builder
	b.WriteString(`{"participants":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(participantJSON(i))
	}
	fmt.Fprintf(&b, `],"meta":{"page":0,"page_size":%d,"first_page_url":"https://conversations.twilio.com/v1/Conversations/%s/Participants?PageSize=%d&Page=0","previous_page_url":null,"url":"https://conversations.twilio.com/v1/Conversations/%s/Participants?PageSize=%d&Page=0","next_page_url":null,"key":"participants"}}`,
		n, conversation, n, conversation, n)
	return b.String()
}

// cannedRT is an in-memory RoundTripper: it reads and closes the request
// body, as a real transport does, and answers with a canned response. The
// response header map is shared and must be treated as read-only.
type cannedRT struct {
	status int
	header http.Header
	body   []byte
	// record keeps each request's method, URL and body in sent (tests
	// only: the benchmarks leave it off).
	record bool
	mu     sync.Mutex
	sent   []string
}

func newCannedRT(status int, body string) *cannedRT {
	h := http.Header{}
	if body != "" {
		h.Set("Content-Type", "application/json")
	}
	return &cannedRT{status: status, header: h, body: []byte(body)}
}

func (rt *cannedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		if rt.record {
			body, _ = io.ReadAll(r.Body)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	if rt.record {
		rt.mu.Lock()
		rt.sent = append(rt.sent, r.Method+" "+r.URL.String()+" "+string(body))
		rt.mu.Unlock()
	}
	return &http.Response{
		Status:        http.StatusText(rt.status),
		StatusCode:    rt.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rt.header,
		Body:          io.NopCloser(bytes.NewReader(rt.body)),
		ContentLength: int64(len(rt.body)),
		Request:       r,
	}, nil
}

// take returns the requests recorded since the last take.
func (rt *cannedRT) take() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	s := rt.sent
	rt.sent = nil
	return s
}

// way is one of the three ways of making a call.
type way struct {
	name string
	call func(context.Context) error
}

// op is one operation made the three ways through the same RoundTripper.
type op struct {
	rt   *cannedRT
	ways []way // facade, vendor, twilio-go
}

// clients makes the three clients over rt.
func clients(tb testing.TB, rt http.RoundTripper) (*participants.Client, *twilio.Client, *conversationsv1.ApiService) {
	tb.Helper()
	tc, err := twilio.New(accountSID, authToken, option.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		tb.Fatal(err)
	}
	pc := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: proxyAddress}))
	// What a twilio-go user writes to send through their own http.Client.
	rest := twiliogo.NewRestClientWithParams(twiliogo.ClientParams{Client: &twiliogoclient.Client{
		Credentials: twiliogoclient.NewCredentials(accountSID, authToken),
		HTTPClient:  &http.Client{Transport: rt},
	}})
	return pc, tc, rest.ConversationsV1
}

// createOp adds a messaging-binding participant (address and proxy
// address): 201 and the participant.
func createOp(tb testing.TB) op {
	rt := newCannedRT(http.StatusCreated, participantJSON(0))
	pc, tc, gc := clients(tb, rt)
	p := participants.Participant{Phone: address}
	return op{rt: rt, ways: []way{
		{"facade", func(ctx context.Context) error {
			r, err := pc.Add(ctx, conversation, p)
			if err == nil && r.ID != member {
				return fmt.Errorf("facade: participant %q, want %q", r.ID, member)
			}
			return err
		}},
		{"vendor", func(ctx context.Context) error {
			got, err := tc.CreateParticipant(ctx, conversation, twilio.CreateParticipantParams{Address: address, ProxyAddress: proxyAddress})
			if err == nil && got.SID != member {
				return fmt.Errorf("vendor: participant %q, want %q", got.SID, member)
			}
			return err
		}},
		{"twilio-go", func(context.Context) error {
			params := (&conversationsv1.CreateConversationParticipantParams{}).
				SetMessagingBindingAddress(address).SetMessagingBindingProxyAddress(proxyAddress)
			got, err := gc.CreateConversationParticipant(conversation, params)
			if err == nil && (got.Sid == nil || *got.Sid != member) {
				return fmt.Errorf("twilio-go: participant %v, want %q", got.Sid, member)
			}
			return err
		}},
	}}
}

// listOp reads a conversation of 50 participants, one page: 200 and the
// page.
func listOp(tb testing.TB) op {
	rt := newCannedRT(http.StatusOK, pageJSON(listSize))
	pc, tc, gc := clients(tb, rt)
	want := func(who string, n int) error {
		if n != listSize {
			return fmt.Errorf("%s: %d participants, want %d", who, n, listSize)
		}
		return nil
	}
	return op{rt: rt, ways: []way{
		{"facade", func(ctx context.Context) error {
			n := 0
			for m, err := range pc.List(ctx, conversation, participants.WithPageSize(listSize)) {
				if err != nil {
					return err
				}
				if m.ID == "" {
					return fmt.Errorf("facade: member %d has no ID", n)
				}
				n++
			}
			return want("facade", n)
		}},
		{"vendor", func(ctx context.Context) error {
			page, err := tc.ListParticipants(ctx, conversation, &twilio.ListParticipantsParams{PageSize: listSize})
			if err != nil {
				return err
			}
			return want("vendor", len(page.Participants))
		}},
		{"twilio-go", func(context.Context) error {
			got, err := gc.ListConversationParticipant(conversation, (&conversationsv1.ListConversationParticipantParams{}).SetPageSize(listSize))
			if err != nil {
				return err
			}
			return want("twilio-go", len(got))
		}},
	}}
}

// deleteOp removes a participant by its SID: 204, no body.
func deleteOp(tb testing.TB) op {
	rt := newCannedRT(http.StatusNoContent, "")
	pc, tc, gc := clients(tb, rt)
	return op{rt: rt, ways: []way{
		{"facade", func(ctx context.Context) error {
			_, err := pc.Remove(ctx, conversation, participants.Participant{ParticipantID: member})
			return err
		}},
		{"vendor", func(ctx context.Context) error {
			return tc.DeleteParticipant(ctx, conversation, member, nil)
		}},
		{"twilio-go", func(context.Context) error {
			return gc.DeleteConversationParticipant(conversation, member, nil)
		}},
	}}
}

var ops = []struct {
	name string
	make func(testing.TB) op
	// want is the one request each way sends: method, URL and form body.
	want string
}{
	{"create", createOp, "POST https://conversations.twilio.com/v1/Conversations/" + conversation +
		"/Participants MessagingBinding.Address=%2B15558675310&MessagingBinding.ProxyAddress=%2B15017122661"},
	{"list", listOp, "GET https://conversations.twilio.com/v1/Conversations/" + conversation + "/Participants?PageSize=50 "},
	{"delete", deleteOp, "DELETE https://conversations.twilio.com/v1/Conversations/" + conversation + "/Participants/" + member + " "},
}

// The three ways send the same one request (method, URL, form body) and
// succeed on the same canned response, so the benchmarks compare the same
// work.
func TestSameRequests(t *testing.T) {
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			op := o.make(t)
			op.rt.record = true
			for _, w := range op.ways {
				if err := w.call(t.Context()); err != nil {
					t.Fatalf("%s %s: %v", w.name, o.name, err)
				}
				if got := op.rt.take(); !slices.Equal(got, []string{o.want}) {
					t.Errorf("%s %s sent %q, want %q", w.name, o.name, got, o.want)
				}
			}
		})
	}
}

// A Twilio error reaches each way's caller as an error (none of them takes
// a 404 for a success), so the success checks above are not vacuous.
func TestErrorsAreErrors(t *testing.T) {
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			op := o.make(t)
			op.rt.status = http.StatusNotFound
			op.rt.header = http.Header{"Content-Type": {"application/json"}}
			op.rt.body = []byte(`{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)
			for _, w := range op.ways {
				if err := w.call(t.Context()); err == nil {
					t.Errorf("%s %s: no error on a 404", w.name, o.name)
				}
			}
		})
	}
}

// benchOp runs each way alone (ns/op, B/op, allocs/op), then "paired":
// the three in each iteration, in an order that rotates, reporting each
// one's time and the ratios of conversekit's to twilio-go's (under 1:
// conversekit is faster).
func benchOp(b *testing.B, mk func(testing.TB) op) {
	for i, w := range mk(b).ways {
		b.Run(w.name, func(b *testing.B) {
			w := mk(b).ways[i]
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := w.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("paired", func(b *testing.B) {
		ways := mk(b).ways
		ctx := context.Background()
		var ns [3]int64
		n := 0
		for b.Loop() {
			for k := range 3 {
				j := (n + k) % 3
				t0 := nanotime()
				if err := ways[j].call(ctx); err != nil {
					b.Fatal(err)
				}
				ns[j] += nanotime() - t0
			}
			n++
		}
		b.ReportMetric(float64(ns[0])/float64(n), "facade-ns/op")
		b.ReportMetric(float64(ns[1])/float64(n), "vendor-ns/op")
		b.ReportMetric(float64(ns[2])/float64(n), "twilio-go-ns/op")
		b.ReportMetric(float64(ns[0])/float64(ns[2]), "facade/twilio-go")
		b.ReportMetric(float64(ns[1])/float64(ns[2]), "vendor/twilio-go")
	})
}

// BenchmarkCreate: a messaging-binding participant added by the facade,
// the vendor client and twilio-go, alone and paired.
func BenchmarkCreate(b *testing.B) { benchOp(b, createOp) }

// BenchmarkList: a page of 50 participants read by the facade (List to the
// end), the vendor client (ListParticipants) and twilio-go
// (ListConversationParticipant), alone and paired.
func BenchmarkList(b *testing.B) { benchOp(b, listOp) }

// BenchmarkDelete: a participant removed by its SID by the facade, the
// vendor client and twilio-go, alone and paired.
func BenchmarkDelete(b *testing.B) { benchOp(b, deleteOp) }
