package participants_test

// Benchmarks of the per-call cost of Client.Add, of the vendor client call
// under it and of a hand-written net/http floor that sends the same request
// through the same in-memory RoundTripper. See BENCHMARKS.md for the figures
// and the commands.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// cannedRT is an in-memory RoundTripper: it reads and closes the request
// body, as a real transport does, and answers with a canned response. The
// response header map is shared and must be treated as read-only.
type cannedRT struct {
	status int
	header http.Header
	body   []byte
	n      atomic.Int64
	// byMethod answers the requests of a method with another canned
	// response (counted here).
	byMethod map[string]*cannedRT
	// record keeps each request's method, URL and body in sent (tests
	// only: the benchmarks leave it off).
	record bool
	mu     sync.Mutex
	sent   []string
}

// take returns the requests recorded since the last take.
func (rt *cannedRT) take() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	s := rt.sent
	rt.sent = nil
	return s
}

func newCannedRT(status int, contentType, body string) *cannedRT {
	return &cannedRT{
		status: status,
		header: http.Header{"Content-Type": {contentType}},
		body:   []byte(body),
	}
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
	rt.n.Add(1)
	if alt := rt.byMethod[r.Method]; alt != nil {
		rt = alt
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

// Canned vendor responses, shaped as the vendors (and the fakes) send them.
const (
	benchIntercomResponse = `{"customers":[{"type":"user","id":"5f7f02cb22f4bb37597e0b7d"},{"type":"lead","id":"662f3cbd5a1b0f0cbd5a1b0f"}]}`
	benchBirdResponse     = `{"id":"4fd8f8b5-0d9e-4b7b-9e8c-21c0d0a7c3a1","type":"contact","status":"active","displayName":"Ada","contact":{"identifierKey":"emailaddress","identifierValue":"ada@example.com","platformAddress":"ada@example.com"}}`
	benchTwilioResponse   = `{"account_sid":"AC00000000000000000000000000000001","conversation_sid":"CH00000000000000000000000000000001","sid":"MB00000000000000000000000000000001","identity":null,"attributes":"{}","messaging_binding":{"type":"sms","address":"+15558675310","proxy_address":"+15017122661"},"role_sid":"RL00000000000000000000000000000001","date_created":"2015-12-16T22:18:37Z","date_updated":"2015-12-16T22:18:37Z","url":"https://conversations.twilio.com/v1/Conversations/CH00000000000000000000000000000001/Participants/MB00000000000000000000000000000001","last_read_message_index":null,"last_read_timestamp":null}`

	benchIntercomToken = "dG9rOjEyMzQ1Njc4OTA="
	benchBirdKey       = "bird-access-key-0123456789"
	benchBirdWorkspace = "a1405560-c8d3-4b1a-877d-3f449ad95352"
	benchTwilioSID     = "AC00000000000000000000000000000001"
	benchTwilioToken   = "twilio-auth-token-0123456789abcdef"
)

// benchVendor is one vendor's three ways of making the same call.
type benchVendor struct {
	name   string
	facade func(context.Context) error
	vendor func(context.Context) error
	floor  func(context.Context) error
	rt     *cannedRT
	// requests is how many requests each call sends; 0 means 1.
	requests int64
}

func benchVendors(tb testing.TB) []benchVendor {
	return []benchVendor{benchIntercom(tb), benchBird(tb), benchTwilio(tb), benchSunshine(tb)}
}

func must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

func benchIntercom(tb testing.TB) benchVendor {
	rt := newCannedRT(200, "application/json; charset=utf-8", benchIntercomResponse)
	hc := &http.Client{Transport: rt}
	ic := must(intercom.New(benchIntercomToken, option.WithHTTPClient(hc)))(tb)
	pc := participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: intercomAdmin}))
	p := participants.Participant{Email: "ada@example.com"}

	// The floor: what a careful hand-written client would do.
	plain := &http.Client{Transport: rt}
	url := intercom.DefaultBaseURL + "/conversations/" + intercomConversation + "/customers"
	type customer struct {
		Email string `json:"email"`
	}
	type attach struct {
		AdminID  string   `json:"admin_id"`
		Customer customer `json:"customer"`
	}
	type customersList struct {
		Customers []struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"customers"`
	}
	auth := "Bearer " + benchIntercomToken
	floor := func(ctx context.Context) error {
		body, err := json.Marshal(attach{AdminID: intercomAdmin, Customer: customer{Email: p.Email}})
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header = http.Header{
			"Authorization":    {auth},
			"Accept":           {"application/json"},
			"Intercom-Version": {intercom.DefaultVersion},
			"User-Agent":       {"conversekit/0.1.0"},
			"Content-Type":     {"application/json"},
		}
		var out customersList
		status, err := floorDo(plain, req, &out)
		if err != nil {
			return err
		}
		if status != 200 || len(out.Customers) != 2 {
			tb.Fatalf("floor: %d %+v", status, out)
		}
		return nil
	}
	return benchVendor{
		name: "intercom",
		rt:   rt,
		facade: func(ctx context.Context) error {
			_, err := pc.Add(ctx, intercomConversation, p)
			return err
		},
		vendor: func(ctx context.Context) error {
			_, err := ic.AttachContact(ctx, intercomConversation, intercom.AdminAttach(intercomAdmin, intercom.CustomerByEmail(p.Email)))
			return err
		},
		floor: floor,
	}
}

func benchBird(tb testing.TB) benchVendor {
	rt := newCannedRT(201, "application/json", benchBirdResponse)
	hc := &http.Client{Transport: rt}
	bc := must(bird.New(benchBirdKey, option.WithHTTPClient(hc)))(tb)
	pc := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
	p := participants.Participant{Email: "ada@example.com"}

	plain := &http.Client{Transport: rt}
	url := bird.DefaultBaseURL + "/workspaces/" + benchBirdWorkspace + "/conversations/" + birdConversation + "/participants"
	type contact struct {
		IdentifierKey   string `json:"identifierKey"`
		IdentifierValue string `json:"identifierValue"`
	}
	type create struct {
		Type    string  `json:"type"`
		Contact contact `json:"contact"`
	}
	type participant struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		Status      string `json:"status"`
		DisplayName string `json:"displayName"`
		AvatarURL   string `json:"avatarUrl"`
		Contact     struct {
			IdentifierKey           string `json:"identifierKey"`
			IdentifierValue         string `json:"identifierValue"`
			PlatformAddress         string `json:"platformAddress"`
			PlatformAddressSelector string `json:"platformAddressSelector"`
		} `json:"contact"`
	}
	auth := "AccessKey " + benchBirdKey
	floor := func(ctx context.Context) error {
		body, err := json.Marshal(create{Type: "contact", Contact: contact{IdentifierKey: "emailaddress", IdentifierValue: p.Email}})
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header = http.Header{
			"Authorization": {auth},
			"Accept":        {"application/json"},
			"User-Agent":    {"conversekit/0.1.0"},
			"Content-Type":  {"application/json"},
		}
		var out participant
		status, err := floorDo(plain, req, &out)
		if err != nil {
			return err
		}
		if status != 201 || out.ID == "" {
			tb.Fatalf("floor: %d %+v", status, out)
		}
		return nil
	}
	return benchVendor{
		name: "bird",
		rt:   rt,
		facade: func(ctx context.Context) error {
			_, err := pc.Add(ctx, birdConversation, p)
			return err
		},
		vendor: func(ctx context.Context) error {
			_, err := bc.AddParticipant(ctx, benchBirdWorkspace, birdConversation, bird.ContactByIdentifier("emailaddress", p.Email))
			return err
		},
		floor: floor,
	}
}

func benchTwilio(tb testing.TB) benchVendor {
	rt := newCannedRT(201, "application/json", benchTwilioResponse)
	hc := &http.Client{Transport: rt}
	tc := must(twilio.New(benchTwilioSID, benchTwilioToken, option.WithHTTPClient(hc)))(tb)
	pc := participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: twilioProxy}))
	p := participants.Participant{Phone: "+15558675310"}

	plain := &http.Client{Transport: rt}
	url := twilio.DefaultBaseURL + "/v1/Conversations/" + twilioConversation + "/Participants"
	type participant struct {
		AccountSID       string  `json:"account_sid"`
		ConversationSID  string  `json:"conversation_sid"`
		SID              string  `json:"sid"`
		Identity         *string `json:"identity"`
		Attributes       string  `json:"attributes"`
		MessagingBinding *struct {
			Type             string `json:"type"`
			Address          string `json:"address"`
			ProxyAddress     string `json:"proxy_address"`
			ProjectedAddress string `json:"projected_address"`
		} `json:"messaging_binding"`
		RoleSID              string    `json:"role_sid"`
		DateCreated          time.Time `json:"date_created"`
		DateUpdated          time.Time `json:"date_updated"`
		URL                  string    `json:"url"`
		LastReadMessageIndex *int      `json:"last_read_message_index"`
		LastReadTimestamp    *string   `json:"last_read_timestamp"`
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(benchTwilioSID+":"+benchTwilioToken))
	floor := func(ctx context.Context) error {
		form := "MessagingBinding.Address=" + strings.ReplaceAll(p.Phone, "+", "%2B") +
			"&MessagingBinding.ProxyAddress=" + strings.ReplaceAll(twilioProxy, "+", "%2B")
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(form))
		if err != nil {
			return err
		}
		req.Header = http.Header{
			"Authorization": {auth},
			"Accept":        {"application/json"},
			"User-Agent":    {"conversekit/0.1.0"},
			"Content-Type":  {"application/x-www-form-urlencoded"},
		}
		var out participant
		status, err := floorDo(plain, req, &out)
		if err != nil {
			return err
		}
		if status != 201 || out.SID == "" {
			tb.Fatalf("floor: %d %+v", status, out)
		}
		return nil
	}
	return benchVendor{
		name: "twilio",
		rt:   rt,
		facade: func(ctx context.Context) error {
			_, err := pc.Add(ctx, twilioConversation, p)
			return err
		},
		vendor: func(ctx context.Context) error {
			_, err := tc.CreateParticipant(ctx, twilioConversation, twilio.CreateParticipantParams{Address: p.Phone, ProxyAddress: twilioProxy})
			return err
		},
		floor: floor,
	}
}

// BenchmarkAdd compares, per vendor, Client.Add (facade), the vendor client
// call under it (vendor) and a hand-written net/http floor, all through the
// same in-memory RoundTripper. Run with -count 6 and compare medians: the
// goal is facade/floor <= 1.25 in ns/op and allocs/op.
func BenchmarkAdd(b *testing.B) {
	benchLayers(b, benchVendors(b))
}

// benchLayers runs, per vendor, the facade, vendor and floor ways of one
// call as sub-benchmarks named vendor/layer.
func benchLayers(b *testing.B, vendors []benchVendor) {
	ctx := context.Background()
	for _, v := range vendors {
		for _, layer := range []struct {
			name string
			fn   func(context.Context) error
		}{{"facade", v.facade}, {"vendor", v.vendor}, {"floor", v.floor}} {
			b.Run(v.name+"/"+layer.name, func(b *testing.B) {
				if err := layer.fn(ctx); err != nil { // warm up, and check it works
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if err := layer.fn(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestBenchLayersWork checks, in the normal test run, that every benchmarked
// call (Add, Remove, List) succeeds and sends exactly one request.
func TestBenchLayersWork(t *testing.T) {
	ctx := context.Background()
	var all []benchVendor
	all = append(all, benchVendors(t)...)
	all = append(all, removeVendors(t)...)
	all = append(all, listVendors(t)...)
	for _, v := range all {
		v.rt.record = true
		sent := map[string][]string{}
		for name, fn := range map[string]func(context.Context) error{"facade": v.facade, "vendor": v.vendor, "floor": v.floor} {
			before := v.rt.n.Load()
			if err := fn(ctx); err != nil {
				t.Errorf("%s/%s: %v", v.name, name, err)
			}
			if n, want := v.rt.n.Load()-before, max(v.requests, 1); n != want {
				t.Errorf("%s/%s: %d requests, want %d", v.name, name, n, want)
			}
			sent[name] = v.rt.take()
		}
		// The three layers make the same requests (method, URL, body):
		// the floor is a floor of the same work.
		for _, name := range []string{"vendor", "floor"} {
			if !slices.Equal(sent[name], sent["facade"]) {
				t.Errorf("%s: %s sent\n%q\nthe facade\n%q", v.name, name, sent[name], sent["facade"])
			}
		}
	}
}

// TestAddAllocsDoNotGrow checks that the allocations of one Add do not grow
// with the number of earlier calls: calls 1..100 against calls
// 10,000..10,100 of the same client.
func TestAddAllocsDoNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 calls per vendor")
	}
	ctx := context.Background()
	for _, v := range benchVendors(t) {
		run := func() {
			if err := v.facade(ctx); err != nil {
				t.Fatal(err)
			}
		}
		early := testing.AllocsPerRun(100, run) // calls 1..101 (one warm-up)
		for range 2_000 - 101 {
			run()
		}
		late := testing.AllocsPerRun(100, run) // calls 2,000..2,100
		t.Logf("%s: allocs per Add: calls 1..100 %.1f, calls 2,000..2,100 %.1f", v.name, early, late)
		// A little slack: with -race, sync.Pool drops objects at random.
		if late > early+2 {
			t.Errorf("%s: allocs per Add grew from %.1f to %.1f", v.name, early, late)
		}
	}
}

// loopbackServer is a plain httptest server answering every request with the
// canned Bird response, counting new TCP connections.
func loopbackServer(tb testing.TB) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	body := []byte(benchBirdResponse)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, &conns
}

func loopbackClient(tb testing.TB, url string) *participants.Client {
	bc := must(bird.New(benchBirdKey, option.WithBaseURL(url)))(tb)
	return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
}

// BenchmarkAddLoopbackParallel runs Client.Add from GOMAXPROCS*parallelism
// goroutines against a loopback server, with the default pooled transport,
// and reports the new TCP connections: they must equal the concurrency, not
// the request count.
func BenchmarkAddLoopbackParallel(b *testing.B) {
	for _, par := range []int{1, 4, 16} {
		b.Run("p"+itoa(par), func(b *testing.B) {
			srv, conns := loopbackServer(b)
			c := loopbackClient(b, srv.URL)
			p := participants.Participant{Email: "ada@example.com"}
			ctx := context.Background()
			b.ReportAllocs()
			b.SetParallelism(par)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Add(ctx, birdConversation, p); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(conns.Load()), "conns")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)*par), "goroutines")
		})
	}
}

// TestLoopbackConnectionReuse: 32 goroutines making 50 calls each open
// about 32 connections, not 1,600 (the pool keeps up to 128 idle per host).
func TestLoopbackConnectionReuse(t *testing.T) {
	srv, conns := loopbackServer(t)
	c := loopbackClient(t, srv.URL)
	const workers, calls = 32, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range calls {
				if _, err := c.Add(context.Background(), birdConversation, participants.Participant{Email: "ada@example.com"}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// Exactly workers on a quiet machine; a few more when a request's dial
	// loses the race to a connection freed meanwhile (net/http then pools
	// the new one). Never anywhere near one per request.
	n := conns.Load()
	t.Logf("%d connections for %d concurrent callers (%d requests)", n, workers, workers*calls)
	if n > 2*workers || n < 1 {
		t.Errorf("%d connections for %d concurrent callers (%d requests)", n, workers, workers*calls)
	}
}

func itoa(n int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

// floorDo is the floor's send-read-decode: a plain http.Client, io.ReadAll
// and json.Unmarshal into out.
func floorDo(c *http.Client, req *http.Request, out any) (int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || out == nil { // out nil: a body-less answer (204), read to the end
		return resp.StatusCode, err
	}
	return resp.StatusCode, json.Unmarshal(b, out)
}
