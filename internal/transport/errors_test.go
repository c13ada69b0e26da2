package transport

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
)

// "gave up after N attempts" is said only of a temporary error that was
// retried.
func TestGaveUpReason(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		idempotent bool
		want       string // "" means no reason
		attempts   int
	}{
		{"400 once", 400, true, "", 1},
		{"503 not idempotent", 503, false, "", 1},
		{"503 retried", 503, true, "gave up after 3 attempts", 3},
		{"429 retried", 429, false, "gave up after 3 attempts", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, pc := newPathClient(t, Options{MaxRetries: 2}, nil, map[string][]int{"/a": {tc.status}})
			err := pc.get(context.Background(), c, "/a", tc.idempotent)
			var apiErr *apierror.Error
			if !errors.As(err, &apiErr) || apiErr.Reason != tc.want || apiErr.Attempts != tc.attempts {
				t.Errorf("err = %v (%+v), want reason %q after %d attempts", err, apiErr, tc.want, tc.attempts)
			}
			if tc.want == "" && strings.Contains(err.Error(), "gave up") {
				t.Errorf("err = %v says it gave up", err)
			}
		})
	}
}
