package participants_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// lifeStub is a Provider for the facade's List, Get and Remove: List
// answers from pages (by token) or errs (by token), Get and Remove return
// member, res and err; every call is recorded.
type lifeStub struct {
	pages  map[string]*driver.Page
	errs   map[string]error
	member *driver.Member
	res    *driver.Result
	err    error
	code   driver.ErrorCode

	tokens []string             // the page tokens List was asked for, in order
	convs  []string             // the conversation IDs of every call
	refs   []driver.Participant // the Participants Get and Remove got
	opts   []driver.CallOptions // the options of every call
}

func (s *lifeStub) Name() string { return "stub" }

func (s *lifeStub) Add(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	s.convs, s.opts = append(s.convs, conv), append(s.opts, o)
	return driver.NewResult("stub", "p-1", "", "", driver.Added, nil), nil
}

func (s *lifeStub) List(_ context.Context, conv, page string, o driver.CallOptions) (*driver.Page, error) {
	s.tokens, s.convs, s.opts = append(s.tokens, page), append(s.convs, conv), append(s.opts, o)
	return s.pages[page], s.errs[page]
}

func (s *lifeStub) Get(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	s.convs, s.refs, s.opts = append(s.convs, conv), append(s.refs, p), append(s.opts, o)
	return s.member, s.err
}

func (s *lifeStub) Remove(_ context.Context, conv string, p driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	s.convs, s.refs, s.opts = append(s.convs, conv), append(s.refs, p), append(s.opts, o)
	return s.res, s.err
}

func (s *lifeStub) ErrorCode(error) driver.ErrorCode { return s.code }

// calls is how many times the Provider was called.
func (s *lifeStub) calls() int { return len(s.convs) }

// mem is a Member with id.
func mem(id string) *driver.Member {
	return driver.NewMember(driver.Member{Provider: "stub", ID: id}, id)
}

// page is a Page of members with these ids.
func page(next string, ids ...string) *driver.Page {
	p := &driver.Page{Next: next}
	for _, id := range ids {
		p.Members = append(p.Members, mem(id))
	}
	return p
}

// listed is what a range over c.List yielded: the member IDs and the
// errors, in order ("error" marks where each error came).
type listed struct {
	ids  []string
	errs []error
}

func collect(ctx context.Context, c *participants.Client, conv string, opts ...participants.Option) listed {
	var l listed
	for m, err := range c.List(ctx, conv, opts...) {
		if err != nil {
			if m != nil {
				l.ids = append(l.ids, "member-with-error:"+m.ID)
			}
			l.errs = append(l.errs, err)
			l.ids = append(l.ids, "error")
			continue
		}
		l.ids = append(l.ids, m.ID)
	}
	return l
}

// wantErr checks that err is an *Error with code, provider "stub", and
// field (when not empty) and a message containing msg (when not empty).
func wantErr(t *testing.T, err error, code participants.ErrorCode, field, msg string) *participants.Error {
	t.Helper()
	var pe *participants.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %T %v, want *participants.Error", err, err)
	}
	if pe.Code != code || pe.Provider != "stub" {
		t.Errorf("err = %v (code %v, provider %q), want code %v, provider stub", err, pe.Code, pe.Provider, code)
	}
	if field != "" && pe.Field != field {
		t.Errorf("err field = %q, want %q (%v)", pe.Field, field, err)
	}
	if msg != "" && !strings.Contains(err.Error(), msg) {
		t.Errorf("err = %q, want it to mention %q", err, msg)
	}
	return pe
}

var bg = context.Background()

func TestListYieldsEveryPageOnceByID(t *testing.T) {
	s := &lifeStub{pages: map[string]*driver.Page{
		"":   page("t1", "a", "b"),
		"t1": page("t2", "b", "c"), // b again: the vendor's pages shifted
		"t2": page("", "a", "d"),
	}}
	got := collect(bg, participants.New(s), "conv-1", participants.WithPageSize(2))
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(got.ids, want) {
		t.Errorf("List yielded %v, want %v", got.ids, want)
	}
	if want := []string{"", "t1", "t2"}; !slices.Equal(s.tokens, want) {
		t.Errorf("page tokens = %q, want %q", s.tokens, want)
	}
	for i, o := range s.opts {
		if o.PageSize != 2 || s.convs[i] != "conv-1" {
			t.Errorf("call %d: conversation %q, PageSize %d", i, s.convs[i], o.PageSize)
		}
	}
}

func TestListEmptyPages(t *testing.T) {
	s := &lifeStub{pages: map[string]*driver.Page{"": page("t1"), "t1": page("", "a")}}
	if got := collect(bg, participants.New(s), "conv-1"); !slices.Equal(got.ids, []string{"a"}) {
		t.Errorf("List yielded %v, want [a]", got.ids)
	}
}

// Each range over the sequence lists the conversation anew.
func TestListRangesAnew(t *testing.T) {
	s := &lifeStub{pages: map[string]*driver.Page{"": page("t1", "a"), "t1": page("", "b")}}
	seq := participants.New(s).List(bg, "conv-1")
	for range 2 {
		var ids []string
		for m, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		if !slices.Equal(ids, []string{"a", "b"}) {
			t.Errorf("List yielded %v, want [a b]", ids)
		}
	}
	if want := []string{"", "t1", "", "t1"}; !slices.Equal(s.tokens, want) {
		t.Errorf("page tokens = %q, want %q", s.tokens, want)
	}
}

// A page token the vendor returned before would loop for ever: Unknown,
// after the members of the page that returned it.
func TestListRepeatedPageToken(t *testing.T) {
	for name, pages := range map[string]map[string]*driver.Page{
		"same as asked": {"": page("t1", "a"), "t1": page("t1", "b")},
		"seen earlier":  {"": page("t1", "a"), "t1": page("t2", "b"), "t2": page("t1", "c")},
	} {
		t.Run(name, func(t *testing.T) {
			s := &lifeStub{pages: pages}
			got := collect(bg, participants.New(s), "conv-1")
			if want := len(pages) + 1; len(got.ids) != want || got.ids[want-1] != "error" || len(got.errs) != 1 {
				t.Fatalf("List yielded %v, want %d members then one error", got.ids, len(pages))
			}
			wantErr(t, got.errs[0], participants.Unknown, "", `page token it had returned before (a value of 2 bytes, not shown)`)
			if len(s.tokens) != len(pages) {
				t.Errorf("page tokens = %q: want no request after the repeated token", s.tokens)
			}
		})
	}
}

func TestListMemberWithoutID(t *testing.T) {
	for name, bad := range map[string]*driver.Member{"empty ID": mem(""), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			p := page("t1", "a")
			p.Members = append(p.Members, bad, mem("b"))
			s := &lifeStub{pages: map[string]*driver.Page{"": p, "t1": page("", "c")}}
			got := collect(bg, participants.New(s), "conv-1")
			if want := []string{"a", "error"}; !slices.Equal(got.ids, want) {
				t.Fatalf("List yielded %v, want %v", got.ids, want)
			}
			wantErr(t, got.errs[0], participants.Unknown, "", "without an ID")
			if len(s.tokens) != 1 {
				t.Errorf("page tokens = %q, want only the first page", s.tokens)
			}
		})
	}
}

func TestListNilPage(t *testing.T) {
	s := &lifeStub{pages: map[string]*driver.Page{"": page("t1", "a")}} // "t1" has no page
	got := collect(bg, participants.New(s), "conv-1")
	if want := []string{"a", "error"}; !slices.Equal(got.ids, want) {
		t.Fatalf("List yielded %v, want %v", got.ids, want)
	}
	wantErr(t, got.errs[0], participants.Unknown, "", "neither a page nor an error")
}

// Breaking out of the loop stops calling the Provider.
func TestListBreakStopsCallingProvider(t *testing.T) {
	s := &lifeStub{pages: map[string]*driver.Page{"": page("t1", "a", "b"), "t1": page("", "c")}}
	for _, stopAfter := range []int{1, 2} {
		s.tokens = nil
		n := 0
		for range participants.New(s).List(bg, "conv-1") {
			n++
			if n == stopAfter {
				break
			}
		}
		if !slices.Equal(s.tokens, []string{""}) {
			t.Errorf("break after %d: page tokens = %q, want only the first page", stopAfter, s.tokens)
		}
	}
	// A break on the first member of the second page asks for no third.
	s.tokens = nil
	for m := range participants.New(s).List(bg, "conv-1") {
		if m.ID == "c" {
			break
		}
	}
	if !slices.Equal(s.tokens, []string{"", "t1"}) {
		t.Errorf("page tokens = %q, want the two pages", s.tokens)
	}
}

// An error ends the sequence, after the members already yielded, wrapped
// as for Add.
func TestListErrorsWrapped(t *testing.T) {
	vendorErr := fmt.Errorf("list: %w", errVendor)
	mine := driver.Errorf(driver.PermissionDenied, "stub", "", "no")
	for _, tc := range []struct {
		name string
		err  error
		code participants.ErrorCode
		is   error
	}{
		{"vendor error", vendorErr, participants.Unavailable, errVendor},
		{"provider code OK", errors.New("odd"), participants.Unknown, nil},
		{"canceled", fmt.Errorf("get: %w", context.Canceled), participants.Canceled, context.Canceled},
		{"deadline", context.DeadlineExceeded, participants.DeadlineExceeded, context.DeadlineExceeded},
		{"*Error as it is", mine, participants.PermissionDenied, participants.ErrPermissionDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := driver.Unavailable
			if tc.name == "provider code OK" {
				code = driver.OK
			}
			s := &lifeStub{code: code,
				pages: map[string]*driver.Page{"": page("t1", "a")},
				errs:  map[string]error{"t1": tc.err}}
			got := collect(bg, participants.New(s), "conv-1")
			if want := []string{"a", "error"}; !slices.Equal(got.ids, want) {
				t.Fatalf("List yielded %v, want %v", got.ids, want)
			}
			pe := wantErr(t, got.errs[0], tc.code, "", "")
			if tc.err == mine && (pe.Message != mine.Message || pe.Provider != mine.Provider || pe.Err != nil) {
				t.Errorf("the Provider's *Error was not passed on with its message: %v", got.errs[0])
			}
			if tc.err != mine && pe.Err != tc.err {
				t.Errorf("Err = %v, want the Provider's error", pe.Err)
			}
			if tc.is != nil && !errors.Is(got.errs[0], tc.is) {
				t.Errorf("errors.Is(err, %v) = false", tc.is)
			}
		})
	}
}

// Refusals before the Provider is called, for List, Get and Remove.
func TestLifecycleRefusedBeforeProvider(t *testing.T) {
	ref := participants.Participant{ParticipantID: "p-1"}
	type call func(c *participants.Client, ctx context.Context, conv string, opts ...participants.Option) error
	calls := map[string]call{
		"List": func(c *participants.Client, ctx context.Context, conv string, opts ...participants.Option) error {
			l := collect(ctx, c, conv, opts...)
			if len(l.errs) != 1 || len(l.ids) != 1 {
				return fmt.Errorf("List yielded %v", l.ids)
			}
			return l.errs[0]
		},
		"Get": func(c *participants.Client, ctx context.Context, conv string, opts ...participants.Option) error {
			m, err := c.Get(ctx, conv, ref, opts...)
			if m != nil {
				return fmt.Errorf("Get returned %v with %v", m, err)
			}
			return err
		},
		"Remove": func(c *participants.Client, ctx context.Context, conv string, opts ...participants.Option) error {
			r, err := c.Remove(ctx, conv, ref, opts...)
			if r != nil {
				return fmt.Errorf("Remove returned %v with %v", r, err)
			}
			return err
		},
	}
	for name, do := range calls {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				conv, field string
				ctx         context.Context
			}{
				{"", "conversationID", bg},
				{" conv", "conversationID", bg},
				{"conv\x00", "conversationID", bg},
				{"conv-1", "ctx", nil},
			} {
				s := &lifeStub{}
				err := do(participants.New(s), tc.ctx, tc.conv)
				wantErr(t, err, participants.InvalidArgument, tc.field, "")
				if s.calls() != 0 {
					t.Errorf("%q: the Provider was called", tc.conv)
				}
			}
			s := &lifeStub{}
			err := do(participants.New(s), bg, "conv-1", nil)
			wantErr(t, err, participants.InvalidArgument, "opts", "nil Option")
			for _, c := range []*participants.Client{nil, participants.New(nil)} {
				var pe *participants.Error
				if err := do(c, bg, "conv-1"); !errors.As(err, &pe) || pe.Code != participants.InvalidArgument || pe.Field != "Provider" {
					t.Errorf("without a Provider: %v", err)
				}
			}
		})
	}
}

// Each option applies to the calls its documentation names; the others
// refuse it with InvalidArgument naming it, before the Provider is called.
func TestOptionsPerOperation(t *testing.T) {
	ref := participants.Participant{ParticipantID: "p-1"}
	add := participants.Participant{Email: "ada@example.com"}
	ops := map[string]func(*participants.Client, ...participants.Option) error{
		"Add": func(c *participants.Client, o ...participants.Option) error {
			_, err := c.Add(bg, "conv-1", add, o...)
			return err
		},
		"List": func(c *participants.Client, o ...participants.Option) error {
			l := collect(bg, c, "conv-1", o...)
			if len(l.errs) > 0 {
				return l.errs[0]
			}
			return nil
		},
		"Get": func(c *participants.Client, o ...participants.Option) error {
			_, err := c.Get(bg, "conv-1", ref, o...)
			return err
		},
		"Remove": func(c *participants.Client, o ...participants.Option) error {
			_, err := c.Remove(bg, "conv-1", ref, o...)
			return err
		},
	}
	for _, tc := range []struct {
		name  string
		opt   participants.Option
		takes string // the operations that take it
		check func(driver.CallOptions) bool
	}{
		{"WithAdmin", stubOption("WithAdmin", "7", driver.OpAdd, driver.OpRemove), "Add Remove", func(o driver.CallOptions) bool { return stubValue(o, "WithAdmin") == "7" }},
		{"WithRole", stubOption("WithRole", "RL1", driver.OpAdd), "Add", func(o driver.CallOptions) bool { return stubValue(o, "WithRole") == "RL1" }},
		{"BeforeAdd", participants.BeforeAdd(func(any) error { return nil }), "Add", func(o driver.CallOptions) bool { return o.BeforeAdd != nil }},
		{"WithPageSize", participants.WithPageSize(7), "List", func(o driver.CallOptions) bool { return o.PageSize == 7 }},
		{"WithRequestOptions", participants.WithRequestOptions(), "Add List Get Remove", func(driver.CallOptions) bool { return true }},
		{"WithPageSize(0)", participants.WithPageSize(0), "Add List Get Remove", func(o driver.CallOptions) bool { return o.PageSize == 0 }},
	} {
		for op, do := range ops {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				s := &lifeStub{member: mem("p-1"), res: driver.NewResult("stub", "p-1", "", "", driver.Removed, nil),
					pages: map[string]*driver.Page{"": page("")}}
				err := do(participants.New(s), tc.opt)
				if !strings.Contains(tc.takes, op) {
					wantErr(t, err, participants.InvalidArgument, strings.TrimSuffix(tc.name, "(0)"), "applies to "+tc.takes+", not to "+op)
					if s.calls() != 0 {
						t.Error("the Provider was called")
					}
					return
				}
				if err != nil {
					t.Fatalf("%s with %s: %v", op, tc.name, err)
				}
				if len(s.opts) != 1 || !tc.check(s.opts[0]) {
					t.Errorf("the Provider got %+v", s.opts)
				}
			})
		}
	}
}

func TestListNegativePageSize(t *testing.T) {
	s := &lifeStub{}
	l := collect(bg, participants.New(s), "conv-1", participants.WithPageSize(-1))
	if len(l.errs) != 1 {
		t.Fatalf("List yielded %v", l.ids)
	}
	wantErr(t, l.errs[0], participants.InvalidArgument, "WithPageSize", "-1 is negative")
	if s.calls() != 0 {
		t.Error("the Provider was called")
	}
}

// Get and Remove check the Participant that names an existing participant
// before the Provider runs, and hand it on unchanged.
func TestRefRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     participants.Participant
		field string // "" when accepted
	}{
		{"ParticipantID alone", participants.Participant{ParticipantID: "MB1"}, ""},
		{"ParticipantID with an identity", participants.Participant{ParticipantID: "MB1", Email: "ada@example.com"}, ""},
		{"ParticipantID with a bad identity", participants.Participant{ParticipantID: "MB1", Email: "not-an-email"}, "Email"},
		{"ParticipantID with a bad phone", participants.Participant{ParticipantID: "MB1", Phone: "555"}, "Phone"},
		{"ParticipantID with Kind only", participants.Participant{ParticipantID: "MB1", Kind: participants.KindUser}, "Kind"},
		{"ParticipantID with Channel only", participants.Participant{ParticipantID: "MB1", Channel: participants.ChannelSMS}, "Channel"},
		{"ParticipantID with an ID", participants.Participant{ParticipantID: "MB1", ID: "c1"}, ""},
		{"ParticipantID with an ExternalID", participants.Participant{ParticipantID: "MB1", ExternalID: " u1"}, "ExternalID"},
		{"ParticipantID with an Identifier", participants.Participant{ParticipantID: "MB1", Identifier: participants.Identifier{Key: "k", Value: "v"}}, ""},
		{"identity alone", participants.Participant{Phone: "+15558675310"}, ""},
		{"bad identity alone", participants.Participant{Phone: "555"}, "Phone"},
		{"nothing", participants.Participant{}, "Participant"},
		{"Attributes", participants.Participant{ParticipantID: "MB1", Attributes: []byte(`{}`)}, "Attributes"},
		{"Attributes without ParticipantID", participants.Participant{Email: "ada@example.com", Attributes: []byte(`{}`)}, "Attributes"},
		{"Status", participants.Participant{ParticipantID: "MB1", Status: participants.StatusActive}, "Status"},
		{"Status without ParticipantID", participants.Participant{Email: "ada@example.com", Status: participants.StatusActive}, "Status"},
		{"leading space", participants.Participant{ParticipantID: " MB1"}, "ParticipantID"},
		{"trailing space", participants.Participant{ParticipantID: "MB1 "}, "ParticipantID"},
		{"control character", participants.Participant{ParticipantID: "MB\n1"}, "ParticipantID"},
		{"leading control character", participants.Participant{ParticipantID: "\x7fMB1"}, "ParticipantID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &lifeStub{member: mem("MB1"), res: driver.NewResult("stub", "MB1", "", "", driver.Removed, nil)}
			c := participants.New(s)
			_, gerr := c.Get(bg, "conv-1", tc.p)
			_, rerr := c.Remove(bg, "conv-1", tc.p)
			for op, err := range map[string]error{"Get": gerr, "Remove": rerr} {
				if tc.field == "" {
					if err != nil {
						t.Errorf("%s: %v", op, err)
					}
					continue
				}
				pe := wantErr(t, err, participants.InvalidArgument, tc.field, "")
				if tc.field == "Attributes" || tc.field == "Status" {
					if !strings.Contains(pe.Message, op+" names a participant") {
						t.Errorf("%s: message %q does not name the call", op, pe.Message)
					}
				}
			}
			if tc.field != "" {
				if s.calls() != 0 {
					t.Error("the Provider was called")
				}
				return
			}
			// Get passes p as it is. Remove of a ParticipantID with
			// identities first gets it (to check them against what the
			// vendor reports), then removes it by the ID found alone.
			several := tc.p.ParticipantID != "" && !sameParticipant(tc.p, participants.Participant{ParticipantID: tc.p.ParticipantID})
			switch {
			case !several && (len(s.refs) != 2 || !sameParticipant(s.refs[0], tc.p) || !sameParticipant(s.refs[1], tc.p)):
				t.Errorf("the Provider got %+v, want %+v twice", s.refs, tc.p)
			case several && (len(s.refs) != 3 || !sameParticipant(s.refs[0], tc.p) || !sameParticipant(s.refs[1], tc.p) ||
				!sameParticipant(s.refs[2], participants.Participant{ParticipantID: "MB1"})):
				t.Errorf("the Provider got %+v, want %+v twice, then the ParticipantID MB1 alone", s.refs, tc.p)
			}
		})
	}
}

// sameParticipant reports whether a and b, each a participants.Participant
// or the driver.Participant a provider got, describe the same participant.
func sameParticipant(a, b any) bool {
	return fmt.Sprint(asDriver(a)) == fmt.Sprint(asDriver(b))
}

// asDriver is p as a driver.Participant (without Use, which the Client
// applies before a provider sees the participant).
func asDriver(p any) driver.Participant {
	switch p := p.(type) {
	case driver.Participant:
		return p
	case participants.Participant:
		return driver.Participant{Kind: driver.Kind(p.Kind), ID: p.ID, ExternalID: p.ExternalID, Email: p.Email, Phone: p.Phone,
			Channel: driver.Channel(p.Channel), Identifier: driver.Identifier(p.Identifier), Attributes: p.Attributes,
			Status: driver.Status(p.Status), ParticipantID: p.ParticipantID}
	}
	panic(fmt.Sprintf("asDriver(%T)", p))
}

// onlyIdentity is p with its Use identity alone, as the Client hands it to
// a provider.
func onlyIdentity(p participants.Participant) participants.Participant {
	q := participants.Participant{Kind: p.Kind, Attributes: p.Attributes, Status: p.Status, ParticipantID: p.ParticipantID}
	switch p.Use {
	case participants.UseID:
		q.ID = p.ID
	case participants.UseExternalID:
		q.ExternalID, q.Kind = p.ExternalID, ""
	case participants.UseEmail:
		q.Email, q.Kind = p.Email, ""
	case participants.UsePhone:
		q.Phone, q.Channel, q.Kind = p.Phone, p.Channel, ""
	case participants.UseIdentifier:
		q.Identifier, q.Kind = p.Identifier, ""
	default:
		return p
	}
	return q
}

// stubOption is a provider package's option as the stub provider's
// package would make it: a driver.VendorOption named name of the provider
// "stub" with value v, applying to ops.
func stubOption(name, v string, ops ...driver.Operation) participants.Option {
	return func(o *driver.CallOptions) {
		o.Vendor = append(o.Vendor, driver.VendorOption{Provider: "stub", Name: name, Ops: ops, Value: v})
	}
}

// stubValue is the value of the last stubOption named name in o.
func stubValue(o driver.CallOptions, name string) string {
	v := ""
	for _, vo := range o.Vendor {
		if vo.Name == name {
			v = vo.Value.(string)
		}
	}
	return v
}

func TestAddRefusesParticipantID(t *testing.T) {
	s := &lifeStub{}
	_, err := participants.New(s).Add(bg, "conv-1", participants.Participant{ParticipantID: "MB1", Email: "ada@example.com"})
	wantErr(t, err, participants.InvalidArgument, "ParticipantID", "for Get and Remove")
	if s.calls() != 0 {
		t.Error("the Provider was called")
	}
}

func TestGetReturnsProviderMember(t *testing.T) {
	m := mem("MB1")
	s := &lifeStub{member: m}
	got, err := participants.New(s).Get(bg, "conv-1", participants.Participant{ParticipantID: "MB1"})
	var raw string
	if err != nil || got.ID != m.ID || got.Provider != m.Provider || !got.As(&raw) || raw != "MB1" {
		t.Fatalf("Get = %v, %v; want the Provider's member", got, err)
	}
	if !slices.Equal(s.convs, []string{"conv-1"}) {
		t.Errorf("conversations = %q", s.convs)
	}
}

func TestRemoveReturnsProviderResult(t *testing.T) {
	res := driver.NewResult("stub", "MB1", "", "", driver.AlreadyAbsent, nil)
	s := &lifeStub{res: res}
	got, err := participants.New(s).Remove(bg, "conv-1", participants.Participant{ParticipantID: "MB1"}, stubOption("WithAdmin", "7", driver.OpRemove))
	if err != nil || got.String() != "stub: AlreadyAbsent participant MB1" || got.Outcome != participants.AlreadyAbsent {
		t.Fatalf("Remove = %v, %v; want the Provider's result", got, err)
	}
	if !slices.Equal(s.convs, []string{"conv-1"}) || stubValue(s.opts[0], "WithAdmin") != "7" {
		t.Errorf("conversations = %q, options %+v", s.convs, s.opts)
	}
}

// Get and Remove refuse a Provider that returns neither a value nor an
// error, and wrap the Provider's errors as Add does.
func TestGetRemoveErrors(t *testing.T) {
	ref := participants.Participant{ParticipantID: "MB1"}
	get := func(c *participants.Client) (any, error) {
		m, err := c.Get(bg, "conv-1", ref)
		if m == nil {
			return nil, err
		}
		return m, err
	}
	remove := func(c *participants.Client) (any, error) {
		r, err := c.Remove(bg, "conv-1", ref)
		if r == nil {
			return nil, err
		}
		return r, err
	}
	for name, do := range map[string]func(*participants.Client) (any, error){"Get": get, "Remove": remove} {
		t.Run(name, func(t *testing.T) {
			v, err := do(participants.New(&lifeStub{}))
			if v != nil {
				t.Errorf("got %v", v)
			}
			wantErr(t, err, participants.Unknown, "", "the provider returned neither a")

			vendorErr := fmt.Errorf("x: %w", errVendor)
			v, err = do(participants.New(&lifeStub{err: vendorErr, code: driver.NotFound}))
			if v != nil {
				t.Errorf("got %v", v)
			}
			pe := wantErr(t, err, participants.NotFound, "", "")
			if pe.Err != vendorErr || !errors.Is(err, errVendor) || !errors.Is(err, participants.ErrNotFound) {
				t.Errorf("err = %v: the vendor error is not in the chain", err)
			}

			_, err = do(participants.New(&lifeStub{err: context.Canceled, code: driver.Unavailable}))
			wantErr(t, err, participants.Canceled, "", "")
			if !errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
			}

			mine := driver.Errorf(driver.FailedPrecondition, "stub", "", "the last customer stays")
			_, err = do(participants.New(&lifeStub{err: mine}))
			var got *participants.Error
			if !errors.As(err, &got) || got.Code != participants.FailedPrecondition || got.Message != mine.Message || got.Provider != mine.Provider || !errors.Is(err, participants.ErrFailedPrecondition) {
				t.Errorf("err = %v, want the Provider's *Error as it is", err)
			}
		})
	}
}

func TestOutcomeStringLifecycle(t *testing.T) {
	for o, want := range map[participants.Outcome]string{
		participants.Removed:       "Removed",
		participants.AlreadyAbsent: "AlreadyAbsent",
		participants.Outcome(9):    "Outcome(9)",
	} {
		if got := o.String(); got != want {
			t.Errorf("Outcome(%d).String() = %q, want %q", int(o), got, want)
		}
	}
}

func TestMemberString(t *testing.T) {
	var nilMember *participants.Member
	for _, tc := range []struct {
		m    *participants.Member
		want string
	}{
		{nilMember, "<nil>"},
		{&participants.Member{Provider: "twilio", ID: "MB1"}, "twilio: participant MB1"},
		{&participants.Member{Provider: "twilio", ID: "MB1", ExternalID: "ada"}, "twilio: participant MB1 (ada)"},
		{&participants.Member{Provider: "bird", ID: "p1", Kind: participants.KindContact, Status: participants.StatusActive,
			ExternalID: "u1", Email: "ada@example.com", Phone: "+15558675310", ContactID: "c1"},
			"bird: participant p1 (contact, active, u1, ada@example.com, +15558675310)"},
		{&participants.Member{Provider: "bird", ID: "p1", Phone: "+15558675310"}, "bird: participant p1 (+15558675310)"},
	} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

type vendorRecord struct{ SID string }

func TestMemberAsAndParticipant(t *testing.T) {
	rec := &vendorRecord{SID: "MB1"}
	in := driver.Member{Provider: "twilio", ID: "MB1", Email: "ada@example.com"}
	m := participants.MemberOf(driver.NewMember(in, rec))
	in.ID = "changed" // NewMember copies
	if m.ID != "MB1" || m.Email != "ada@example.com" || m.Provider != "twilio" {
		t.Errorf("NewMember = %+v", m)
	}
	var got *vendorRecord
	if !m.As(&got) || got != rec {
		t.Errorf("As(**vendorRecord) = %v, %v", got, rec)
	}
	var wrong *participants.Result
	if m.As(&wrong) || wrong != nil {
		t.Error("As of another type succeeded")
	}
	if m.As(got) { // not a pointer to the record's type
		t.Error("As(*vendorRecord) succeeded")
	}
	var nilMember *participants.Member
	if nilMember.As(&got) {
		t.Error("As on a nil Member succeeded")
	}
	if (&participants.Member{ID: "x"}).As(&got) {
		t.Error("As without a record succeeded")
	}
	if p := m.Participant(); !sameParticipant(p, participants.Participant{ParticipantID: "MB1"}) {
		t.Errorf("Participant() = %+v", p)
	}
}
