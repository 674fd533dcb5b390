package mailsend

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
)

// hangGuard bounds waits that should be short, so a hang fails the test
// instead of stalling the suite.
const hangGuard = 10 * time.Second

// newSender returns a Sender for srv; TLS "none" unless change says
// otherwise.
func newSender(t *testing.T, srv *testpeer.SMTPServer, change func(*Config)) *Sender {
	t.Helper()
	host, portStr, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(portStr)
	cfg := Config{
		Host: host, Port: port, TLS: TLSNone,
		From: "klachten@example.org", FromName: "Klachtendesk Gemeente",
		HelloName: "klachtdesk.test", Timeout: hangGuard,
	}
	if change != nil {
		change(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func testLetter() Letter {
	return Letter{
		MessageID:  "ack.KL-2026-0042.1@klachtdesk.test",
		InReplyTo:  "bus-1@example.nl",
		References: []string{"bus-0@example.nl", "bus-1@example.nl"},
		To:         klachtdesk.Address{Name: "Jürgen de Vries", Email: "jurgen@example.nl"},
		Subject:    "Uw klacht KL-2026-0042 is ontvangen — dank u ✓",
		Text: "Beste heer De Vries,\n\nWe hebben uw klacht ontvangen. Binnen zes weken hoort u van ons; " +
			"dat is de termijn die de Algemene wet bestuursrecht ons geeft (één keer te verlengen).\n\n" +
			"Met vriendelijke groet,\nde klachtencoördinator\n",
		Language: "nl",
		Headers: map[string]string{
			"Auto-Submitted":         "auto-replied",
			"X-Klachtdesk-Reference": "KL-2026-0042",
		},
		Date: time.Date(2026, 11, 25, 14, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
}

func onlyMessage(t *testing.T, srv *testpeer.SMTPServer) testpeer.Received {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server has %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode %q: %v", v, err)
	}
	return s
}

func readQP(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatalf("quoted-printable: %v", err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func TestSend(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	s := newSender(t, srv, nil)
	l := testLetter()
	if err := s.Send(context.Background(), l); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := onlyMessage(t, srv)
	if got.MessageID != l.MessageID {
		t.Errorf("Message-ID = %q, want %q", got.MessageID, l.MessageID)
	}
	if got.From != "klachten@example.org" || len(got.To) != 1 || got.To[0] != "jurgen@example.nl" {
		t.Errorf("envelope = %q -> %q", got.From, got.To)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	h := m.Header
	if s := decodeHeader(t, h.Get("Subject")); s != l.Subject {
		t.Errorf("Subject = %q, want %q", s, l.Subject)
	}
	if raw := h.Get("Subject"); !strings.Contains(raw, "=?UTF-8?") {
		t.Errorf("Subject %q is not RFC 2047 encoded", raw)
	}
	for name, want := range map[string]string{
		"Message-Id":                "<" + l.MessageID + ">",
		"In-Reply-To":               "<bus-1@example.nl>",
		"References":                "<bus-0@example.nl> <bus-1@example.nl>",
		"Auto-Submitted":            "auto-replied",
		"X-Klachtdesk-Reference":    "KL-2026-0042",
		"Content-Language":          "nl",
		"Content-Transfer-Encoding": "quoted-printable",
		"Mime-Version":              "1.0",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := h.Get("Content-Type"); !strings.EqualFold(got, "text/plain; charset=UTF-8") {
		t.Errorf("Content-Type = %q", got)
	}
	if d, err := h.Date(); err != nil || !d.Equal(l.Date) {
		t.Errorf("Date = %v (%v), want %v", d, err, l.Date)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Klachtendesk Gemeente" || from[0].Address != "klachten@example.org" {
		t.Errorf("From = %v (%v)", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Jürgen de Vries" || to[0].Address != "jurgen@example.nl" {
		t.Errorf("To = %v (%v)", to, err)
	}
	if h.Get("User-Agent") != "" || h.Get("X-Mailer") != "" {
		t.Errorf("mailer headers sent: %q %q", h.Get("User-Agent"), h.Get("X-Mailer"))
	}
	if body := readQP(t, m.Body); body != l.Text {
		t.Errorf("body = %q, want %q", body, l.Text)
	}
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
	}
}

func TestSendHTML(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	l := testLetter()
	l.HTML = "<p>Beste heer De Vries,</p><p>We hebben uw klacht ontvangen.</p>"
	if err := newSender(t, srv, nil).Send(context.Background(), l); err != nil {
		t.Fatalf("Send: %v", err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(onlyMessage(t, srv).Data))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v)", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	want := []struct{ typ, body string }{{"text/plain", l.Text}, {"text/html", l.HTML}}
	for i, w := range want {
		p, err := mr.NextRawPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct != w.typ {
			t.Errorf("part %d type %q, want %q", i, ct, w.typ)
		}
		if got := strings.TrimRight(readQP(t, p), "\n"); got != strings.TrimRight(w.body, "\n") {
			t.Errorf("part %d body %q, want %q", i, got, w.body)
		}
	}
}

func TestSendTemporaryFailure(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	s := newSender(t, srv, nil)
	l := testLetter()
	srv.FailNext(l.To.Email, 1, 451)
	err := s.Send(context.Background(), l)
	if err == nil {
		t.Fatal("Send succeeded despite 451")
	}
	if Permanent(err) || ConfigProblem(err) {
		t.Errorf("451: Permanent %v, ConfigProblem %v; want temporary: %v", Permanent(err), ConfigProblem(err), err)
	}
	if err := s.Send(context.Background(), l); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := onlyMessage(t, srv).MessageID; got != l.MessageID {
		t.Errorf("Message-ID after retry = %q, want %q", got, l.MessageID)
	}
}

func TestSendPermanentFailure(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	srv.FailNext("", 1, 550)
	err := newSender(t, srv, nil).Send(context.Background(), testLetter())
	if !Permanent(err) || ConfigProblem(err) {
		t.Errorf("550 on RCPT: Permanent %v, ConfigProblem %v; want permanent: %v", Permanent(err), ConfigProblem(err), err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages, want 0", n)
	}
}

func TestSendDroppedDuringData(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	s := newSender(t, srv, nil)
	l := testLetter()
	srv.DropNext(1)
	err := s.Send(context.Background(), l)
	if err == nil {
		t.Fatal("Send succeeded on a dropped connection")
	}
	if Permanent(err) || ConfigProblem(err) {
		t.Errorf("dropped: Permanent %v, ConfigProblem %v; want temporary: %v", Permanent(err), ConfigProblem(err), err)
	}
	if err := s.Send(context.Background(), l); err != nil {
		t.Fatalf("resend: %v", err)
	}
	if got := onlyMessage(t, srv).MessageID; got != l.MessageID {
		t.Errorf("Message-ID of the resend = %q, want %q", got, l.MessageID)
	}
}

func TestResendIsIdentical(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	s := newSender(t, srv, nil)
	l := testLetter()
	for range 2 {
		if err := s.Send(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	if msgs[0].MessageID != l.MessageID || msgs[1].MessageID != l.MessageID {
		t.Errorf("Message-IDs %q, %q; want %q twice", msgs[0].MessageID, msgs[1].MessageID, l.MessageID)
	}
	if !bytes.Equal(msgs[0].Data, msgs[1].Data) {
		t.Errorf("the resend differs:\n%s\n----\n%s", msgs[0].Data, msgs[1].Data)
	}
}

func TestSendAuth(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{Username: "outbox", Password: "s3cret"})
	l := testLetter()

	err := newSender(t, srv, func(c *Config) { c.Username, c.Password = "outbox", "s3cret" }).Send(context.Background(), l)
	if err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	onlyMessage(t, srv)

	err = newSender(t, srv, func(c *Config) { c.Username, c.Password = "outbox", "wrong" }).Send(context.Background(), l)
	if err == nil || !ConfigProblem(err) || Permanent(err) {
		t.Errorf("wrong password: ConfigProblem %v, Permanent %v: %v", ConfigProblem(err), Permanent(err), err)
	}

	// Forgotten credentials: the server refuses MAIL with 530.
	err = newSender(t, srv, nil).Send(context.Background(), l)
	if err == nil || !ConfigProblem(err) || Permanent(err) {
		t.Errorf("no AUTH: ConfigProblem %v, Permanent %v: %v", ConfigProblem(err), Permanent(err), err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestSendNoAuthOffered(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	err := newSender(t, srv, func(c *Config) { c.Username, c.Password = "outbox", "s3cret" }).Send(context.Background(), testLetter())
	if err == nil || !ConfigProblem(err) || Permanent(err) {
		t.Errorf("AUTH not offered: ConfigProblem %v, Permanent %v: %v", ConfigProblem(err), Permanent(err), err)
	}
}

func TestSendTLS(t *testing.T) {
	serverTLS, roots := testpeer.SelfSignedTLS(t)
	tests := []struct {
		name       string
		server     testpeer.SMTPOptions
		change     func(*Config)
		wantErr    bool
		wantConfig bool // ConfigProblem(err)
	}{
		{
			name:   "starttls with auth",
			server: testpeer.SMTPOptions{TLS: serverTLS, Username: "outbox", Password: "s3cret"},
			change: func(c *Config) {
				c.TLS, c.RootCAs, c.Username, c.Password = TLSStartTLS, roots, "outbox", "s3cret"
			},
		},
		{
			name:   "implicit tls with auth",
			server: testpeer.SMTPOptions{TLS: serverTLS, ImplicitTLS: true, Username: "outbox", Password: "s3cret"},
			change: func(c *Config) {
				c.TLS, c.RootCAs, c.Username, c.Password = TLSImplicit, roots, "outbox", "s3cret"
			},
		},
		{
			name:   "none uses offered starttls",
			server: testpeer.SMTPOptions{TLS: serverTLS},
			change: func(c *Config) { c.RootCAs = roots },
		},
		{
			name:       "starttls untrusted certificate",
			server:     testpeer.SMTPOptions{TLS: serverTLS},
			change:     func(c *Config) { c.TLS, c.RootCAs = TLSStartTLS, x509.NewCertPool() },
			wantErr:    true,
			wantConfig: true,
		},
		{
			name:       "implicit tls untrusted certificate",
			server:     testpeer.SMTPOptions{TLS: serverTLS, ImplicitTLS: true},
			change:     func(c *Config) { c.TLS, c.RootCAs = TLSImplicit, x509.NewCertPool() },
			wantErr:    true,
			wantConfig: true,
		},
		{
			name:       "starttls not offered",
			server:     testpeer.SMTPOptions{},
			change:     func(c *Config) { c.TLS, c.RootCAs = TLSStartTLS, roots },
			wantErr:    true,
			wantConfig: true,
		},
		{
			name:       "implicit tls to a plain port",
			server:     testpeer.SMTPOptions{},
			change:     func(c *Config) { c.TLS, c.RootCAs = TLSImplicit, roots },
			wantErr:    true,
			wantConfig: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testpeer.StartSMTP(t, tt.server)
			l := testLetter()
			err := newSender(t, srv, tt.change).Send(context.Background(), l)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Send: %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if ConfigProblem(err) != tt.wantConfig || Permanent(err) {
					t.Errorf("ConfigProblem %v (want %v), Permanent %v: %v", ConfigProblem(err), tt.wantConfig, Permanent(err), err)
				}
				if n := len(srv.Messages()); n != 0 {
					t.Errorf("%d messages, want 0", n)
				}
				return
			}
			if got := onlyMessage(t, srv).MessageID; got != l.MessageID {
				t.Errorf("Message-ID = %q, want %q", got, l.MessageID)
			}
		})
	}
}

// stallingServer answers SMTP until the end of DATA and then never
// replies, like a server that hangs.
func stallingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 4)
	t.Cleanup(func() {
		ln.Close()
		close(conns)
		for c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case conns <- c:
			default:
			}
			go func() {
				r := bufio.NewReader(c)
				io.WriteString(c, "220 stall.test ESMTP\r\n")
				inData := false
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case inData && cmd == ".":
						// Stall: never answer.
					case inData:
					case strings.HasPrefix(cmd, "EHLO"):
						io.WriteString(c, "250-stall.test\r\n250 8BITMIME\r\n")
					case cmd == "DATA":
						inData = true
						io.WriteString(c, "354 go ahead\r\n")
					default:
						io.WriteString(c, "250 ok\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestSendCancelled(t *testing.T) {
	addr := stallingServer(t)
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	s, err := New(Config{Host: host, Port: port, TLS: TLSNone, From: "klachten@example.org", Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { done <- s.Send(ctx, testLetter()) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want context.Canceled", err)
		}
		if Permanent(err) || ConfigProblem(err) {
			t.Errorf("cancelled: Permanent %v, ConfigProblem %v", Permanent(err), ConfigProblem(err))
		}
	case <-time.After(hangGuard):
		t.Fatal("Send did not return after its context was cancelled")
	}
}

func TestSendTimeout(t *testing.T) {
	addr := stallingServer(t)
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	s, err := New(Config{Host: host, Port: port, TLS: TLSNone, From: "klachten@example.org", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Send(context.Background(), testLetter()) }()
	select {
	case err := <-done:
		if err == nil || Permanent(err) || ConfigProblem(err) {
			t.Errorf("Send = %v; want a temporary error", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Send did not give up after its timeout")
	}
}

func TestNew(t *testing.T) {
	valid := Config{Host: "smtp.example.org", From: "klachten@example.org"}
	tests := []struct {
		name     string
		change   func(*Config)
		wantErr  string // substring; "" for success
		wantPort int
	}{
		{"defaults", func(c *Config) {}, "", 587},
		{"implicit default port", func(c *Config) { c.TLS = TLSImplicit }, "", 465},
		{"none default port", func(c *Config) { c.TLS = TLSNone }, "", 25},
		{"explicit port", func(c *Config) { c.Port = 2525 }, "", 2525},
		{"ip host", func(c *Config) { c.Host = "127.0.0.1" }, "", 587},
		{"no host", func(c *Config) { c.Host = " " }, "host is empty", 0},
		{"host with port", func(c *Config) { c.Host = "smtp.example.org:587" }, "bare host name", 0},
		{"host with scheme", func(c *Config) { c.Host = "smtp://smtp.example.org" }, "bare host name", 0},
		{"bad tls", func(c *Config) { c.TLS = "ssl" }, `tls "ssl"`, 0},
		{"bad port", func(c *Config) { c.Port = 70000 }, "port 70000", 0},
		{"password only", func(c *Config) { c.Password = "x" }, "without username", 0},
		{"username only", func(c *Config) { c.Username = "u" }, "without password", 0},
		{"no from", func(c *Config) { c.From = "" }, "from address is empty", 0},
		{"from with name", func(c *Config) { c.From = "Desk <klachten@example.org>" }, "bare address", 0},
		{"bad from", func(c *Config) { c.From = "klachten" }, "from address", 0},
		{"from name newline", func(c *Config) { c.FromName = "a\nBcc: x@y" }, "control characters", 0},
		{"hello with space", func(c *Config) { c.HelloName = "a b" }, "hello name", 0},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "negative", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			s, err := New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if s.cfg.Port != tt.wantPort || s.cfg.Timeout != DefaultTimeout {
					t.Errorf("port %d timeout %v, want %d %v", s.cfg.Port, s.cfg.Timeout, tt.wantPort, DefaultTimeout)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New: %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

func TestSendInvalidLetter(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	s := newSender(t, srv, nil)
	tests := []struct {
		name   string
		change func(*Letter)
	}{
		{"no message-id", func(l *Letter) { l.MessageID = "" }},
		{"message-id with brackets", func(l *Letter) { l.MessageID = "<a@b>" }},
		{"message-id without @", func(l *Letter) { l.MessageID = "abc" }},
		{"message-id with space", func(l *Letter) { l.MessageID = "a b@c" }},
		{"bad in-reply-to", func(l *Letter) { l.InReplyTo = "x\r\nBcc: a@b" }},
		{"bad reference", func(l *Letter) { l.References = []string{"ok@x", ""} }},
		{"no address", func(l *Letter) { l.To.Email = "" }},
		{"address with name", func(l *Letter) { l.To.Email = "Piet <piet@example.nl>" }},
		{"two addresses", func(l *Letter) { l.To.Email = "a@example.nl, b@example.nl" }},
		{"name with newline", func(l *Letter) { l.To.Name = "Piet\r\nBcc: x@y" }},
		{"empty text", func(l *Letter) { l.Text = " \n" }},
		{"bad language", func(l *Letter) { l.Language = "nl_NL" }},
		{"header injection", func(l *Letter) { l.Headers = map[string]string{"X-A": "b\r\nBcc: x@y"} }},
		{"header name with colon", func(l *Letter) { l.Headers = map[string]string{"X-A:": "b"} }},
		{"reserved header", func(l *Letter) { l.Headers = map[string]string{"message-id": "<x@y>"} }},
		{"bcc header", func(l *Letter) { l.Headers = map[string]string{"Bcc": "x@y"} }},
		{"duplicate header", func(l *Letter) { l.Headers = map[string]string{"X-A": "1", "x-a": "2"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLetter()
			tt.change(&l)
			err := s.Send(context.Background(), l)
			if !errors.Is(err, ErrInvalidLetter) {
				t.Errorf("Send: %v, want ErrInvalidLetter", err)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent, want 0", n)
	}
}

func TestSubjectLineBreak(t *testing.T) {
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	l := testLetter()
	l.Subject = "Re: klacht\r\nBcc: stiekem@example.nl"
	if err := newSender(t, srv, nil).Send(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	got := onlyMessage(t, srv)
	if len(got.To) != 1 {
		t.Errorf("envelope recipients %q", got.To)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" {
		t.Errorf("a Bcc header was injected")
	}
	if s := decodeHeader(t, m.Header.Get("Subject")); s != "Re: klacht Bcc: stiekem@example.nl" {
		t.Errorf("Subject = %q", s)
	}
}
