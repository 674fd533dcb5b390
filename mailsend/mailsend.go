// Package mailsend delivers letters over SMTP, one letter per connection,
// with github.com/wneessen/go-mail. It sends the Message-ID it is given, so
// a letter sent again after a crash or a lost connection can be recognised
// as the same letter, and it sorts failures into permanent (the address is
// refused), temporary (retry) and configuration problems (alert staff).
package mailsend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/klachtdesk/klachtdesk"
)

// TLS modes of Config.TLS.
const (
	TLSStartTLS = "starttls" // STARTTLS required (the default)
	TLSImplicit = "tls"      // TLS from the first byte, as on port 465
	TLSNone     = "none"     // tests and local relays: STARTTLS when offered
)

// DefaultTimeout bounds one delivery when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says where and how letters leave.
type Config struct {
	Host string `json:"host"`
	Port int    `json:"port"` // 0: 587 for starttls, 465 for tls, 25 for none

	// TLS is "starttls" (default; the server must offer STARTTLS), "tls"
	// (implicit TLS) or "none" (only for tests and local relays; STARTTLS
	// is used when offered).
	TLS string `json:"tls"`

	// Username and Password are used for AUTH (PLAIN, else LOGIN) when
	// Username is set.
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`

	From     string `json:"from"` // envelope sender and From header address
	FromName string `json:"from_name,omitempty"`
	// HelloName is the name in EHLO; "" is this machine's host name.
	HelloName string `json:"hello_name,omitempty"`

	Timeout time.Duration `json:"-"` // per delivery; 0 is DefaultTimeout
	// RootCAs verifies the server's certificate; nil is the system pool.
	RootCAs *x509.CertPool `json:"-"`
}

// Letter is one mail to send.
type Letter struct {
	// MessageID, without angle brackets, is sent as is: a resend of the
	// letter must carry the same one. Required.
	MessageID string
	// InReplyTo and References thread the letter; Message-IDs without
	// angle brackets, sent as given.
	InReplyTo  string
	References []string

	To      klachtdesk.Address
	Subject string // RFC 2047 encoded when not ASCII
	Text    string // plain-text UTF-8 body, sent quoted-printable; required
	HTML    string // optional alternative to Text

	Language string // Content-Language: "nl", "en"; "" for none

	// Headers are extra unstructured header fields, for example
	// "Auto-Submitted: auto-replied" on automatic letters and
	// "X-Klachtdesk-Reference". They cannot replace a field Send writes
	// itself (From, To, Subject, Message-ID, Date, MIME fields, …).
	Headers map[string]string

	Date time.Time // zero: now
}

// LetterOf is the mail of a letter from the outbox: our Message-ID, threaded
// to the mail it answers, and the X-Klachtdesk-Reference header naming its
// complaint. An automatic letter (klachtdesk.LetterKind.Automatic) says so
// as RFC 3834 asks, with Auto-Submitted: auto-replied, and asks Exchange
// not to answer it (X-Auto-Response-Suppress: All), so that well-behaved
// auto-responders do not answer it and start a loop. A letter staff caused
// carries neither: an answer to it is welcome.
func LetterOf(l *klachtdesk.OutgoingLetter) Letter {
	h := map[string]string{"X-Klachtdesk-Reference": l.Reference}
	if l.Automatic {
		h["Auto-Submitted"] = "auto-replied"
		h["X-Auto-Response-Suppress"] = "All"
	}
	out := Letter{
		MessageID: l.MessageID, To: l.To, Subject: l.Subject, Text: l.Text,
		Language: string(l.Language), Headers: h, Date: l.CreatedAt,
	}
	if l.InReplyTo != "" {
		out.InReplyTo, out.References = l.InReplyTo, []string{l.InReplyTo}
	}
	return out
}

// ErrInvalidLetter is wrapped by Send's error for a letter that cannot be
// sent as it is (no Message-ID, a malformed address or header). No
// connection is made for it.
var ErrInvalidLetter = errors.New("invalid letter")

// Sender sends letters. It is safe for concurrent use; every Send uses its
// own connection.
type Sender struct {
	cfg Config
}

// New checks cfg and returns a Sender for it.
func New(cfg Config) (*Sender, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("smtp configuration: %w", err)
	}
	return &Sender{cfg: cfg}, nil
}

// check validates cfg and fills in defaults.
func (cfg *Config) check() error {
	cfg.Host = strings.TrimSpace(cfg.Host)
	switch {
	case cfg.Host == "":
		return errors.New("host is empty")
	case strings.ContainsAny(cfg.Host, " /:@") && net.ParseIP(cfg.Host) == nil:
		return fmt.Errorf("host %q: give a bare host name, without scheme, port or user", cfg.Host)
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	defaultPort := map[string]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}
	p, ok := defaultPort[cfg.TLS]
	if !ok {
		return fmt.Errorf("tls %q: want %q, %q or %q", cfg.TLS, TLSStartTLS, TLSImplicit, TLSNone)
	}
	if cfg.Port == 0 {
		cfg.Port = p
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return fmt.Errorf("port %d: out of range", cfg.Port)
	}
	if cfg.Username == "" && cfg.Password != "" {
		return errors.New("password given without username")
	}
	if cfg.Username != "" && cfg.Password == "" {
		return fmt.Errorf("username %q given without password", cfg.Username)
	}
	if cfg.From == "" {
		return errors.New("from address is empty")
	}
	if err := checkAddress(cfg.From); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if hasControl(cfg.FromName) {
		return errors.New("from name contains control characters")
	}
	if strings.ContainsFunc(cfg.HelloName, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return fmt.Errorf("hello name %q: want a host name", cfg.HelloName)
	}
	switch {
	case cfg.Timeout < 0:
		return fmt.Errorf("timeout %v is negative", cfg.Timeout)
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	}
	return nil
}

// Send delivers l. Its error tells what to do next: see Permanent and
// ConfigProblem; anything else is worth retrying. Cancelling ctx breaks
// off the delivery; the letter then may or may not have been accepted.
func (s *Sender) Send(ctx context.Context, l Letter) error {
	m, err := s.message(l)
	if err != nil {
		return fmt.Errorf("letter %s: %w: %w", l.MessageID, ErrInvalidLetter, err)
	}

	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	d := &dialer{cfg: &s.cfg}
	// go-mail honours ctx only while dialling: closing the connection
	// breaks off whatever it is doing afterwards.
	stop := context.AfterFunc(ctx, d.close)
	defer stop()
	defer d.close()

	c, err := gomail.NewClient(s.cfg.Host, s.clientOptions(d)...)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.addr(), err)
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.fail(ctx, &dialError{err})
	}
	if err := c.SendWithSMTPClient(sc, m); err != nil && !m.IsDelivered() {
		return s.fail(ctx, err)
	}
	// The server accepted the letter: what QUIT answers does not matter.
	_ = c.CloseWithSMTPClient(sc)
	return nil
}

// fail wraps a delivery error, with the context's error when it was the
// cause (a closed connection is all go-mail sees).
func (s *Sender) fail(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("smtp %s: %w (%w)", s.addr(), ctxErr, err)
	}
	return fmt.Errorf("smtp %s: %w", s.addr(), err)
}

func (s *Sender) addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}

func (s *Sender) clientOptions(d *dialer) []gomail.Option {
	cfg := &s.cfg
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithDialContextFunc(d.dial),
		gomail.WithTLSConfig(d.tlsConfig()),
	}
	switch cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		// The dialer speaks TLS itself; go-mail must not try STARTTLS.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if cfg.HelloName != "" {
		opts = append(opts, gomail.WithHELO(cfg.HelloName))
	}
	if cfg.Username != "" {
		// PLAIN and LOGIN refuse to send the password over a connection
		// without TLS, except to localhost.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return opts
}

// dialer makes the connection of one delivery and keeps it, so that a
// cancelled context can close it.
type dialer struct {
	cfg    *Config
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

func (d *dialer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: d.cfg.Host, RootCAs: d.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

// dial connects, with TLS from the start in implicit mode (go-mail does
// that only with its own dialer).
func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if !d.keep(conn) {
		conn.Close()
		if err := context.Cause(ctx); err != nil {
			return nil, err
		}
		return nil, net.ErrClosed
	}
	if d.cfg.TLS != TLSImplicit {
		return conn, nil
	}
	tc := tls.Client(conn, d.tlsConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	d.keep(tc)
	return tc, nil
}

// keep records conn as the connection to close; false when close came
// first.
func (d *dialer) keep(conn net.Conn) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	d.conn = conn
	return true
}

func (d *dialer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.conn != nil {
		d.conn.Close()
	}
}

// message builds the mail of l.
func (s *Sender) message(l Letter) (*gomail.Msg, error) {
	if err := checkMessageID(l.MessageID); err != nil {
		return nil, fmt.Errorf("message-id: %w", err)
	}
	if l.InReplyTo != "" {
		if err := checkMessageID(l.InReplyTo); err != nil {
			return nil, fmt.Errorf("in-reply-to: %w", err)
		}
	}
	refs := make([]string, 0, len(l.References))
	for _, r := range l.References {
		if err := checkMessageID(r); err != nil {
			return nil, fmt.Errorf("references: %w", err)
		}
		refs = append(refs, "<"+r+">")
	}
	if err := checkAddress(l.To.Email); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if hasControl(l.To.Name) {
		return nil, errors.New("to: name contains control characters")
	}
	if strings.TrimSpace(l.Text) == "" {
		return nil, errors.New("text is empty")
	}
	if l.Language != "" && !isLanguageTag(l.Language) {
		return nil, fmt.Errorf("language %q is not a language tag", l.Language)
	}
	extra := make(map[string]string, len(l.Headers))
	for k, v := range l.Headers {
		if err := checkHeader(k, v); err != nil {
			return nil, err
		}
		ck := strings.ToLower(k)
		if _, dup := extra[ck]; dup {
			return nil, fmt.Errorf("header %s given twice", k)
		}
		extra[ck] = k
	}

	m := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	if err := m.EnvelopeFrom(s.cfg.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	m.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, &mail.Address{Name: s.cfg.FromName, Address: s.cfg.From})
	m.SetAddrHeaderFromMailAddress(gomail.HeaderTo, &mail.Address{Name: l.To.Name, Address: l.To.Email})
	m.SetMessageIDWithValue(l.MessageID)
	if l.InReplyTo != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+l.InReplyTo+">")
	}
	if len(refs) > 0 {
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	date := l.Date
	if date.IsZero() {
		date = time.Now()
	}
	m.SetDateWithValue(date)
	// A line break in a subject would end the header: fold all
	// whitespace runs into single spaces.
	m.Subject(strings.Join(strings.Fields(l.Subject), " "))
	if l.Language != "" {
		m.SetGenHeader(gomail.HeaderContentLang, l.Language)
	}
	for _, k := range extra {
		m.SetGenHeader(gomail.Header(k), l.Headers[k])
	}
	m.SetBodyString(gomail.TypeTextPlain, l.Text)
	if l.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, l.HTML)
	}
	return m, nil
}

// reservedHeaders are written by Send itself (or would change where the
// letter goes) and cannot come from Letter.Headers.
var reservedHeaders = map[string]bool{
	"from": true, "sender": true, "to": true, "cc": true, "bcc": true,
	"subject": true, "date": true, "message-id": true, "in-reply-to": true,
	"references": true, "mime-version": true, "content-type": true,
	"content-transfer-encoding": true, "content-language": true,
	"return-path": true,
}

func checkHeader(name, value string) error {
	if name == "" {
		return errors.New("header with an empty name")
	}
	for _, r := range name {
		if r <= ' ' || r > '~' || r == ':' {
			return fmt.Errorf("header name %q: want printable ASCII without colon", name)
		}
	}
	if reservedHeaders[strings.ToLower(name)] {
		return fmt.Errorf("header %s is written by the sender itself", name)
	}
	if hasControl(value) {
		return fmt.Errorf("header %s: value contains control characters", name)
	}
	return nil
}

// checkMessageID accepts an RFC 5322 msg-id without its angle brackets:
// printable ASCII, one "@", no white space.
func checkMessageID(id string) error {
	switch {
	case id == "":
		return errors.New("empty")
	case strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r > '~' || r == '<' || r == '>' }):
		return fmt.Errorf("%q: want printable ASCII without brackets or spaces", id)
	case strings.Count(id, "@") != 1 || strings.HasPrefix(id, "@") || strings.HasSuffix(id, "@"):
		return fmt.Errorf("%q: want left@right", id)
	}
	return nil
}

// checkAddress accepts a bare mail address, as used in SMTP commands.
func checkAddress(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return fmt.Errorf("%q: %w", addr, err)
	}
	if a.Address != addr || a.Name != "" {
		return fmt.Errorf("%q: want a bare address like name@example.org", addr)
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f })
}

// isLanguageTag accepts the shape of a BCP 47 tag: "nl", "en-GB".
func isLanguageTag(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if len(part) < 1 || len(part) > 8 || (i == 0 && len(part) < 2) {
			return false
		}
		for _, r := range part {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
				return false
			}
		}
	}
	return true
}
