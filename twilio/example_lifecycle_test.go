package twilio_test

import (
	"context"
	"fmt"

	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// An API key authenticates the client; Service scopes it to a Conversation
// Service; UpdateParticipant removes a proxy address with RemoveAddress.
func ExampleClient_Service() {
	fake := participantstest.NewTwilioServer() // stands in for https://conversations.twilio.com
	defer fake.Close()
	conv := fake.SeedServiceConversation("IS0123456789abcdef0123456789abcdef", "", "")

	tw, err := twilio.NewWithAPIKey(fake.APIKeySID(), fake.APIKeySecret(), fake.ClientOptions()...)
	if err != nil {
		panic(err)
	}
	svc, err := tw.Service("IS0123456789abcdef0123456789abcdef")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	p, err := svc.CreateParticipant(ctx, conv, twilio.CreateParticipantParams{Address: "+15558675310", ProxyAddress: "+15017122661"})
	if err != nil {
		panic(err)
	}
	p, err = svc.UpdateParticipant(ctx, conv, p.SID, twilio.UpdateParticipantParams{ProxyAddress: twilio.RemoveAddress()})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.ChatServiceSID, p.MessagingBinding.Type, p.MessagingBinding.Address, p.MessagingBinding.ProxyAddress == "")
	// Output: IS0123456789abcdef0123456789abcdef sms +15558675310 true
}
