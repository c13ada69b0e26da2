package participants_test

import (
	"context"
	"fmt"
	"iter"
	"log"
	"slices"
	"strings"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// AddEach reads the participants from a sequence as workers become free
// and yields each result as its Add ends, so an import of any size runs in
// constant memory. Each result carries its participant, so a failure can
// be reported without keeping the input.
func ExampleClient_AddEach() {
	fake := participantstest.NewBirdServer() // stands in for https://api.bird.com
	defer fake.Close()
	conversation := fake.SeedConversation("")
	bc, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}))

	// A sequence read lazily, as from a file: one email address a line.
	lines := "ada@example.com\ngrace@example.com\nnot an email\n+15558675310\n"
	people := func(yield func(participants.Participant) bool) {
		for line := range strings.Lines(lines) {
			line = strings.TrimSpace(line)
			p := participants.Participant{Email: line}
			if strings.HasPrefix(line, "+") {
				p = participants.Participant{Phone: line}
			}
			if !yield(p) {
				return
			}
		}
	}
	var report []string
	for i, r := range c.AddEach(context.Background(), conversation, iter.Seq[participants.Participant](people)) {
		who := r.Participant.Email + r.Participant.Phone
		if r.Err != nil {
			report = append(report, fmt.Sprintf("%d %s: %s", i+1, who, participants.Code(r.Err)))
			continue
		}
		report = append(report, fmt.Sprintf("%d %s: %s", i+1, who, r.Result.Outcome))
	}
	slices.Sort(report) // results come in the order the adds end
	fmt.Println(strings.Join(report, "\n"))
	// Output:
	// 1 ada@example.com: Added
	// 2 grace@example.com: Added
	// 3 not an email: InvalidArgument
	// 4 +15558675310: Added
}

// Get names a participant with the same identities as Add, or with the
// participant ID that Add returned; someone not in the conversation is
// NotFound.
func ExampleClient_Get() {
	fake := participantstest.NewBirdServer() // stands in for https://api.bird.com
	defer fake.Close()
	conversation := fake.SeedConversation("")
	bc, err := bird.New(fake.AccessKey(), option.WithBaseURL(fake.URL()))
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}))
	ctx := context.Background()
	added, err := c.Add(ctx, conversation, participants.Participant{Email: "ada@example.com"})
	if err != nil {
		log.Fatal(err)
	}

	m, err := c.Get(ctx, conversation, participants.Participant{Email: "ada@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Email, m.ID == added.ID)
	byID, err := c.Get(ctx, conversation, participants.Participant{ParticipantID: added.ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(byID.Email)
	_, err = c.Get(ctx, conversation, participants.Participant{Email: "grace@example.com"})
	fmt.Println(participants.Code(err))
	// Output:
	// ada@example.com true
	// ada@example.com
	// NotFound
}
