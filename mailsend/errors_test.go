package mailsend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"syscall"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/klachtdesk/klachtdesk/internal/testpeer"
)

// rcptError returns the error of a delivery whose RCPT is answered with
// code, as go-mail reports it (a *gomail.SendError cannot be built outside
// go-mail).
func rcptError(t *testing.T, code int) error {
	t.Helper()
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	srv.FailNext("", 1, code)
	err := newSender(t, srv, nil).Send(context.Background(), testLetter())
	var se *gomail.SendError
	if !errors.As(err, &se) || se.ErrorCode() != code {
		t.Fatalf("RCPT answered %d: got %v", code, err)
	}
	return err
}

// droppedError returns the error of a delivery whose connection is closed
// during DATA.
func droppedError(t *testing.T) error {
	t.Helper()
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	srv.DropNext(1)
	err := newSender(t, srv, nil).Send(context.Background(), testLetter())
	var se *gomail.SendError
	if !errors.As(err, &se) || se.ErrorCode() != 0 {
		t.Fatalf("dropped during DATA: got %v", err)
	}
	return err
}

func dial(err error) error { return fmt.Errorf("smtp x:587: %w", &dialError{err}) }

func TestClassify(t *testing.T) {
	tests := []struct {
		name          string
		err           error
		permanent     bool
		configProblem bool
	}{
		{"nil", nil, false, false},
		{"plain error", errors.New("boom"), false, false},
		{"invalid letter", fmt.Errorf("letter x: %w: empty", ErrInvalidLetter), false, false},

		// Replies within the letter's transaction.
		{"451 RCPT", rcptError(t, 451), false, false},
		{"421 RCPT", rcptError(t, 421), false, false},
		{"550 RCPT", rcptError(t, 550), true, false},
		{"552 RCPT", rcptError(t, 552), true, false},
		{"554 RCPT", rcptError(t, 554), true, false},
		{"530 auth required", rcptError(t, 530), false, true},
		{"535 auth refused", rcptError(t, 535), false, true},
		{"dropped during DATA", droppedError(t), false, false},

		// Before the transaction: connect, greeting, EHLO, STARTTLS, AUTH.
		{"AUTH 535", dial(fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "5.7.8 Authentication failed"})), false, true},
		{"AUTH 454", dial(fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 454, Msg: "4.7.0 Temporary failure"})), false, false},
		{"greeting 554", dial(&textproto.Error{Code: 554, Msg: "5.7.1 No SMTP service here"}), false, true},
		{"greeting 421", dial(&textproto.Error{Code: 421, Msg: "4.3.2 Too busy"}), false, false},
		{"unknown authority", dial(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false, true},
		{"hostname mismatch", dial(x509.HostnameError{Host: "smtp.example.org"}), false, true},
		{"expired", dial(x509.CertificateInvalidError{Reason: x509.Expired}), false, true},
		{"not TLS", dial(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false, true},
		{"alert", dial(&net.OpError{Op: "remote error", Err: tls.AlertError(40)}), false, true},
		{"no STARTTLS", dial(errors.New(`STARTTLS mode set to: "TLSMandatory", but target host does not support STARTTLS`)), false, true},
		{"refused", dial(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), false, false},
		{"reset", dial(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), false, false},
		{"unknown host", dial(&net.DNSError{Err: "no such host", Name: "smtp.example.invalid", IsNotFound: true}), false, true},
		{"dns timeout", dial(&net.DNSError{Err: "timeout", Name: "smtp.example.org", IsTimeout: true}), false, false},
		{"eof", dial(io.EOF), false, false},
		{"deadline", dial(context.DeadlineExceeded), false, false},
		{"cancelled", dial(context.Canceled), false, false},

		// A reply code outside a dial error is no configuration problem.
		{"bare textproto 535", &textproto.Error{Code: 535, Msg: "no"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Permanent(tt.err); got != tt.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", tt.err, got, tt.permanent)
			}
			if got := ConfigProblem(tt.err); got != tt.configProblem {
				t.Errorf("ConfigProblem(%v) = %v, want %v", tt.err, got, tt.configProblem)
			}
		})
	}
}
