package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/klachtdesk/klachtdesk"
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

// SMTPConfig is the "smtp" object of the mail configuration.
type SMTPConfig struct {
	Host         string `json:"host"`
	Port         int    `json:"port"`
	TLS          string `json:"tls"` // starttls (default), tls, none
	Username     string `json:"username,omitempty"`
	Password     string `json:"password,omitempty"`
	PasswordFile string `json:"password_file,omitempty"`
	From         string `json:"from"`
	FromName     string `json:"from_name,omitempty"`
	HelloName    string `json:"hello_name,omitempty"`
}

// loadMailConfig reads and checks the mail configuration; "" is none.
func loadMailConfig(path string) (*MailConfig, error) {
	cfg := &MailConfig{}
	if path == "" {
		return cfg, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mail configuration: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return nil, fmt.Errorf("mail configuration %s: %w", path, err)
	}
	for i := range cfg.IMAP {
		if err := cfg.IMAP[i].Check(); err != nil {
			return nil, fmt.Errorf("mail configuration %s: %w", path, err)
		}
	}
	if s := cfg.SMTP; s != nil {
		if s.Password != "" && s.PasswordFile != "" {
			return nil, fmt.Errorf("mail configuration %s: smtp: give password or password_file, not both", path)
		}
		if s.PasswordFile != "" {
			pw, err := os.ReadFile(s.PasswordFile)
			if err != nil {
				return nil, fmt.Errorf("mail configuration %s: smtp password file: %w", path, err)
			}
			s.Password = strings.TrimRight(string(pw), "\r\n")
		}
	}
	return cfg, nil
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
func (c *MailConfig) sender() (*mailsend.Sender, error) {
	s := c.SMTP
	return mailsend.New(mailsend.Config{
		Host: s.Host, Port: s.Port, TLS: s.TLS, Username: s.Username, Password: s.Password,
		From: s.From, FromName: s.FromName, HelloName: s.HelloName,
	})
}

// mailFlag adds --mail-config.
func mailFlag(m *Main, fs *flag.FlagSet) {
	fs.StringVar(&m.opts.mailConfig, "mail-config", "", "mail configuration `FILE` (IMAP mailboxes, SMTP server); see docs/mail.md")
}

// prepareMail loads the mail configuration and points intake at our own
// addresses.
func (m *Main) prepareMail() (*MailConfig, error) {
	cfg, err := loadMailConfig(m.opts.mailConfig)
	if err != nil {
		return nil, err
	}
	m.IntakeService.Own = cfg.ownAddresses()
	return cfg, nil
}

// imapSources returns one source per configured mailbox.
func (m *Main) imapSources(cfg *MailConfig, report func(intake.Result)) []*intake.IMAPSource {
	var out []*intake.IMAPSource
	for _, mb := range cfg.IMAP {
		out = append(out, &intake.IMAPSource{Mailbox: mb, Store: m.IntakeService, Logger: m.Logger, Report: report})
	}
	return out
}

// outboxWorker returns the delivery worker of the configuration.
func (m *Main) outboxWorker(cfg *MailConfig) (*outbox.Worker, error) {
	sender, err := cfg.sender()
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

var fetchCommand = &command{
	name:     "fetch",
	synopsis: "take the mail of the configured IMAP mailboxes",
	usage: `Usage: klachtdesk fetch --mail-config FILE [--once] [--json]

Reads the IMAP mailboxes of the mail configuration, as serve does in the
background: every mail is taken (and durably stored) before it is moved to
the processed folder. With --once it checks each mailbox once and exits;
without, it waits for new mail (IDLE, or polling) until stopped.
With --json it prints one line per mail, as import does.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		mailFlag(m, fs)
		fs.BoolVar(&m.opts.once, "once", false, "check each mailbox once and exit")
		fs.BoolVar(&m.opts.json, "json", false, "print one JSON line per mail")
	},
	store: storeWrite,
	run: func(m *Main, ctx context.Context) error {
		cfg, err := m.prepareMail()
		if err != nil {
			return err
		}
		if len(cfg.IMAP) == 0 {
			return usagef("fetch needs --mail-config naming at least one IMAP mailbox")
		}
		enc := json.NewEncoder(m.Stdout)
		counts := map[klachtdesk.Outcome]int{}
		report := func(r intake.Result) {
			counts[r.Outcome]++
			if m.opts.json {
				enc.Encode(r)
			}
		}
		sources := m.imapSources(cfg, report)
		if m.opts.once {
			var errs []error
			for _, s := range sources {
				if _, err := s.Sync(ctx); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", s.Mailbox.Name(), err))
				}
				s.Close()
			}
			fmt.Fprintln(m.Stderr, importSummary(counts))
			return errors.Join(errs...)
		}
		done := make(chan struct{})
		for _, s := range sources {
			go func() {
				defer func() { done <- struct{}{} }()
				s.Run(ctx)
			}()
		}
		for range sources {
			<-done
		}
		return nil
	},
}

var deliverCommand = &command{
	name:     "deliver",
	synopsis: "send the letters waiting in the outbox",
	usage: `Usage: klachtdesk deliver --mail-config FILE [--once]

Delivers the letters in the outbox over the configured SMTP server, as
serve does in the background. A temporary failure is retried with growing
pauses; a permanent one is recorded on the complaint. With --once it sends
what is due now and exits.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		mailFlag(m, fs)
		fs.BoolVar(&m.opts.once, "once", false, "send what is due now and exit")
	},
	store: storeWrite,
	run: func(m *Main, ctx context.Context) error {
		cfg, err := m.prepareMail()
		if err != nil {
			return err
		}
		if cfg.SMTP == nil {
			return usagef("deliver needs --mail-config with an smtp server")
		}
		w, err := m.outboxWorker(cfg)
		if err != nil {
			return err
		}
		if !m.opts.once {
			return w.Run(ctx)
		}
		var total outbox.Stats
		for {
			st, err := w.DeliverDue(ctx)
			total.Sent, total.Retried, total.Failed = total.Sent+st.Sent, total.Retried+st.Retried, total.Failed+st.Failed
			if err != nil {
				return err
			}
			if st.Sent+st.Retried+st.Failed == 0 {
				break
			}
		}
		_, err = fmt.Fprintf(m.Stdout, "verzonden %d, later opnieuw %d, mislukt %d / sent %d, retry later %d, failed %d\n",
			total.Sent, total.Retried, total.Failed, total.Sent, total.Retried, total.Failed)
		return err
	},
}

// startMail runs intake and delivery in the background of serve, when the
// mail configuration has them.
func (m *Main) startMail(ctx context.Context) error {
	cfg, err := m.prepareMail()
	if err != nil {
		return err
	}
	for _, s := range m.imapSources(cfg, nil) {
		m.wg.Go(func() { s.Run(ctx) })
		m.Logger.Info("IMAP intake started", "mailbox", s.Mailbox.Name())
	}
	if cfg.SMTP != nil {
		w, err := m.outboxWorker(cfg)
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

// messageArg parses the one argument of the message commands.
var messageArg = numberArg("message", "klachtdesk show")

// numberArg returns the argument check of a command that takes one number
// (of a what, as lister prints it: #12) into m.opts.messageID.
func numberArg(what, lister string) func(m *Main, args []string) error {
	return func(m *Main, args []string) error {
		if len(args) != 1 {
			return usagef("give one %s number (as %s prints it: #12)", what, lister)
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
		if err != nil || id < 1 {
			return usagef("%q is not a %s number", args[0], what)
		}
		m.opts.messageID = id
		return nil
	}
}

var messageAcceptCommand = &command{
	name:     "message accept",
	synopsis: "accept a reply from an unverified sender as part of its complaint",
	usage: `Usage: klachtdesk message accept ID

A mail that carries a complaint's reference in its subject but comes from
another address than the complainant's is added to the complaint marked
"unverified sender". After checking it, accept it (the mark goes, an event
records who accepted it) or split it off with "message split".
`,
	args:  messageArg,
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		if err := m.IntakeService.AcceptMessage(ctx, m.opts.messageID); err != nil {
			return err
		}
		_, err := fmt.Fprintf(m.Stdout, "bericht #%d geaccepteerd / message #%d accepted\n", m.opts.messageID, m.opts.messageID)
		return err
	},
}

var messageSplitCommand = &command{
	name:     "message split",
	synopsis: "move a received message into a new complaint of its own",
	usage: `Usage: klachtdesk message split ID

Moves a received message off its complaint into a new complaint, with its
sender as complainant and its text as the description, and queues the
acknowledgement. Both complaints record the move. Use it for a mail that
quoted another complaint's reference, or was threaded to the wrong one.
`,
	args:  messageArg,
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		if _, err := m.prepareMail(); err != nil {
			return err
		}
		c, err := m.IntakeService.SplitMessage(ctx, m.opts.messageID)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(m.Stdout, "%s\n", c.Reference)
		return err
	},
}

var quarantineListCommand = &command{
	name:     "quarantine list",
	synopsis: "print the mails intake refused or could not process, newest first",
	usage: `Usage: klachtdesk quarantine list [--limit N] [--json]

Prints the mails in quarantine, newest first: mails intake refused (our own
address, no sender, …) and mails it could not process. Each kept its reason
and its raw bytes, which "quarantine show" prints. Nothing in quarantine
blocks the mails behind it; a mail is in it once, however often its source
offers it again. --json prints one JSON object per line. Administrators only.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.IntVar(&m.opts.list.limit, "limit", 50, "at most N mails (0: all)")
		fs.BoolVar(&m.opts.json, "json", false, "one JSON object per line")
	},
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		if m.opts.list.limit < 0 {
			return usagef("--limit must be 0 or more")
		}
		list, err := m.IntakeService.QuarantinedMails(ctx, m.opts.list.limit)
		if err != nil {
			return err
		}
		if m.opts.json {
			enc := json.NewEncoder(m.Stdout)
			for _, q := range list {
				if err := enc.Encode(q); err != nil {
					return err
				}
			}
			return nil
		}
		if len(list) == 0 {
			_, err := fmt.Fprintln(m.Stdout, "geen e-mails in quarantaine / no mails in quarantine")
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTAKEN\tOUTCOME\tFROM\tSUBJECT\tREASON")
		for _, q := range list {
			fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%s\n", q.ID, q.TakenAt.Format("2006-01-02 15:04"), q.Outcome,
				dash(ellipsize(oneLine(q.From), 40)), dash(ellipsize(oneLine(q.Subject), 50)), dash(oneLine(q.Reason)))
		}
		return tw.Flush()
	},
}

var quarantineShowCommand = &command{
	name:     "quarantine show",
	synopsis: "print the raw bytes of a mail in quarantine",
	usage: `Usage: klachtdesk quarantine show ID > mail.eml

Writes the mail as it arrived (the number "quarantine list" prints) to
standard output, to inspect it or to import it again elsewhere once the cause
is fixed. Administrators only.
`,
	args:  quarantineArg,
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		rc, err := m.IntakeService.OpenQuarantinedMail(ctx, m.opts.messageID)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(m.Stdout, rc)
		return err
	},
}

var quarantineRetryCommand = &command{
	name:     "quarantine retry",
	synopsis: "take a mail out of quarantine and through intake again",
	usage: `Usage: klachtdesk quarantine retry ID [--json]

Takes a quarantined mail (the number "quarantine list" prints) through
intake again, as it would be taken now: after an upgrade, or once whatever
made it fail is fixed. It keeps its source and its arrival, so its clock
runs from when it came in. In one transaction it leaves the quarantine and
gets its new outcome (a new complaint with its acknowledgement, a reply, …);
a mail refused again is back in quarantine with the new reason. Prints the
outcome as import does. Administrators only.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.BoolVar(&m.opts.json, "json", false, "print the outcome as a JSON object")
	},
	args:  quarantineArg,
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		rc, err := m.IntakeService.OpenQuarantinedMail(ctx, m.opts.messageID)
		if err != nil {
			return err
		}
		raw, err := intake.ReadMail(rc, fmt.Sprintf("quarantined mail #%d", m.opts.messageID))
		rc.Close()
		if err != nil {
			return err
		}
		r, err := m.IntakeService.RetryQuarantined(ctx, m.opts.messageID, klachtdesk.IncomingMail{Raw: raw, Mail: mailparse.Parse(raw, mailparse.Options{})})
		if err != nil {
			return err
		}
		res := intake.Result{Source: fmt.Sprintf("quarantine #%d", m.opts.messageID), Outcome: r.Outcome, Reference: r.Reference, Reason: r.Reason, Unverified: r.Unverified}
		if m.opts.json {
			return json.NewEncoder(m.Stdout).Encode(res)
		}
		_, err = fmt.Fprintf(m.Stdout, "%s: %s %s %s\n", res.Source, res.Outcome, dash(res.Reference), res.Reason)
		return err
	},
}

// quarantineArg reads the number of a quarantined mail.
var quarantineArg = numberArg("quarantine", "klachtdesk quarantine list")

// ellipsize shortens s to at most n runes for a table column, marking the cut.
func ellipsize(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
