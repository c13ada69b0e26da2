package sunshine

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/clientopt"
)

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// A body lost while it is read is an error naming the operation and the
// status, wrapping the read error; a request error that names the vendor
// is returned as it is.
func TestReadBodyError(t *testing.T) {
	boom := errors.New("boom")
	resp := &http.Response{StatusCode: 201, Body: io.NopCloser(io.MultiReader(strings.NewReader("{"), failingReader{boom}))}
	_, err := clientopt.ReadBody(Vendor, opJoin, resp)
	if !errors.Is(err, boom) || err.Error() != "sunshine: "+opJoin+": reading the 201 response: boom" {
		t.Errorf("err = %v", err)
	}
	b, err := clientopt.ReadBody(Vendor, opLeave, &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{}`))})
	if err != nil || string(b) != `{}` {
		t.Errorf("read = %q, %v", b, err)
	}
	sent := fmt.Errorf("sunshine: POST https://api.smooch.io/v2/apps/a/conversations/c/leave: %w", boom)
	if err := clientopt.CallError(Vendor, opLeave, sent); err != sent {
		t.Errorf("err = %v, want it as it is", err)
	}
}
