package driver_test

import (
	"testing"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/driver"
)

// mark is a comparable option that records nothing: it stands for a
// user's request option.
type mark struct{ n int }

func (mark) Apply(*clientopt.Settings) error { return nil }

// RequestOptions is option.WithIdempotent() followed by the call's
// RequestOptions, in order, without changing o.
func TestRequestOptions(t *testing.T) {
	apply := func(opts []option.Option) clientopt.Settings {
		var s clientopt.Settings
		for _, o := range opts {
			if err := o.Apply(&s); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}

	got := driver.RequestOptions(&driver.CallOptions{})
	if len(got) != 1 || got[0] != option.WithIdempotent() || !apply(got).Idempotent {
		t.Errorf("RequestOptions(no options) = %v, want WithIdempotent alone", got)
	}

	user := []option.Option{mark{1}, option.WithMaxRetries(7), mark{2}}
	o := &driver.CallOptions{RequestOptions: user}
	got = driver.RequestOptions(o)
	if len(got) != 4 || got[0] != option.WithIdempotent() || got[1] != (mark{1}) || got[3] != (mark{2}) {
		t.Fatalf("RequestOptions = %v, want WithIdempotent then the call's options", got)
	}
	if s := apply(got); !s.Idempotent || s.MaxRetries != 7 {
		t.Errorf("settings = idempotent %v, %d retries: want idempotent, 7 retries", s.Idempotent, s.MaxRetries)
	}
	if len(o.RequestOptions) != 3 || o.RequestOptions[0] != (mark{1}) {
		t.Errorf("CallOptions.RequestOptions changed: %v", o.RequestOptions)
	}
}
