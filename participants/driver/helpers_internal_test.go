package driver

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// simpleEmail accepts only what net/mail accepts as a bare address.
func FuzzSimpleEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", "a.b+c@d-e.f", "a..b@c", ".a@b", "a@b.", "a@", "@b", "a@b@c", "é@x.y", "a b@c", "\"a\"@b", "a@[1.2.3.4]", "a@b..c", "x@y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !simpleEmail(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			t.Errorf("simpleEmail(%q) but net/mail: %v, %+v", s, err, a)
		}
	})
}

// TestSimpleEmailTakesTheCommonCase: ValidEmail's fast path accepts every
// address whose local part and domain are dot-atoms of ASCII letters,
// digits and "!#$%&'*+-/=?^_`{|}~", each of them in every place, without
// net/mail (a stricter fast path would give the same answers, only slower:
// this pins what it is for). What it accepts net/mail accepts too
// (FuzzSimpleEmail).
func TestSimpleEmailTakesTheCommonCase(t *testing.T) {
	const atext = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
	for _, c := range strings.Split(atext, "") {
		for _, s := range []string{c + "@x", "x@" + c, c + c + "." + c + "@" + c + "." + c, "a." + c + "@b." + c} {
			if !simpleEmail(s) {
				t.Errorf("simpleEmail(%q) = false, want the fast path to accept it", s)
			}
		}
	}
	for _, s := range []string{"a@b", "ada.lovelace@example.com", "a.b.c@d.e.f"} {
		if !simpleEmail(s) {
			t.Errorf("simpleEmail(%q) = false", s)
		}
	}
	for _, s := range []string{"", "@", "a@", "@b", "a@b@c", ".a@b", "a.@b", "a..b@c", "a@.b", "a@b.", "a@b..c", "a b@c", "é@x", "a@[1.2.3.4]", `"a"@b`} {
		if simpleEmail(s) {
			t.Errorf("simpleEmail(%q) = true, want it left to net/mail", s)
		}
	}
}

func TestParamErrorNamesVendorOnce(t *testing.T) {
	pe := &pathparam.Error{Vendor: "bird", Field: "workspaceId", Reason: `"my-workspace" is not a UUID`}
	err := WrapError("bird", pe)
	if got, want := err.Error(), `bird: InvalidArgument: workspaceId: "my-workspace" is not a UUID`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var got *pathparam.Error
	if Code(err) != InvalidArgument || !errors.As(err, &got) || got != pe {
		t.Errorf("err = %v: the *pathparam.Error is not reachable", err)
	}
	// Wrapped once more, the wrapper's words are kept.
	wrapped := fmt.Errorf("while adding: %w", pe)
	if got := WrapError("bird", wrapped).Error(); !strings.Contains(got, "while adding") {
		t.Errorf("Error() = %q lost the wrapper's text", got)
	}
	// Code of a bare *pathparam.Error, not wrapped by a Client.
	if Code(pe) != InvalidArgument {
		t.Errorf("Code(*pathparam.Error) = %v", Code(pe))
	}
}

// wrapFields renames only the field of a bad-argument error it wrapped
// itself: an *Error a provider built keeps its field.
func TestWrapFieldsRenamesOnlyItsOwn(t *testing.T) {
	names := map[string]string{"workspaceID": "birdparticipants.Options.WorkspaceID"}
	pe := &pathparam.Error{Vendor: "bird", Field: "workspaceID", Reason: "bad"}
	if e, ok := WrapFields("bird", pe, names).(*Error); !ok || e.Field != "birdparticipants.Options.WorkspaceID" {
		t.Errorf("WrapFields(*pathparam.Error) = %v, want the facade's field", e)
	}
	own := &Error{Code: InvalidArgument, Provider: "bird", Field: "workspaceID", Err: pe}
	if e, ok := WrapFields("bird", own, names).(*Error); !ok || e != own || e.Field != "workspaceID" {
		t.Errorf("WrapFields(*Error) = %v, want it unchanged", e)
	}
	wrapped := fmt.Errorf("context: %w", own)
	if got := WrapFields("bird", wrapped, names); got != wrapped || own.Field != "workspaceID" {
		t.Errorf("WrapFields(wrapped *Error) = %v, want it unchanged", got)
	}
	if e, ok := WrapFields("bird", &pathparam.Error{Vendor: "bird", Field: "other", Reason: "bad"}, names).(*Error); !ok || e.Field != "other" {
		t.Errorf("unmapped field renamed: %v", e)
	}
}
