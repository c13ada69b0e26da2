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
	// DefaultTwilioAPIKeySID is the API key SID a [TwilioServer] accepts,
	// with [DefaultTwilioAPIKeySecret], unless [WithTwilioAPIKey] sets
	// another.
	DefaultTwilioAPIKeySID = "SKf4cef4cef4cef4cef4cef4cef4cef4ce"
	// DefaultTwilioAPIKeySecret is the secret of [DefaultTwilioAPIKeySID].
	DefaultTwilioAPIKeySecret = "fake-twilio-api-key-secret"
	// DefaultTwilioChatServiceSID is the SID of the account's default
	// Conversation Service: the conversations of [TwilioServer.SeedConversation]
	// belong to it, and the plain /v1/Conversations/... paths reach only its
	// conversations.
	DefaultTwilioChatServiceSID = "ISf4cef4cef4cef4cef4cef4cef4cef4ce"
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
	keySID, keySecret     string
}

// WithTwilioCredentials sets the account SID and auth token the fake
// accepts with HTTP Basic auth. NewTwilioServer panics if the SID is not
// "AC" and 32 hex digits or the token is empty.
func WithTwilioCredentials(accountSID, authToken string) TwilioOption {
	return func(c *twilioConfig) { c.accountSID, c.authToken = accountSID, authToken }
}

// WithTwilioAPIKey sets the API key (SID and secret) the fake accepts with
// HTTP Basic auth, besides the account SID and auth token. NewTwilioServer
// panics if the SID is not "SK" and 32 hex digits or the secret is empty.
func WithTwilioAPIKey(keySID, secret string) TwilioOption {
	return func(c *twilioConfig) { c.keySID, c.keySecret = keySID, secret }
}

// TwilioMessagingBinding is the messaging_binding of a non-chat participant.
type TwilioMessagingBinding struct {
	// Type is "sms", "whatsapp" (a "whatsapp:" address) or "rcs" (an "rcs:"
	// address).
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
	// ChatServiceSID is the conversation's Conversation Service (IS...),
	// sent only by the service-scoped paths, as Twilio does.
	ChatServiceSID string `json:"chat_service_sid,omitempty"`
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
	// URL is the participant's absolute URL on the fake, under the path
	// the request used (plain or service-scoped).
	URL string `json:"url"`
	// LastReadMessageIndex is nil until an update sets it.
	LastReadMessageIndex *int `json:"last_read_message_index"`
	// LastReadTimestamp is nil until an update sets it.
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
	if p.LastReadMessageIndex != nil {
		v := *p.LastReadMessageIndex
		c.LastReadMessageIndex = &v
	}
	if p.LastReadTimestamp != nil {
		v := *p.LastReadTimestamp
		c.LastReadTimestamp = &v
	}
	return c
}

// TwilioServer is a stateful fake of Twilio Conversations' participant
// resource:
//
//	POST   /v1/Conversations/{ConversationSid}/Participants        create (201)
//	GET    /v1/Conversations/{ConversationSid}/Participants        list (PageSize 1..100, Page, PageToken)
//	GET    /v1/Conversations/{ConversationSid}/Participants/{Sid}  fetch by MB SID or identity
//	POST   /v1/Conversations/{ConversationSid}/Participants/{Sid}  update (200) by MB SID
//	DELETE /v1/Conversations/{ConversationSid}/Participants/{Sid}  delete (204) by MB SID
//
// and the same five under /v1/Services/{ChatServiceSid}, whose responses
// add chat_service_sid. The plain paths reach the conversations of the
// default Conversation Service ([DefaultTwilioChatServiceSID]), the
// service-scoped ones the conversations of the service they name (seed them
// with [TwilioServer.SeedServiceConversation]). As Twilio documents, only
// fetch takes an identity in place of the MB SID.
//
// ConversationSid is the CH SID or the unique name (unique within its
// service) of a seeded conversation. Requests need HTTP Basic auth with
// [TwilioServer.AccountSID] and [TwilioServer.AuthToken], or with the API
// key [TwilioServer.APIKeySID] and [TwilioServer.APIKeySecret]. Every
// response carries Twilio-Request-Id; errors are
// {"code","message","more_info","status"}:
//
//	400 20001  unknown, repeated or malformed parameter, bad Content-Type or header
//	400 50407  invalid or missing MessagingBinding.Address (with a proxy)
//	400 50408  invalid MessagingBinding.ProxyAddress, or none with a
//	           non-SMS address (an SMS address alone is a Group MMS participant)
//	400 50411  empty MessagingBinding.Address
//	401 20003  bad credentials
//	404 20404  unknown route, service, conversation or participant (see also
//	           [TwilioServer.MarkStale])
//	405 20004  method not allowed
//	409 50433  a participant with this Identity is already in the conversation
//	409 50416  this Address + ProxyAddress is already bound in an active conversation
//	           (this one included)
//	409 50437  a group participant with this Address (no proxy) or
//	           ProjectedAddress is already in the conversation
//	429 20429  see [Server.SetRateLimit]
//
// The status of the three duplicate codes is 409 unless
// [TwilioServer.SetDuplicateStatus] says 400.
type TwilioServer struct {
	*Server
	accountSID, authToken string
	keySID, keySecret     string

	mu            sync.Mutex
	dupStatus     int
	conversations map[string]*twilioConversation // by CH SID
	byUniqueName  map[string]string              // by service SID + "/" + unique name
	stale         map[string]bool                // identities and addresses of MarkStale
}

type twilioConversation struct {
	sid          string
	service      string
	closed       bool
	participants []*twilioParticipant
	// removed holds the identities and addresses of deleted participants.
	removed map[string]bool
}

type twilioParticipant struct {
	TwilioParticipant
	webhook bool
	// stale marks a participant created under the re-add hazard
	// (MarkStale): a fetch by its identity does not find it.
	stale bool
}

// NewTwilioServer starts a Twilio fake with no conversations. Call Close
// when done with it.
func NewTwilioServer(opts ...TwilioOption) *TwilioServer {
	cfg := twilioConfig{
		accountSID: DefaultTwilioAccountSID, authToken: DefaultTwilioAuthToken,
		keySID: DefaultTwilioAPIKeySID, keySecret: DefaultTwilioAPIKeySecret,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if !isSID(cfg.accountSID, "AC") {
		panic(fmt.Sprintf("participantstest: WithTwilioCredentials: %q is not an account SID", cfg.accountSID))
	}
	if cfg.authToken == "" {
		panic("participantstest: WithTwilioCredentials: empty auth token")
	}
	if !isSID(cfg.keySID, "SK") {
		panic(fmt.Sprintf("participantstest: WithTwilioAPIKey: %q is not an API key SID", cfg.keySID))
	}
	if cfg.keySecret == "" {
		panic("participantstest: WithTwilioAPIKey: empty secret")
	}
	s := &TwilioServer{
		accountSID:    cfg.accountSID,
		authToken:     cfg.authToken,
		keySID:        cfg.keySID,
		keySecret:     cfg.keySecret,
		dupStatus:     http.StatusConflict,
		conversations: map[string]*twilioConversation{},
		byUniqueName:  map[string]string{},
		stale:         map[string]bool{},
	}
	s.Server = newServer(s)
	return s
}

// AccountSID returns the account SID the fake accepts.
func (s *TwilioServer) AccountSID() string { return s.accountSID }

// AuthToken returns the auth token the fake accepts.
func (s *TwilioServer) AuthToken() string { return s.authToken }

// APIKeySID returns the API key SID the fake accepts.
func (s *TwilioServer) APIKeySID() string { return s.keySID }

// APIKeySecret returns the secret of the API key the fake accepts.
func (s *TwilioServer) APIKeySecret() string { return s.keySecret }

// MarkStale reproduces the re-add hazard of Twilio's support article
// "Resolving Error 20404 When Re-Adding the Same Participant": once an
// identity or messaging-binding address is marked, every create that names
// it in a conversation from which a participant with it was deleted before
// creates the participant but answers 404 20404 "The requested resource
// .../Participants was not found". As the article says, a later list shows
// the participant; a fetch by its SID finds it too, but a fetch by its
// identity answers 404 20404 (the stale mapping from identity to
// participant is what the article blames). Other conversations, and
// identities or addresses never deleted, are unaffected.
func (s *TwilioServer) MarkStale(identityOrAddress string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stale[identityOrAddress] = true
}

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

// SeedConversation registers an active conversation of the default
// Conversation Service ([DefaultTwilioChatServiceSID]) and returns its SID;
// an empty sid is replaced by a generated CH SID. uniqueName, when not
// empty, is another name for it in request paths. It panics if sid is not a
// CH SID, or the SID or unique name is taken.
func (s *TwilioServer) SeedConversation(sid, uniqueName string) string {
	return s.seed("SeedConversation", DefaultTwilioChatServiceSID, sid, uniqueName)
}

// SeedServiceConversation is [TwilioServer.SeedConversation] for a
// conversation of the Conversation Service serviceSID (IS...): the
// service-scoped paths /v1/Services/{serviceSID}/... reach it, the plain
// paths do not (unless serviceSID is the default service). It panics if
// serviceSID is not an IS SID, and as SeedConversation does.
func (s *TwilioServer) SeedServiceConversation(serviceSID, sid, uniqueName string) string {
	if !isSID(serviceSID, "IS") {
		panic(fmt.Sprintf("participantstest: TwilioServer.SeedServiceConversation: %q is not a chat service SID", serviceSID))
	}
	return s.seed("SeedServiceConversation", serviceSID, sid, uniqueName)
}

func (s *TwilioServer) seed(fn, service, sid, uniqueName string) string {
	if sid == "" {
		sid = "CH" + randomHex(16)
	}
	if !isSID(sid, "CH") {
		panic(fmt.Sprintf("participantstest: TwilioServer.%s: %q is not a conversation SID", fn, sid))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conversations[sid] != nil {
		panic(fmt.Sprintf("participantstest: TwilioServer.%s: %q already exists", fn, sid))
	}
	if uniqueName != "" {
		key := service + "/" + uniqueName
		if _, taken := s.byUniqueName[key]; taken || isSID(uniqueName, "CH") {
			panic(fmt.Sprintf("participantstest: TwilioServer.%s: unique name %q is taken", fn, uniqueName))
		}
		s.byUniqueName[key] = sid
	}
	s.conversations[sid] = &twilioConversation{sid: sid, service: service, removed: map[string]bool{}}
	return sid
}

// CloseConversation marks a conversation (SID, or unique name in the
// default service) closed: its
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

// Participants returns the participants of a conversation (SID, or unique
// name in the default service) in creation order, or nil for an unknown
// conversation. Their URL is the plain path's for a conversation of the
// default service, the service-scoped one's otherwise, and ChatServiceSID
// is empty.
func (s *TwilioServer) Participants(conversation string) []TwilioParticipant {
	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.conversationLocked(conversation)
	if conv == nil {
		return nil
	}
	out := make([]TwilioParticipant, len(conv.participants))
	for i, p := range conv.participants {
		out[i] = s.render(p, conv, conv.service != DefaultTwilioChatServiceSID)
		out[i].ChatServiceSID = ""
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

// conversationLocked finds a conversation by SID, or by unique name in the
// default service, whatever its service: for the test accessors.
func (s *TwilioServer) conversationLocked(sidOrName string) *twilioConversation {
	if c := s.conversations[sidOrName]; c != nil {
		return c
	}
	return s.conversations[s.byUniqueName[DefaultTwilioChatServiceSID+"/"+sidOrName]]
}

// inServiceLocked finds a conversation of service by SID or unique name.
func (s *TwilioServer) inServiceLocked(service, sidOrName string) *twilioConversation {
	if c := s.conversations[sidOrName]; c != nil {
		if c.service == service {
			return c
		}
		return nil
	}
	return s.conversations[s.byUniqueName[service+"/"+sidOrName]]
}

// base is the participants collection URL of conv under the plain path, or
// under the service-scoped one when scoped.
func (s *TwilioServer) base(conv *twilioConversation, scoped bool) string {
	if scoped {
		return s.baseURL() + "/v1/Services/" + conv.service + "/Conversations/" + conv.sid + "/Participants"
	}
	return s.baseURL() + "/v1/Conversations/" + conv.sid + "/Participants"
}

// render is p as a response on the plain or service-scoped path.
func (s *TwilioServer) render(p *twilioParticipant, conv *twilioConversation, scoped bool) TwilioParticipant {
	out := p.clone()
	out.URL = s.base(conv, scoped) + "/" + p.SID
	if scoped {
		out.ChatServiceSID = conv.service
	}
	return out
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

// authorized reports whether r carries HTTP Basic auth with the account
// SID and auth token or with the API key SID and secret.
func (s *TwilioServer) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	account := eq(user, s.accountSID) && eq(pass, s.authToken)
	key := eq(user, s.keySID) && eq(pass, s.keySecret)
	return account || key
}

// twilioRoute is a request path taken apart: the service it names (the
// default one on the plain paths), the conversation and, on the instance
// path, the participant.
type twilioRoute struct {
	service, conversation, participant string
	scoped, instance                   bool
}

// route parses the participant paths, plain and service-scoped.
func route(segs []string) (twilioRoute, bool) {
	var rt twilioRoute
	rest := segs
	switch {
	case len(segs) >= 2 && segs[0] == "v1" && segs[1] == "Services":
		if len(segs) < 4 || segs[2] == "" || segs[3] != "Conversations" {
			return rt, false
		}
		rt.service, rt.scoped, rest = segs[2], true, segs[4:]
	case len(segs) >= 2 && segs[0] == "v1" && segs[1] == "Conversations":
		rt.service, rest = DefaultTwilioChatServiceSID, segs[2:]
	default:
		return rt, false
	}
	switch {
	case match(rest, "*", "Participants"):
		rt.conversation = rest[0]
	case match(rest, "*", "Participants", "*"):
		rt.conversation, rt.participant, rt.instance = rest[0], rest[2], true
	default:
		return rt, false
	}
	return rt, true
}

func (s *TwilioServer) serve(w http.ResponseWriter, r *http.Request, c *call) {
	w.Header().Set("Twilio-Request-Id", "RQ"+randomHex(16))
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		twilioFail(w, http.StatusUnauthorized, twilioCodeAuthenticate, "Authenticate")
		return
	}
	notFound := func() {
		twilioFail(w, http.StatusNotFound, twilioCodeNotFound,
			"The requested resource "+r.URL.EscapedPath()+" was not found")
	}
	segs, ok := segments(r)
	if !ok {
		notFound()
		return
	}
	rt, ok := route(segs)
	if !ok {
		notFound()
		return
	}
	allowed := []string{http.MethodGet, http.MethodPost}
	if rt.instance {
		allowed = []string{http.MethodGet, http.MethodPost, http.MethodDelete}
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
	var update *twilioUpdateForm
	switch {
	case r.Method == http.MethodPost && rt.instance:
		if update = parseTwilioUpdate(w, r, c.body); update == nil {
			return
		}
	case r.Method == http.MethodPost:
		if form = parseTwilioCreate(w, r, c.body); form == nil {
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	conv := s.inServiceLocked(rt.service, rt.conversation)
	if conv == nil {
		notFound()
		return
	}
	switch {
	case form != nil:
		s.createLocked(w, conv, rt.scoped, form, webhook)
		return
	case !rt.instance:
		s.listLocked(w, r, conv, rt.scoped)
		return
	}
	// Only fetch takes an identity in place of the SID (as Twilio
	// documents): update and delete look the SID up only.
	i := slices.IndexFunc(conv.participants, func(p *twilioParticipant) bool { return p.SID == rt.participant })
	if i < 0 && r.Method == http.MethodGet {
		i = slices.IndexFunc(conv.participants, func(p *twilioParticipant) bool {
			return p.Identity != nil && *p.Identity == rt.participant && !p.stale
		})
	}
	if i < 0 {
		notFound()
		return
	}
	p := conv.participants[i]
	switch r.Method {
	case http.MethodDelete:
		for _, k := range participantKeys(p) {
			conv.removed[k] = true
		}
		conv.participants = slices.Delete(conv.participants, i, i+1)
		if webhook {
			p.DateUpdated = s.Server.now().UTC().Format(twilioDateLayout)
			s.emitTwilio("onParticipantRemoved", p, conv)
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		s.updateLocked(w, conv, p, rt.scoped, update, webhook)
	default:
		writeJSON(w, http.StatusOK, s.render(p, conv, rt.scoped))
	}
}

// participantKeys are the identity and binding address of p, for the
// re-add hazard.
func participantKeys(p *twilioParticipant) []string {
	var keys []string
	if p.Identity != nil {
		keys = append(keys, *p.Identity)
	}
	if b := p.MessagingBinding; b != nil && b.Address != "" {
		keys = append(keys, b.Address)
	}
	return keys
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
	e164AddrRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(whatsapp:)?\+[1-9][0-9]{1,14}$`) })
	channelAddrRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_-]*:\S+$`) })
)

// validTwilioAddress accepts E.164 numbers, "whatsapp:" + E.164 and other
// "<channel>:<id>" addresses.
func validTwilioAddress(a string) bool {
	if utf8.RuneCountInString(a) > 256 {
		return false
	}
	if strings.HasPrefix(a, "whatsapp:") || strings.HasPrefix(a, "+") {
		return e164AddrRE().MatchString(a)
	}
	return channelAddrRE().MatchString(a)
}

// parseTwilioCreate validates a create-participant form; on failure it
// writes the error and returns nil.
func parseTwilioCreate(w http.ResponseWriter, r *http.Request, body []byte) *twilioCreateForm {
	vals := parseForm(w, r, body, twilioCreateKeys)
	if vals == nil {
		return nil
	}
	bad := func(code int, msg string) *twilioCreateForm {
		twilioFail(w, http.StatusBadRequest, code, msg)
		return nil
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
	case hasAddr && !hasProxy && !e164RE().MatchString(addr):
		// An SMS address alone is a Group MMS participant (Twilio's example
		// createGmmsSmsNoAttributes); any other channel needs its proxy.
		return bad(twilioCodeInvalidProxy, "Invalid participant proxy address: MessagingBinding.ProxyAddress is required with a non-SMS MessagingBinding.Address")
	case hasProxy && !hasAddr:
		return bad(twilioCodeInvalidAddress, "Invalid messaging binding address: MessagingBinding.Address is required with MessagingBinding.ProxyAddress")
	case hasAddr && hasProxy && !validTwilioAddress(proxy):
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
		case !e164RE().MatchString(projected):
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

// twilioUpdateForm is a validated update-participant form; a nil pointer
// leaves its field as it is.
type twilioUpdateForm struct {
	identity, attributes, roleSID, lastReadTimestamp *string
	proxy, projected                                 *string // "null" removes
	dateCreated, dateUpdated                         *time.Time
	lastReadIndex                                    *int
}

var twilioUpdateKeys = []string{
	"Identity", "Attributes", "RoleSid", "MessagingBinding.ProxyAddress", "MessagingBinding.ProjectedAddress",
	"DateCreated", "DateUpdated", "LastReadMessageIndex", "LastReadTimestamp",
}

// parseForm checks the media type and the keys of a form body; on
// failure it writes the error and returns nil.
func parseForm(w http.ResponseWriter, r *http.Request, body []byte, known []string) url.Values {
	bad := func(msg string) url.Values {
		twilioFail(w, http.StatusBadRequest, twilioCodeInvalidParameter, msg)
		return nil
	}
	if len(body) > 0 && !mediaType(r, "application/x-www-form-urlencoded") {
		return bad("Content-Type must be application/x-www-form-urlencoded")
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return bad("The request body is not a valid form")
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return bad("Unknown parameter: " + k)
		}
		if len(vals[k]) > 1 {
			return bad("Parameter " + k + " may be given only once")
		}
	}
	return vals
}

// parseTwilioUpdate validates an update-participant form; on failure it
// writes the error and returns nil. An empty form is a valid update that
// changes nothing.
func parseTwilioUpdate(w http.ResponseWriter, r *http.Request, body []byte) *twilioUpdateForm {
	vals := parseForm(w, r, body, twilioUpdateKeys)
	if vals == nil {
		return nil
	}
	bad := func(code int, msg string) *twilioUpdateForm {
		twilioFail(w, http.StatusBadRequest, code, msg)
		return nil
	}
	get := func(k string) *string {
		if v, ok := vals[k]; ok {
			return &v[0]
		}
		return nil
	}
	f := &twilioUpdateForm{
		identity: get("Identity"), attributes: get("Attributes"), roleSID: get("RoleSid"),
		proxy: get("MessagingBinding.ProxyAddress"), projected: get("MessagingBinding.ProjectedAddress"),
		lastReadTimestamp: get("LastReadTimestamp"),
	}
	if v := f.identity; v != nil && (*v == "" || utf8.RuneCountInString(*v) > 256) {
		return bad(twilioCodeInvalidParameter, "Identity must be 1 to 256 characters")
	}
	if v := f.attributes; v != nil && (len(*v) > 4096 || !json.Valid([]byte(*v))) {
		return bad(twilioCodeInvalidParameter, "Attributes must be valid JSON of at most 4 KB")
	}
	if v := f.roleSID; v != nil && !isSID(*v, "RL") {
		return bad(twilioCodeInvalidParameter, "RoleSid must be a role SID (RL followed by 32 hex digits)")
	}
	if v := f.proxy; v != nil && *v != "null" && !validTwilioAddress(*v) {
		return bad(twilioCodeInvalidProxy, "Invalid participant proxy address")
	}
	if v := f.projected; v != nil && *v != "null" && !e164RE().MatchString(*v) {
		return bad(twilioCodeInvalidProxy, "Invalid participant projected address")
	}
	for _, d := range []struct {
		k   string
		dst **time.Time
	}{{"DateCreated", &f.dateCreated}, {"DateUpdated", &f.dateUpdated}} {
		if v := get(d.k); v != nil {
			t, err := time.Parse(time.RFC3339, *v)
			if err != nil {
				return bad(twilioCodeInvalidParameter, d.k+" must be an RFC 3339 date-time")
			}
			*d.dst = &t
		}
	}
	if v := get("LastReadMessageIndex"); v != nil {
		n, err := strconv.Atoi(*v)
		if err != nil || n < 0 {
			return bad(twilioCodeInvalidParameter, "LastReadMessageIndex must be a non-negative integer")
		}
		f.lastReadIndex = &n
	}
	return f
}

// updateLocked applies f to p.
func (s *TwilioServer) updateLocked(w http.ResponseWriter, conv *twilioConversation, p *twilioParticipant, scoped bool, f *twilioUpdateForm, webhook bool) {
	b := p.MessagingBinding
	switch {
	case f.proxy != nil && (b == nil || b.Address == ""):
		twilioFail(w, http.StatusBadRequest, twilioCodeInvalidProxy, "Invalid participant proxy address: the participant has no messaging binding address")
		return
	case f.projected != nil && p.Identity == nil:
		twilioFail(w, http.StatusBadRequest, twilioCodeInvalidParameter, "MessagingBinding.ProjectedAddress applies to a chat participant (with Identity)")
		return
	}
	if f.identity != nil {
		for _, o := range conv.participants {
			if o != p && o.Identity != nil && *o.Identity == *f.identity {
				twilioFail(w, s.dupStatus, twilioCodeIdentityExists, "A participant with the provided identity already exists in this conversation")
				return
			}
		}
		id := *f.identity
		p.Identity = &id
	}
	if f.attributes != nil {
		p.Attributes = *f.attributes
	}
	if f.roleSID != nil {
		role := *f.roleSID
		p.RoleSID = &role
	}
	if f.lastReadIndex != nil {
		n := *f.lastReadIndex
		p.LastReadMessageIndex = &n
	}
	if f.lastReadTimestamp != nil {
		ts := *f.lastReadTimestamp
		p.LastReadTimestamp = &ts
	}
	if f.proxy != nil {
		nb := *b
		nb.ProxyAddress = strings.TrimPrefix(*f.proxy, "null")
		p.MessagingBinding = &nb
	}
	if f.projected != nil {
		var nb TwilioMessagingBinding
		if p.MessagingBinding != nil {
			nb = *p.MessagingBinding
		}
		nb.Type, nb.ProjectedAddress = "sms", strings.TrimPrefix(*f.projected, "null")
		p.MessagingBinding = &nb
		if nb == (TwilioMessagingBinding{Type: "sms"}) {
			p.MessagingBinding = nil // a chat participant without a projected address
		}
	}
	if f.dateCreated != nil {
		p.DateCreated = f.dateCreated.UTC().Format(twilioDateLayout)
	}
	p.DateUpdated = s.Server.now().UTC().Format(twilioDateLayout)
	if f.dateUpdated != nil {
		p.DateUpdated = f.dateUpdated.UTC().Format(twilioDateLayout)
	}
	p.webhook = p.webhook || webhook
	if webhook {
		s.emitTwilio("onParticipantUpdated", p, conv)
	}
	writeJSON(w, http.StatusOK, s.render(p, conv, scoped))
}

// bindingType is the messaging_binding type Twilio gives an address.
func bindingType(address string) string {
	switch {
	case strings.HasPrefix(address, "whatsapp:"):
		return "whatsapp"
	case strings.HasPrefix(address, "rcs:"):
		return "rcs"
	}
	return "sms"
}

// createLocked adds a participant to conv unless a duplicate rule refuses
// it.
func (s *TwilioServer) createLocked(w http.ResponseWriter, conv *twilioConversation, scoped bool, f *twilioCreateForm, webhook bool) {
	dup := func(code int, msg string) { twilioFail(w, s.dupStatus, code, msg) }
	for _, p := range conv.participants {
		b := p.MessagingBinding
		switch {
		case f.identity != "" && p.Identity != nil && *p.Identity == f.identity:
			dup(twilioCodeIdentityExists, "A participant with the provided identity already exists in this conversation")
			return
		case f.projected != "" && b != nil && b.ProjectedAddress == f.projected:
			dup(twilioCodeGroupExists, "A group participant with the provided projected address already exists in this conversation")
			return
		case f.hasAddress && f.proxy == "" && b != nil && b.Address == f.address && b.ProxyAddress == "":
			dup(twilioCodeGroupExists, "A group participant with the provided address already exists in this conversation")
			return
		}
	}
	if f.hasAddress && f.proxy != "" {
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
		p.MessagingBinding = &TwilioMessagingBinding{Type: bindingType(f.address), Address: f.address, ProxyAddress: f.proxy}
	case f.projected != "":
		p.MessagingBinding = &TwilioMessagingBinding{Type: "sms", ProjectedAddress: f.projected}
	}
	conv.participants = append(conv.participants, p)
	if webhook {
		s.emitTwilio("onParticipantAdded", p, conv)
	}
	for _, k := range participantKeys(p) {
		if s.stale[k] && conv.removed[k] {
			// The re-add hazard (MarkStale): created, yet answered 404.
			p.stale = true
			twilioFail(w, http.StatusNotFound, twilioCodeNotFound,
				"The requested resource /v1/Services/"+conv.service+"/Conversations/"+conv.sid+"/Participants was not found")
			return
		}
	}
	writeJSON(w, http.StatusCreated, s.render(p, conv, scoped))
}

// listLocked answers GET .../Participants with Twilio's page metadata.
func (s *TwilioServer) listLocked(w http.ResponseWriter, r *http.Request, conv *twilioConversation, scoped bool) {
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
	base := s.base(conv, scoped)
	pageURL := func(p, off int, token bool) string {
		u := fmt.Sprintf("%s?PageSize=%d&Page=%d", base, size, p)
		if token {
			u += "&PageToken=PT" + strconv.Itoa(off)
		}
		return u
	}
	items := []TwilioParticipant{}
	for i := offset; i < len(conv.participants) && i < offset+size; i++ {
		items = append(items, s.render(conv.participants[i], conv, scoped))
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
