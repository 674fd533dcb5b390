package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/cli"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/mailparse"
	"github.com/klachtdesk/klachtdesk/mailsend"
	"github.com/klachtdesk/klachtdesk/outbox"
)

// MailConfig is the mail configuration file (--mail-config): the IMAP
// mailboxes intake reads and the SMTP server letters leave through.
type MailConfig struct {
	IMAP []intake.Mailbox `json:"imap"`
	SMTP *SMTPConfig      `json:"smtp"`
}

// SMTPConfig is the "smtp" object of the mail configuration: the sender's
// settings, and the password in a file of its own if preferred.
type SMTPConfig struct {
	mailsend.Config
	PasswordFile string `json:"password_file,omitempty"`
}

// loadMailConfig reads and checks the mail configuration in path; "" is
// none.
func loadMailConfig(a *cli.App, path string) (*MailConfig, error) {
	cfg := &MailConfig{}
	if path == "" {
		return cfg, nil
	}
	if err := cfg.load(a, path); err != nil {
		return nil, a.Errorf(cli.MsgMailConfig, path, err)
	}
	return cfg, nil
}

func (cfg *MailConfig) load(a *cli.App, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return cli.PathCause(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return err
	}
	for i := range cfg.IMAP {
		if err := cfg.IMAP[i].Check(); err != nil {
			return err
		}
	}
	if s := cfg.SMTP; s != nil && s.PasswordFile != "" {
		if s.Password != "" {
			return a.Errorf(cli.MsgSMTPPassword)
		}
		pw, err := os.ReadFile(s.PasswordFile)
		if err != nil {
			return a.Errorf(cli.MsgSMTPPassFile, err)
		}
		s.Password = strings.TrimRight(string(pw), "\r\n")
	}
	return nil
}

// ownAddresses are the addresses mail from which is never a complaint:
// the mailboxes read and the sender of our letters.
func (c *MailConfig) ownAddresses() []string {
	var own []string
	for _, mb := range c.IMAP {
		if strings.Contains(mb.Username, "@") {
			own = append(own, mb.Username)
		}
	}
	if c.SMTP != nil && c.SMTP.From != "" {
		own = append(own, c.SMTP.From)
	}
	return own
}

// sender returns the SMTP sender of the configuration.
func (c *MailConfig) sender() (*mailsend.Sender, error) { return mailsend.New(c.SMTP.Config) }

// prepareMail loads the mail configuration and points intake at our own
// addresses.
func (m *Main) prepareMail() error {
	cfg, err := loadMailConfig(m.app, m.Config.MailConfig)
	if err != nil {
		return err
	}
	m.IntakeService.Own = cfg.ownAddresses()
	m.mail = cfg
	return nil
}

// imapSources returns one source per configured mailbox.
func (m *Main) imapSources(report func(intake.Result)) []*intake.IMAPSource {
	var out []*intake.IMAPSource
	for _, mb := range m.mail.IMAP {
		out = append(out, &intake.IMAPSource{Mailbox: mb, Store: m.IntakeService, Logger: m.Logger, Report: report})
	}
	return out
}

// outboxWorker returns the delivery worker of the configuration.
func (m *Main) outboxWorker() (*outbox.Worker, error) {
	sender, err := m.mail.sender()
	if err != nil {
		return nil, err
	}
	return &outbox.Worker{
		Outbox: m.OutboxService,
		Send: func(ctx context.Context, l *klachtdesk.OutgoingLetter) error {
			return sender.Send(ctx, mailsend.LetterOf(l))
		},
		Permanent: func(err error) bool {
			return mailsend.Permanent(err) || errors.Is(err, mailsend.ErrInvalidLetter)
		},
		ConfigProblem: mailsend.ConfigProblem,
		Logger:        m.Logger,
	}, nil
}

// startMail runs intake and delivery in the background of serve, when the
// mail configuration has them.
func (m *Main) startMail(ctx context.Context) error {
	cfg := m.mail
	m.sources = m.imapSources(nil)
	for _, s := range m.sources {
		m.wg.Go(func() { s.Run(ctx) })
		m.Logger.Info("IMAP intake started", "mailbox", s.Mailbox.Name())
	}
	if cfg.SMTP != nil {
		w, err := m.outboxWorker()
		if err != nil {
			return err
		}
		m.wg.Go(func() { w.Run(ctx) })
		m.Logger.Info("outbox delivery started", "smtp", fmt.Sprintf("%s:%d", cfg.SMTP.Host, cfg.SMTP.Port))
	} else {
		m.Logger.Info("no SMTP server configured: letters wait in the outbox", "hint", "--mail-config")
	}
	return nil
}

// mailboxes is how serve's IMAP intake is doing, for /readyz and /metrics.
func (m *Main) mailboxes() []klachtdesk.MailboxStatus {
	out := make([]klachtdesk.MailboxStatus, len(m.sources))
	for i, s := range m.sources {
		out[i] = s.Status()
	}
	return out
}

// mailer is the mail machinery of the commands, built from the intake,
// outbox and mailsend adapters and the mail configuration.
type mailer struct{ m *Main }

// resultOf is an intake result as the command line prints it.
func resultOf(r intake.Result) cli.MailResult {
	return cli.MailResult{Source: r.Source, IntakeResult: klachtdesk.IntakeResult{
		Outcome: r.Outcome, Reference: r.Reference, Reason: r.Reason, Unverified: r.Unverified}}
}

// Fetch takes the mail of the configured IMAP mailboxes.
func (x mailer) Fetch(ctx context.Context, once bool, report func(cli.MailResult)) error {
	if once || len(x.m.mail.IMAP) == 0 {
		return x.eachMailbox(report, func(s *intake.IMAPSource) error { _, err := s.Sync(ctx); return err })
	}
	var wg sync.WaitGroup
	for _, s := range x.m.imapSources(func(r intake.Result) { report(resultOf(r)) }) {
		wg.Go(func() { s.Run(ctx) })
	}
	wg.Wait()
	return nil
}

// Reconcile takes the processed mail a restored store does not know.
func (x mailer) Reconcile(ctx context.Context, report func(cli.MailResult)) (n int, err error) {
	err = x.eachMailbox(report, func(s *intake.IMAPSource) error { k, err := s.Reconcile(ctx); n += k; return err })
	return n, err
}

// eachMailbox runs f once on a source of each configured mailbox.
func (x mailer) eachMailbox(report func(cli.MailResult), f func(*intake.IMAPSource) error) error {
	if len(x.m.mail.IMAP) == 0 {
		return cli.ErrNoMailbox
	}
	var errs []error
	for _, s := range x.m.imapSources(func(r intake.Result) { report(resultOf(r)) }) {
		if err := f(s); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Mailbox.Name(), err))
		}
		s.Close()
	}
	return errors.Join(errs...)
}

// Deliver sends the outbox over the configured SMTP server.
func (x mailer) Deliver(ctx context.Context, once bool) (cli.DeliveryStats, error) {
	if x.m.mail.SMTP == nil {
		return cli.DeliveryStats{}, cli.ErrNoSMTP
	}
	w, err := x.m.outboxWorker()
	if err != nil || !once {
		if err == nil {
			err = w.Run(ctx)
		}
		return cli.DeliveryStats{}, err
	}
	st, err := w.Drain(ctx)
	return cli.DeliveryStats(st), err
}

// RetryQuarantined parses a quarantined mail again and takes it through
// intake.
func (x mailer) RetryQuarantined(ctx context.Context, id int64) (*klachtdesk.IntakeResult, error) {
	in := x.m.IntakeService
	rc, err := in.OpenQuarantinedMail(ctx, id)
	if err != nil {
		return nil, err
	}
	raw, err := intake.ReadMail(rc, fmt.Sprintf("quarantined mail #%d", id))
	rc.Close()
	if err != nil {
		return nil, err
	}
	return in.RetryQuarantined(ctx, id, klachtdesk.IncomingMail{Raw: raw, Mail: mailparse.Parse(raw, mailparse.Options{})})
}
