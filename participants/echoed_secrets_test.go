package participants_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/twilio"
)

// echoForms are the forms a vendor may echo s in: as it is, URL-escaped,
// and JSON-escaped as Go writes it (HTML-escaped or not), as PHP does ("/"
// as "\/") and with upper-case hex digits.
func echoForms(s string) []string {
	html, _ := json.Marshal(s)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	h := strings.Trim(string(html), `"`)
	p := strings.Trim(strings.TrimSpace(plain.String()), `"`)
	upper := regexp.MustCompile(`\\u[0-9a-f]{4}`).ReplaceAllStringFunc(h, func(m string) string { return `\u` + strings.ToUpper(m[2:]) })
	return []string{s, url.QueryEscape(s), url.PathEscape(s), h, p, strings.ReplaceAll(h, "/", `\/`), strings.ReplaceAll(p, "/", `\/`), upper}
}

// echoDoer answers every request with status, a body from body(form) for
// each echoed form of the secrets, and the secrets in response headers.
func echoDoer(status int, secrets []string, body func(form string) string) option.Option {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		// The body stays valid JSON (the decoders then copy the secrets,
		// unescaped, into Code, Message, ...): the raw forms go only into
		// the headers.
		var all, inJSON []string
		for _, s := range secrets {
			forms := echoForms(s)
			all = append(all, forms...)
			inJSON = append(inJSON, forms[1:]...)
		}
		resp := httpmock.NewStringResponse(status, body(strings.Join(inJSON, " | ")))
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Request-Id", "req "+all[0])
		resp.Header.Set("Twilio-Request-Id", "RQ "+all[0])
		resp.Header.Set("X-Echo", strings.Join(all, " "))
		resp.Header.Set("Www-Authenticate", `Bearer realm="`+all[0]+`"`)
		return resp, nil
	})
	return option.WithDoer(&http.Client{Transport: mock})
}

// TestVendorAPIErrorHidesEchoedCredential: a vendor that echoes the
// credential, raw or escaped, in the body and the headers of an error
// response shows it nowhere in the *APIError reached with errors.As:
// neither Error() nor %#v / %+v of it nor its Body, Details and Header.
func TestVendorAPIErrorHidesEchoedCredential(t *testing.T) {
	const token = `tok/9f8e<7d>&6c"5b+a4=`
	const sid = "AC0123456789abcdef0123456789abcdef"
	basic := base64.StdEncoding.EncodeToString([]byte(sid + ":" + token))
	fast := []option.Option{option.WithMaxRetries(0)}
	vendors := []struct {
		name    string
		secrets []string
		body    func(form string) string
		call    func(t *testing.T, o ...option.Option) error
	}{
		{"intercom", []string{token},
			func(f string) string {
				return `{"type":"error.list","request_id":"r ` + f + `","errors":[{"code":"unauthorized ` + f + `","message":"bad token ` + f + `","field":"` + f + `"}]}`
			},
			func(t *testing.T, o ...option.Option) error {
				c, err := intercom.New(token, append(fast, o...)...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.DetachContact(context.Background(), "123", "c1", "a1")
				return err
			}},
		{"bird", []string{token},
			func(f string) string {
				return `{"code":"Unauthorized ` + f + `","message":"bad token ` + f + `","details":{"token":"` + f + `"}}`
			},
			func(t *testing.T, o ...option.Option) error {
				c, err := bird.New(token, append(fast, o...)...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.GetParticipant(context.Background(), "0b6e1a57-3b5e-4a8a-9a4e-2f1c3d4e5f60", "1c7f2b68-4c6f-4b9b-8b5f-3a2d4e5f6071", "p1")
				return err
			}},
		{"twilio", []string{token, basic},
			func(f string) string {
				return `{"code":20003,"message":"bad token ` + f + `","more_info":"https://www.twilio.com/docs/errors/20003?t=` + f + `","status":401,"details":{"token":"` + f + `"}}`
			},
			func(t *testing.T, o ...option.Option) error {
				c, err := twilio.New(sid, token, append(fast, o...)...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.FetchParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef", "MB0123456789abcdef0123456789abcdef")
				return err
			}},
	}
	for _, v := range vendors {
		for _, status := range []int{401, 422, 500} {
			t.Run(fmt.Sprintf("%s/%d", v.name, status), func(t *testing.T) {
				var log bytes.Buffer
				logger := slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
				err := v.call(t, echoDoer(status, v.secrets, v.body), option.WithLogger(logger), option.WithDebugBodies())
				var e *twilio.APIError // the one shared type, aliased by every vendor
				if !errors.As(err, &e) {
					t.Fatalf("err = %v, want an *APIError", err)
				}
				if e.StatusCode != status || !json.Valid(e.Body) || e.Header.Get("X-Echo") == "" || !strings.Contains(e.Message, "bad token") {
					t.Fatalf("status %d, body %q, header %v: the error lost what it should keep", e.StatusCode, e.Body, e.Header)
				}
				shown := map[string]string{
					"%#v": fmt.Sprintf("%#v", e), "%+v": fmt.Sprintf("%+v", e), "%+v of the struct": fmt.Sprintf("%+v", *e),
					"err": err.Error(), "Body": string(e.Body), "Details": string(e.Details), "Header": fmt.Sprint(e.Header),
					"debug log": log.String(),
				}
				if !strings.Contains(log.String(), "conversekit attempt") {
					t.Errorf("no debug record: %s", log.String())
				}
				for what, s := range shown {
					for _, secret := range v.secrets {
						for _, f := range echoForms(secret) {
							if strings.Contains(s, f) {
								t.Errorf("%s holds the credential as %q: %.400s", what, f, s)
							}
						}
					}
				}
			})
		}
	}
}

// TestTwilioAPIErrorHidesQuotedAttributes: a Twilio 400 whose message
// quotes the request's Attributes (which twilio's doc promises never
// appear in an error) does not show them.
func TestTwilioAPIErrorHidesQuotedAttributes(t *testing.T) {
	const attrs = `{"ssn":"078-05-1120","tier":"gold"}`
	esc, _ := json.Marshal(attrs)
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(400, `{"code":50411,"message":"Invalid attributes `+strings.Trim(string(esc), `"`)+` for identity ada","status":400}`)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	c, err := twilio.New("AC0123456789abcdef0123456789abcdef", "s3cr3tT0ken5ecret0123456789abcdef",
		option.WithDoer(&http.Client{Transport: mock}), option.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef", twilio.CreateParticipantParams{Identity: "ada", Attributes: attrs})
	var e *twilio.APIError
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	for what, s := range map[string]string{"err": err.Error(), "%#v": fmt.Sprintf("%#v", e), "Body": string(e.Body), "Message": e.Message} {
		for _, leak := range []string{"078-05-1120", attrs, string(esc)} {
			if strings.Contains(s, leak) {
				t.Errorf("%s holds %q: %s", what, leak, s)
			}
		}
	}
	if e.Code != "50411" || !strings.Contains(e.Message, "for identity ada") {
		t.Errorf("Code %q Message %q: more than the attributes went", e.Code, e.Message)
	}
}

// TestDebugLogBoundedForHugeHeader: an 8 MiB response header does not make
// an 8 MiB debug record (option.WithLogger with option.WithDebugBodies).
func TestDebugLogBoundedForHugeHeader(t *testing.T) {
	const big = 8 << 20
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(404, `{"code":20404,"message":"not found","status":404}`)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Big", strings.Repeat("b", big))
		return resp, nil
	})
	var log bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := twilio.New("AC0123456789abcdef0123456789abcdef", "s3cr3tT0ken5ecret0123456789abcdef",
		option.WithDoer(&http.Client{Transport: mock}), option.WithMaxRetries(0), option.WithLogger(logger), option.WithDebugBodies())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchParticipant(context.Background(), "CH0123456789abcdef0123456789abcdef", "MB0123456789abcdef0123456789abcdef")
	var e *twilio.APIError
	if !errors.As(err, &e) || e.StatusCode != 404 {
		t.Fatalf("err = %.200v, want the 404", err)
	}
	if log.Len() > 32<<10 || !strings.Contains(log.String(), fmt.Sprintf("(%d bytes)", big)) {
		t.Errorf("debug log of %d bytes for an %d-byte header: %.300s", log.Len(), big, log.String())
	}
}
