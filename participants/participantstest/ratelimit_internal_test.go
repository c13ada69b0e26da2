package participantstest

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for the rate limit window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func do(t *testing.T, method, url, auth, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", contentType)
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestRateLimit(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC)

	ic := NewIntercomServer()
	ic.SeedAdmin("1")
	alice := ic.SeedContact(IntercomContact{Email: "a@example.com"})
	icConv := ic.SeedConversation("", alice.ID)

	bd := NewBirdServer()
	bdConv := bd.SeedConversation("")

	tw := NewTwilioServer()
	twConv := tw.SeedConversation("", "")
	basic, _ := http.NewRequest(http.MethodGet, "/", nil)
	basic.SetBasicAuth(tw.AccountSID(), tw.AuthToken())

	cases := []struct {
		name                string
		srv                 *Server
		method, path, auth  string
		contentType, body   string
		okStatus            int
		wantBody            string
		intercomRateHeaders bool
	}{
		{"intercom", ic.Server, http.MethodPost, "/conversations/" + icConv + "/customers", "Bearer " + ic.Token(),
			"application/json", `{"admin_id":"1","customer":{"email":"a@example.com"}}`, 200, `"code":"rate_limit_exceeded"`, true},
		{"bird", bd.Server, http.MethodGet, "/workspaces/" + bd.WorkspaceID() + "/conversations/" + bdConv + "/participants", "AccessKey " + bd.AccessKey(),
			"", "", 200, `"code":"TooManyRequests"`, false},
		{"twilio", tw.Server, http.MethodGet, "/v1/Conversations/" + twConv + "/Participants", basic.Header.Get("Authorization"),
			"", "", 200, `"code":20429`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer c.srv.Close()
			clock := &fakeClock{t: start}
			c.srv.now = clock.now
			c.srv.SetRateLimit(2, 1500*time.Millisecond)
			send := func() (*http.Response, string) {
				return do(t, c.method, c.srv.URL()+c.path, c.auth, c.contentType, c.body)
			}
			for i := range 2 {
				res, body := send()
				if res.StatusCode != c.okStatus {
					t.Fatalf("request %d: %d %s", i, res.StatusCode, body)
				}
				if c.intercomRateHeaders && res.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(1-i) {
					t.Errorf("X-RateLimit-Remaining = %q", res.Header.Get("X-RateLimit-Remaining"))
				}
			}
			// Windows are whole seconds: 05.5 is in [05, 06), and 05.999
			// still is.
			clock.advance(499 * time.Millisecond)
			res, body := send()
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, c.wantBody) {
				t.Fatalf("third request: %d %s", res.StatusCode, body)
			}
			if res.Header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
			}
			if c.intercomRateHeaders {
				want := strconv.FormatInt(start.Unix()+1, 10) // the window's end, 06
				if res.Header.Get("X-RateLimit-Reset") != want || res.Header.Get("X-RateLimit-Limit") != "2" ||
					res.Header.Get("X-RateLimit-Remaining") != "0" {
					t.Errorf("rate headers = %v, want reset %s", res.Header, want)
				}
				if !strings.Contains(body, `"type":"error.list"`) || res.Header.Get("X-Request-Id") == "" {
					t.Errorf("429 body %s", body)
				}
			}
			log := c.srv.RequestLog()
			if !log[2].RateLimited || log[1].RateLimited {
				t.Error("RateLimited not logged")
			}
			// A fault bypasses the limit and is not counted.
			c.srv.InjectFaults(Fault{Status: 418})
			if res, _ := send(); res.StatusCode != 418 {
				t.Fatalf("fault: %d", res.StatusCode)
			}
			// The next window lets requests through again.
			clock.advance(time.Millisecond)
			if res, body := send(); res.StatusCode != c.okStatus {
				t.Fatalf("next window: %d %s", res.StatusCode, body)
			}
			c.srv.SetRateLimit(0, 0)
			for range 3 {
				if res, body := send(); res.StatusCode != c.okStatus {
					t.Fatalf("unlimited: %d %s", res.StatusCode, body)
				}
			}
			if c.srv.Requests() != 8 {
				t.Fatalf("Requests = %d", c.srv.Requests())
			}
		})
	}
}
