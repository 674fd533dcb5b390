package testpeer

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configures StartSMTP.
type SMTPOptions struct {
	// Username and Password, when Username is set, make AUTH PLAIN required
	// before MAIL; it is offered without TLS too.
	Username, Password string
	// TLS, when set, offers STARTTLS, or with ImplicitTLS makes the port
	// speak TLS from the start (as port 465 does).
	TLS         *tls.Config
	ImplicitTLS bool
	// Delay is how long the server waits, after it has taken a message,
	// before it says so: the window in which a sender that dies has
	// delivered a letter it will not know of.
	Delay time.Duration
}

// Received is one message the SMTPServer accepted.
type Received struct {
	From      string // envelope sender
	To        []string
	Data      []byte // the message as sent, CRLF line ends
	MessageID string // Message-ID header without angle brackets, or ""
}

// SMTPServer is an SMTP receiver in the test process with failure
// injection. Its methods are safe for concurrent use.
type SMTPServer struct {
	Addr string // 127.0.0.1:port

	opts   SMTPOptions
	srv    *smtp.Server
	ln     net.Listener
	served chan struct{} // closed when Serve returns

	mu       sync.Mutex
	msgs     []Received
	failures []*failure
	drops    int
	closed   bool
	t        testing.TB
}

type failure struct {
	rcpt string // "" for any
	left int
	code int
}

// StartSMTP starts an SMTP receiver on 127.0.0.1 and closes it when t ends.
func StartSMTP(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	if opts.ImplicitTLS && opts.TLS == nil {
		t.Fatal("testpeer: SMTPOptions.ImplicitTLS needs TLS")
	}
	if opts.Password != "" && opts.Username == "" {
		t.Fatal("testpeer: SMTPOptions.Password without Username")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp: %v", err)
	}
	s := &SMTPServer{Addr: ln.Addr().String(), opts: opts, served: make(chan struct{}), t: t}

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s, c: c}, nil
	}))
	srv.Domain = "testpeer.localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 32 << 20
	srv.ErrorLog = smtpLogger{s}
	if opts.ImplicitTLS {
		ln = tls.NewListener(ln, opts.TLS)
	} else {
		srv.TLSConfig = opts.TLS
	}
	s.srv, s.ln = srv, ln
	go func() {
		defer close(s.served)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(s.Close)
	return s
}

// Messages returns the messages accepted so far, oldest first.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		m.To = append([]string(nil), m.To...)
		m.Data = bytes.Clone(m.Data)
		out[i] = m
	}
	return out
}

// FailNext makes the next n deliveries to rcpt (any recipient when rcpt is
// "") fail at RCPT with code: a 4xx code is a temporary failure (enhanced
// code 4.3.0), a 5xx code a permanent one (5.1.1). Rules add up; the oldest
// matching rule applies first. It panics on a code outside 400–599.
func (s *SMTPServer) FailNext(rcpt string, n int, code int) {
	if code < 400 || code > 599 {
		panic(fmt.Sprintf("testpeer: FailNext code %d is not 4xx or 5xx", code))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{rcpt: rcpt, left: n, code: code})
}

// DropNext makes the server close the connection in the middle of DATA for
// the next n deliveries: the client gets no reply and nothing is recorded.
func (s *SMTPServer) DropNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops += n
}

// Close stops the server and closes open connections. It is safe to call
// more than once.
func (s *SMTPServer) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	_ = s.srv.Close()
	// Serve registers its listener only once running: close it here too.
	_ = s.ln.Close()
	<-s.served
}

// failRcpt returns the injected error for a RCPT to rcpt, or nil.
func (s *SMTPServer) failRcpt(rcpt string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.failures {
		if f.left > 0 && (f.rcpt == "" || strings.EqualFold(f.rcpt, rcpt)) {
			f.left--
			if f.code < 500 {
				return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Injected temporary failure"}
			}
			return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Injected permanent failure: no such user"}
		}
	}
	return nil
}

func (s *SMTPServer) takeDrop() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drops > 0 {
		s.drops--
		return true
	}
	return false
}

// smtpLogger passes go-smtp's error log to the test while it runs: logging
// after a test has ended panics.
type smtpLogger struct{ s *SMTPServer }

func (l smtpLogger) Printf(format string, v ...any) { l.log(fmt.Sprintf(format, v...)) }
func (l smtpLogger) Println(v ...any)               { l.log(fmt.Sprintln(v...)) }

func (l smtpLogger) log(msg string) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if !l.s.closed {
		l.s.t.Logf("smtp server: %s", strings.TrimSpace(msg))
	}
}

// smtpSession is one SMTP connection's state.
type smtpSession struct {
	s      *SMTPServer
	c      *smtp.Conn
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (se *smtpSession) AuthMechanisms() []string {
	if se.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *smtpSession) Auth(mech string) (sasl.Server, error) {
	if se.s.opts.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if (identity != "" && identity != username) ||
			username != se.s.opts.Username || password != se.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.Username != "" && !se.authed {
		// RFC 4954's reply; go-smtp's ErrAuthRequired says 502.
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	se.from, se.to = from, nil
	return nil
}

func (se *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := se.s.failRcpt(to); err != nil {
		return err
	}
	se.to = append(se.to, to)
	return nil
}

func (se *smtpSession) Data(r io.Reader) error {
	if se.s.takeDrop() {
		// Take a little of the message, then hang up without a reply.
		_, _ = io.ReadFull(r, make([]byte, 16))
		_ = se.c.Conn().Close()
		return errors.New("testpeer: connection dropped during DATA")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec := Received{From: se.from, To: append([]string(nil), se.to...), Data: data}
	if m, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		rec.MessageID = strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
	}
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, rec)
	se.s.mu.Unlock()
	time.Sleep(se.s.opts.Delay)
	return nil
}

func (se *smtpSession) Reset() { se.from, se.to = "", nil }

func (se *smtpSession) Logout() error { return nil }
