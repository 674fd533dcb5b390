package mailsend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
)

// dialError marks a failure before the letter's transaction began:
// connecting, the greeting, EHLO, STARTTLS or AUTH.
type dialError struct{ err error }

func (e *dialError) Error() string { return "connect: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// Permanent reports whether err means the letter can never be delivered as
// addressed, so retrying is pointless: only a 5xx reply to MAIL, RCPT or
// DATA. Everything else is temporary: 4xx replies, a connection lost during
// DATA (the letter may or may not have arrived), network, dial, TLS and
// AUTH errors. The exceptions are 530 and 535 (authentication required or
// refused, RFC 4954): they say our settings are wrong, not the letter, and
// are a ConfigProblem.
func Permanent(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	code := se.ErrorCode()
	return code >= 500 && code <= 599 && !authCode(code)
}

// ConfigProblem reports whether err is most likely a fault in our own mail
// settings, for staff to be alerted while the letter is retried: AUTH
// refused or not possible, a TLS handshake or certificate failure, STARTTLS
// required but not offered, a 5xx reply to the greeting or EHLO, an unknown
// host, or a 530/535 reply to MAIL.
func ConfigProblem(err error) bool {
	if err == nil {
		return false
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		return authCode(se.ErrorCode())
	}
	var de *dialError
	if !errors.As(err, &de) {
		return false
	}
	if isTLSError(err) {
		return true
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 500
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsNotFound
	}
	var netErr net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &netErr) {
		return false
	}
	// What remains are go-mail's own refusals, which only settings cause:
	// no STARTTLS on offer, no usable AUTH mechanism, a password that
	// would travel unencrypted.
	return true
}

// authCode reports the SMTP replies about authentication (RFC 4954):
// 530 required, 535 refused.
func authCode(code int) bool { return code == 530 || code == 535 }

// isTLSError reports a TLS handshake or certificate failure.
func isTLSError(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
	)
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &alert) {
		return true
	}
	// crypto/tls returns an alert the server sent as a *net.OpError with
	// Op "remote error" around an unexported type.
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}
