package participantstest

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

const (
	// DefaultBirdAccessKey is the access key a [BirdServer] accepts unless
	// [WithBirdAccessKey] sets another.
	DefaultBirdAccessKey = "fake-bird-access-key"
	// DefaultBirdWorkspaceID is the workspace a [BirdServer] serves unless
	// [WithBirdWorkspaceID] sets another.
	DefaultBirdWorkspaceID = "a1405560-c8d3-4b1a-877d-3f449ad95352"
)

// BirdOption configures [NewBirdServer].
type BirdOption func(*birdConfig)

type birdConfig struct {
	accessKey, workspaceID string
}

// WithBirdAccessKey sets the key the fake accepts as
// "Authorization: AccessKey <key>". NewBirdServer panics if it is empty.
func WithBirdAccessKey(key string) BirdOption {
	return func(c *birdConfig) { c.accessKey = key }
}

// WithBirdWorkspaceID sets the one workspace the fake serves. NewBirdServer
// panics if id is not a UUID.
func WithBirdWorkspaceID(id string) BirdOption {
	return func(c *birdConfig) { c.workspaceID = id }
}

// BirdIdentifier is one identifier of a Bird contact, such as
// {Key: "emailaddress", Value: "a@b.com"} or
// {Key: "phonenumber", Value: "+31612345678"}.
type BirdIdentifier struct {
	// Key is the identifier key.
	Key string
	// Value is the identifier value.
	Value string
}

// BirdContact is a contact known to a [BirdServer].
type BirdContact struct {
	// ID is the contact's UUID; SeedContact generates one when empty.
	ID string
	// DisplayName is reported as the participant's displayName.
	DisplayName string
	// AvatarURL is reported as the participant's avatarUrl.
	AvatarURL string
	// Identifiers are the contact's identifiers. The first one is the
	// default platform address of the contact.
	Identifiers []BirdIdentifier
}

// BirdParticipant is a conversation participant as Bird returns it.
type BirdParticipant struct {
	// ID is the contact, user or flow id, depending on Type.
	ID string `json:"id"`
	// Type is "contact", "user" or "flow".
	Type string `json:"type"`
	// Status is "pending", "invited" or "active".
	Status string `json:"status"`
	// DisplayName is the participant's name.
	DisplayName string `json:"displayName"`
	// AvatarURL is the URL of the participant's avatar.
	AvatarURL string `json:"avatarUrl"`
	// Contact is set for contact participants.
	Contact *BirdParticipantContact `json:"contact,omitempty"`

	// seq orders the participants of a conversation for list paging: it
	// grows with every add, so that a page token stays valid when
	// participants before it are removed.
	seq int64
}

// BirdParticipantContact is the contact information of a contact
// participant.
type BirdParticipantContact struct {
	// IdentifierKey is the identifier key the participant was added with
	// (or the contact's first one).
	IdentifierKey string `json:"identifierKey,omitempty"`
	// IdentifierValue is the identifier value.
	IdentifierValue string `json:"identifierValue,omitempty"`
	// PlatformAddress is the resolved delivery address.
	PlatformAddress string `json:"platformAddress,omitempty"`
	// PlatformAddressSelector echoes the selector sent with the request.
	PlatformAddressSelector string `json:"platformAddressSelector,omitempty"`
}

func (p *BirdParticipant) clone() BirdParticipant {
	c := *p
	if p.Contact != nil {
		pc := *p.Contact
		c.Contact = &pc
	}
	return c
}

// BirdServer is a stateful fake of Bird's conversation participants API, for
// the one workspace [BirdServer.WorkspaceID]:
//
//	POST   /workspaces/{ws}/conversations/{conv}/participants        ensure a participant (201 added, 200 present)
//	GET    /workspaces/{ws}/conversations/{conv}/participants        list (limit 1..100, pageToken, reverse)
//	GET    /workspaces/{ws}/conversations/{conv}/participants/{id}   get
//	GET    /workspaces/{ws}/conversations/{conv}/participants/{key}/{value}  get by identifier
//	PATCH  /workspaces/{ws}/conversations/{conv}/participants/{id}   update the status
//	PATCH  /workspaces/{ws}/conversations/{conv}/participants/{key}/{value}  update by identifier
//	DELETE /workspaces/{ws}/conversations/{conv}/participants/{id}   remove (204)
//
// Every request needs "Authorization: AccessKey <key>"
// ([BirdServer.AccessKey]). Errors are {"code","message","details"}:
// 401 Unauthorized, 404 ResourceNotFound, 405 MethodNotAllowed,
// 409 Conflict (a duplicate, only after SetDuplicateStatus(409)), 413
// PayloadTooLarge, 422 InvalidPayload (details keyed by JSON path, such as
// "contact.identifierValue"), 429 TooManyRequests. As on Bird, every 404 is
// the same {"code":"ResourceNotFound","message":"The requested resource does
// not exist","details":{}}, whatever is missing (route, workspace,
// conversation, participant, contact, user or flow): a client tells a
// missing participant from a missing conversation only by asking again,
// for example with a list of the conversation, which is 404 only when the
// conversation is missing.
//
// Lists page with limit (1..100, default 10), an opaque pageToken (at most
// 8000 characters; nextPageToken is absent on the last page) and reverse.
// A token points after the last participant of its page, so removing
// participants between two pages skips no one. A limit outside 1..100, a
// reverse that is not a boolean, a repeated parameter, or a pageToken this
// fake did not issue is 422 InvalidPayload with the parameter in details.
//
// An update body is {"status": "pending" | "invited" | "active" | null}
// (null changes nothing); an empty object, another key or another value is
// 422 InvalidPayload. A participant made non-removable with
// [BirdServer.SetRemovable] answers its DELETE with 403 and the plain-text
// body "Deleting this participant is not allowed" (Bird declares no media
// type for it).
//
// Adding a participant already on the conversation (same contact, same
// identifier, same user or flow) answers 200 with the existing participant
// and changes nothing. Adding by identifier finds the contact with that
// identifier or creates one.
type BirdServer struct {
	*Server
	accessKey   string
	workspaceID string

	mu            sync.Mutex
	dupStatus     int
	users         map[string]bool
	flows         map[string]bool
	contacts      map[string]*BirdContact
	contactOrder  []string
	byIdentifier  map[BirdIdentifier]string
	conversations map[string]*birdConversation
	seq           int64
}

type birdConversation struct {
	participants []*BirdParticipant
	// fixed holds the IDs of the participants SetRemovable made
	// non-removable.
	fixed map[string]bool
}

// NewBirdServer starts a Bird fake with no conversations, contacts, users or
// flows. Call Close when done with it.
func NewBirdServer(opts ...BirdOption) *BirdServer {
	cfg := birdConfig{accessKey: DefaultBirdAccessKey, workspaceID: DefaultBirdWorkspaceID}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.accessKey == "" {
		panic("participantstest: WithBirdAccessKey: empty key")
	}
	if !isUUID(cfg.workspaceID) {
		panic(fmt.Sprintf("participantstest: WithBirdWorkspaceID: %q is not a UUID", cfg.workspaceID))
	}
	s := &BirdServer{
		accessKey:     cfg.accessKey,
		workspaceID:   strings.ToLower(cfg.workspaceID),
		dupStatus:     http.StatusOK,
		users:         map[string]bool{},
		flows:         map[string]bool{},
		contacts:      map[string]*BirdContact{},
		byIdentifier:  map[BirdIdentifier]string{},
		conversations: map[string]*birdConversation{},
	}
	s.Server = newServer(s)
	return s
}

// AccessKey returns the access key the fake accepts.
func (s *BirdServer) AccessKey() string { return s.accessKey }

// WorkspaceID returns the UUID of the one workspace the fake serves.
func (s *BirdServer) WorkspaceID() string { return s.workspaceID }

// SetDuplicateStatus chooses how adding a participant who is already on the
// conversation is answered: 200 with the existing participant (the default)
// or 409 Conflict. It panics on any other status.
func (s *BirdServer) SetDuplicateStatus(status int) {
	if status != http.StatusOK && status != http.StatusConflict {
		panic(fmt.Sprintf("participantstest: BirdServer.SetDuplicateStatus(%d): want 200 or 409", status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dupStatus = status
}

// SetRemovable makes the participant participantID of the conversation
// removable (the default) or not: its DELETE then answers 403 with the
// plain-text body "Deleting this participant is not allowed" and removes
// nothing. It holds for the participant ID in that conversation, also
// across a removal made otherwise and a new add. It panics if the
// conversation is unknown.
func (s *BirdServer) SetRemovable(conversationID, participantID string, removable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[strings.ToLower(conversationID)]
	if conv == nil {
		panic(fmt.Sprintf("participantstest: BirdServer.SetRemovable: unknown conversation %q", conversationID))
	}
	if conv.fixed == nil {
		conv.fixed = map[string]bool{}
	}
	if removable {
		delete(conv.fixed, participantID)
	} else {
		conv.fixed[participantID] = true
	}
}

// BirdDeleteForbidden is the body of the 403 a non-removable participant's
// DELETE gets, sent as text/plain.
const BirdDeleteForbidden = "Deleting this participant is not allowed"

// SeedConversation registers an empty conversation and returns its id; an
// empty id is replaced by a new UUID. It panics if id is not a UUID or the
// conversation exists.
func (s *BirdServer) SeedConversation(id string) string {
	if id == "" {
		id = newUUID()
	}
	if !isUUID(id) {
		panic(fmt.Sprintf("participantstest: BirdServer.SeedConversation: %q is not a UUID", id))
	}
	id = strings.ToLower(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conversations[id] != nil {
		panic(fmt.Sprintf("participantstest: BirdServer.SeedConversation: %q already exists", id))
	}
	s.conversations[id] = &birdConversation{}
	s.emitBirdLocked("conversation.created", id, s.conversations[id])
	return id
}

// SeedContact registers a contact and returns it with a generated ID when
// it had none. It panics if the ID or one of its identifiers is taken.
func (s *BirdServer) SeedContact(c BirdContact) BirdContact {
	if c.ID == "" {
		c.ID = newUUID()
	}
	c.Identifiers = slices.Clone(c.Identifiers)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.contacts[c.ID] != nil {
		panic(fmt.Sprintf("participantstest: BirdServer.SeedContact: %q already exists", c.ID))
	}
	for _, id := range c.Identifiers {
		if id.Key == "" || id.Value == "" {
			panic("participantstest: BirdServer.SeedContact: empty identifier key or value")
		}
		if _, taken := s.byIdentifier[id]; taken {
			panic(fmt.Sprintf("participantstest: BirdServer.SeedContact: identifier %s=%s already taken", id.Key, id.Value))
		}
	}
	s.addContactLocked(c)
	return c
}

func (s *BirdServer) addContactLocked(c BirdContact) *BirdContact {
	p := &c
	s.contacts[c.ID] = p
	s.contactOrder = append(s.contactOrder, c.ID)
	for _, id := range c.Identifiers {
		s.byIdentifier[id] = c.ID
	}
	return p
}

// SeedUser registers a workspace user who can be added as a participant of
// type "user" and returns its id; an empty id is replaced by a new UUID.
func (s *BirdServer) SeedUser(id string) string {
	if id == "" {
		id = newUUID()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = true
	return id
}

// SeedFlow registers a flow that can be added as a participant of type
// "flow" and returns its id; an empty id is replaced by a new UUID.
func (s *BirdServer) SeedFlow(id string) string {
	if id == "" {
		id = newUUID()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flows[id] = true
	return id
}

// Participants returns the participants of a conversation in the order they
// were added, or nil for an unknown conversation.
func (s *BirdServer) Participants(conversationID string) []BirdParticipant {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[strings.ToLower(conversationID)]
	if conv == nil {
		return nil
	}
	out := make([]BirdParticipant, len(conv.participants))
	for i, p := range conv.participants {
		out[i] = p.clone()
	}
	return out
}

// Contact returns the contact with the given id.
func (s *BirdServer) Contact(id string) (BirdContact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.contacts[id]; c != nil {
		cc := *c
		cc.Identifiers = slices.Clone(c.Identifiers)
		return cc, true
	}
	return BirdContact{}, false
}

// Contacts returns every contact, seeded or created by an add by
// identifier, in creation order.
func (s *BirdServer) Contacts() []BirdContact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]BirdContact, 0, len(s.contactOrder))
	for _, id := range s.contactOrder {
		c := *s.contacts[id]
		c.Identifiers = slices.Clone(c.Identifiers)
		out = append(out, c)
	}
	return out
}

type birdError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details json.RawMessage `json:"details,omitempty"`
}

var emptyDetails = json.RawMessage("{}")

func birdFail(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, birdError{Code: code, Message: msg, Details: emptyDetails})
}

// birdNotFound writes Bird's 404. what (route, conversation, ...) is for
// the reader of this code only: Bird's 404 does not say what is missing.
func birdNotFound(w http.ResponseWriter, what string) {
	birdFail(w, http.StatusNotFound, "ResourceNotFound", "The requested resource does not exist")
}

// birdInvalid writes 422 InvalidPayload with details keyed by JSON path.
func birdInvalid(w http.ResponseWriter, details map[string][]string) {
	d, _ := json.Marshal(details)
	writeJSON(w, http.StatusUnprocessableEntity, birdError{
		Code: "InvalidPayload", Message: "The request payload is invalid", Details: d,
	})
}

func (s *BirdServer) tooManyRequests(w http.ResponseWriter, rl rateInfo) {
	setRetryAfter(w.Header(), rl)
	writeJSON(w, http.StatusTooManyRequests, birdError{Code: "TooManyRequests", Message: "Too many requests"})
}

func (s *BirdServer) tooLarge(w http.ResponseWriter) {
	birdFail(w, http.StatusRequestEntityTooLarge, "PayloadTooLarge", "The request payload is too large")
}

func (s *BirdServer) serve(w http.ResponseWriter, r *http.Request, c *call) {
	key, ok := authParam(r, "AccessKey")
	if !ok || subtle.ConstantTimeCompare([]byte(key), []byte(s.accessKey)) != 1 {
		writeJSON(w, http.StatusUnauthorized, birdError{Code: "Unauthorized", Message: "Invalid or missing access key"})
		return
	}
	segs, ok := segments(r)
	if !ok || len(segs) < 5 || len(segs) > 7 || !match(segs[:5], "workspaces", "*", "conversations", "*", "participants") ||
		slices.Contains(segs[5:], "") {
		birdNotFound(w, "route")
		return
	}
	var allowed []string
	switch len(segs) {
	case 5:
		allowed = []string{http.MethodGet, http.MethodPost}
	case 6:
		allowed = []string{http.MethodGet, http.MethodPatch, http.MethodDelete}
	case 7:
		allowed = []string{http.MethodGet, http.MethodPatch}
	}
	if !slices.Contains(allowed, r.Method) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		birdFail(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method "+r.Method+" is not allowed here")
		return
	}
	if !strings.EqualFold(segs[1], s.workspaceID) {
		birdNotFound(w, "workspace")
		return
	}
	convID := strings.ToLower(segs[3])

	// Validate bodies before taking the lock.
	var add *birdAddRequest
	var newStatus string
	switch {
	case len(segs) == 5 && r.Method == http.MethodPost:
		if add = parseBirdAdd(w, r, c.body); add == nil {
			return
		}
	case r.Method == http.MethodPatch:
		var ok bool
		if newStatus, ok = parseBirdPatch(w, r, c.body); !ok {
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[convID]
	if conv == nil || !isUUID(convID) {
		birdNotFound(w, "conversation")
		return
	}
	switch {
	case add != nil:
		s.addLocked(w, convID, conv, add)
	case len(segs) == 5:
		s.listLocked(w, r, conv)
	case len(segs) == 7:
		for _, p := range conv.participants {
			if s.hasIdentifierLocked(p, BirdIdentifier{Key: segs[5], Value: segs[6]}) {
				if newStatus != "" && newStatus != p.Status {
					p.Status = newStatus
					s.emitBirdLocked("conversation.updated", convID, conv)
				}
				writeJSON(w, http.StatusOK, p.clone())
				return
			}
		}
		birdNotFound(w, "participant")
	default:
		i := slices.IndexFunc(conv.participants, func(p *BirdParticipant) bool { return p.ID == segs[5] })
		if i < 0 {
			birdNotFound(w, "participant")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, conv.participants[i].clone())
		case http.MethodPatch:
			if newStatus != "" && newStatus != conv.participants[i].Status {
				conv.participants[i].Status = newStatus
				s.emitBirdLocked("conversation.updated", convID, conv)
			}
			writeJSON(w, http.StatusOK, conv.participants[i].clone())
		case http.MethodDelete:
			if conv.fixed[segs[5]] {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, BirdDeleteForbidden)
				return
			}
			conv.participants = slices.Delete(conv.participants, i, i+1)
			s.emitBirdLocked("conversation.updated", convID, conv)
			w.WriteHeader(http.StatusNoContent)
		}
	}
}

// hasIdentifierLocked reports whether participant p is reachable by id.
func (s *BirdServer) hasIdentifierLocked(p *BirdParticipant, id BirdIdentifier) bool {
	if p.Type != "contact" {
		return false
	}
	if p.Contact != nil && p.Contact.IdentifierKey == id.Key && p.Contact.IdentifierValue == id.Value {
		return true
	}
	return s.byIdentifier[id] == p.ID
}

// birdAddRequest is a validated create-participant body.
type birdAddRequest struct {
	typ, id, status string
	// contact object members; the *Set flags say whether a non-null value
	// was sent.
	key, value, selector          string
	keySet, valueSet, selectorSet bool
}

var birdStatuses = []string{"pending", "invited", "active"}

// parseBirdAdd validates a create-participant body against the oneOf of
// the spec; on failure it writes 422 and returns nil.
func parseBirdAdd(w http.ResponseWriter, r *http.Request, body []byte) *birdAddRequest {
	details := map[string][]string{}
	add := func(path, msg string) { details[path] = append(details[path], msg) }
	fail := func() *birdAddRequest { birdInvalid(w, details); return nil }

	if !mediaType(r, "application/json") {
		add("body", "Content-Type must be application/json")
		return fail()
	}
	m, ok := decodeObject(body)
	if !ok {
		add("body", "must be a JSON object")
		return fail()
	}
	req := &birdAddRequest{status: "active"}

	allowed := []string{"id", "type", "status", "contact"}
	if raw, ok := m["type"]; !ok {
		add("type", "is required")
	} else if t, ok := jsonString(raw); !ok {
		add("type", "must be a string")
	} else {
		switch t {
		case "user", "flow":
			allowed = []string{"id", "type", "status"}
		case "contact":
		default:
			add("type", "must be one of user, flow, contact")
		}
		req.typ = t
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			add(k, "additional property is not allowed")
		}
	}
	if raw, ok := m["status"]; ok {
		if st, ok := jsonString(raw); !ok {
			add("status", "must be a string")
		} else if !slices.Contains(birdStatuses, st) {
			add("status", "must be one of pending, invited, active")
		} else {
			req.status = st
		}
	}
	rawID, hasID := m["id"]
	if hasID {
		if id, ok := jsonString(rawID); !ok {
			add("id", "must be a string")
		} else if id == "" {
			add("id", "must not be empty")
		} else {
			req.id = id
		}
	} else if req.typ == "user" || req.typ == "flow" {
		add("id", "is required")
	}
	if req.typ == "contact" {
		rawContact, hasContact := m["contact"]
		switch {
		case !hasContact && !hasID:
			add("contact", "is required when id is not set")
		case hasContact && jsonKind(rawContact) == "null" && !hasID:
			add("contact", "must be an object when id is not set")
		case hasContact && jsonKind(rawContact) != "null":
			cm, ok := decodeObject(rawContact)
			if !ok {
				add("contact", "must be an object")
				break
			}
			ck := make([]string, 0, len(cm))
			for k := range cm {
				ck = append(ck, k)
			}
			slices.Sort(ck)
			for _, k := range ck {
				if k != "identifierKey" && k != "identifierValue" && k != "platformAddressSelector" {
					add("contact."+k, "additional property is not allowed")
				}
			}
			member := func(name string, nullable bool) (string, bool) {
				raw, ok := cm[name]
				if !ok {
					return "", false
				}
				if jsonKind(raw) == "null" {
					if !nullable {
						add("contact."+name, "must be a string")
					}
					return "", false
				}
				v, ok := jsonString(raw)
				if !ok {
					add("contact."+name, "must be a string")
					return "", false
				}
				if v == "" {
					add("contact."+name, "must not be empty")
					return "", false
				}
				return v, true
			}
			req.key, req.keySet = member("identifierKey", true)
			// identifierValue is nullable only in the contact-id branch.
			req.value, req.valueSet = member("identifierValue", hasID)
			req.selector, req.selectorSet = member("platformAddressSelector", true)
			if _, ok := cm["identifierValue"]; !ok && !hasID {
				add("contact.identifierValue", "is required")
			}
		}
	}
	if len(details) > 0 {
		return fail()
	}
	return req
}

// parseBirdPatch validates an update-participant body, Bird's
// UpdateParticipant schema: an object with at least one property and no
// other than "status", which is pending, invited, active or null. It
// returns the new status, "" for null (no change).
func parseBirdPatch(w http.ResponseWriter, r *http.Request, body []byte) (string, bool) {
	details := map[string][]string{}
	if !mediaType(r, "application/json") {
		details["body"] = []string{"Content-Type must be application/json"}
	} else if m, ok := decodeObject(body); !ok {
		details["body"] = []string{"must be a JSON object"}
	} else {
		for k := range m {
			if k != "status" {
				details[k] = []string{"additional property is not allowed"}
			}
		}
		raw, has := m["status"]
		st, ok := jsonString(raw)
		switch {
		case len(m) == 0:
			details["body"] = []string{"must have at least 1 property"}
		case !has:
		case jsonKind(raw) == "null":
		case !ok || !slices.Contains(birdStatuses, st):
			details["status"] = []string{"must be one of pending, invited, active"}
		}
		if len(details) == 0 {
			return st, true
		}
	}
	birdInvalid(w, details)
	return "", false
}

var e164RE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`) })

// addLocked adds a participant to conv, or reports the one already there.
func (s *BirdServer) addLocked(w http.ResponseWriter, convID string, conv *birdConversation, req *birdAddRequest) {
	var p *BirdParticipant
	switch {
	case req.typ == "user" || req.typ == "flow":
		known := s.users
		if req.typ == "flow" {
			known = s.flows
		}
		if !known[req.id] {
			birdNotFound(w, req.typ)
			return
		}
		p = &BirdParticipant{ID: req.id, Type: req.typ, Status: req.status}
	case req.id != "": // contact by id
		c := s.contacts[req.id]
		if c == nil {
			birdNotFound(w, "contact")
			return
		}
		pc := &BirdParticipantContact{IdentifierKey: req.key, IdentifierValue: req.value, PlatformAddressSelector: req.selector}
		switch {
		case req.keySet && req.valueSet:
		case req.keySet:
			i := slices.IndexFunc(c.Identifiers, func(id BirdIdentifier) bool { return id.Key == req.key })
			if i < 0 {
				birdInvalid(w, map[string][]string{"contact.identifierKey": {"the contact has no identifier with this key"}})
				return
			}
			pc.IdentifierValue = c.Identifiers[i].Value
		case req.valueSet:
			i := slices.IndexFunc(c.Identifiers, func(id BirdIdentifier) bool { return id.Value == req.value })
			if i < 0 {
				birdInvalid(w, map[string][]string{"contact.identifierValue": {"the contact has no identifier with this value"}})
				return
			}
			pc.IdentifierKey = c.Identifiers[i].Key
		case len(c.Identifiers) > 0:
			pc.IdentifierKey, pc.IdentifierValue = c.Identifiers[0].Key, c.Identifiers[0].Value
		}
		p = s.contactParticipant(c, pc, req.status)
	default: // contact by identifier: find or create the contact
		key := req.key
		var c *BirdContact
		if req.keySet {
			c = s.contacts[s.byIdentifier[BirdIdentifier{Key: key, Value: req.value}]]
		} else {
			for _, cid := range s.contactOrder {
				cc := s.contacts[cid]
				if i := slices.IndexFunc(cc.Identifiers, func(id BirdIdentifier) bool { return id.Value == req.value }); i >= 0 {
					c, key = cc, cc.Identifiers[i].Key
					break
				}
			}
			if c == nil {
				switch {
				case isEmail(req.value):
					key = "emailaddress"
				case e164RE().MatchString(req.value):
					key = "phonenumber"
				default:
					birdInvalid(w, map[string][]string{"contact.identifierKey": {"is required when it cannot be inferred from identifierValue"}})
					return
				}
			}
		}
		if c == nil {
			c = s.addContactLocked(BirdContact{ID: newUUID(), Identifiers: []BirdIdentifier{{Key: key, Value: req.value}}})
		}
		pc := &BirdParticipantContact{IdentifierKey: key, IdentifierValue: req.value, PlatformAddressSelector: req.selector}
		p = s.contactParticipant(c, pc, req.status)
	}

	for _, existing := range conv.participants {
		if existing.Type == p.Type && existing.ID == p.ID {
			if s.dupStatus == http.StatusConflict {
				birdFail(w, http.StatusConflict, "Conflict", "The participant already exists in the conversation")
				return
			}
			writeJSON(w, http.StatusOK, existing.clone())
			return
		}
	}
	s.seq++
	p.seq = s.seq
	conv.participants = append(conv.participants, p)
	s.emitBirdLocked("conversation.updated", convID, conv)
	writeJSON(w, http.StatusCreated, p.clone())
}

// contactParticipant builds the participant for contact c, resolving the
// platform address through an "identifiers.<key>" selector when possible.
func (s *BirdServer) contactParticipant(c *BirdContact, pc *BirdParticipantContact, status string) *BirdParticipant {
	pc.PlatformAddress = pc.IdentifierValue
	if k, ok := strings.CutPrefix(pc.PlatformAddressSelector, "identifiers."); ok {
		for _, id := range c.Identifiers {
			if id.Key == k {
				pc.PlatformAddress = id.Value
				break
			}
		}
	}
	return &BirdParticipant{
		ID: c.ID, Type: "contact", Status: status,
		DisplayName: c.DisplayName, AvatarURL: c.AvatarURL, Contact: pc,
	}
}

// listLocked answers GET .../participants with cursor paging: a page
// token names the sequence number and ID of the last participant of its
// page, and the next page starts after it (before it in reverse).
func (s *BirdServer) listLocked(w http.ResponseWriter, r *http.Request, conv *birdConversation) {
	q := r.URL.Query()
	details := map[string][]string{}
	limit := 10
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 100 || len(v) > 1 {
			details["limit"] = []string{"must be an integer between 1 and 100"}
		}
		limit = n
	}
	reverse := false
	if v, ok := q["reverse"]; ok {
		b, err := strconv.ParseBool(v[0])
		if err != nil || len(v) > 1 {
			details["reverse"] = []string{"must be a boolean"}
		}
		reverse = b
	}
	var after int64 // 0: from the start
	if v, ok := q["pageToken"]; ok && (len(v) > 1 || v[0] != "") {
		seq, ok := decodeBirdPageToken(v[0])
		if !ok || len(v) > 1 || utf8.RuneCountInString(v[0]) > 8000 {
			details["pageToken"] = []string{"is invalid"}
		}
		after = seq
	}
	if len(details) > 0 {
		birdInvalid(w, details)
		return
	}
	all := slices.Clone(conv.participants)
	if reverse {
		slices.Reverse(all)
	}
	var rest []*BirdParticipant
	for _, p := range all {
		if after == 0 || (!reverse && p.seq > after) || (reverse && p.seq < after) {
			rest = append(rest, p)
		}
	}
	results := []BirdParticipant{}
	for i := 0; i < len(rest) && i < limit; i++ {
		results = append(results, rest[i].clone())
	}
	resp := struct {
		Results       []BirdParticipant `json:"results"`
		NextPageToken string            `json:"nextPageToken,omitempty"`
	}{Results: results}
	if len(rest) > limit {
		last := rest[limit-1]
		resp.NextPageToken = encodeBirdPageToken(last.seq, last.ID)
	}
	writeJSON(w, http.StatusOK, resp)
}

// encodeBirdPageToken makes an opaque token shaped like Bird's (base64 of
// a JSON array [position, id]).
func encodeBirdPageToken(seq int64, id string) string {
	b, _ := json.Marshal([]any{seq, id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeBirdPageToken returns the position a token of this fake names.
func decodeBirdPageToken(t string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, false
	}
	var v []json.RawMessage
	if json.Unmarshal(b, &v) != nil || len(v) != 2 {
		return 0, false
	}
	var seq int64
	var id string
	if json.Unmarshal(v[0], &seq) != nil || json.Unmarshal(v[1], &id) != nil || seq < 1 || id == "" {
		return 0, false
	}
	return seq, true
}
