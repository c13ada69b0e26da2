package participantstest

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

const (
	// DefaultTwilioAccountSID is the account SID a [TwilioServer] accepts
	// unless [WithTwilioCredentials] sets another.
	DefaultTwilioAccountSID = "ACf4cef4cef4cef4cef4cef4cef4cef4ce"
	// DefaultTwilioAuthToken is the auth token a [TwilioServer] accepts
	// unless [WithTwilioCredentials] sets another.
	DefaultTwilioAuthToken = "fake-twilio-auth-token"
)

// Twilio error codes the fake answers with.
const (
	twilioCodeInvalidParameter = 20001 // generic invalid or unknown parameter
	twilioCodeAuthenticate     = 20003
	twilioCodeMethodNotAllowed = 20004
	twilioCodeNotFound         = 20404
	twilioCodeTooManyRequests  = 20429
	twilioCodeInvalidAddress   = 50407
	twilioCodeInvalidProxy     = 50408
	twilioCodeEmptyAddress     = 50411
	twilioCodeBindingExists    = 50416
	twilioCodeIdentityExists   = 50433
	twilioCodeGroupExists      = 50437
)

// twilioDateLayout is how Twilio writes dates: 2015-12-16T22:18:37Z.
const twilioDateLayout = "2006-01-02T15:04:05Z"

// TwilioOption configures [NewTwilioServer].
type TwilioOption func(*twilioConfig)

type twilioConfig struct {
	accountSID, authToken string
}

// WithTwilioCredentials sets the account SID and auth token the fake
// accepts with HTTP Basic auth. NewTwilioServer panics if the SID is not
// "AC" and 32 hex digits or the token is empty.
func WithTwilioCredentials(accountSID, authToken string) TwilioOption {
	return func(c *twilioConfig) { c.accountSID, c.authToken = accountSID, authToken }
}

// TwilioMessagingBinding is the messaging_binding of a non-chat participant.
type TwilioMessagingBinding struct {
	// Type is "sms" or "whatsapp".
	Type string `json:"type"`
	// Address is the participant's address, such as "+15558675310" or
	// "whatsapp:+15558675310".
	Address string `json:"address,omitempty"`
	// ProxyAddress is the Twilio address the participant talks to.
	ProxyAddress string `json:"proxy_address,omitempty"`
	// ProjectedAddress is the Group MMS address of a chat participant.
	ProjectedAddress string `json:"projected_address,omitempty"`
}

// TwilioParticipant is a conversation participant as Twilio returns it.
// Nullable properties are pointers.
type TwilioParticipant struct {
	// AccountSID is the owning account.
	AccountSID string `json:"account_sid"`
	// ConversationSID is the conversation's CH SID (also when the request
	// named the conversation by its unique name).
	ConversationSID string `json:"conversation_sid"`
	// SID is the participant's MB SID.
	SID string `json:"sid"`
	// Identity is the chat identity; nil for SMS and WhatsApp participants.
	Identity *string `json:"identity"`
	// Attributes is JSON text, "{}" unless set.
	Attributes string `json:"attributes"`
	// MessagingBinding is nil for chat participants without a projected
	// address.
	MessagingBinding *TwilioMessagingBinding `json:"messaging_binding"`
	// RoleSID is the role given with RoleSid, or nil.
	RoleSID *string `json:"role_sid"`
	// DateCreated is the creation date, such as "2015-12-16T22:18:37Z".
	DateCreated string `json:"date_created"`
	// DateUpdated is the last update date.
	DateUpdated string `json:"date_updated"`
	// URL is the participant's absolute URL on the fake.
	URL string `json:"url"`
	// LastReadMessageIndex is always nil on the fake.
	LastReadMessageIndex *int `json:"last_read_message_index"`
	// LastReadTimestamp is always nil on the fake.
	LastReadTimestamp *string `json:"last_read_timestamp"`
}

func (p *TwilioParticipant) clone() TwilioParticipant {
	c := *p
	if p.Identity != nil {
		v := *p.Identity
		c.Identity = &v
	}
	if p.MessagingBinding != nil {
		v := *p.MessagingBinding
		c.MessagingBinding = &v
	}
	if p.RoleSID != nil {
		v := *p.RoleSID
		c.RoleSID = &v
	}
	return c
}

// TwilioServer is a stateful fake of Twilio Conversations' participant
// resource:
//
//	POST   /v1/Conversations/{ConversationSid}/Participants        create (201)
//	GET    /v1/Conversations/{ConversationSid}/Participants        list (PageSize 1..100, Page, PageToken)
//	GET    /v1/Conversations/{ConversationSid}/Participants/{Sid}  fetch by MB SID or identity
//	DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}  delete (204)
//
// ConversationSid is the CH SID or the unique name of a seeded
// conversation. Requests need HTTP Basic auth with [TwilioServer.AccountSID]
// and [TwilioServer.AuthToken]. Every response carries Twilio-Request-Id;
// errors are {"code","message","more_info","status"}:
//
//	400 20001  unknown, repeated or malformed parameter, bad Content-Type or header
//	400 50407  invalid or missing MessagingBinding.Address (with a proxy)
//	400 50408  invalid or missing MessagingBinding.ProxyAddress (with an address)
//	400 50411  empty MessagingBinding.Address
//	401 20003  bad credentials
//	404 20404  unknown route, conversation or participant
//	405 20004  method not allowed (updating a participant is not implemented)
//	409 50433  a participant with this Identity is already in the conversation
//	409 50416  this Address + ProxyAddress is already bound in an active conversation
//	           (this one included)
//	409 50437  a participant with this ProjectedAddress is already in the conversation
//	429 20429  see [Server.SetRateLimit]
//
// The status of the three duplicate codes is 409 unless
// [TwilioServer.SetDuplicateStatus] says 400.
type TwilioServer struct {
	*Server
	accountSID, authToken string

	mu            sync.Mutex
	dupStatus     int
	conversations map[string]*twilioConversation // by CH SID
	byUniqueName  map[string]string
}

type twilioConversation struct {
	sid          string
	closed       bool
	participants []*twilioParticipant
}

type twilioParticipant struct {
	TwilioParticipant
	webhook bool
}

// NewTwilioServer starts a Twilio fake with no conversations. Call Close
// when done with it.
func NewTwilioServer(opts ...TwilioOption) *TwilioServer {
	cfg := twilioConfig{accountSID: DefaultTwilioAccountSID, authToken: DefaultTwilioAuthToken}
	for _, o := range opts {
		o(&cfg)
	}
	if !isSID(cfg.accountSID, "AC") {
		panic(fmt.Sprintf("participantstest: WithTwilioCredentials: %q is not an account SID", cfg.accountSID))
	}
	if cfg.authToken == "" {
		panic("participantstest: WithTwilioCredentials: empty auth token")
	}
	s := &TwilioServer{
		accountSID:    cfg.accountSID,
		authToken:     cfg.authToken,
		dupStatus:     http.StatusConflict,
		conversations: map[string]*twilioConversation{},
		byUniqueName:  map[string]string{},
	}
	s.Server = newServer(s)
	return s
}

// AccountSID returns the account SID the fake accepts.
func (s *TwilioServer) AccountSID() string { return s.accountSID }

// AuthToken returns the auth token the fake accepts.
func (s *TwilioServer) AuthToken() string { return s.authToken }

// SetDuplicateStatus sets the HTTP status of the duplicate errors 50433,
// 50416 and 50437: 409 (the default) or 400, since Twilio does not document
// it. It panics on any other status.
func (s *TwilioServer) SetDuplicateStatus(status int) {
	if status != http.StatusConflict && status != http.StatusBadRequest {
		panic(fmt.Sprintf("participantstest: TwilioServer.SetDuplicateStatus(%d): want 409 or 400", status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dupStatus = status
}

// SeedConversation registers an active conversation and returns its SID;
// an empty sid is replaced by a generated CH SID. uniqueName, when not
// empty, is another name for it in request paths. It panics if sid is not a
// CH SID, or the SID or unique name is taken.
func (s *TwilioServer) SeedConversation(sid, uniqueName string) string {
	if sid == "" {
		sid = "CH" + randomHex(16)
	}
	if !isSID(sid, "CH") {
		panic(fmt.Sprintf("participantstest: TwilioServer.SeedConversation: %q is not a conversation SID", sid))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conversations[sid] != nil {
		panic(fmt.Sprintf("participantstest: TwilioServer.SeedConversation: %q already exists", sid))
	}
	if uniqueName != "" {
		if _, taken := s.byUniqueName[uniqueName]; taken || isSID(uniqueName, "CH") {
			panic(fmt.Sprintf("participantstest: TwilioServer.SeedConversation: unique name %q is taken", uniqueName))
		}
		s.byUniqueName[uniqueName] = sid
	}
	s.conversations[sid] = &twilioConversation{sid: sid}
	return sid
}

// CloseConversation marks a conversation (SID or unique name) closed: its
// bindings no longer count as active for duplicate code 50416. It panics
// for an unknown conversation.
func (s *TwilioServer) CloseConversation(conversation string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversationLocked(conversation)
	if conv == nil {
		panic(fmt.Sprintf("participantstest: TwilioServer.CloseConversation: unknown conversation %q", conversation))
	}
	conv.closed = true
}

// Participants returns the participants of a conversation (SID or unique
// name) in creation order, or nil for an unknown conversation.
func (s *TwilioServer) Participants(conversation string) []TwilioParticipant {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversationLocked(conversation)
	if conv == nil {
		return nil
	}
	out := make([]TwilioParticipant, len(conv.participants))
	for i, p := range conv.participants {
		out[i] = p.clone()
	}
	return out
}

// WebhookEnabled reports whether the request that created the participant
// with the given SID carried "X-Twilio-Webhook-Enabled: true".
func (s *TwilioServer) WebhookEnabled(participantSID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, conv := range s.conversations {
		for _, p := range conv.participants {
			if p.SID == participantSID {
				return p.webhook
			}
		}
	}
	return false
}

func (s *TwilioServer) conversationLocked(sidOrName string) *twilioConversation {
	if c := s.conversations[sidOrName]; c != nil {
		return c
	}
	return s.conversations[s.byUniqueName[sidOrName]]
}

type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func twilioFail(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, twilioError{
		Code:     code,
		Message:  msg,
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		Status:   status,
	})
}

func (s *TwilioServer) tooManyRequests(w http.ResponseWriter, rl rateInfo) {
	w.Header().Set("Twilio-Request-Id", "RQ"+randomHex(16))
	setRetryAfter(w.Header(), rl)
	twilioFail(w, http.StatusTooManyRequests, twilioCodeTooManyRequests, "Too Many Requests")
}

func (s *TwilioServer) tooLarge(w http.ResponseWriter) {
	w.Header().Set("Twilio-Request-Id", "RQ"+randomHex(16))
	twilioFail(w, http.StatusRequestEntityTooLarge, twilioCodeInvalidParameter, "Request body too large")
}

func (s *TwilioServer) serve(w http.ResponseWriter, r *http.Request, c *call) {
	w.Header().Set("Twilio-Request-Id", "RQ"+randomHex(16))
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.accountSID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.authToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		twilioFail(w, http.StatusUnauthorized, twilioCodeAuthenticate, "Authenticate")
		return
	}
	notFound := func() {
		twilioFail(w, http.StatusNotFound, twilioCodeNotFound,
			"The requested resource "+r.URL.EscapedPath()+" was not found")
	}
	segs, ok := segments(r)
	if !ok || !(match(segs, "v1", "Conversations", "*", "Participants") || match(segs, "v1", "Conversations", "*", "Participants", "*")) {
		notFound()
		return
	}
	allowed := []string{http.MethodGet, http.MethodPost}
	if len(segs) == 5 {
		allowed = []string{http.MethodGet, http.MethodDelete}
	}
	if !slices.Contains(allowed, r.Method) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		twilioFail(w, http.StatusMethodNotAllowed, twilioCodeMethodNotAllowed, "Method not allowed")
		return
	}
	webhook := false
	if v, present := r.Header["X-Twilio-Webhook-Enabled"]; present {
		if len(v) != 1 || (v[0] != "true" && v[0] != "false") {
			twilioFail(w, http.StatusBadRequest, twilioCodeInvalidParameter, "X-Twilio-Webhook-Enabled must be true or false")
			return
		}
		webhook = v[0] == "true"
	}

	var form *twilioCreateForm
	if r.Method == http.MethodPost {
		if form = parseTwilioCreate(w, r, c.body); form == nil {
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversationLocked(segs[2])
	if conv == nil {
		notFound()
		return
	}
	switch {
	case form != nil:
		s.createLocked(w, conv, form, webhook)
	case len(segs) == 4:
		s.listLocked(w, r, conv)
	default:
		i := slices.IndexFunc(conv.participants, func(p *twilioParticipant) bool { return p.SID == segs[4] })
		if i < 0 {
			i = slices.IndexFunc(conv.participants, func(p *twilioParticipant) bool {
				return p.Identity != nil && *p.Identity == segs[4]
			})
		}
		if i < 0 {
			notFound()
			return
		}
		if r.Method == http.MethodDelete {
			conv.participants = slices.Delete(conv.participants, i, i+1)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, conv.participants[i].clone())
	}
}

// twilioCreateForm is a validated create-participant form.
type twilioCreateForm struct {
	identity, address, proxy, projected string
	hasAddress                          bool
	attributes, roleSID                 string
	dateCreated, dateUpdated            time.Time
}

var twilioCreateKeys = []string{
	"Identity", "MessagingBinding.Address", "MessagingBinding.ProxyAddress",
	"MessagingBinding.ProjectedAddress", "DateCreated", "DateUpdated", "Attributes", "RoleSid",
}

var (
	e164AddrRE    = regexp.MustCompile(`^(whatsapp:)?\+[1-9][0-9]{1,14}$`)
	channelAddrRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*:\S+$`)
)

// validTwilioAddress accepts E.164 numbers, "whatsapp:" + E.164 and other
// "<channel>:<id>" addresses.
func validTwilioAddress(a string) bool {
	if utf8.RuneCountInString(a) > 256 {
		return false
	}
	if strings.HasPrefix(a, "whatsapp:") || strings.HasPrefix(a, "+") {
		return e164AddrRE.MatchString(a)
	}
	return channelAddrRE.MatchString(a)
}

// parseTwilioCreate validates a create-participant form; on failure it
// writes the error and returns nil.
func parseTwilioCreate(w http.ResponseWriter, r *http.Request, body []byte) *twilioCreateForm {
	bad := func(code int, msg string) *twilioCreateForm {
		twilioFail(w, http.StatusBadRequest, code, msg)
		return nil
	}
	if len(body) > 0 && !mediaType(r, "application/x-www-form-urlencoded") {
		return bad(twilioCodeInvalidParameter, "Content-Type must be application/x-www-form-urlencoded")
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return bad(twilioCodeInvalidParameter, "The request body is not a valid form")
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(twilioCreateKeys, k) {
			return bad(twilioCodeInvalidParameter, "Unknown parameter: "+k)
		}
		if len(vals[k]) > 1 {
			return bad(twilioCodeInvalidParameter, "Parameter "+k+" may be given only once")
		}
	}
	f := &twilioCreateForm{attributes: "{}"}
	get := func(k string) (string, bool) {
		v, ok := vals[k]
		if !ok {
			return "", false
		}
		return v[0], true
	}

	if v, ok := get("Identity"); ok {
		if v == "" || utf8.RuneCountInString(v) > 256 {
			return bad(twilioCodeInvalidParameter, "Identity must be 1 to 256 characters")
		}
		f.identity = v
	}
	addr, hasAddr := get("MessagingBinding.Address")
	proxy, hasProxy := get("MessagingBinding.ProxyAddress")
	projected, hasProjected := get("MessagingBinding.ProjectedAddress")
	switch {
	case hasAddr && addr == "":
		return bad(twilioCodeEmptyAddress, "Participant address is empty")
	case hasAddr && !validTwilioAddress(addr):
		return bad(twilioCodeInvalidAddress, "Invalid messaging binding address")
	case hasAddr && proxy == "":
		return bad(twilioCodeInvalidProxy, "Invalid participant proxy address: MessagingBinding.ProxyAddress is required with MessagingBinding.Address")
	case hasProxy && !hasAddr:
		return bad(twilioCodeInvalidAddress, "Invalid messaging binding address: MessagingBinding.Address is required with MessagingBinding.ProxyAddress")
	case hasAddr && !validTwilioAddress(proxy):
		return bad(twilioCodeInvalidProxy, "Invalid participant proxy address")
	case hasAddr && strings.HasPrefix(addr, "whatsapp:") != strings.HasPrefix(proxy, "whatsapp:"):
		return bad(twilioCodeInvalidProxy, "Invalid participant proxy address: address and proxy address must use the same channel")
	}
	if hasAddr && f.identity != "" {
		return bad(twilioCodeInvalidParameter, "Identity and MessagingBinding.Address cannot both be set")
	}
	if hasProjected {
		switch {
		case f.identity == "":
			return bad(twilioCodeInvalidParameter, "MessagingBinding.ProjectedAddress requires Identity")
		case !e164RE.MatchString(projected):
			return bad(twilioCodeInvalidProxy, "Invalid participant projected address")
		}
		f.projected = projected
	}
	if f.identity == "" && !hasAddr {
		return bad(twilioCodeInvalidParameter, "Either Identity or MessagingBinding.Address must be provided")
	}
	f.address, f.proxy, f.hasAddress = addr, proxy, hasAddr

	if v, ok := get("Attributes"); ok {
		if len(v) > 4096 {
			return bad(twilioCodeInvalidParameter, "Attributes must be at most 4 KB")
		}
		if !json.Valid([]byte(v)) {
			return bad(twilioCodeInvalidParameter, "Attributes must be valid JSON")
		}
		f.attributes = v
	}
	for _, k := range []string{"DateCreated", "DateUpdated"} {
		v, ok := get(k)
		if !ok {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return bad(twilioCodeInvalidParameter, k+" must be an RFC 3339 date-time")
		}
		if k == "DateCreated" {
			f.dateCreated = t
		} else {
			f.dateUpdated = t
		}
	}
	if v, ok := get("RoleSid"); ok {
		if !isSID(v, "RL") {
			return bad(twilioCodeInvalidParameter, "RoleSid must be a role SID (RL followed by 32 hex digits)")
		}
		f.roleSID = v
	}
	return f
}

// createLocked adds a participant to conv unless a duplicate rule refuses
// it.
func (s *TwilioServer) createLocked(w http.ResponseWriter, conv *twilioConversation, f *twilioCreateForm, webhook bool) {
	dup := func(code int, msg string) { twilioFail(w, s.dupStatus, code, msg) }
	for _, p := range conv.participants {
		if f.identity != "" && p.Identity != nil && *p.Identity == f.identity {
			dup(twilioCodeIdentityExists, "A participant with the provided identity already exists in this conversation")
			return
		}
		if f.projected != "" && p.MessagingBinding != nil && p.MessagingBinding.ProjectedAddress == f.projected {
			dup(twilioCodeGroupExists, "A group participant with the provided projected address already exists in this conversation")
			return
		}
	}
	if f.hasAddress {
		for _, other := range s.conversations {
			if other.closed {
				continue
			}
			for _, p := range other.participants {
				if b := p.MessagingBinding; b != nil && b.Address == f.address && b.ProxyAddress == f.proxy {
					dup(twilioCodeBindingExists, "A binding for this participant and proxy address already exists in Conversation "+other.sid)
					return
				}
			}
		}
	}

	now := s.Server.now().UTC()
	created, updated := now, now
	if !f.dateCreated.IsZero() {
		created = f.dateCreated.UTC()
		if f.dateUpdated.IsZero() {
			updated = created
		}
	}
	if !f.dateUpdated.IsZero() {
		updated = f.dateUpdated.UTC()
	}
	sid := "MB" + randomHex(16)
	p := &twilioParticipant{webhook: webhook, TwilioParticipant: TwilioParticipant{
		AccountSID:      s.accountSID,
		ConversationSID: conv.sid,
		SID:             sid,
		Attributes:      f.attributes,
		DateCreated:     created.Format(twilioDateLayout),
		DateUpdated:     updated.Format(twilioDateLayout),
		URL:             s.URL() + "/v1/Conversations/" + conv.sid + "/Participants/" + sid,
	}}
	if f.identity != "" {
		id := f.identity
		p.Identity = &id
	}
	if f.roleSID != "" {
		role := f.roleSID
		p.RoleSID = &role
	}
	switch {
	case f.hasAddress:
		typ := "sms"
		if strings.HasPrefix(f.address, "whatsapp:") {
			typ = "whatsapp"
		}
		p.MessagingBinding = &TwilioMessagingBinding{Type: typ, Address: f.address, ProxyAddress: f.proxy}
	case f.projected != "":
		p.MessagingBinding = &TwilioMessagingBinding{Type: "sms", ProjectedAddress: f.projected}
	}
	conv.participants = append(conv.participants, p)
	writeJSON(w, http.StatusCreated, p.clone())
}

// listLocked answers GET .../Participants with Twilio's page metadata.
func (s *TwilioServer) listLocked(w http.ResponseWriter, r *http.Request, conv *twilioConversation) {
	q := r.URL.Query()
	intParam := func(k string, def, lo, hi int) (int, bool) {
		v, ok := q[k]
		if !ok {
			return def, true
		}
		n, err := strconv.Atoi(v[0])
		if err != nil || len(v) > 1 || n < lo || n > hi {
			twilioFail(w, http.StatusBadRequest, twilioCodeInvalidParameter,
				fmt.Sprintf("%s must be an integer between %d and %d", k, lo, hi))
			return 0, false
		}
		return n, true
	}
	size, ok := intParam("PageSize", 50, 1, 100)
	if !ok {
		return
	}
	page, ok := intParam("Page", 0, 0, 1<<30)
	if !ok {
		return
	}
	offset := page * size
	if t := q.Get("PageToken"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "PT"))
		if !strings.HasPrefix(t, "PT") || err != nil || n < 0 {
			twilioFail(w, http.StatusBadRequest, twilioCodeInvalidParameter, "Invalid PageToken")
			return
		}
		offset = n
	}
	base := s.URL() + "/v1/Conversations/" + conv.sid + "/Participants"
	pageURL := func(p, off int, token bool) string {
		u := fmt.Sprintf("%s?PageSize=%d&Page=%d", base, size, p)
		if token {
			u += "&PageToken=PT" + strconv.Itoa(off)
		}
		return u
	}
	items := []TwilioParticipant{}
	for i := offset; i < len(conv.participants) && i < offset+size; i++ {
		items = append(items, conv.participants[i].clone())
	}
	var prev, next *string
	if page > 0 && offset > 0 {
		u := pageURL(page-1, max(offset-size, 0), true)
		prev = &u
	}
	if offset+size < len(conv.participants) {
		u := pageURL(page+1, offset+size, true)
		next = &u
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"participants": items,
		"meta": map[string]any{
			"page":              page,
			"page_size":         size,
			"first_page_url":    pageURL(0, 0, false),
			"previous_page_url": prev,
			"next_page_url":     next,
			"url":               pageURL(page, offset, q.Has("PageToken")),
			"key":               "participants",
		},
	})
}
