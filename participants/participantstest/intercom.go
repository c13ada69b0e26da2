package participantstest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// DefaultIntercomToken is the access token an [IntercomServer] accepts unless
// [WithIntercomToken] sets another.
const DefaultIntercomToken = "fake-intercom-token"

// IntercomOption configures [NewIntercomServer].
type IntercomOption func(*intercomConfig)

type intercomConfig struct {
	token        string
	conversation bool
}

// WithIntercomConversationAnswers makes the fake answer a successful attach
// or detach with the conversation object that Intercom's official 2.14
// definition declares ({"type":"conversation","id":...,"contacts":
// {"type":"contact.list","contacts":[...]}}, as GET /conversations/{id}
// answers) in place of the customers list Intercom sends. See
// [IntercomServer.AnswerWithConversation].
func WithIntercomConversationAnswers() IntercomOption {
	return func(c *intercomConfig) { c.conversation = true }
}

// WithIntercomToken sets the access token the fake accepts as
// "Authorization: Bearer <token>". NewIntercomServer panics if it is empty.
func WithIntercomToken(token string) IntercomOption {
	return func(c *intercomConfig) { c.token = token }
}

// IntercomContact is a contact (user or lead) known to an [IntercomServer].
type IntercomContact struct {
	// ID is Intercom's contact id, 24 lowercase hex digits. SeedContact
	// generates one when it is empty.
	ID string
	// UserID is the external id you defined for the contact ("user_id").
	UserID string
	// Email is the contact's email, matched case-insensitively.
	Email string
	// Role is "user" or "lead"; SeedContact defaults it to "user". Other
	// values are kept and reported as the customer type.
	Role string
}

// IntercomCustomer is one entry of the customers list Intercom returns from
// attach and detach: {"type": "user"|"lead", "id": "..."}.
type IntercomCustomer struct {
	// Type is the contact's role.
	Type string `json:"type"`
	// ID is the contact's id.
	ID string `json:"id"`
}

// IntercomServer is a stateful fake of the Intercom REST API's conversation
// customers endpoints:
//
//	GET    /conversations/{id}                         retrieve a conversation
//	POST   /conversations/{id}/customers               attach a contact
//	DELETE /conversations/{id}/customers/{contact_id}  detach a contact
//
// The conversation it returns holds only type, id and contacts:
// {"type":"conversation","id":...,"contacts":{"type":"contact.list",
// "contacts":[{"type":"contact","id":...,"external_id":...}]}}, every
// customer in the order they joined, external_id null for a contact without
// one; attach and detach answer {"customers":[{"type":"user"|"lead","id":...}]}
// as Intercom does (the two shapes differ upstream too), or, with
// [WithIntercomConversationAnswers] or [IntercomServer.AnswerWithConversation],
// the conversation object that Intercom's official 2.14 definition declares.
//
// Every request needs "Authorization: Bearer <token>" ([IntercomServer.Token]).
// An Intercom-Version header, when present, must be a version Intercom knows
// ("1.0"-"1.4", "2.0"-"2.14", "Unstable" or "Preview"; case-sensitive).
// Responses carry X-Request-Id; errors are Intercom's
// {"type":"error.list","request_id":...,"errors":[{"code","message","field"?}]}:
//
//	401 unauthorized              missing or wrong token
//	400 intercom_version_invalid  unknown Intercom-Version
//	400 parameter_invalid         body not a JSON object, wrong Content-Type, unknown
//	                              keys, wrong types, empty strings, both identifiers
//	400 parameter_not_found       a required key is missing
//	403 action_forbidden          the acting contact is not on the conversation
//	404 not_found                 unknown route, conversation ("Resource Not Found"),
//	                              admin ("Admin Not Found") or contact ("User Not Found")
//	422 parameter_invalid         detaching the last customer ("Removing the last
//	                              customer is not allowed")
//	429 rate_limit_exceeded       see [Server.SetRateLimit]
//
// Attaching by an unknown email creates a lead. Attaching someone already on
// the conversation succeeds with the unchanged list, as Intercom does.
// Detaching a contact that exists but is not on the conversation is
// undocumented upstream; the fake answers as for an unknown contact, 404
// "User Not Found", and changes nothing. A detach checks the conversation
// first, then the admin, then the contact, then the last-customer rule.
type IntercomServer struct {
	*Server
	token string

	mu            sync.Mutex
	admins        map[string]bool
	contacts      map[string]*IntercomContact
	contactOrder  []string
	byUserID      map[string]string
	byEmail       map[string]string // lower-cased email -> first contact with it
	conversations map[string]*intercomConversation
	// conversationAnswers makes attach and detach answer with the
	// conversation object.
	conversationAnswers bool
}

type intercomConversation struct {
	customers []string // contact ids in the order they joined
}

// NewIntercomServer starts an Intercom fake with no admins, contacts or
// conversations. Call Close when done with it.
func NewIntercomServer(opts ...IntercomOption) *IntercomServer {
	cfg := intercomConfig{token: DefaultIntercomToken}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.token == "" {
		panic("participantstest: WithIntercomToken: empty token")
	}
	s := &IntercomServer{
		token:         cfg.token,
		admins:        map[string]bool{},
		contacts:      map[string]*IntercomContact{},
		byUserID:      map[string]string{},
		byEmail:       map[string]string{},
		conversations: map[string]*intercomConversation{},

		conversationAnswers: cfg.conversation,
	}
	s.Server = newServer(s)
	return s
}

// AnswerWithConversation sets the shape of the answer to a successful
// attach or detach from now on: the conversation object of Intercom's
// official 2.14 definition (on) or the customers list Intercom sends (off,
// the default unless [WithIntercomConversationAnswers]).
func (s *IntercomServer) AnswerWithConversation(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conversationAnswers = on
}

// Token returns the access token the fake accepts.
func (s *IntercomServer) Token() string { return s.token }

// SeedAdmin registers an admin who may act in attach and detach requests.
// It panics if id is empty.
func (s *IntercomServer) SeedAdmin(id string) {
	if id == "" {
		panic("participantstest: SeedAdmin: empty id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admins[id] = true
}

// SeedContact registers a contact and returns it with defaults filled in (a
// generated ID, role "user"). It panics if the ID or UserID is already
// taken.
func (s *IntercomServer) SeedContact(c IntercomContact) IntercomContact {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = randomHex(12)
	}
	if c.Role == "" {
		c.Role = "user"
	}
	if _, dup := s.contacts[c.ID]; dup {
		panic(fmt.Sprintf("participantstest: SeedContact: contact %q already exists", c.ID))
	}
	if _, dup := s.byUserID[c.UserID]; dup && c.UserID != "" {
		panic(fmt.Sprintf("participantstest: SeedContact: user_id %q already taken", c.UserID))
	}
	s.addContactLocked(c)
	return c
}

func (s *IntercomServer) addContactLocked(c IntercomContact) *IntercomContact {
	p := &c
	s.contacts[c.ID] = p
	s.contactOrder = append(s.contactOrder, c.ID)
	if c.UserID != "" {
		s.byUserID[c.UserID] = c.ID
	}
	if k := strings.ToLower(c.Email); k != "" {
		if _, taken := s.byEmail[k]; !taken {
			s.byEmail[k] = c.ID
		}
	}
	return p
}

// SeedConversation registers a conversation with the given customers
// (contact IDs, which must have been seeded) and returns its id; an empty id
// is replaced by a generated numeric one. It panics if the conversation
// exists or a contact is unknown.
func (s *IntercomServer) SeedConversation(id string, customerIDs ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" {
		n, _ := rand.Int(rand.Reader, big.NewInt(9e11))
		id = strconv.FormatInt(1e11+n.Int64(), 10)
	}
	if _, dup := s.conversations[id]; dup {
		panic(fmt.Sprintf("participantstest: SeedConversation: conversation %q already exists", id))
	}
	conv := &intercomConversation{}
	for _, cid := range customerIDs {
		if s.contacts[cid] == nil {
			panic(fmt.Sprintf("participantstest: SeedConversation: unknown contact %q", cid))
		}
		if !slices.Contains(conv.customers, cid) {
			conv.customers = append(conv.customers, cid)
		}
	}
	s.conversations[id] = conv
	return id
}

// Customers returns the customers on a conversation in the order they
// joined, as the API would list them, or nil for an unknown conversation.
func (s *IntercomServer) Customers(conversationID string) []IntercomCustomer {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[conversationID]
	if conv == nil {
		return nil
	}
	return s.customersLocked(conv)
}

// Contact returns the contact with the given id.
func (s *IntercomServer) Contact(id string) (IntercomContact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.contacts[id]; c != nil {
		return *c, true
	}
	return IntercomContact{}, false
}

// Contacts returns every contact, seeded or created by attach-by-email, in
// creation order.
func (s *IntercomServer) Contacts() []IntercomContact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IntercomContact, 0, len(s.contactOrder))
	for _, id := range s.contactOrder {
		out = append(out, *s.contacts[id])
	}
	return out
}

func (s *IntercomServer) customersLocked(conv *intercomConversation) []IntercomCustomer {
	out := make([]IntercomCustomer, 0, len(conv.customers))
	for _, id := range conv.customers {
		out = append(out, IntercomCustomer{Type: s.contacts[id].Role, ID: id})
	}
	return out
}

// intercomVersions are the Intercom-Version values Intercom accepts.
var intercomVersions = func() map[string]bool {
	m := map[string]bool{"Unstable": true, "Preview": true}
	for i := 0; i <= 4; i++ {
		m["1."+strconv.Itoa(i)] = true
	}
	for i := 0; i <= 14; i++ {
		m["2."+strconv.Itoa(i)] = true
	}
	return m
}()

type intercomError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

type intercomErrorList struct {
	Type      string          `json:"type"`
	RequestID string          `json:"request_id"`
	Errors    []intercomError `json:"errors"`
}

// intercomFail writes an Intercom error.list response.
func intercomFail(w http.ResponseWriter, status int, code, msg, field string) {
	id := w.Header().Get("X-Request-Id")
	if id == "" {
		id = newIntercomRequestID()
		w.Header().Set("X-Request-Id", id)
	}
	writeJSON(w, status, intercomErrorList{
		Type:      "error.list",
		RequestID: id,
		Errors:    []intercomError{{Code: code, Message: msg, Field: field}},
	})
}

// newIntercomRequestID returns an id shaped like Intercom's request ids.
func newIntercomRequestID() string { return "000" + randomHex(9)[:17] }

func (s *IntercomServer) tooManyRequests(w http.ResponseWriter, rl rateInfo) {
	h := w.Header()
	setIntercomRateHeaders(h, rl)
	setRetryAfter(h, rl)
	intercomFail(w, http.StatusTooManyRequests, "rate_limit_exceeded", "You have exceeded the rate limit. Please try again later.", "")
}

func (s *IntercomServer) tooLarge(w http.ResponseWriter) {
	intercomFail(w, http.StatusRequestEntityTooLarge, "parameter_invalid", "Request body too large", "")
}

func setIntercomRateHeaders(h http.Header, rl rateInfo) {
	if rl.limit <= 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(rl.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(rl.remaining))
	reset := rl.reset.Unix()
	if rl.reset.Nanosecond() > 0 {
		reset++
	}
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
}

func (s *IntercomServer) serve(w http.ResponseWriter, r *http.Request, c *call) {
	w.Header().Set("X-Request-Id", newIntercomRequestID())
	tok, ok := authParam(r, "Bearer")
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) != 1 {
		intercomFail(w, http.StatusUnauthorized, "unauthorized", "Access Token Invalid", "")
		return
	}
	setIntercomRateHeaders(w.Header(), c.rate)
	if v, present := r.Header["Intercom-Version"]; present && (len(v) != 1 || !intercomVersions[v[0]]) {
		intercomFail(w, http.StatusBadRequest, "intercom_version_invalid",
			"The requested version could not be found; valid versions are 1.0-1.4, 2.0-2.14, Unstable and Preview", "")
		return
	}
	segs, ok := segments(r)
	switch {
	case ok && match(segs, "conversations", "*") && r.Method == http.MethodGet:
		s.retrieve(w, segs[1])
	case ok && match(segs, "conversations", "*", "customers") && r.Method == http.MethodPost:
		s.attach(w, r, segs[1], c.body)
	case ok && match(segs, "conversations", "*", "customers", "*") && r.Method == http.MethodDelete:
		s.detach(w, r, segs[1], segs[3], c.body)
	default:
		intercomFail(w, http.StatusNotFound, "not_found", "Resource Not Found", "")
	}
}

// intercomIdentity is one of intercom_user_id, user_id or email.
type intercomIdentity struct {
	key, value string
}

// parseIntercomBody checks the Content-Type and decodes the body into its
// members, writing the error response itself when it fails.
func parseIntercomBody(w http.ResponseWriter, r *http.Request, body []byte) (map[string]json.RawMessage, bool) {
	if !mediaType(r, "application/json") {
		intercomFail(w, http.StatusBadRequest, "parameter_invalid", "Content-Type must be application/json", "")
		return nil, false
	}
	m, ok := decodeObject(body)
	if !ok {
		intercomFail(w, http.StatusBadRequest, "parameter_invalid", "Request body must be a JSON object", "")
		return nil, false
	}
	return m, true
}

// checkKeys refuses members of m that are not in allowed, in sorted order.
func intercomCheckKeys(w http.ResponseWriter, m map[string]json.RawMessage, prefix string, allowed ...string) bool {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			intercomFail(w, http.StatusBadRequest, "parameter_invalid", "Unknown parameter: "+prefix+k, prefix+k)
			return false
		}
	}
	return true
}

// intercomOneOf finds exactly one of keys in m, a non-empty string; it
// writes the error response itself when there is not exactly one.
func intercomOneOf(w http.ResponseWriter, m map[string]json.RawMessage, prefix, missing string, keys ...string) (intercomIdentity, bool) {
	var found []string
	for _, k := range keys {
		if _, ok := m[k]; ok {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 0:
		intercomFail(w, http.StatusBadRequest, "parameter_not_found", missing, prefix+keys[0])
		return intercomIdentity{}, false
	case 1:
	default:
		intercomFail(w, http.StatusBadRequest, "parameter_invalid",
			"Specify only one of "+prefix+strings.Join(found, ", "+prefix), prefix+found[1])
		return intercomIdentity{}, false
	}
	k := found[0]
	v, ok := jsonString(m[k])
	if !ok || strings.TrimSpace(v) == "" {
		intercomFail(w, http.StatusBadRequest, "parameter_invalid", prefix+k+" must be a non-empty string", prefix+k)
		return intercomIdentity{}, false
	}
	if k == "email" && !isEmail(v) {
		intercomFail(w, http.StatusBadRequest, "parameter_invalid", prefix+k+" is not a valid email address", prefix+k)
		return intercomIdentity{}, false
	}
	return intercomIdentity{key: k, value: v}, true
}

// findLocked looks a contact up by intercom_user_id, user_id or email.
func (s *IntercomServer) findLocked(id intercomIdentity) *IntercomContact {
	switch id.key {
	case "intercom_user_id":
		return s.contacts[id.value]
	case "user_id":
		return s.contacts[s.byUserID[id.value]]
	case "email":
		return s.contacts[s.byEmail[strings.ToLower(id.value)]]
	}
	return nil
}

// attach handles POST /conversations/{id}/customers.
func (s *IntercomServer) attach(w http.ResponseWriter, r *http.Request, convID string, body []byte) {
	m, ok := parseIntercomBody(w, r, body)
	if !ok || !intercomCheckKeys(w, m, "", "admin_id", "intercom_user_id", "user_id", "email", "customer") {
		return
	}
	actor, ok := intercomOneOf(w, m, "", "admin_id not specified", "admin_id", "intercom_user_id", "user_id", "email")
	if !ok {
		return
	}
	raw, present := m["customer"]
	if !present {
		intercomFail(w, http.StatusBadRequest, "parameter_not_found", "customer not specified", "customer")
		return
	}
	cm, ok := decodeObject(raw)
	if !ok {
		intercomFail(w, http.StatusBadRequest, "parameter_invalid", "customer must be an object", "customer")
		return
	}
	if !intercomCheckKeys(w, cm, "customer.", "intercom_user_id", "user_id", "email") {
		return
	}
	target, ok := intercomOneOf(w, cm, "customer.", "customer must contain one of intercom_user_id, user_id or email",
		"intercom_user_id", "user_id", "email")
	if !ok {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[convID]
	if conv == nil {
		intercomFail(w, http.StatusNotFound, "not_found", "Resource Not Found", "")
		return
	}
	if actor.key == "admin_id" {
		if !s.admins[actor.value] {
			intercomFail(w, http.StatusNotFound, "not_found", "Admin Not Found", "")
			return
		}
	} else {
		a := s.findLocked(actor)
		if a == nil {
			intercomFail(w, http.StatusNotFound, "not_found", "User Not Found", "")
			return
		}
		if !slices.Contains(conv.customers, a.ID) {
			intercomFail(w, http.StatusForbidden, "action_forbidden", "The acting contact is not a participant of this conversation", "")
			return
		}
	}
	who := s.findLocked(target)
	if who == nil {
		if target.key != "email" {
			intercomFail(w, http.StatusNotFound, "not_found", "User Not Found", "")
			return
		}
		who = s.addContactLocked(IntercomContact{ID: randomHex(12), Email: target.value, Role: "lead"})
	}
	if !slices.Contains(conv.customers, who.ID) {
		conv.customers = append(conv.customers, who.ID)
		s.hooks.emit(hookEvent{kind: "conversation.contact.attached", data: intercomHookData{conversation: convID, contact: *who}})
	}
	s.answerLocked(w, convID, conv)
}

// answerLocked writes the success answer of an attach or detach: the
// customers list, or the conversation object.
func (s *IntercomServer) answerLocked(w http.ResponseWriter, convID string, conv *intercomConversation) {
	if s.conversationAnswers {
		writeJSON(w, http.StatusOK, s.conversationLocked(convID, conv))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"customers": s.customersLocked(conv)})
}

// detach handles DELETE /conversations/{id}/customers/{contact_id}.
func (s *IntercomServer) detach(w http.ResponseWriter, r *http.Request, convID, contactID string, body []byte) {
	m, ok := parseIntercomBody(w, r, body)
	if !ok || !intercomCheckKeys(w, m, "", "admin_id") {
		return
	}
	admin, ok := intercomOneOf(w, m, "", "admin_id not specified", "admin_id")
	if !ok {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[convID]
	if conv == nil {
		intercomFail(w, http.StatusNotFound, "not_found", "Resource Not Found", "")
		return
	}
	if !s.admins[admin.value] {
		intercomFail(w, http.StatusNotFound, "not_found", "Admin Not Found", "")
		return
	}
	i := slices.Index(conv.customers, contactID)
	if i < 0 {
		intercomFail(w, http.StatusNotFound, "not_found", "User Not Found", "")
		return
	}
	if len(conv.customers) == 1 {
		intercomFail(w, http.StatusUnprocessableEntity, "parameter_invalid", "Removing the last customer is not allowed", "")
		return
	}
	conv.customers = slices.Delete(conv.customers, i, i+1)
	s.hooks.emit(hookEvent{kind: "conversation.contact.detached", data: intercomHookData{conversation: convID, contact: *s.contacts[contactID]}})
	s.answerLocked(w, convID, conv)
}

// intercomContactRef is one entry of a conversation's contacts list.
type intercomContactRef struct {
	Type       string  `json:"type"`
	ID         string  `json:"id"`
	ExternalID *string `json:"external_id"`
}

// retrieve handles GET /conversations/{id}: the conversation with its
// contacts list, nothing else.
func (s *IntercomServer) retrieve(w http.ResponseWriter, convID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversations[convID]
	if conv == nil {
		intercomFail(w, http.StatusNotFound, "not_found", "Resource Not Found", "")
		return
	}
	writeJSON(w, http.StatusOK, s.conversationLocked(convID, conv))
}

// conversationLocked is the conversation object of conv: type, id and
// contacts.
func (s *IntercomServer) conversationLocked(convID string, conv *intercomConversation) map[string]any {
	refs := make([]intercomContactRef, 0, len(conv.customers))
	for _, id := range conv.customers {
		ref := intercomContactRef{Type: "contact", ID: id}
		if ext := s.contacts[id].UserID; ext != "" {
			ref.ExternalID = &ext
		}
		refs = append(refs, ref)
	}
	return map[string]any{
		"type":     "conversation",
		"id":       convID,
		"contacts": map[string]any{"type": "contact.list", "contacts": refs},
	}
}
