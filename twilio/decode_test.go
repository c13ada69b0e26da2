package twilio

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

func fetchBody(t *testing.T, body string) *Participant {
	t.Helper()
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(200, body))
	c := newTestClient(t, mock)
	p, err := c.FetchParticipant(context.Background(), testCH, testMB)
	if err != nil {
		t.Fatalf("FetchParticipant: %v", err)
	}
	return p
}

func TestDecodeParticipantFull(t *testing.T) {
	p := fetchBody(t, participantJSON)
	check := func(name string, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	check("account_sid", p.AccountSID, testAccountSID)
	check("conversation_sid", p.ConversationSID, testCH)
	check("sid", p.SID, testMB)
	check("attributes", p.Attributes, `{ "role": "driver" }`)
	check("role_sid", p.RoleSID, testRL)
	check("url", p.URL, "https://conversations.twilio.com/v1/Conversations/"+testCH+"/Participants/"+testMB)
	if p.Identity != "" || p.LastReadMessageIndex != nil || p.LastReadTimestamp != "" {
		t.Errorf("null fields decoded non-zero: %q %v %q", p.Identity, p.LastReadMessageIndex, p.LastReadTimestamp)
	}
	if !p.DateCreated.Equal(time.Date(2015, 12, 16, 22, 18, 37, 0, time.UTC)) {
		t.Errorf("date_created = %v", p.DateCreated)
	}
	if !p.DateUpdated.Equal(time.Date(2015, 12, 16, 22, 18, 38, 0, time.UTC)) {
		t.Errorf("date_updated = %v", p.DateUpdated)
	}
	want := MessagingBinding{Type: MessagingBindingTypeSMS, Address: "+15558675310", ProxyAddress: "+15017122661"}
	if p.MessagingBinding == nil || *p.MessagingBinding != want {
		t.Errorf("MessagingBinding = %+v, want %+v", p.MessagingBinding, want)
	}
}

func TestDecodeParticipantAllNull(t *testing.T) {
	// Every property but sid null (a participant without a sid is a
	// *SuccessBodyError, see TestSuccessBodyWithoutParticipantSID).
	p := fetchBody(t, `{"account_sid":null,"conversation_sid":null,"sid":"`+testMB+`","identity":null,"attributes":null,
		"messaging_binding":null,"role_sid":null,"date_created":null,"date_updated":null,"url":null,
		"last_read_message_index":null,"last_read_timestamp":null}`)
	if !reflect.DeepEqual(*p, Participant{SID: testMB}) {
		t.Errorf("all-null participant = %+v, want only SID", *p)
	}
}

func TestDecodeParticipantChatWithIndex(t *testing.T) {
	p := fetchBody(t, `{"sid":"`+testMB+`","identity":"alice","attributes":"{}","messaging_binding":null,
		"last_read_message_index":42,"last_read_timestamp":"2024-01-02T03:04:05Z"}`)
	if p.Identity != "alice" {
		t.Errorf("identity = %q", p.Identity)
	}
	if p.LastReadMessageIndex == nil || *p.LastReadMessageIndex != 42 {
		t.Errorf("last_read_message_index = %v", p.LastReadMessageIndex)
	}
	if p.LastReadTimestamp != "2024-01-02T03:04:05Z" {
		t.Errorf("last_read_timestamp = %q", p.LastReadTimestamp)
	}
	if p.MessagingBinding != nil {
		t.Errorf("null messaging_binding = %+v, want nil", p.MessagingBinding)
	}
}

func TestDecodeBindings(t *testing.T) {
	tests := []struct {
		name    string
		binding string
		want    *MessagingBinding
	}{
		{"sms", `{"type":"sms","address":"+15558675310","proxy_address":"+15017122661"}`,
			&MessagingBinding{Type: MessagingBindingTypeSMS, Address: "+15558675310", ProxyAddress: "+15017122661"}},
		{"whatsapp", `{"type":"whatsapp","address":"whatsapp:+15558675310","proxy_address":"whatsapp:+15017122661"}`,
			&MessagingBinding{Type: MessagingBindingTypeWhatsApp, Address: "whatsapp:+15558675310", ProxyAddress: "whatsapp:+15017122661"}},
		{"projected", `{"type":"sms","projected_address":"+15017122661"}`,
			&MessagingBinding{Type: MessagingBindingTypeSMS, ProjectedAddress: "+15017122661"}},
		{"rcs", `{"type":"rcs","address":"rcs:+15558675310","proxy_address":"rcs:brand_agent"}`,
			&MessagingBinding{Type: MessagingBindingTypeRCS, Address: "rcs:+15558675310", ProxyAddress: "rcs:brand_agent"}},
		{"unknown type and keys ignored", `{"type":"messenger","address":"messenger:x","level":{"a":1}}`,
			&MessagingBinding{Type: "messenger", Address: "messenger:x"}},
		{"null keys empty", `{"type":"sms","address":null,"proxy_address":null}`,
			&MessagingBinding{Type: MessagingBindingTypeSMS}},
		{"empty object", `{}`, &MessagingBinding{}},
		{"null", `null`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fetchBody(t, `{"sid":"`+testMB+`","messaging_binding":`+tt.binding+`,"unknown_field":{"x":[1,2]}}`)
			if !reflect.DeepEqual(p.MessagingBinding, tt.want) {
				t.Errorf("MessagingBinding = %+v, want %+v", p.MessagingBinding, tt.want)
			}
			if b := p.MessagingBinding; b != nil && b.Type.Valid() != (b.Type == MessagingBindingTypeSMS || b.Type == MessagingBindingTypeWhatsApp || b.Type == MessagingBindingTypeRCS) {
				t.Errorf("Type %q: Valid() = %v", b.Type, b.Type.Valid())
			}
		})
	}
}

func TestDecodeBindingWrongTypeFails(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(200, `{"sid":"`+testMB+`","messaging_binding":{"type":7}}`))
	c := newTestClient(t, mock)
	if p, err := c.FetchParticipant(context.Background(), testCH, testMB); err == nil {
		t.Fatalf("FetchParticipant = %+v, want a decode error", p)
	}
}

func TestDecodeCreateToleratesBadCORSHeader(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(201, participantJSON, "Access-Control-Allow-Credentials", "yes please"))
	c := newTestClient(t, mock)
	p, err := c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Identity: "alice"})
	if err != nil {
		t.Fatalf("CreateParticipant: %v", err)
	}
	if p.SID != testMB {
		t.Errorf("sid = %q", p.SID)
	}
}

func TestDecodeWithoutContentType(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, rawResp(200, "", participantJSON))
	c := newTestClient(t, mock)
	p, err := c.FetchParticipant(context.Background(), testCH, testMB)
	if err != nil {
		t.Fatal(err)
	}
	if p.SID != testMB {
		t.Errorf("sid = %q", p.SID)
	}
}

func TestDecodeBadSuccessBody(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(201, `{"sid": "MB`))
	c := newTestClient(t, mock)
	_, err := c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Identity: "alice"})
	if err == nil {
		t.Fatal("truncated success body accepted")
	}
}

const page0 = `{"participants":[` + participantJSON + `],"meta":{"page":0,"page_size":1,
  "first_page_url":"https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page=0",
  "previous_page_url":null,
  "next_page_url":"https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page=1&PageToken=PTMB0123",
  "url":"https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page=0",
  "key":"participants"}}`

const page1 = `{"participants":[{"sid":"MBffffffffffffffffffffffffffffffff","identity":"bob","messaging_binding":null}],"meta":{"page":1,"page_size":1,
  "first_page_url":"https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page=0",
  "previous_page_url":"https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page=0",
  "next_page_url":null,
  "url":"https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page=1",
  "key":"participants"}}`

func TestListParticipantsDecode(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(200, page0))
	c := newTestClient(t, mock)
	page, err := c.ListParticipants(context.Background(), testCH, &ListParticipantsParams{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Participants) != 1 || page.Participants[0].SID != testMB {
		t.Fatalf("participants = %+v", page.Participants)
	}
	m := page.Meta
	base := "https://conversations.twilio.com/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants?PageSize=1&Page="
	if m.Page != 0 || m.PageSize != 1 || m.Key != "participants" || m.PreviousPageURL != "" ||
		m.NextPageURL != base+"1&PageToken=PTMB0123" || m.FirstPageURL != base+"0" || m.URL != base+"0" {
		t.Errorf("meta = %+v", m)
	}
}

func TestAllParticipantsFollowsNextPage(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, jsonResp(200, page0), jsonResp(200, page1))
	c := newTestClient(t, mock, withBaseURL("http://localhost:9999"))
	var sids []string
	for p, err := range c.AllParticipants(context.Background(), testCH, &ListParticipantsParams{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, p.SID)
	}
	if want := []string{testMB, "MBffffffffffffffffffffffffffffffff"}; !reflect.DeepEqual(sids, want) {
		t.Errorf("sids = %v, want %v", sids, want)
	}
	calls := rec.all()
	if len(calls) != 2 {
		t.Fatalf("%d calls", len(calls))
	}
	// The second page stays on the client's base URL, not the host in
	// next_page_url.
	if got, want := calls[1].req.URL.String(), "http://localhost:9999/v1/Conversations/"+testCH+"/Participants?PageSize=1&Page=1&PageToken=PTMB0123"; got != want {
		t.Errorf("second page URL = %s, want %s", got, want)
	}
}

func TestAllParticipantsStopsOnRepeat(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, jsonResp(200, page0))
	c := newTestClient(t, mock)
	var err error
	n := 0
	for _, e := range c.AllParticipants(context.Background(), testCH, nil) {
		if e != nil {
			err = e
			break
		}
		n++
	}
	if err == nil {
		t.Fatal("a repeating next_page_url did not end with an error")
	}
	if len(rec.all()) != 2 || n != 2 {
		t.Errorf("calls = %d, participants = %d, want 2, 2", len(rec.all()), n)
	}
}
