package main

import (
	"encoding/csv"
	"fmt"
	"os"

	"github.com/conversekit/conversekit/participants"
)

// demoHeader is the header of the generated CSV.
var demoHeader = []string{"external_id", "email", "phone", "channel", "identifier_key", "identifier_value", "kind", "id", "status"}

// unknownUser is a Bird user ID that the fake does not know.
const unknownUser = "00000000-0000-4000-8000-00000000dead"

// writeDemoCSV writes n people to path: contacts by email, by phone on SMS
// and on WhatsApp, by a raw identifier, now and then one of users (an
// agent; each agent's later rows are AlreadyPresent), and in every
// thousand rows six bad ones. It returns the code each bad row's line
// should fail with.
func writeDemoCSV(path string, n int, users []string) (bad map[int]participants.ErrorCode, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := csv.NewWriter(f)
	if err := w.Write(demoHeader); err != nil {
		return nil, err
	}
	bad = map[int]participants.ErrorCode{}
	for i := range n {
		line := i + 2 // the header is line 1
		row := make([]string, len(demoHeader))
		set := func(col, v string) {
			for j, h := range demoHeader {
				if h == col {
					row[j] = v
				}
			}
		}
		switch i % 1000 {
		case 13: // not an email address
			set("email", fmt.Sprintf("person%05d@", i))
			bad[line] = participants.InvalidArgument
		case 113: // not E.164
			set("phone", "555-0100")
			bad[line] = participants.InvalidArgument
		case 213: // Bird cannot name a contact by your ID
			set("external_id", fmt.Sprintf("user-%05d", i))
			bad[line] = participants.Unimplemented
		case 313: // no such channel
			set("phone", fmt.Sprintf("+1555%07d", i))
			set("channel", "fax")
			bad[line] = participants.InvalidArgument
		case 413: // a cell too many: not a row of this header
			set("email", fmt.Sprintf("person%05d@example.com", i))
			row = append(row, "stray")
			bad[line] = participants.InvalidArgument
		case 513: // a Bird user that does not exist: the vendor's 404
			set("kind", "user")
			set("id", unknownUser)
			bad[line] = participants.NotFound
		default:
			switch {
			case i%997 == 0 && len(users) > 0:
				set("kind", "user")
				set("id", users[(i/997)%len(users)])
			case i%4 == 0:
				set("email", fmt.Sprintf("person%05d@example.com", i))
			case i%4 == 1:
				set("phone", fmt.Sprintf("+1555%07d", i))
			case i%4 == 2:
				set("phone", fmt.Sprintf("+1555%07d", i))
				set("channel", "whatsapp")
			default:
				set("identifier_key", "emailaddress")
				set("identifier_value", fmt.Sprintf("person%05d@example.org", i))
			}
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return bad, w.Error()
}
