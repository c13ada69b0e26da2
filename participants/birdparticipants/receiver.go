package birdparticipants

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/internal/pager"
	"github.com/conversekit/conversekit/participants/driver"
)

// Snapshot is who was in a conversation: the participant IDs listed, and
// when the listing started.
type Snapshot struct {
	At  time.Time
	IDs []string
}

// A SnapshotStore keeps, per conversation, the participants last seen.
// Bird sends no participant event, only conversation.updated when the
// participants (or the attributes, or the status) change: the Receiver
// lists the participants and compares with the snapshot to find who joined
// and who left. NewMemorySnapshotStore keeps the snapshots in memory,
// bounded; a store shared between processes (a database, Redis) keeps the
// comparison right behind a load balancer.
type SnapshotStore interface {
	// Load returns the conversation's snapshot; ok is false when there is
	// none.
	Load(ctx context.Context, conversationID string) (s Snapshot, ok bool, err error)
	// Store saves s as the conversation's snapshot, unless the one stored
	// was listed after s.At (a delivery handled late must not undo a newer
	// one).
	Store(ctx context.Context, conversationID string, s Snapshot) error
}

// DefaultSnapshotCapacity is how many conversations a memory store keeps.
const DefaultSnapshotCapacity = 10_000

// MemorySnapshotStore is a SnapshotStore in memory that keeps the
// conversations stored last, at most its capacity: past it, the one stored
// the longest ago is forgotten, and its next conversation.updated is a
// first sight (no events). It is safe for concurrent use.
type MemorySnapshotStore struct {
	mu       sync.Mutex
	capacity int
	byID     map[string]*list.Element
	lru      *list.List // of *storedSnapshot, the most recently stored first
}

type storedSnapshot struct {
	conversationID string
	Snapshot
}

// NewMemorySnapshotStore returns a MemorySnapshotStore of capacity
// conversations (0: DefaultSnapshotCapacity).
func NewMemorySnapshotStore(capacity int) (*MemorySnapshotStore, error) {
	if capacity < 0 {
		return nil, fmt.Errorf("birdparticipants: NewMemorySnapshotStore: capacity %d is negative", capacity)
	}
	if capacity == 0 {
		capacity = DefaultSnapshotCapacity
	}
	return &MemorySnapshotStore{capacity: capacity, byID: map[string]*list.Element{}, lru: list.New()}, nil
}

// Load implements SnapshotStore. It never fails.
func (s *MemorySnapshotStore) Load(_ context.Context, conversationID string) (Snapshot, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[conversationID]
	if !ok {
		return Snapshot{}, false, nil
	}
	snap := e.Value.(*storedSnapshot).Snapshot
	return Snapshot{At: snap.At, IDs: slices.Clone(snap.IDs)}, true, nil
}

// Store implements SnapshotStore. It never fails.
func (s *MemorySnapshotStore) Store(_ context.Context, conversationID string, snap Snapshot) error {
	snap.IDs = slices.Clone(snap.IDs)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byID[conversationID]; ok {
		stored := e.Value.(*storedSnapshot)
		if stored.At.After(snap.At) {
			return nil
		}
		stored.Snapshot = snap
		s.lru.MoveToFront(e)
		return nil
	}
	if s.lru.Len() >= s.capacity {
		oldest := s.lru.Back()
		delete(s.byID, oldest.Value.(*storedSnapshot).conversationID)
		s.lru.Remove(oldest)
	}
	s.byID[conversationID] = s.lru.PushFront(&storedSnapshot{conversationID: conversationID, Snapshot: snap})
	return nil
}

// ReceiverOptions configures NewReceiver.
type ReceiverOptions struct {
	// Store keeps who was in each conversation (default:
	// NewMemorySnapshotStore(0), one process's memory).
	Store SnapshotStore
}

// NewReceiver returns the driver.Receiver of Bird's conversation webhooks
// (a webhook subscription to conversation.created, conversation.updated
// and conversation.deleted with a signing key), verified by v, for
// participants.NewWebhookHandler. provider is the Bird provider (New) that
// lists the participants:
//
//	v, err := bird.NewWebhookVerifier(signingKey, bird.WithPublicURL("https://example.com/webhooks/bird"))
//	p := birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: ws})
//	recv, err := birdparticipants.NewReceiver(v, p, birdparticipants.ReceiverOptions{})
//	h, err := participants.NewWebhookHandler(recv, handle)
//
// Bird has no participant event. For each conversation.updated (and
// conversation.created) the Receiver lists the conversation's participants
// (one request per page of 100: the cost of every such delivery) and
// compares them with the conversation's snapshot: a participant listed
// that was not in it joined, one in it that is not listed left. The first
// conversation.updated of a conversation the store does not know yields
// no event (who joined before is unknown) and stores the snapshot; a
// conversation.created compares with nobody, so everyone listed joined;
// conversation.deleted makes everyone in the snapshot leave. The snapshot
// is stored only once the handler handled every event (Delivery.Commit),
// so a failed delivery yields the same events again. A left event's
// Participant has the participant ID only (it is no longer listed). An
// event's ID is the conversation, the change, the participant and the
// time of the snapshot it was compared with.
func NewReceiver(v *bird.WebhookVerifier, provider driver.Provider, o ReceiverOptions) (driver.Receiver, error) {
	switch {
	case v == nil:
		return nil, driver.Errorf(driver.InvalidArgument, "bird", "v", "NewReceiver: nil *bird.WebhookVerifier")
	case provider == nil || provider.Name() != "bird":
		return nil, driver.Errorf(driver.InvalidArgument, "bird", "provider", "NewReceiver: the provider must be birdparticipants.New's")
	}
	if o.Store == nil {
		s, err := NewMemorySnapshotStore(0)
		if err != nil {
			return nil, err
		}
		o.Store = s
	}
	return &receiver{v: v, p: provider, store: o.Store, now: time.Now}, nil
}

type receiver struct {
	v     *bird.WebhookVerifier
	p     driver.Provider
	store SnapshotStore
	now   func() time.Time
}

func (*receiver) Name() string { return "bird" }

// Receive implements driver.Receiver.
func (rc *receiver) Receive(ctx context.Context, r *http.Request) (*driver.Delivery, error) {
	body, err := rc.v.Verify(r)
	if err != nil {
		return nil, err
	}
	we, err := bird.DecodeWebhook(body)
	if err != nil {
		return nil, err
	}
	conv := we.Payload.ID
	var at time.Time
	if t, err := time.Parse(time.RFC3339Nano, we.Payload.UpdatedAt); err == nil {
		at = t
	}
	prev, known, err := rc.store.Load(ctx, conv)
	if err != nil {
		return nil, fmt.Errorf("birdparticipants: the snapshot store: %w", err)
	}
	var now Snapshot
	var members map[string]*driver.Member
	switch we.Event {
	case bird.WebhookEventTypeConversationDeleted:
		now = Snapshot{At: rc.now()}
	case bird.WebhookEventTypeConversationCreated, bird.WebhookEventTypeConversationUpdated:
		if we.Event == bird.WebhookEventTypeConversationCreated && !known {
			known = true // compared with nobody: everyone listed joined
		}
		now, members, err = rc.list(ctx, conv)
		if err != nil {
			return nil, err
		}
	default: // DecodeWebhook refuses the others
		return nil, &apierror.WebhookError{Vendor: "bird", Kind: apierror.ErrWebhookUnsupported, Detail: "event " + string(we.Event)}
	}
	d := &driver.Delivery{Commit: func(ctx context.Context) error {
		if err := rc.store.Store(ctx, conv, now); err != nil {
			return fmt.Errorf("birdparticipants: the snapshot store: %w", err)
		}
		return nil
	}}
	if !known {
		return d, nil // first sight: who joined before is unknown
	}
	version := strconv.FormatInt(prev.At.UnixNano(), 10)
	joined, left := diffIDs(prev.IDs, now.IDs)
	for _, id := range joined {
		d.Events = append(d.Events, driver.Event{Provider: "bird", Kind: driver.ParticipantJoined, ConversationID: conv,
			Participant: *members[id], At: at, ID: conv + ":joined:" + id + ":" + version, Raw: we})
	}
	for _, id := range left {
		d.Events = append(d.Events, driver.Event{Provider: "bird", Kind: driver.ParticipantLeft, ConversationID: conv,
			Participant: driver.Member{Provider: "bird", ID: id}, At: at, ID: conv + ":left:" + id + ":" + version, Raw: we})
	}
	return d, nil
}

// list reads every page of the conversation's participants.
func (rc *receiver) list(ctx context.Context, conv string) (Snapshot, map[string]*driver.Member, error) {
	snap := Snapshot{At: rc.now()}
	members := map[string]*driver.Member{}
	page := ""
	for range pager.MaxPages {
		p, err := rc.p.List(ctx, conv, page, driver.CallOptions{PageSize: birdMaxPageSize})
		if err != nil {
			return Snapshot{}, nil, err
		}
		for _, m := range p.Members {
			if _, dup := members[m.ID]; !dup {
				members[m.ID] = m
				snap.IDs = append(snap.IDs, m.ID)
			}
		}
		if p.Next == "" {
			return snap, members, nil
		}
		page = p.Next
	}
	return Snapshot{}, nil, errors.New("birdparticipants: the conversation's participants did not end within " + strconv.Itoa(pager.MaxPages) + " pages")
}

// diffIDs returns the IDs of now that were not in before (joined) and
// those of before that are not in now (left), each in the order of its
// list.
func diffIDs(before, now []string) (joined, left []string) {
	in := make(map[string]bool, len(before))
	for _, id := range before {
		in[id] = true
	}
	still := make(map[string]bool, len(now))
	for _, id := range now {
		still[id] = true
		if !in[id] {
			joined = append(joined, id)
		}
	}
	for _, id := range before {
		if !still[id] {
			left = append(left, id)
		}
	}
	return joined, left
}
