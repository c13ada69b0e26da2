package intercom

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/clientopt"
)

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// A body lost while it is read is an error naming the operation and the
// status, wrapping the read error.
func TestCustomersReadError(t *testing.T) {
	boom := errors.New("boom")
	resp := &http.Response{StatusCode: 200, Body: io.NopCloser(io.MultiReader(strings.NewReader("{"), failingReader{boom}))}
	_, err := clientopt.ReadBody(vendor, "AttachContact", resp)
	if !errors.Is(err, boom) || err.Error() != "intercom: AttachContact: reading the 200 response: boom" {
		t.Errorf("err = %v", err)
	}
}
