package apierror_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// One errors.As serves every vendor: intercom.APIError and twilio.APIError
// are both *apierror.Error, and so are bird.APIError and sunshine.APIError.
// A bad argument is an *apierror.ParamError, refused before any request.
func Example() {
	ic := participantstest.NewIntercomServer() // stands in for https://api.intercom.io
	defer ic.Close()
	tf := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer tf.Close()

	in, err := intercom.New(ic.Token(), option.WithBaseURL(ic.URL()))
	if err != nil {
		log.Fatal(err)
	}
	tw, err := twilio.New(tf.AccountSID(), tf.AuthToken(), option.WithBaseURL(tf.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err1 := in.ConversationContacts(ctx, "404404")
	_, err2 := tw.FetchParticipant(ctx, "CH00000000000000000000000000000404", "ada")
	_, err3 := tw.FetchParticipant(ctx, "..", "ada")

	for _, err := range []error{err1, err2, err3} {
		var apiErr *apierror.Error
		var paramErr *apierror.ParamError
		switch {
		case errors.As(err, &apiErr):
			fmt.Printf("%s answered %d, code %q, temporary %t\n", apiErr.Vendor, apiErr.StatusCode, apiErr.Code, apiErr.Temporary())
		case errors.As(err, &paramErr):
			fmt.Printf("%s refused %s before sending: %s\n", paramErr.Vendor, paramErr.Field, paramErr.Reason)
		}
	}
	// Output:
	// intercom answered 404, code "not_found", temporary false
	// twilio answered 404, code "20404", temporary false
	// twilio refused conversationSID before sending: ".." is not allowed
}
