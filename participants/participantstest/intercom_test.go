package participantstest_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants/participantstest"
)

type intercomFixture struct {
	s                *participantstest.IntercomServer
	conv             string
	alice, bob, lead participantstest.IntercomContact
}

func newIntercom(t *testing.T) *intercomFixture {
	t.Helper()
	s := participantstest.NewIntercomServer()
	t.Cleanup(s.Close)
	s.SeedAdmin("781236")
	f := &intercomFixture{s: s}
	f.alice = s.SeedContact(participantstest.IntercomContact{UserID: "ext-alice", Email: "alice@example.com"})
	f.bob = s.SeedContact(participantstest.IntercomContact{ID: "58c1c78946a0aa9ef45b098a", UserID: "ext-bob", Email: "Bob@Example.com"})
	f.lead = s.SeedContact(participantstest.IntercomContact{Email: "lead@example.com", Role: "lead"})
	f.conv = s.SeedConversation("123", f.alice.ID)
	return f
}

func (f *intercomFixture) auth() http.Header {
	return hdr("Authorization", "Bearer "+f.s.Token(), "Content-Type", "application/json", "Intercom-Version", "2.14")
}

func (f *intercomFixture) attach(t *testing.T, conv, body string) resp {
	t.Helper()
	return mustSend(t, http.MethodPost, f.s.URL()+"/conversations/"+conv+"/customers", f.auth(), body)
}

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

func customers(t *testing.T, r resp) []participantstest.IntercomCustomer {
	t.Helper()
	var out []participantstest.IntercomCustomer
	for _, c := range get(r.json(t), "customers").([]any) {
		out = append(out, participantstest.IntercomCustomer{Type: get(c, "type").(string), ID: get(c, "id").(string)})
	}
	return out
}

func TestIntercomAttach(t *testing.T) {
	f := newIntercom(t)
	if !hex24.MatchString(f.alice.ID) || f.alice.Role != "user" {
		t.Fatalf("seeded contact = %+v", f.alice)
	}

	r := f.attach(t, f.conv, `{"admin_id":"781236","customer":{"intercom_user_id":"58c1c78946a0aa9ef45b098a"}}`)
	wantStatus(t, r, http.StatusOK)
	if r.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	want := []participantstest.IntercomCustomer{{Type: "user", ID: f.alice.ID}, {Type: "user", ID: f.bob.ID}}
	if got := customers(t, r); !slices.Equal(got, want) {
		t.Fatalf("customers = %v, want %v", got, want)
	}

	// Again: still 200 with the same list, no duplicate.
	r = f.attach(t, f.conv, `{"admin_id":"781236","customer":{"intercom_user_id":"58c1c78946a0aa9ef45b098a"}}`)
	wantStatus(t, r, http.StatusOK)
	if got := customers(t, r); !slices.Equal(got, want) {
		t.Fatalf("after re-attach customers = %v, want %v", got, want)
	}
	// By user_id and by email (case-insensitive) the same person is found.
	f.attach(t, f.conv, `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`)
	r = f.attach(t, f.conv, `{"admin_id":"781236","customer":{"email":"bob@example.COM"}}`)
	if got := customers(t, r); !slices.Equal(got, want) {
		t.Fatalf("customers = %v, want %v", got, want)
	}
	// A seeded lead keeps its type.
	r = f.attach(t, f.conv, `{"admin_id":"781236","customer":{"email":"lead@example.com"}}`)
	want = append(want, participantstest.IntercomCustomer{Type: "lead", ID: f.lead.ID})
	if got := customers(t, r); !slices.Equal(got, want) {
		t.Fatalf("customers = %v, want %v", got, want)
	}
	if got := f.s.Customers(f.conv); !slices.Equal(got, want) {
		t.Fatalf("state = %v, want %v", got, want)
	}
}

func TestIntercomAttachUnknownEmailCreatesLead(t *testing.T) {
	f := newIntercom(t)
	r := f.attach(t, f.conv, `{"admin_id":"781236","customer":{"email":"new@example.com"}}`)
	wantStatus(t, r, http.StatusOK)
	got := customers(t, r)
	if len(got) != 2 || got[1].Type != "lead" || !hex24.MatchString(got[1].ID) {
		t.Fatalf("customers = %v", got)
	}
	c, ok := f.s.Contact(got[1].ID)
	if !ok || c.Email != "new@example.com" || c.Role != "lead" {
		t.Fatalf("created contact = %+v, %v", c, ok)
	}
	// The same email again finds the lead instead of creating another.
	r = f.attach(t, f.conv, `{"admin_id":"781236","customer":{"email":"NEW@example.com"}}`)
	if got2 := customers(t, r); !slices.Equal(got2, got) {
		t.Fatalf("customers = %v, want %v", got2, got)
	}
	if n := len(f.s.Contacts()); n != 4 {
		t.Fatalf("%d contacts, want 4", n)
	}
}

func TestIntercomAttachByContact(t *testing.T) {
	f := newIntercom(t)
	// alice is on the conversation and may add bob.
	for _, actor := range []string{
		`"intercom_user_id":"` + f.alice.ID + `"`,
		`"user_id":"ext-alice"`,
		`"email":"alice@example.com"`,
	} {
		r := f.attach(t, f.conv, `{`+actor+`,"customer":{"user_id":"ext-bob"}}`)
		wantStatus(t, r, http.StatusOK)
	}
	if n := len(f.s.Customers(f.conv)); n != 2 {
		t.Fatalf("%d customers, want 2", n)
	}
	// lead is not on the conversation: forbidden.
	r := f.attach(t, f.conv, `{"email":"lead@example.com","customer":{"user_id":"ext-bob"}}`)
	wantIntercomError(t, r, http.StatusForbidden, "action_forbidden")
	// An unknown acting contact.
	r = f.attach(t, f.conv, `{"user_id":"nobody","customer":{"user_id":"ext-bob"}}`)
	wantIntercomError(t, r, http.StatusNotFound, "not_found")
}

// wantIntercomError checks status, code and the error.list shape.
func wantIntercomError(t *testing.T, r resp, status int, code string) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.json(t)
	if m["type"] != "error.list" {
		t.Errorf("type = %v", m["type"])
	}
	if id, _ := m["request_id"].(string); id == "" || id != r.header.Get("X-Request-Id") {
		t.Errorf("request_id = %q, X-Request-Id = %q", id, r.header.Get("X-Request-Id"))
	}
	if got := get(m, "errors", 0, "code"); got != code {
		t.Errorf("code = %v, want %s; body %s", got, code, r.body)
	}
	if msg, _ := get(m, "errors", 0, "message").(string); msg == "" {
		t.Error("empty message")
	}
	return m
}

func TestIntercomRefusals(t *testing.T) {
	f := newIntercom(t)
	good := `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`
	path := "/conversations/" + f.conv + "/customers"
	type tc struct {
		name, method, path string
		header             http.Header
		body               string
		status             int
		code, message      string
		field              string
	}
	auth := f.auth()
	with := func(k, v string) http.Header {
		h := auth.Clone()
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
		return h
	}
	cases := []tc{
		{name: "no auth", header: with("Authorization", ""), status: 401, code: "unauthorized"},
		{name: "wrong token", header: with("Authorization", "Bearer nope"), status: 401, code: "unauthorized"},
		{name: "wrong scheme", header: with("Authorization", "Basic "+f.s.Token()), status: 401, code: "unauthorized"},
		{name: "bad version", header: with("Intercom-Version", "9.9"), status: 400, code: "intercom_version_invalid"},
		{name: "preview is case-sensitive", header: with("Intercom-Version", "preview"), status: 400, code: "intercom_version_invalid"},
		{name: "empty version", header: with("Intercom-Version", " "), status: 400, code: "intercom_version_invalid"},
		{name: "unknown route", path: "/conversations/" + f.conv + "/participants", status: 404, code: "not_found"},
		{name: "wrong method", method: http.MethodGet, status: 404, code: "not_found"},
		{name: "trailing slash", path: path + "/", status: 404, code: "not_found"},
		{name: "form content type", header: with("Content-Type", "application/x-www-form-urlencoded"), status: 400, code: "parameter_invalid"},
		{name: "no content type", header: with("Content-Type", ""), status: 400, code: "parameter_invalid"},
		{name: "not JSON", body: `admin_id=1`, status: 400, code: "parameter_invalid"},
		{name: "empty body", body: " ", status: 400, code: "parameter_invalid"},
		{name: "array", body: `[]`, status: 400, code: "parameter_invalid"},
		{name: "trailing data", body: good + `{}`, status: 400, code: "parameter_invalid"},
		{name: "unknown key", body: `{"admin_id":"781236","customer":{"user_id":"ext-bob"},"x":1}`, status: 400, code: "parameter_invalid", field: "x"},
		{name: "unknown customer key", body: `{"admin_id":"781236","customer":{"user_id":"ext-bob","name":"B"}}`, status: 400, code: "parameter_invalid", field: "customer.name"},
		{name: "two customer keys", body: `{"admin_id":"781236","customer":{"user_id":"ext-bob","email":"b@x.io"}}`, status: 400, code: "parameter_invalid"},
		{name: "no customer key", body: `{"admin_id":"781236","customer":{}}`, status: 400, code: "parameter_not_found"},
		{name: "customer not object", body: `{"admin_id":"781236","customer":"ext-bob"}`, status: 400, code: "parameter_invalid", field: "customer"},
		{name: "customer null", body: `{"admin_id":"781236","customer":null}`, status: 400, code: "parameter_invalid", field: "customer"},
		{name: "no customer", body: `{"admin_id":"781236"}`, status: 400, code: "parameter_not_found", field: "customer"},
		{name: "no actor", body: `{"customer":{"user_id":"ext-bob"}}`, status: 400, code: "parameter_not_found", field: "admin_id"},
		{name: "two actors", body: `{"admin_id":"781236","email":"alice@example.com","customer":{"user_id":"ext-bob"}}`, status: 400, code: "parameter_invalid"},
		{name: "admin_id number", body: `{"admin_id":781236,"customer":{"user_id":"ext-bob"}}`, status: 400, code: "parameter_invalid", field: "admin_id"},
		{name: "empty admin_id", body: `{"admin_id":"","customer":{"user_id":"ext-bob"}}`, status: 400, code: "parameter_invalid", field: "admin_id"},
		{name: "empty user_id", body: `{"admin_id":"781236","customer":{"user_id":""}}`, status: 400, code: "parameter_invalid", field: "customer.user_id"},
		{name: "user_id number", body: `{"admin_id":"781236","customer":{"user_id":5}}`, status: 400, code: "parameter_invalid", field: "customer.user_id"},
		{name: "bad email", body: `{"admin_id":"781236","customer":{"email":"nope"}}`, status: 400, code: "parameter_invalid", field: "customer.email"},
		{name: "unknown conversation", path: "/conversations/999/customers", status: 404, code: "not_found", message: "Resource Not Found"},
		{name: "unknown admin", body: `{"admin_id":"1","customer":{"user_id":"ext-bob"}}`, status: 404, code: "not_found", message: "Admin Not Found"},
		{name: "unknown intercom_user_id", body: `{"admin_id":"781236","customer":{"intercom_user_id":"000000000000000000000000"}}`, status: 404, code: "not_found", message: "User Not Found"},
		{name: "unknown user_id", body: `{"admin_id":"781236","customer":{"user_id":"nobody"}}`, status: 404, code: "not_found", message: "User Not Found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.method == "" {
				c.method = http.MethodPost
			}
			if c.path == "" {
				c.path = path
			}
			if c.header == nil {
				c.header = auth
			}
			if c.body == "" {
				c.body = good
			}
			r := mustSend(t, c.method, f.s.URL()+c.path, c.header, c.body)
			m := wantIntercomError(t, r, c.status, c.code)
			if c.message != "" && get(m, "errors", 0, "message") != c.message {
				t.Errorf("message = %v, want %s", get(m, "errors", 0, "message"), c.message)
			}
			if c.field != "" && get(m, "errors", 0, "field") != c.field {
				t.Errorf("field = %v, want %s", get(m, "errors", 0, "field"), c.field)
			}
		})
	}
	if n := len(f.s.Customers(f.conv)); n != 1 {
		t.Fatalf("refused requests changed state: %d customers", n)
	}
}

func TestIntercomVersions(t *testing.T) {
	f := newIntercom(t)
	for _, v := range []string{"2.14", "2.7", "2.0", "1.4", "Unstable", "Preview"} {
		h := f.auth()
		h.Set("Intercom-Version", v)
		r := mustSend(t, http.MethodPost, f.s.URL()+"/conversations/"+f.conv+"/customers", h,
			`{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`)
		wantStatus(t, r, http.StatusOK)
	}
	// No header at all is fine too.
	h := f.auth()
	h.Del("Intercom-Version")
	r := mustSend(t, http.MethodPost, f.s.URL()+"/conversations/"+f.conv+"/customers", h,
		`{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`)
	wantStatus(t, r, http.StatusOK)
}

func TestIntercomDetach(t *testing.T) {
	f := newIntercom(t)
	f.attach(t, f.conv, `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`)
	del := func(contact, body string) resp {
		return mustSend(t, http.MethodDelete, f.s.URL()+"/conversations/"+f.conv+"/customers/"+contact, f.auth(), body)
	}
	r := del(f.lead.ID, `{"admin_id":"781236"}`)
	m := wantIntercomError(t, r, http.StatusNotFound, "not_found")
	if get(m, "errors", 0, "message") != "User Not Found" {
		t.Errorf("message = %v", get(m, "errors", 0, "message"))
	}
	wantIntercomError(t, del(f.bob.ID, `{"admin_id":"1"}`), http.StatusNotFound, "not_found")
	wantIntercomError(t, del(f.bob.ID, `{}`), http.StatusBadRequest, "parameter_not_found")
	wantIntercomError(t, del(f.bob.ID, `{"admin_id":"781236","x":1}`), http.StatusBadRequest, "parameter_invalid")

	r = del(f.bob.ID, `{"admin_id":"781236"}`)
	wantStatus(t, r, http.StatusOK)
	if got := customers(t, r); !slices.Equal(got, []participantstest.IntercomCustomer{{Type: "user", ID: f.alice.ID}}) {
		t.Fatalf("customers = %v", got)
	}
	wantIntercomError(t, del(f.alice.ID, `{"admin_id":"781236"}`), http.StatusUnprocessableEntity, "parameter_invalid")
	if n := len(f.s.Customers(f.conv)); n != 1 {
		t.Fatalf("%d customers, want 1", n)
	}
}

func TestIntercomEscapedPath(t *testing.T) {
	f := newIntercom(t)
	f.s.SeedConversation("a/b", f.alice.ID)
	f.s.SeedConversation("..", f.alice.ID)
	body := `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`

	r := mustSend(t, http.MethodPost, f.s.URL()+"/conversations/a%2Fb/customers", f.auth(), body)
	wantStatus(t, r, http.StatusOK)
	if n := len(f.s.Customers("a/b")); n != 2 {
		t.Fatalf("a/b has %d customers", n)
	}
	r = mustSend(t, http.MethodPost, f.s.URL()+"/conversations/a/b/customers", f.auth(), body)
	wantIntercomError(t, r, http.StatusNotFound, "not_found")

	// Dot segments are ids, not path navigation: %2e%2e is the conversation "..".
	r = mustSend(t, http.MethodPost, f.s.URL()+"/conversations/%2e%2e/customers", f.auth(), body)
	wantStatus(t, r, http.StatusOK)
	r = mustSend(t, http.MethodPost, f.s.URL()+"/conversations/./customers", f.auth(), body)
	wantIntercomError(t, r, http.StatusNotFound, "not_found")
	r = mustSend(t, http.MethodPost, f.s.URL()+"/x/../conversations/"+f.conv+"/customers", f.auth(), body)
	wantIntercomError(t, r, http.StatusNotFound, "not_found")

	log := f.s.RequestLog()
	var paths []string
	for _, e := range log {
		paths = append(paths, e.Path)
	}
	for _, want := range []string{"/conversations/a%2Fb/customers", "/conversations/%2e%2e/customers", "/x/../conversations/123/customers"} {
		if !slices.Contains(paths, want) {
			t.Errorf("request log lacks %s: %v", want, paths)
		}
	}
	for _, e := range log {
		if e.Header.Get("Authorization") != "" {
			t.Fatal("request log keeps Authorization")
		}
		if !strings.Contains(string(e.Body), "admin_id") {
			t.Fatalf("request log body = %q", e.Body)
		}
	}
}

func TestIntercomOptions(t *testing.T) {
	s := participantstest.NewIntercomServer(participantstest.WithIntercomToken("tok"))
	defer s.Close()
	if s.Token() != "tok" {
		t.Fatal(s.Token())
	}
	if s.Token() == participantstest.DefaultIntercomToken {
		t.Fatal("option ignored")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("empty token did not panic")
		}
	}()
	participantstest.NewIntercomServer(participantstest.WithIntercomToken(""))
}

func (f *intercomFixture) retrieve(t *testing.T, conv string) resp {
	t.Helper()
	return mustSend(t, http.MethodGet, f.s.URL()+"/conversations/"+conv, f.auth(), "")
}

// contactRefs reads the contacts list of a retrieved conversation as
// "type id external_id" lines, external_id "<null>" when null.
func contactRefs(t *testing.T, r resp) []string {
	t.Helper()
	m := r.json(t)
	if get(m, "contacts", "type") != "contact.list" {
		t.Errorf("contacts.type = %v", get(m, "contacts", "type"))
	}
	list, ok := get(m, "contacts", "contacts").([]any)
	if !ok {
		t.Fatalf("no contacts list: %s", r.body)
	}
	out := []string{}
	for _, c := range list {
		ext, present := c.(map[string]any)["external_id"]
		if !present {
			t.Errorf("external_id left out of %v: Intercom sends null", c)
		}
		if ext == nil {
			ext = "<null>"
		}
		out = append(out, get(c, "type").(string)+" "+get(c, "id").(string)+" "+ext.(string))
	}
	return out
}

func TestIntercomRetrieveConversation(t *testing.T) {
	f := newIntercom(t)
	r := f.retrieve(t, f.conv)
	wantStatus(t, r, http.StatusOK)
	m := r.json(t)
	if m["type"] != "conversation" || m["id"] != f.conv {
		t.Errorf("type %v id %v", m["type"], m["id"])
	}
	if got, want := contactRefs(t, r), []string{"contact " + f.alice.ID + " ext-alice"}; !slices.Equal(got, want) {
		t.Fatalf("contacts = %v, want %v", got, want)
	}
	// Every customer in the order they joined, type contact whatever the
	// role; a contact without external id has external_id null.
	f.attach(t, f.conv, `{"admin_id":"781236","customer":{"email":"lead@example.com"}}`)
	f.attach(t, f.conv, `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`)
	want := []string{"contact " + f.alice.ID + " ext-alice", "contact " + f.lead.ID + " <null>", "contact " + f.bob.ID + " ext-bob"}
	if got := contactRefs(t, f.retrieve(t, f.conv)); !slices.Equal(got, want) {
		t.Fatalf("contacts = %v, want %v", got, want)
	}
	// A query (display_as, include_translations) changes nothing.
	r = mustSend(t, http.MethodGet, f.s.URL()+"/conversations/"+f.conv+"?display_as=plaintext", f.auth(), "")
	if got := contactRefs(t, r); !slices.Equal(got, want) {
		t.Fatalf("with a query: contacts = %v, want %v", got, want)
	}
	// An empty conversation lists [], not null.
	f.s.SeedConversation("empty")
	if got := contactRefs(t, f.retrieve(t, "empty")); len(got) != 0 {
		t.Fatalf("empty conversation: %v", got)
	}
	// A missing conversation is 404 Resource Not Found.
	m = wantIntercomError(t, f.retrieve(t, "999"), http.StatusNotFound, "not_found")
	if msg := get(m, "errors", 0, "message"); msg != "Resource Not Found" {
		t.Errorf("message = %v", msg)
	}
	// Credentials and version are checked as for the other calls.
	r = mustSend(t, http.MethodGet, f.s.URL()+"/conversations/"+f.conv, hdr("Authorization", "Bearer nope"), "")
	wantIntercomError(t, r, http.StatusUnauthorized, "unauthorized")
	r = mustSend(t, http.MethodGet, f.s.URL()+"/conversations/"+f.conv, hdr("Authorization", "Bearer "+f.s.Token(), "Intercom-Version", "9.9"), "")
	wantIntercomError(t, r, http.StatusBadRequest, "intercom_version_invalid")
	// Other methods on the conversation are unknown routes.
	r = mustSend(t, http.MethodPut, f.s.URL()+"/conversations/"+f.conv, f.auth(), "{}")
	wantIntercomError(t, r, http.StatusNotFound, "not_found")
}

// The shapes differ as upstream: the conversation lists contacts with type
// contact, attach and detach answer customers with their role.
func TestIntercomShapesDiffer(t *testing.T) {
	f := newIntercom(t)
	r := f.attach(t, f.conv, `{"admin_id":"781236","customer":{"email":"lead@example.com"}}`)
	if got := customers(t, r); len(got) != 2 || got[1].Type != "lead" {
		t.Fatalf("attach customers = %v", got)
	}
	if got := contactRefs(t, f.retrieve(t, f.conv)); len(got) != 2 || !strings.HasPrefix(got[1], "contact ") {
		t.Fatalf("conversation contacts = %v", got)
	}
}

// Detaching a contact that exists but is not on the conversation (Intercom
// does not document it) is 404 "User Not Found", like an unknown contact,
// and changes nothing; the conversation is checked first.
func TestIntercomDetachNotAttached(t *testing.T) {
	f := newIntercom(t)
	f.attach(t, f.conv, `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`)
	before := f.s.Customers(f.conv)
	for _, contact := range []string{f.lead.ID, "000000000000000000000000"} {
		r := mustSend(t, http.MethodDelete, f.s.URL()+"/conversations/"+f.conv+"/customers/"+contact, f.auth(), `{"admin_id":"781236"}`)
		m := wantIntercomError(t, r, http.StatusNotFound, "not_found")
		if msg := get(m, "errors", 0, "message"); msg != "User Not Found" {
			t.Errorf("%s: message = %v", contact, msg)
		}
	}
	if got := f.s.Customers(f.conv); !slices.Equal(got, before) {
		t.Errorf("customers = %v, want %v unchanged", got, before)
	}
	r := mustSend(t, http.MethodDelete, f.s.URL()+"/conversations/999/customers/"+f.bob.ID, f.auth(), `{"admin_id":"781236"}`)
	m := wantIntercomError(t, r, http.StatusNotFound, "not_found")
	if msg := get(m, "errors", 0, "message"); msg != "Resource Not Found" {
		t.Errorf("missing conversation: message = %v", msg)
	}
	// The last customer stays, with Intercom's own message.
	mustSend(t, http.MethodDelete, f.s.URL()+"/conversations/"+f.conv+"/customers/"+f.bob.ID, f.auth(), `{"admin_id":"781236"}`)
	r = mustSend(t, http.MethodDelete, f.s.URL()+"/conversations/"+f.conv+"/customers/"+f.alice.ID, f.auth(), `{"admin_id":"781236"}`)
	m = wantIntercomError(t, r, http.StatusUnprocessableEntity, "parameter_invalid")
	if msg := get(m, "errors", 0, "message"); msg != "Removing the last customer is not allowed" {
		t.Errorf("last customer: message = %v", msg)
	}
}

// Faults apply to the new route as to the others: a status fault changes
// nothing and a dropped connection is a transport error.
func TestIntercomRetrieveFaults(t *testing.T) {
	f := newIntercom(t)
	f.s.InjectFaults(participantstest.Fault{Status: http.StatusServiceUnavailable, Body: `{"type":"error.list","errors":[{"code":"service_unavailable","message":"x"}]}`},
		participantstest.Fault{Drop: true})
	r := f.retrieve(t, f.conv)
	wantStatus(t, r, http.StatusServiceUnavailable)
	if code := get(r.json(t), "errors", 0, "code"); code != "service_unavailable" {
		t.Errorf("code = %v", code)
	}
	if _, err := send(t, http.MethodGet, f.s.URL()+"/conversations/"+f.conv, f.auth(), ""); err == nil {
		t.Fatal("dropped GET answered")
	}
	if got := contactRefs(t, f.retrieve(t, f.conv)); len(got) != 1 {
		t.Fatalf("contacts after faults = %v", got)
	}
	if n := f.s.PendingFaults(); n != 0 {
		t.Errorf("%d faults pending", n)
	}
}

// With conversation answers, attach and detach answer with the
// conversation object of Intercom's official 2.14 definition: the contacts
// in contacts.contacts, no customers list; AnswerWithConversation switches.
func TestIntercomConversationAnswers(t *testing.T) {
	s := participantstest.NewIntercomServer(participantstest.WithIntercomConversationAnswers())
	t.Cleanup(s.Close)
	s.SeedAdmin("781236")
	alice := s.SeedContact(participantstest.IntercomContact{UserID: "ext-alice"})
	bob := s.SeedContact(participantstest.IntercomContact{})
	f := &intercomFixture{s: s, conv: s.SeedConversation("123", alice.ID)}
	ids := func(r resp) []string {
		t.Helper()
		m := r.json(t)
		if _, ok := m["customers"]; ok || m["type"] != "conversation" || m["id"] != "123" {
			t.Errorf("answer = %v", m)
		}
		var out []string
		for _, c := range get(get(m, "contacts"), "contacts").([]any) {
			if get(c, "type") != "contact" {
				t.Errorf("contact = %v", c)
			}
			out = append(out, get(c, "id").(string))
		}
		return out
	}
	r := f.attach(t, f.conv, `{"admin_id":"781236","customer":{"intercom_user_id":"`+bob.ID+`"}}`)
	wantStatus(t, r, http.StatusOK)
	if got := ids(r); !slices.Equal(got, []string{alice.ID, bob.ID}) {
		t.Errorf("contacts = %v", got)
	}
	r = mustSend(t, http.MethodDelete, s.URL()+"/conversations/123/customers/"+bob.ID, f.auth(), `{"admin_id":"781236"}`)
	wantStatus(t, r, http.StatusOK)
	if got := ids(r); !slices.Equal(got, []string{alice.ID}) {
		t.Errorf("contacts = %v", got)
	}
	s.AnswerWithConversation(false)
	r = f.attach(t, f.conv, `{"admin_id":"781236","customer":{"intercom_user_id":"`+bob.ID+`"}}`)
	wantStatus(t, r, http.StatusOK)
	if got := customers(t, r); len(got) != 2 || got[1].ID != bob.ID {
		t.Errorf("customers = %v", got)
	}
}
