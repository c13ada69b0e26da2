package participantstest

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// DefaultSunshineKeyID is the API key ID a [SunshineServer] accepts as
	// basic-auth user name unless [WithSunshineCredentials] sets another.
	DefaultSunshineKeyID = "app_5d8cff3cd55b040010928b5c"
	// DefaultSunshineSecret is the key secret a [SunshineServer] accepts as
	// basic-auth password unless [WithSunshineCredentials] sets another.
	DefaultSunshineSecret = "fake-sunshine-secret"
	// DefaultSunshineAppID is the app a [SunshineServer] serves unless
	// [WithSunshineAppID] sets another.
	DefaultSunshineAppID = "5d8cff3cd55b040010928b5b"
	// SunshineMaxParticipants is how many participants a [SunshineServer]
	// lets an sdkGroup conversation have; a join beyond it is 400
	// bad_request "Too many participants". Sunshine documents that error
	// and a maximum of 10 participants when creating an sdkGroup
	// conversation, not the cap of join: 10 is an inference.
	SunshineMaxParticipants = 10
)

// SunshineOption configures [NewSunshineServer].
type SunshineOption func(*sunshineConfig)

type sunshineConfig struct {
	keyID, secret, appID string
}

// WithSunshineCredentials sets the key ID and secret the fake accepts as
// HTTP basic auth. NewSunshineServer panics if either is empty.
func WithSunshineCredentials(keyID, secret string) SunshineOption {
	return func(c *sunshineConfig) { c.keyID, c.secret = keyID, secret }
}

// WithSunshineAppID sets the one app the fake serves. NewSunshineServer
// panics if id is empty.
func WithSunshineAppID(id string) SunshineOption {
	return func(c *sunshineConfig) { c.appID = id }
}

// SunshineUser is a user of the fake's app.
type SunshineUser struct {
	// ID is the user's 24-hex-digit ID.
	ID string `json:"id"`
	// ExternalID is your own ID of the user; "" when it has none.
	ExternalID string `json:"externalId,omitempty"`
}

// SunshineParticipant is a participant as Sunshine lists it.
type SunshineParticipant struct {
	// ID is the participant's 24-hex-digit ID, which is also its page
	// cursor. IDs grow in the order participants join.
	ID string `json:"id"`
	// UserID is the user's ID.
	UserID string `json:"userId"`
	// UserExternalID is the user's externalId, left out when it has none.
	UserExternalID string `json:"userExternalId,omitempty"`
	// UnreadCount is always 0 on the fake.
	UnreadCount int `json:"unreadCount"`
	// ClientAssociations is always empty on the fake.
	ClientAssociations []SunshineClientAssociation `json:"clientAssociations"`
}

// SunshineClientAssociation is a client of a participant's user (type
// "sdk", "whatsapp", ...). The fake has none.
type SunshineClientAssociation struct {
	// Type is the client type.
	Type string `json:"type"`
	// ClientID is the client's ID.
	ClientID string `json:"clientId"`
}

// SunshineServer is a stateful fake of Sunshine Conversations v2 for the one
// app [SunshineServer.AppID]:
//
//	POST /v2/apps/{app}/users                                   create a user (201; 409 conflict for a taken externalId)
//	POST /v2/apps/{app}/conversations                           create a conversation (201)
//	GET  /v2/apps/{app}/conversations/{conv}                    get a conversation
//	POST /v2/apps/{app}/conversations/{conv}/join               join (201)
//	POST /v2/apps/{app}/conversations/{conv}/leave              leave (200 {})
//	GET  /v2/apps/{app}/conversations/{conv}/participants       list (page[after], page[before], page[size]; meta and links)
//
// Every request needs HTTP basic auth with the key ID and secret
// ([SunshineServer.KeyID], [SunshineServer.Secret]). Errors are
// {"errors":[{"code","title"}]}: 400 bad_request (a bad body, "Invalid page
// query parameters", "Too many participants"), 401 unauthorized, 404
// app_not_found, conversation_not_found, user_not_found (join or leave of an
// unknown user), not_found ("User is not a member of the conversation", or
// an unknown route), 405 method_not_allowed, 409 conflict, 413
// request_entity_too_large, 429 too_many_requests.
//
// What Sunshine does not document, the fake decides, as an adapter must be
// ready for: a join of a user who is already a participant is 409 conflict
// "User is already a participant of the conversation" and changes nothing
// ([SunshineServer.SetJoinExistingStatus] makes it 201 with the existing
// participant instead); a join on a personal conversation is 400
// bad_request "Cannot join a personal conversation"; an sdkGroup
// conversation holds at most [SunshineMaxParticipants]. The join body must
// carry subscribeSDKClient (required for sdkGroup) and exactly one of
// userId and userExternalId; the leave body exactly one of userId,
// userExternalId and participantId and nothing else (Sunshine's oneOf
// cannot say so; the fake checks it by hand).
type SunshineServer struct {
	*Server
	keyID, secret, appID string

	mu            sync.Mutex
	seq           uint64
	joinExisting  int
	omitCursors   bool
	users         []*SunshineUser
	conversations map[string]*sunshineConversation
}

type sunshineConversation struct {
	id, typ, displayName, description, created string
	participants                               []*SunshineParticipant // ordered by ID
}

// NewSunshineServer starts a Sunshine fake with no users and no
// conversations. Call Close when done with it.
func NewSunshineServer(opts ...SunshineOption) *SunshineServer {
	cfg := sunshineConfig{keyID: DefaultSunshineKeyID, secret: DefaultSunshineSecret, appID: DefaultSunshineAppID}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.keyID == "" || cfg.secret == "" {
		panic("participantstest: WithSunshineCredentials: empty key ID or secret")
	}
	if cfg.appID == "" {
		panic("participantstest: WithSunshineAppID: empty app ID")
	}
	s := &SunshineServer{
		keyID: cfg.keyID, secret: cfg.secret, appID: cfg.appID,
		joinExisting:  http.StatusConflict,
		conversations: map[string]*sunshineConversation{},
	}
	s.Server = newServer(s)
	return s
}

// KeyID returns the API key ID the fake accepts.
func (s *SunshineServer) KeyID() string { return s.keyID }

// Secret returns the key secret the fake accepts.
func (s *SunshineServer) Secret() string { return s.secret }

// AppID returns the ID of the one app the fake serves.
func (s *SunshineServer) AppID() string { return s.appID }

// SetJoinExistingStatus chooses how a join of a user who is already a
// participant is answered (Sunshine does not document it): 409 conflict
// (the default) or 201 with the existing participant. Neither adds a second
// participant. It panics on any other status.
func (s *SunshineServer) SetJoinExistingStatus(status int) {
	if status != http.StatusConflict && status != http.StatusCreated {
		panic(fmt.Sprintf("participantstest: SunshineServer.SetJoinExistingStatus(%d): want 201 or 409", status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.joinExisting = status
}

// OmitMetaCursors makes the list answer with meta.hasMore but without
// meta.afterCursor and meta.beforeCursor (omit true), so that the pages
// around are named only by links.next and links.prev, which the fake
// always sends when there is such a page (full URLs of the list with
// page[after] or page[before], and page[size]). Sunshine's definition
// marks both as optional; a client must be ready for either.
func (s *SunshineServer) OmitMetaCursors(omit bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.omitCursors = omit
}

// newIDLocked returns a new 24-hex-digit record ID, greater than every ID
// returned before, like the time-ordered IDs Sunshine uses.
func (s *SunshineServer) newIDLocked() string {
	s.seq++
	return fmt.Sprintf("%016x", s.seq) + randomHex(4)
}

// SeedUser creates a user with the given externalId ("" for none) and
// returns it. It panics if the externalId is taken.
func (s *SunshineServer) SeedUser(externalID string) SunshineUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	if externalID != "" && s.userLocked("", externalID) != nil {
		panic(fmt.Sprintf("participantstest: SunshineServer.SeedUser: externalId %q is taken", externalID))
	}
	return *s.addUserLocked(externalID)
}

// EnsureUser returns the user with the given non-empty externalId, creating
// it when there is none. It is safe to call concurrently.
func (s *SunshineServer) EnsureUser(externalID string) SunshineUser {
	if externalID == "" {
		panic("participantstest: SunshineServer.EnsureUser: empty externalId")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userLocked("", externalID); u != nil {
		return *u
	}
	return *s.addUserLocked(externalID)
}

func (s *SunshineServer) addUserLocked(externalID string) *SunshineUser {
	u := &SunshineUser{ID: s.newIDLocked(), ExternalID: externalID}
	s.users = append(s.users, u)
	return u
}

// userLocked returns the user with id, or with externalID, or nil.
func (s *SunshineServer) userLocked(id, externalID string) *SunshineUser {
	for _, u := range s.users {
		if (id != "" && u.ID == id) || (externalID != "" && u.ExternalID == externalID) {
			return u
		}
	}
	return nil
}

// Users returns every user in creation order.
func (s *SunshineServer) Users() []SunshineUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SunshineUser, len(s.users))
	for i, u := range s.users {
		out[i] = *u
	}
	return out
}

// SeedConversation creates an empty conversation of type typ ("sdkGroup" or
// "personal") and returns its ID; an empty id is replaced by a new one. It
// panics on another type or a taken ID.
func (s *SunshineServer) SeedConversation(id, typ string) string {
	if typ != "sdkGroup" && typ != "personal" {
		panic(fmt.Sprintf("participantstest: SunshineServer.SeedConversation: type %q is not sdkGroup or personal", typ))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" {
		id = s.newIDLocked()
	}
	if s.conversations[id] != nil {
		panic(fmt.Sprintf("participantstest: SunshineServer.SeedConversation: %q already exists", id))
	}
	s.conversations[id] = &sunshineConversation{id: id, typ: typ, created: time.Now().UTC().Format(time.RFC3339Nano)}
	return id
}

// Participants returns the participants of a conversation in the order they
// joined, or nil for an unknown conversation.
func (s *SunshineServer) Participants(conversationID string) []SunshineParticipant {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conversations[conversationID]
	if c == nil {
		return nil
	}
	out := make([]SunshineParticipant, len(c.participants))
	for i, p := range c.participants {
		out[i] = *p
	}
	return out
}

type sunshineErrorBody struct {
	Errors []sunshineErrorItem `json:"errors"`
}

type sunshineErrorItem struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

func sunshineFail(w http.ResponseWriter, status int, code, title string) {
	writeJSON(w, status, sunshineErrorBody{Errors: []sunshineErrorItem{{Code: code, Title: title}}})
}

func (s *SunshineServer) tooManyRequests(w http.ResponseWriter, rl rateInfo) {
	setRetryAfter(w.Header(), rl)
	sunshineFail(w, http.StatusTooManyRequests, "too_many_requests", "Too many requests")
}

func (s *SunshineServer) tooLarge(w http.ResponseWriter) {
	sunshineFail(w, http.StatusRequestEntityTooLarge, "request_entity_too_large", "Request entity too large")
}

// sunshine error titles the fake sends.
const (
	sunshineNotMember      = "User is not a member of the conversation"
	sunshineTooMany        = "Too many participants"
	sunshineInvalidPage    = "Invalid page query parameters"
	sunshineAlreadyJoined  = "User is already a participant of the conversation"
	sunshinePersonalJoin   = "Cannot join a personal conversation"
	sunshineConvNotFound   = "Conversation not found"
	sunshineUserNotFound   = "User not found"
	sunshineUserExists     = "User already exists"
	sunshineInvalidBodyFmt = "Invalid request body: %s"
)

func (s *SunshineServer) serve(w http.ResponseWriter, r *http.Request, c *call) {
	if !s.authorized(r) {
		sunshineFail(w, http.StatusUnauthorized, "unauthorized", "Authorization required")
		return
	}
	segs, ok := segments(r)
	if !ok || len(segs) < 4 || len(segs) > 6 || !match(segs[:3], "v2", "apps", "*") || slices.Contains(segs[3:], "") {
		sunshineFail(w, http.StatusNotFound, "not_found", "Route not found")
		return
	}
	var route, method string
	switch {
	case len(segs) == 4 && (segs[3] == "users" || segs[3] == "conversations"):
		route, method = segs[3], http.MethodPost
	case len(segs) == 5 && segs[3] == "conversations":
		route, method = "conversation", http.MethodGet
	case len(segs) == 6 && segs[3] == "conversations" && (segs[5] == "join" || segs[5] == "leave"):
		route, method = segs[5], http.MethodPost
	case len(segs) == 6 && segs[3] == "conversations" && segs[5] == "participants":
		route, method = "participants", http.MethodGet
	default:
		sunshineFail(w, http.StatusNotFound, "not_found", "Route not found")
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		sunshineFail(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed")
		return
	}
	if segs[2] != s.appID {
		sunshineFail(w, http.StatusNotFound, "app_not_found", "App not found")
		return
	}
	var body map[string]json.RawMessage
	if method == http.MethodPost {
		var ok bool
		if body, ok = decodeObject(c.body); !ok || !mediaType(r, "application/json") {
			sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "a JSON object is required"))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch route {
	case "users":
		s.createUserLocked(w, body)
		return
	case "conversations":
		s.createConversationLocked(w, body)
		return
	}
	conv := s.conversations[segs[4]]
	if conv == nil {
		sunshineFail(w, http.StatusNotFound, "conversation_not_found", sunshineConvNotFound)
		return
	}
	switch route {
	case "conversation":
		writeJSON(w, http.StatusOK, map[string]any{"conversation": conv.json()})
	case "join":
		s.joinLocked(w, conv, body)
	case "leave":
		s.leaveLocked(w, conv, body)
	default:
		s.listLocked(w, r, conv)
	}
}

// authorized checks HTTP basic auth against the key ID and secret.
func (s *SunshineServer) authorized(r *http.Request) bool {
	p, ok := authParam(r, "Basic")
	if !ok {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return false
	}
	want := s.keyID + ":" + s.secret
	return subtle.ConstantTimeCompare(raw, []byte(want)) == 1
}

func (c *sunshineConversation) json() map[string]any {
	m := map[string]any{"id": c.id, "type": c.typ, "isDefault": false, "createdAt": c.created, "lastUpdatedAt": c.created}
	if c.displayName != "" {
		m["displayName"] = c.displayName
	}
	if c.description != "" {
		m["description"] = c.description
	}
	return m
}

// stringMember returns body[key] when it is a non-empty string; present
// reports whether the key was sent, ok whether its value is usable.
func stringMember(body map[string]json.RawMessage, key string) (v string, present, ok bool) {
	raw, present := body[key]
	if !present {
		return "", false, false
	}
	v, ok = jsonString(raw)
	return v, true, ok && v != ""
}

func (s *SunshineServer) createUserLocked(w http.ResponseWriter, body map[string]json.RawMessage) {
	ext, present, ok := stringMember(body, "externalId")
	if present && (!ok || len([]rune(ext)) > 1024) {
		sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "externalId must be a string of 1 to 1024 characters"))
		return
	}
	if raw, ok := body["profile"]; ok && jsonKind(raw) != "object" {
		sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "profile must be an object"))
		return
	}
	if ext != "" && s.userLocked("", ext) != nil {
		sunshineFail(w, http.StatusConflict, "conflict", sunshineUserExists)
		return
	}
	u := s.addUserLocked(ext)
	user := map[string]any{"id": u.ID, "signedUpAt": time.Now().UTC().Format(time.RFC3339Nano)}
	if ext != "" {
		user["externalId"] = ext
	}
	if raw, ok := body["profile"]; ok {
		user["profile"] = raw
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": user})
}

func (s *SunshineServer) createConversationLocked(w http.ResponseWriter, body map[string]json.RawMessage) {
	typ, _, _ := stringMember(body, "type")
	if typ != "sdkGroup" && typ != "personal" {
		sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "type must be personal or sdkGroup"))
		return
	}
	c := &sunshineConversation{id: s.newIDLocked(), typ: typ, created: time.Now().UTC().Format(time.RFC3339Nano)}
	for key, dst := range map[string]*string{"displayName": &c.displayName, "description": &c.description} {
		v, present, ok := stringMember(body, key)
		if present && !ok {
			sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, key+" must be a non-empty string"))
			return
		}
		*dst = v
	}
	s.conversations[c.id] = c
	writeJSON(w, http.StatusCreated, map[string]any{"conversation": c.json()})
}

// identity reads the one identity key of a join or leave body among keys;
// it writes 400 and returns ok false unless exactly one is a non-empty
// string.
func identity(w http.ResponseWriter, body map[string]json.RawMessage, keys ...string) (key, value string, ok bool) {
	n := 0
	for _, k := range keys {
		v, present, good := stringMember(body, k)
		if !present {
			continue
		}
		n++
		if !good {
			sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, k+" must be a non-empty string"))
			return "", "", false
		}
		key, value = k, v
	}
	if n != 1 {
		sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "exactly one of "+strings.Join(keys, ", ")+" is required"))
		return "", "", false
	}
	return key, value, true
}

// unknownKey writes 400 and reports true when body has a key outside
// allowed.
func unknownKey(w http.ResponseWriter, body map[string]json.RawMessage, allowed ...string) bool {
	for k := range body {
		if !slices.Contains(allowed, k) {
			sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "unknown property "+strconv.Quote(k)))
			return true
		}
	}
	return false
}

// findLocked returns the index of the participant of conv whose key
// (participantId, userId or userExternalId) is value, or -1.
func findLocked(conv *sunshineConversation, key, value string) int {
	return slices.IndexFunc(conv.participants, func(p *SunshineParticipant) bool {
		switch key {
		case "participantId":
			return p.ID == value
		case "userId":
			return p.UserID == value
		}
		return p.UserExternalID == value
	})
}

func (s *SunshineServer) joinLocked(w http.ResponseWriter, conv *sunshineConversation, body map[string]json.RawMessage) {
	if unknownKey(w, body, "userId", "userExternalId", "subscribeSDKClient") {
		return
	}
	key, value, ok := identity(w, body, "userId", "userExternalId")
	if !ok {
		return
	}
	sub, present := body["subscribeSDKClient"]
	if present && jsonKind(sub) != "boolean" {
		sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "subscribeSDKClient must be a boolean"))
		return
	}
	if !present && conv.typ == "sdkGroup" {
		sunshineFail(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(sunshineInvalidBodyFmt, "subscribeSDKClient is required for sdkGroup conversations"))
		return
	}
	var u *SunshineUser
	if key == "userId" {
		u = s.userLocked(value, "")
	} else {
		u = s.userLocked("", value)
	}
	if u == nil {
		sunshineFail(w, http.StatusNotFound, "user_not_found", sunshineUserNotFound)
		return
	}
	if conv.typ != "sdkGroup" {
		sunshineFail(w, http.StatusBadRequest, "bad_request", sunshinePersonalJoin)
		return
	}
	if i := findLocked(conv, "userId", u.ID); i >= 0 {
		if s.joinExisting == http.StatusConflict {
			sunshineFail(w, http.StatusConflict, "conflict", sunshineAlreadyJoined)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"participant": conv.participants[i]})
		return
	}
	if len(conv.participants) >= SunshineMaxParticipants {
		sunshineFail(w, http.StatusBadRequest, "bad_request", sunshineTooMany)
		return
	}
	p := &SunshineParticipant{ID: s.newIDLocked(), UserID: u.ID, UserExternalID: u.ExternalID, ClientAssociations: []SunshineClientAssociation{}}
	conv.participants = append(conv.participants, p)
	s.emitSunshineLocked("conversation:join", conv, *u)
	writeJSON(w, http.StatusCreated, map[string]any{"participant": p})
}

func (s *SunshineServer) leaveLocked(w http.ResponseWriter, conv *sunshineConversation, body map[string]json.RawMessage) {
	keys := []string{"userId", "userExternalId", "participantId"}
	if unknownKey(w, body, keys...) {
		return
	}
	key, value, ok := identity(w, body, keys...)
	if !ok {
		return
	}
	if key == "userId" && s.userLocked(value, "") == nil || key == "userExternalId" && s.userLocked("", value) == nil {
		sunshineFail(w, http.StatusNotFound, "user_not_found", sunshineUserNotFound)
		return
	}
	i := findLocked(conv, key, value)
	if i < 0 {
		sunshineFail(w, http.StatusNotFound, "not_found", sunshineNotMember)
		return
	}
	left := conv.participants[i]
	conv.participants = slices.Delete(conv.participants, i, i+1)
	s.emitSunshineLocked("conversation:leave", conv, SunshineUser{ID: left.UserID, ExternalID: left.UserExternalID})
	writeJSON(w, http.StatusOK, struct{}{})
}

// listLocked answers GET .../participants with cursor paging: page[after]
// and page[before] are participant IDs (exclusive, only one of them),
// page[size] is 1..100 (default 25).
func (s *SunshineServer) listLocked(w http.ResponseWriter, r *http.Request, conv *sunshineConversation) {
	q := r.URL.Query()
	size := 25
	bad := false
	for k, vs := range q {
		switch {
		case len(vs) != 1:
			bad = true
		case k == "page[size]":
			n, err := strconv.Atoi(vs[0])
			bad = bad || err != nil || n < 1 || n > 100
			size = n
		case k == "page[after]" || k == "page[before]":
			bad = bad || len(vs[0]) != 24
		}
	}
	after, before := q.Get("page[after]"), q.Get("page[before]")
	if bad || (after != "" && before != "") {
		sunshineFail(w, http.StatusBadRequest, "bad_request", sunshineInvalidPage)
		return
	}
	all := conv.participants
	lo, hi := 0, len(all)
	if after != "" {
		lo = sortIndex(all, after, true)
	}
	if before != "" {
		hi = sortIndex(all, before, false)
		lo = max(hi-size, 0)
	}
	hi = min(hi, lo+size)
	page := all[lo:hi]
	meta := map[string]any{"hasMore": hi < len(all)}
	links := map[string]string{}
	// link is the full URL of this list with page[key]=cursor, as
	// Sunshine's links.next and links.prev are.
	link := func(key, cursor string) string {
		q := url.Values{}
		q.Set("page["+key+"]", cursor)
		q.Set("page[size]", strconv.Itoa(size))
		return "http://" + r.Host + r.URL.EscapedPath() + "?" + q.Encode()
	}
	if hi < len(all) && len(page) > 0 {
		if !s.omitCursors {
			meta["afterCursor"] = page[len(page)-1].ID
		}
		links["next"] = link("after", page[len(page)-1].ID)
	}
	if lo > 0 && len(page) > 0 {
		if !s.omitCursors {
			meta["beforeCursor"] = page[0].ID
		}
		links["prev"] = link("before", page[0].ID)
	}
	body := map[string]any{"participants": append([]*SunshineParticipant{}, page...), "meta": meta}
	if len(links) > 0 {
		body["links"] = links
	}
	writeJSON(w, http.StatusOK, body)
}

// sortIndex returns the index of the first participant whose ID is after
// cursor (after true) or not before it (after false).
func sortIndex(ps []*SunshineParticipant, cursor string, after bool) int {
	i, found := slices.BinarySearchFunc(ps, cursor, func(p *SunshineParticipant, c string) int { return strings.Compare(p.ID, c) })
	if found && after {
		i++
	}
	return i
}
