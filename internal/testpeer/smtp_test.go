package testpeer

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const smtpMail = "From: klachten@example.org\r\n" +
	"To: piet@example.nl\r\n" +
	"Subject: Ontvangen\r\n" +
	"Message-ID: <ack-1@klachtdesk.test>\r\n" +
	"\r\n" +
	"Uw klacht is ontvangen.\r\n"

// send delivers smtpMail over c to rcpt; c is closed afterwards.
func send(t *testing.T, c *smtp.Client, rcpt string) error {
	t.Helper()
	defer c.Close()
	if err := c.Mail("klachten@example.org", nil); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(smtpMail)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func dialSMTP(t *testing.T, s *SMTPServer) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestSMTPDeliver(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{})
	if err := send(t, dialSMTP(t, s), "piet@example.nl"); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "klachten@example.org" || len(m.To) != 1 || m.To[0] != "piet@example.nl" {
		t.Errorf("envelope = %q -> %q", m.From, m.To)
	}
	if m.MessageID != "ack-1@klachtdesk.test" {
		t.Errorf("MessageID = %q", m.MessageID)
	}
	if string(m.Data) != smtpMail {
		t.Errorf("Data = %q, want %q", m.Data, smtpMail)
	}
}

func TestSMTPFailNext(t *testing.T) {
	tests := []struct {
		name     string
		failRcpt string // FailNext's rcpt
		code     int
		sendTo   string
		wantCode int // of the first delivery; the second one succeeds
	}{
		{"temporary", "piet@example.nl", 451, "piet@example.nl", 451},
		{"permanent any", "", 550, "piet@example.nl", 550},
		{"other recipient", "jan@example.nl", 550, "piet@example.nl", 0},
		{"case-insensitive", "PIET@example.nl", 451, "piet@example.nl", 451},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := StartSMTP(t, SMTPOptions{})
			s.FailNext(tt.failRcpt, 1, tt.code)
			err := send(t, dialSMTP(t, s), tt.sendTo)
			if got := smtpCode(err); got != tt.wantCode {
				t.Fatalf("first delivery: code %d (%v), want %d", got, err, tt.wantCode)
			}
			if err := send(t, dialSMTP(t, s), tt.sendTo); err != nil {
				t.Fatalf("second delivery: %v", err)
			}
			want := 1
			if tt.wantCode == 0 {
				want = 2
			}
			if got := len(s.Messages()); got != want {
				t.Errorf("%d messages recorded, want %d", got, want)
			}
		})
	}
}

func TestSMTPFailNextEnhancedCode(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{})
	s.FailNext("", 1, 451)
	s.FailNext("", 1, 550)
	var se *smtp.SMTPError
	if err := send(t, dialSMTP(t, s), "a@example.nl"); !errors.As(err, &se) || se.EnhancedCode != (smtp.EnhancedCode{4, 3, 0}) {
		t.Errorf("451: %v", err)
	}
	if err := send(t, dialSMTP(t, s), "a@example.nl"); !errors.As(err, &se) || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) {
		t.Errorf("550: %v", err)
	}
}

func TestSMTPDropNext(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{})
	s.DropNext(1)
	err := send(t, dialSMTP(t, s), "piet@example.nl")
	if err == nil {
		t.Fatal("dropped delivery succeeded")
	}
	if smtpCode(err) != 0 {
		t.Errorf("dropped delivery got an SMTP reply: %v", err)
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages recorded after a drop, want 0", n)
	}
	if err := send(t, dialSMTP(t, s), "piet@example.nl"); err != nil {
		t.Fatalf("delivery after the drop: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages recorded, want 1", n)
	}
}

func TestSMTPAuth(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{Username: "outbox", Password: "s3cret"})

	// No AUTH: MAIL is refused.
	if err := send(t, dialSMTP(t, s), "piet@example.nl"); smtpCode(err) != 530 {
		t.Errorf("without AUTH: %v, want 530", err)
	}

	c := dialSMTP(t, s)
	err := c.Auth(sasl.NewPlainClient("", "outbox", "wrong"))
	c.Close()
	if smtpCode(err) != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}

	c = dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", "outbox", "s3cret")); err != nil {
		t.Fatalf("auth: %v", err)
	}
	if err := send(t, c, "piet@example.nl"); err != nil {
		t.Fatalf("send after auth: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestSMTPTLS(t *testing.T) {
	serverTLS, roots := SelfSignedTLS(t)
	clientTLS := &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}

	t.Run("starttls", func(t *testing.T) {
		s := StartSMTP(t, SMTPOptions{TLS: serverTLS})
		c, err := smtp.DialStartTLS(s.Addr, clientTLS)
		if err != nil {
			t.Fatalf("starttls: %v", err)
		}
		if _, ok := c.TLSConnectionState(); !ok {
			t.Error("not TLS after STARTTLS")
		}
		if err := send(t, c, "piet@example.nl"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("starttls untrusted", func(t *testing.T) {
		s := StartSMTP(t, SMTPOptions{TLS: serverTLS})
		c, err := smtp.DialStartTLS(s.Addr, &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "127.0.0.1"})
		if err == nil {
			err = send(t, c, "piet@example.nl") // the handshake may wait for the first command
		}
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Fatalf("STARTTLS with an untrusted certificate: %v, want x509.UnknownAuthorityError", err)
		}
		if n := len(s.Messages()); n != 0 {
			t.Errorf("%d messages, want 0", n)
		}
	})
	t.Run("implicit", func(t *testing.T) {
		s := StartSMTP(t, SMTPOptions{TLS: serverTLS, ImplicitTLS: true, Username: "outbox", Password: "pw"})
		c, err := smtp.DialTLS(s.Addr, clientTLS)
		if err != nil {
			t.Fatalf("dial tls: %v", err)
		}
		if ok, _ := c.Extension("STARTTLS"); ok {
			t.Error("STARTTLS offered on an implicit TLS port")
		}
		if err := c.Auth(sasl.NewPlainClient("", "outbox", "pw")); err != nil {
			t.Fatalf("auth: %v", err)
		}
		if err := send(t, c, "piet@example.nl"); err != nil {
			t.Fatal(err)
		}
		if got := s.Messages(); len(got) != 1 || !strings.Contains(string(got[0].Data), "Uw klacht") {
			t.Errorf("messages = %+v", got)
		}
	})
}

func TestSMTPCloseTwice(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{})
	s.Close()
	s.Close()
	if _, err := smtp.Dial(s.Addr); err == nil {
		t.Error("dial after Close succeeded")
	}
}
