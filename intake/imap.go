package intake

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mailparse"
)

// Mailbox is an IMAP mailbox intake reads.
type Mailbox struct {
	Host string `json:"host"`
	Port int    `json:"port"` // default 993 for tls, 143 otherwise
	// TLS is "tls" (implicit, the default), "starttls", or "none" (only
	// for a server on the same machine).
	TLS          string `json:"tls"`
	Username     string `json:"username"`
	Password     string `json:"password,omitempty"`
	PasswordFile string `json:"password_file,omitempty"`
	// Folder is read (default INBOX). Taken mail is moved to Processed
	// (default "Klachtdesk-Verwerkt"), mail that could not be processed
	// to Quarantine (default "Klachtdesk-Quarantaine"). With Processed
	// "-", mail stays where it is and is flagged instead (\Seen and
	// $KlachtdeskTaken); so it is, too, on a server without MOVE. The
	// defaults are top-level names because servers differ in their
	// hierarchy separator ("/" or "."); a configured name uses the
	// server's own.
	Folder     string `json:"folder,omitempty"`
	Processed  string `json:"processed_folder,omitempty"`
	Quarantine string `json:"quarantine_folder,omitempty"`
	// PollInterval is the wait between checks when the server has no
	// IDLE, and the longest IDLE before a fresh check (default 1 min).
	PollInterval Duration `json:"poll_interval,omitzero"`
	// Timeout is how long the server may stay silent while a command
	// waits for its answer (default 1 min): then the connection counts as
	// stalled, is dropped and opened again.
	Timeout Duration `json:"timeout,omitzero"`
	// KeepAlive is the longest the connection is left without a command
	// (default 10 min, at most 25): an IDLE is ended and issued again, a
	// pause between polls sends NOOP, well within the 29 minutes after
	// which RFC 2177 lets a server drop an idle client.
	KeepAlive Duration `json:"keepalive,omitzero"`
	// LeaseInterval is how often the instance polling the mailbox renews
	// its lease in the store (default 10 s): several serve instances on
	// one database poll a mailbox one at a time, and another takes over
	// three intervals after the holder stopped renewing (it died).
	LeaseInterval Duration `json:"lease_interval,omitzero"`

	// RootCAs verifies the server (nil: the system's roots); for tests.
	RootCAs *x509.CertPool `json:"-"`
}

// Duration is a time.Duration written as "90s" or "5m" in configuration.
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// takenFlag marks mail taken where it could not be moved.
const takenFlag imap.Flag = "$KlachtdeskTaken"

// Name identifies the mailbox in the state table and in logs:
// user@host:port/folder.
func (mb *Mailbox) Name() string {
	return fmt.Sprintf("%s@%s:%d/%s", mb.Username, mb.Host, mb.Port, mb.Folder)
}

// maxKeepAlive is the longest KeepAlive: RFC 2177 lets a server end an
// IDLE after 29 minutes, RFC 3501 a silent session after 30.
const maxKeepAlive = 25 * time.Minute

// Check fills in defaults and reports the first configuration problem.
func (mb *Mailbox) Check() error {
	mb.setDefaults()
	switch mb.TLS {
	case "tls", "starttls", "none":
	default:
		return fmt.Errorf("IMAP mailbox %s: tls must be tls, starttls or none, not %q", mb.Host, mb.TLS)
	}
	switch {
	case mb.Host == "":
		return errors.New("IMAP mailbox: host is required")
	case mb.Username == "":
		return fmt.Errorf("IMAP mailbox %s: username is required", mb.Host)
	case mb.Password != "" && mb.PasswordFile != "":
		return fmt.Errorf("IMAP mailbox %s: give password or password_file, not both", mb.Host)
	case mb.Processed == mb.Folder || mb.Quarantine == mb.Folder:
		return fmt.Errorf("IMAP mailbox %s: processed and quarantine folders must differ from %s", mb.Host, mb.Folder)
	case time.Duration(mb.KeepAlive) > maxKeepAlive:
		return fmt.Errorf("IMAP mailbox %s: keepalive must be at most %v (servers may drop a client silent for 29 minutes), not %v",
			mb.Host, maxKeepAlive, time.Duration(mb.KeepAlive))
	}
	if mb.PasswordFile != "" {
		b, err := os.ReadFile(mb.PasswordFile)
		if err != nil {
			return fmt.Errorf("IMAP mailbox %s: password file: %w", mb.Host, err)
		}
		mb.Password = strings.TrimRight(string(b), "\r\n")
	}
	return nil
}

// setDefaults fills in the defaults of the fields left empty.
func (mb *Mailbox) setDefaults() {
	if mb.TLS == "" {
		mb.TLS = "tls"
	}
	if mb.Port == 0 {
		mb.Port = 143
		if mb.TLS == "tls" {
			mb.Port = 993
		}
	}
	if mb.Folder == "" {
		mb.Folder = "INBOX"
	}
	if mb.Processed == "" {
		mb.Processed = "Klachtdesk-Verwerkt"
	}
	if mb.Quarantine == "" {
		mb.Quarantine = "Klachtdesk-Quarantaine"
	}
	if mb.PollInterval <= 0 {
		mb.PollInterval = Duration(time.Minute)
	}
	if mb.Timeout <= 0 {
		mb.Timeout = Duration(time.Minute)
	}
	if mb.KeepAlive <= 0 {
		mb.KeepAlive = Duration(10 * time.Minute)
	}
	if mb.LeaseInterval <= 0 {
		mb.LeaseInterval = Duration(10 * time.Second)
	}
}

// MailboxStore is the store an IMAPSource takes mail into: the domain's
// intake service, and the IMAP bookkeeping that lets a restart resume where
// it stopped. UIDVALIDITY and UIDs are IMAP's vocabulary, not the domain's,
// so this interface lives here; sqldb.IntakeService implements it.
type MailboxStore interface {
	klachtdesk.IntakeService

	// MailboxState returns the UIDVALIDITY and the highest UID taken from
	// the named mailbox, zeros for one never read.
	MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)

	// SetMailboxState records the UIDVALIDITY and the highest UID taken,
	// after the mails up to it were taken. Returns EFORBIDDEN for a viewer.
	SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error

	// LeaseMailbox takes or renews the named mailbox's lease for holder,
	// until ttl from now by the store's clock, when it is free, expired
	// or holder's already. held reports whether holder has it; current
	// names the holder of the lease now. Returns EFORBIDDEN for a viewer.
	LeaseMailbox(ctx context.Context, mailbox, holder string, ttl time.Duration) (current string, held bool, err error)

	// ReleaseMailbox gives up holder's lease of the named mailbox; a
	// lease another holds is left alone.
	ReleaseMailbox(ctx context.Context, mailbox, holder string) error
}

// IMAPSource takes the mail of one IMAP mailbox. A mail is fetched with
// BODY.PEEK[] (never marked read by the fetch), taken by the store, and only
// after the store's commit moved out of the folder (or flagged). The UIDs
// taken are remembered per UIDVALIDITY, so a restart resumes where it
// stopped; after a UIDVALIDITY change the folder is read again and the
// store's fingerprints make every mail already taken a duplicate.
//
// Every command has a deadline (Mailbox.Timeout of silence from the
// server): a stalled connection is dropped and opened again. Status may be
// called from any goroutine; the other methods from one at a time.
type IMAPSource struct {
	Mailbox Mailbox
	Store   MailboxStore
	Parse   mailparse.Options
	Logger  *slog.Logger
	// Report, when set, is called with each result.
	Report func(Result)
	// FetchBytes bounds the bytes fetched and held at once (default 32
	// MiB); a single larger mail is still fetched, alone.
	FetchBytes int64
	// Backoff is Run's first pause after a failure (default 1 s); it
	// doubles with each failure in a row up to MaxBackoff (default 5 min).
	Backoff, MaxBackoff time.Duration
	// Holder names this instance in the mailbox's lease (default host
	// name, process ID and a random part): Run polls only while it holds
	// the lease.
	Holder string

	sess   *session
	exists chan uint32
	// failures counts store refusals per UID: a mail that fails
	// repeatedly while the store works is quarantined.
	failures map[imap.UID]int

	// standby is set while another instance holds the mailbox's lease.
	standby bool

	mu     sync.Mutex
	status klachtdesk.MailboxStatus
}

// maxFailures is how often a mail may fail to be taken before it is
// quarantined, so that it never blocks the mails behind it.
const maxFailures = 3

// errStalled is a connection the server stopped answering on.
var errStalled = errors.New("the IMAP server stopped answering")

// Run takes mail until ctx ends: a check, then IDLE (or a pause) until new
// mail arrives, and again. Failures (the server, the connection, or the
// store itself) are logged and retried with a growing pause; a failure of
// the store never counts against a mail. When ctx ends, the connection is
// closed at once, whatever the server does.
//
// Several instances (serve on several machines, one database) may run the
// same mailbox: Run polls only while it holds the mailbox's lease in the
// store, renews it every LeaseInterval, and gives it up when ctx ends. The
// others wait, saying so once in the log, and one of them takes over when
// the holder stops renewing for three intervals (it died).
func (s *IMAPSource) Run(ctx context.Context) error {
	if err := s.Mailbox.Check(); err != nil {
		return err
	}
	s.defaults()
	for ctx.Err() == nil {
		if !s.acquire(ctx) {
			break
		}
		lctx, cancel := context.WithCancel(ctx)
		var renewing sync.WaitGroup
		renewing.Go(func() { s.keepLease(lctx, cancel) })
		s.poll(lctx)
		cancel()
		renewing.Wait()
		s.disconnect()
	}
	s.disconnect()
	// Give the lease up, so that another instance takes over at once
	// rather than when it expires.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.Store.ReleaseMailbox(rctx, s.Mailbox.Name(), s.Holder); err != nil {
		s.Logger.Warn("IMAP intake: could not give up the mailbox's lease; another instance takes over when it expires",
			"mailbox", s.Mailbox.Name(), "err", err)
	}
	return nil
}

// leaseTTL is how long a lease lasts unrenewed: three renewals.
func (s *IMAPSource) leaseTTL() time.Duration { return 3 * time.Duration(s.Mailbox.LeaseInterval) }

// acquire waits until this instance holds the mailbox's lease, and reports
// false when ctx ended first. While another instance holds it, that is
// logged once, and the status counts each confirmation that the holder is
// alive as a check: the mailbox is polled, by the other instance.
func (s *IMAPSource) acquire(ctx context.Context) bool {
	name, interval := s.Mailbox.Name(), time.Duration(s.Mailbox.LeaseInterval)
	backoff := s.Backoff
	for ctx.Err() == nil {
		holder, held, err := s.Store.LeaseMailbox(ctx, name, s.Holder, s.leaseTTL())
		pause := interval
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return false
			}
			s.setError(err)
			s.Logger.Warn("IMAP intake: the mailbox's lease cannot be taken now; retrying", "mailbox", name, "err", err, "retry_in", backoff.String())
			pause, backoff = backoff, min(backoff*2, s.MaxBackoff)
		case held:
			if s.standby {
				s.Logger.Info("IMAP intake: this instance polls the mailbox now", "mailbox", name, "holder", s.Holder)
			}
			s.standby = false
			return true
		default:
			if !s.standby {
				s.Logger.Info("IMAP intake: another instance polls this mailbox; this one waits and takes over if that one stops",
					"mailbox", name, "holder", holder, "takeover_after", s.leaseTTL().String())
			}
			s.standby = true
			backoff = s.Backoff
			s.polled()
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
	return false
}

// keepLease renews the lease every LeaseInterval until ctx ends, and calls
// lost when it is lost: another instance holds it (this one stalled past
// its expiry), or it could not be renewed until it expired. Polling then
// stops at once.
func (s *IMAPSource) keepLease(ctx context.Context, lost context.CancelFunc) {
	name, interval := s.Mailbox.Name(), time.Duration(s.Mailbox.LeaseInterval)
	renewed := time.Now()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		holder, held, err := s.Store.LeaseMailbox(ctx, name, s.Holder, s.leaseTTL())
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && held:
			renewed = time.Now()
			continue
		case err == nil:
			s.Logger.Warn("IMAP intake: another instance took over the mailbox; this one stops polling it",
				"mailbox", name, "holder", holder)
		case time.Since(renewed) < s.leaseTTL()-interval:
			s.Logger.Warn("IMAP intake: the mailbox's lease could not be renewed; retrying", "mailbox", name, "err", err)
			continue
		default:
			s.Logger.Warn("IMAP intake: the mailbox's lease could not be renewed before it expired; this one stops polling it",
				"mailbox", name, "err", err)
		}
		lost()
		return
	}
}

// poll is Run's loop while this instance holds the lease: until ctx ends.
func (s *IMAPSource) poll(ctx context.Context) {
	backoff, failed := s.Backoff, 0
	for ctx.Err() == nil {
		_, err := s.Sync(ctx)
		if err == nil {
			backoff, failed = s.Backoff, 0
			err = s.wait(ctx)
		}
		if err == nil || ctx.Err() != nil {
			continue
		}
		failed++
		s.setError(err)
		level, msg := slog.LevelWarn, "IMAP intake failed; reconnecting"
		switch {
		case klachtdesk.ErrorCode(err) == klachtdesk.EUNAVAILABLE:
			msg = "IMAP intake paused: the store cannot take mail now; no mail is counted as failing"
		case errors.Is(err, errStalled):
			msg = "IMAP connection stalled: dropped; reconnecting"
		}
		if failed >= 3 {
			level = slog.LevelError
		}
		s.Logger.Log(ctx, level, msg, "mailbox", s.Mailbox.Name(), "err", err, "failures", failed, "retry_in", backoff.String())
		s.disconnect()
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, s.MaxBackoff)
	}
}

func (s *IMAPSource) defaults() {
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.failures == nil {
		s.failures = map[imap.UID]int{}
	}
	if s.FetchBytes <= 0 {
		s.FetchBytes = 32 << 20
	}
	if s.Backoff <= 0 {
		s.Backoff = time.Second
	}
	if s.MaxBackoff < s.Backoff {
		s.MaxBackoff = max(5*time.Minute, s.Backoff)
	}
	if s.Holder == "" {
		s.Holder = holderName()
	}
}

// holderName names this process in a mailbox lease: host name, process ID
// and a random part, so that a restarted process on the same host (which
// may get the same ID) does not count as the one that held the lease.
func holderName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Status returns how intake of the mailbox is doing: when it was last
// checked successfully, when a mail was last taken, the last failure.
// Safe for concurrent use.
func (s *IMAPSource) Status() klachtdesk.MailboxStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := s.Mailbox // a copy: Run may be filling in its defaults
	mb.setDefaults()
	st := s.status
	st.Mailbox, st.PollInterval = mb.Name(), time.Duration(mb.PollInterval)
	return st
}

// polled records a successful check of the mailbox.
func (s *IMAPSource) polled() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.LastPoll, s.status.LastError = time.Now(), ""
}

// setError records the last failure.
func (s *IMAPSource) setError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.LastError = err.Error()
}

// Close logs out.
func (s *IMAPSource) Close() error {
	s.disconnect()
	return nil
}

func (s *IMAPSource) disconnect() {
	if s.sess != nil {
		s.sess.close()
		s.sess = nil
	}
}

// session is one connection to the server, watched for stalls: while a
// command waits for its answer, the server must send something at least
// every timeout, or the connection is closed (which ends every call
// waiting on it).
type session struct {
	client  *imapclient.Client
	conn    *watchedConn
	timeout time.Duration
	// busy is when the command waiting for its answer began (UnixNano),
	// 0 while none waits.
	busy    atomic.Int64
	stalled atomic.Bool
	done    chan struct{}
}

// watchedConn records when bytes last arrived.
type watchedConn struct {
	net.Conn
	lastRead atomic.Int64 // UnixNano
}

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.lastRead.Store(time.Now().UnixNano())
	}
	return n, err
}

// watch closes the connection when a command has waited longer than the
// timeout without a byte from the server.
func (ss *session) watch() {
	tick := time.NewTicker(max(ss.timeout/4, time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ss.done:
			return
		case now := <-tick.C:
			since := ss.busy.Load()
			if since == 0 {
				continue
			}
			if last := ss.conn.lastRead.Load(); last > since {
				since = last
			}
			if now.Sub(time.Unix(0, since)) > ss.timeout {
				ss.stalled.Store(true)
				ss.conn.Close()
				return
			}
		}
	}
}

// close ends the session: the connection is closed, not logged out, so
// that a stalled server cannot hold it.
func (ss *session) close() {
	select {
	case <-ss.done:
		return
	default:
	}
	close(ss.done)
	ss.conn.Close()
	if ss.client != nil {
		ss.client.Close()
	}
}

// command runs one exchange with the server under the stall watchdog.
func (s *IMAPSource) command(what string, f func(c *imapclient.Client) error) error {
	ss := s.sess
	if ss == nil {
		return fmt.Errorf("%s: not connected", what)
	}
	ss.busy.Store(time.Now().UnixNano())
	err := f(ss.client)
	ss.busy.Store(0)
	if ss.stalled.Load() {
		return fmt.Errorf("%s: %w (silent for more than %v)", what, errStalled, ss.timeout)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// closeOnDone closes the connection as soon as ctx ends, so that no call
// waits on a server that does not answer; the returned function stops that.
func (s *IMAPSource) closeOnDone(ctx context.Context) (stop func() bool) {
	ss := s.sess
	if ss == nil {
		return func() bool { return false }
	}
	return context.AfterFunc(ctx, func() { ss.conn.Close() })
}

func (s *IMAPSource) connect(ctx context.Context) error {
	if s.sess != nil {
		return nil
	}
	mb := &s.Mailbox
	s.exists = make(chan uint32, 1)
	exists := s.exists
	tlsConfig := &tls.Config{ServerName: mb.Host, RootCAs: mb.RootCAs, MinVersion: tls.VersionTLS12}
	opts := &imapclient.Options{
		TLSConfig: tlsConfig,
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select { // runs on the reader goroutine: never block
					case exists <- *d.NumMessages:
					default:
					}
				}
			},
			Fetch: func(*imapclient.FetchMessageData) {},
		},
	}
	addr := net.JoinHostPort(mb.Host, strconv.Itoa(mb.Port))
	timeout := time.Duration(mb.Timeout)
	raw, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	ss := &session{conn: &watchedConn{Conn: raw}, timeout: timeout, done: make(chan struct{})}
	go ss.watch()
	s.sess = ss
	stop := s.closeOnDone(ctx)
	defer stop()
	err = s.command("connect to "+addr, func(*imapclient.Client) error {
		var err error
		switch mb.TLS {
		case "tls":
			tc := tls.Client(ss.conn, tlsConfig)
			if err = tc.HandshakeContext(ctx); err == nil {
				ss.client = imapclient.New(tc, opts)
			}
		case "starttls":
			ss.client, err = imapclient.NewStartTLS(ss.conn, opts)
		default:
			ss.client = imapclient.New(ss.conn, opts)
		}
		return err
	})
	if err == nil {
		err = s.command("log in to "+addr+" as "+mb.Username, func(c *imapclient.Client) error {
			return c.Login(mb.Username, mb.Password).Wait()
		})
	}
	if err != nil {
		s.disconnect()
		return err
	}
	return nil
}

// open checks the mailbox's configuration and connects, for one command
// run (Sync, Reconcile); stop ends the watch that closes the connection
// when ctx ends.
func (s *IMAPSource) open(ctx context.Context) (stop func() bool, err error) {
	if err := s.Mailbox.Check(); err != nil {
		return nil, err
	}
	s.defaults()
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s.closeOnDone(ctx), nil
}

// Sync takes every mail in the folder not taken before and returns how many
// it handed to the store.
func (s *IMAPSource) Sync(ctx context.Context) (int, error) {
	stop, err := s.open(ctx)
	if err != nil {
		return 0, err
	}
	defer stop()
	n, err := s.sync(ctx)
	if err == nil {
		s.polled()
	}
	return n, err
}

func (s *IMAPSource) sync(ctx context.Context) (int, error) {
	mb := &s.Mailbox
	var sel *imap.SelectData
	if err := s.command("select "+mb.Folder, func(c *imapclient.Client) (err error) {
		sel, err = c.Select(mb.Folder, nil).Wait()
		return err
	}); err != nil {
		return 0, err
	}
	validity, last, err := s.Store.MailboxState(ctx, mb.Name())
	if err != nil {
		return 0, err
	}
	if validity != sel.UIDValidity {
		if validity != 0 {
			s.Logger.Warn("IMAP UIDVALIDITY changed: reading the folder again; mail taken before counts as duplicate",
				"mailbox", mb.Name(), "was", validity, "now", sel.UIDValidity)
		}
		validity, last = sel.UIDValidity, 0
		if err := s.Store.SetMailboxState(ctx, mb.Name(), validity, last); err != nil {
			return 0, err
		}
	}
	if sel.NumMessages == 0 {
		return 0, nil
	}
	var data *imap.SearchData
	if err := s.command("search "+mb.Folder, func(c *imapclient.Client) (err error) {
		data, err = c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(last + 1), Stop: 0}}}}, nil).Wait()
		return err
	}); err != nil {
		return 0, err
	}
	uids := slices.DeleteFunc(data.AllUIDs(), func(u imap.UID) bool { return uint32(u) <= last }) // "N:*" includes the last UID
	slices.Sort(uids)
	canMove, err := s.canMove()
	if err != nil {
		return 0, err
	}
	if canMove {
		for _, folder := range []string{mb.Processed, mb.Quarantine} {
			if err := s.ensureFolder(folder); err != nil {
				return 0, err
			}
		}
	}
	n := 0
	for len(uids) > 0 {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		chunk := uids[:min(fetchBatch, len(uids))]
		uids = uids[len(chunk):]
		k, err := s.takeChunk(ctx, chunk, validity, canMove)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// caps returns the server's capabilities, which the client may have to ask
// for.
func (s *IMAPSource) caps() (imap.CapSet, error) {
	var caps imap.CapSet
	err := s.command("capability", func(c *imapclient.Client) error {
		caps = c.Caps()
		return nil
	})
	return caps, err
}

// canMove reports whether taken mail is moved (else it is flagged).
func (s *IMAPSource) canMove() (bool, error) {
	caps, err := s.caps()
	return caps.Has(imap.CapMove) && s.Mailbox.Processed != "-", err
}

// fetchBatch is the most mails one round of intake fetches and takes in one
// transaction; IMAPSource.FetchBytes bounds their size together.
const fetchBatch = 50

// takeChunk takes the mails of uids (ascending): fetched together, taken in
// one durable transaction where they can be, released together, and the
// mailbox state moved past them. A chunk with a mail that failed before, or
// whose transaction fails, is taken one mail at a time, so that a mail that
// keeps failing is counted, and quarantined, on its own.
func (s *IMAPSource) takeChunk(ctx context.Context, uids []imap.UID, validity uint32, canMove bool) (int, error) {
	one := func(uids []imap.UID) (int, error) {
		n := 0
		for _, uid := range uids {
			taken, quarantined, err := s.takeOne(ctx, uid)
			if err != nil {
				return n, err
			}
			if taken {
				n++
				if err := s.release([]imap.UID{uid}, quarantined, canMove); err != nil {
					return n, err
				}
			}
			if err := s.Store.SetMailboxState(ctx, s.Mailbox.Name(), validity, uint32(uid)); err != nil {
				return n, err
			}
		}
		return n, nil
	}
	for _, uid := range uids {
		if s.failures[uid] > 0 {
			return one(uids)
		}
	}
	n := 0
	for len(uids) > 0 {
		part, err := s.fetchPart(uids)
		if err != nil {
			return n, err
		}
		uids = uids[len(part.uids):]
		k, rest, err := s.takeFetched(ctx, part, canMove)
		n += k
		if err != nil {
			return n, err
		}
		if len(rest) > 0 {
			// The store failed, or could not take some mail as it came:
			// those go one at a time, and the state waits for them.
			k, err := one(rest)
			n += k
			if err != nil {
				return n, err
			}
		}
		if err := s.Store.SetMailboxState(ctx, s.Mailbox.Name(), validity, uint32(part.uids[len(part.uids)-1])); err != nil {
			return n, err
		}
	}
	return n, nil
}

// fetched is a part of a chunk: its UIDs (ascending) and the mails the
// server still had of them, by UID.
type fetched struct {
	uids  []imap.UID
	mails map[imap.UID]*imapclient.FetchMessageBuffer
}

// fetchPart fetches the first mails of uids that fit FetchBytes together
// (at least one), with BODY.PEEK[] so that nothing is marked read.
func (s *IMAPSource) fetchPart(uids []imap.UID) (fetched, error) {
	var sizes []*imapclient.FetchMessageBuffer
	if err := s.command(fmt.Sprintf("fetch sizes of %d mails", len(uids)), func(c *imapclient.Client) (err error) {
		sizes, err = c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		return err
	}); err != nil {
		return fetched{}, err
	}
	size := make(map[imap.UID]int64, len(sizes))
	for _, m := range sizes {
		size[m.UID] = m.RFC822Size
	}
	var total int64
	end := 0
	for end < len(uids) && (end == 0 || total+size[uids[end]] <= s.FetchBytes) {
		total += size[uids[end]]
		end++
	}
	part := fetched{uids: uids[:end], mails: map[imap.UID]*imapclient.FetchMessageBuffer{}}
	var msgs []*imapclient.FetchMessageBuffer
	if err := s.command(fmt.Sprintf("fetch %d mails", len(part.uids)), func(c *imapclient.Client) (err error) {
		msgs, err = c.Fetch(imap.UIDSetNum(part.uids...), &imap.FetchOptions{
			UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{peekBody},
		}).Collect()
		return err
	}); err != nil {
		return fetched{}, err
	}
	for _, m := range msgs {
		part.mails[m.UID] = m
	}
	return part, nil
}

// peekBody is BODY.PEEK[]: the whole mail, not marked read.
var peekBody = &imap.FetchItemBodySection{Peek: true}

// takeFetched hands the fetched mails to the store in one batch and
// releases those it took. rest are the UIDs it did not take, in order: all
// of them from the first one the store failed on, or a mail without body.
func (s *IMAPSource) takeFetched(ctx context.Context, part fetched, canMove bool) (n int, rest []imap.UID, err error) {
	items := make(chan Item, len(part.uids))
	byUID := map[string]imap.UID{}
	var order []imap.UID
	for _, uid := range part.uids {
		m, ok := part.mails[uid]
		if !ok {
			continue // expunged meanwhile
		}
		raw := m.FindBodySection(peekBody)
		if raw == nil {
			continue // left for takeOne, which quarantines it
		}
		source := s.source(uid)
		byUID[source] = uid
		order = append(order, uid)
		items <- Item{Source: source, ReceivedAt: m.InternalDate, Raw: raw}
	}
	close(items)
	done := map[imap.UID]Result{}
	p := &Pipeline{Store: s.Store, Batch: len(order), Parse: s.Parse}
	runErr := p.Run(ctx, items, func(r Result) { done[byUID[r.Source]] = r })
	var processed, quarantined []imap.UID
	for _, uid := range part.uids {
		r, ok := done[uid]
		if _, fetched := part.mails[uid]; !fetched {
			continue
		}
		if !ok || !r.Taken {
			rest = append(rest, uid)
			continue
		}
		s.report(r)
		delete(s.failures, uid)
		if r.Outcome == klachtdesk.OutcomeError {
			quarantined = append(quarantined, uid)
		} else {
			processed = append(processed, uid)
		}
	}
	unavailable := klachtdesk.ErrorCode(runErr) == klachtdesk.EUNAVAILABLE || ctx.Err() != nil
	if runErr != nil && !unavailable {
		s.Logger.Warn("IMAP intake: a batch failed; taking its mails one at a time", "mailbox", s.Mailbox.Name(), "mails", len(rest), "err", runErr)
	}
	if err := s.release(processed, false, canMove); err != nil {
		return 0, nil, err
	}
	if err := s.release(quarantined, true, canMove); err != nil {
		return 0, nil, err
	}
	if unavailable {
		// The store itself failed: the rest waits, and counts against no mail.
		return len(processed) + len(quarantined), nil, runErr
	}
	return len(processed) + len(quarantined), rest, nil
}

func (s *IMAPSource) source(uid imap.UID) string {
	return fmt.Sprintf("imap:%s uid %d", s.Mailbox.Name(), uid)
}

// report passes a result on and logs it.
func (s *IMAPSource) report(res Result) {
	if res.Taken {
		s.mu.Lock()
		s.status.LastTaken = time.Now()
		s.mu.Unlock()
	}
	if s.Report != nil {
		s.Report(res)
	}
	s.Logger.Info("mail taken", "source", res.Source, "outcome", res.Outcome, "reference", res.Reference, "reason", res.Reason)
}

// takeOne fetches one mail and hands it to the store. taken reports whether
// the store now holds it durably (so the source may let go of it).
func (s *IMAPSource) takeOne(ctx context.Context, uid imap.UID) (taken, quarantined bool, err error) {
	var msgs []*imapclient.FetchMessageBuffer
	if err := s.command(fmt.Sprintf("fetch UID %d", uid), func(c *imapclient.Client) (err error) {
		msgs, err = c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
			UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{peekBody},
		}).Collect()
		return err
	}); err != nil {
		return false, false, err
	}
	if len(msgs) == 0 {
		return false, false, nil // expunged meanwhile
	}
	raw := msgs[0].FindBodySection(peekBody)
	source := s.source(uid)
	it := Item{Source: source, ReceivedAt: msgs[0].InternalDate, Raw: raw}
	if raw == nil {
		it.Err = errors.New("the server sent no body")
	}
	p := &Pipeline{Store: s.Store, Batch: 1, Workers: 1, Parse: s.Parse}
	items := make(chan Item, 1)
	items <- it
	close(items)
	var res Result
	if err := p.Run(ctx, items, func(r Result) { res = r }); err != nil {
		if klachtdesk.ErrorCode(err) == klachtdesk.EUNAVAILABLE || ctx.Err() != nil {
			// The store itself failed (disk full, read-only, …), not
			// the mail: it stays where it is and counts nothing.
			return false, false, err
		}
		// Leave the mail where it is, unless it keeps failing on its
		// own while the store otherwise works.
		s.failures[uid]++
		if s.failures[uid] < maxFailures {
			return false, false, err
		}
		res = Result{Source: source, Outcome: klachtdesk.OutcomeError}
		reason := fmt.Sprintf("failed %d times: %v", s.failures[uid], err)
		in := klachtdesk.IncomingMail{Source: source, ReceivedAt: it.ReceivedAt, Raw: raw}
		if raw != nil { // so that the quarantine shows its sender and subject
			in.Mail = mailparse.Parse(raw, s.Parse)
		}
		if qerr := s.Store.Quarantine(ctx, in, reason); qerr != nil {
			return false, false, err
		}
		res.Reason, res.Taken = "quarantined: "+reason, true
	}
	if it.Err != nil && !res.Taken {
		// Unreadable here: quarantine what there is, so the mails behind
		// it are not blocked.
		if err := s.Store.Quarantine(ctx, klachtdesk.IncomingMail{Source: source, ReceivedAt: it.ReceivedAt, Raw: raw}, it.Err.Error()); err != nil {
			return false, false, err
		}
		res.Reason, res.Taken = "quarantined: "+it.Err.Error(), true
	}
	delete(s.failures, uid)
	s.report(res)
	return res.Taken, res.Outcome == klachtdesk.OutcomeError, nil
}

// release lets go of taken mails: moved to the processed folder (or the
// quarantine), or flagged where they cannot be moved.
func (s *IMAPSource) release(uids []imap.UID, quarantined, canMove bool) error {
	if len(uids) == 0 {
		return nil
	}
	set := imap.UIDSetNum(uids...)
	if canMove {
		target := s.Mailbox.Processed
		if quarantined {
			target = s.Mailbox.Quarantine
		}
		// A nil error with no source UIDs means the mails were gone already
		// (moved by an earlier run that died before saving its state).
		return s.command(fmt.Sprintf("move UIDs %v to %s", set, target), func(c *imapclient.Client) error {
			_, err := c.Move(set, target).Wait()
			return err
		})
	}
	return s.command(fmt.Sprintf("flag UIDs %v", set), func(c *imapclient.Client) error {
		return c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen, takenFlag}}, nil).Close()
	})
}

// ensureFolder creates a folder unless it exists.
func (s *IMAPSource) ensureFolder(name string) error {
	return s.command("create folder "+name, func(c *imapclient.Client) error {
		err := c.Create(name, nil).Wait()
		var ie *imap.Error
		if err == nil || errors.As(err, &ie) && (ie.Code == imap.ResponseCodeAlreadyExists || strings.Contains(strings.ToLower(ie.Text), "exists")) {
			return nil
		}
		return err
	})
}

// wait blocks until new mail may have arrived: IDLE where the server offers
// it, else a pause of PollInterval. Neither leaves the connection without a
// command for longer than KeepAlive: IDLE is ended and the mailbox checked
// again, a pause sends NOOP (whose answer also tells of new mail).
func (s *IMAPSource) wait(ctx context.Context) error {
	interval, keep := time.Duration(s.Mailbox.PollInterval), time.Duration(s.Mailbox.KeepAlive)
	if s.sess == nil {
		return nil
	}
	stop := s.closeOnDone(ctx)
	defer stop()
	caps, err := s.caps()
	if err != nil {
		return err
	}
	// Drain a notification that arrived while syncing.
	select {
	case <-s.exists:
	default:
	}
	closed := s.sess.client.Closed()
	if !caps.Has(imap.CapIdle) {
		end := time.Now().Add(interval)
		for {
			left := time.Until(end)
			if left <= 0 {
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-s.exists:
				return nil
			case <-closed:
				return errors.New("the server closed the connection")
			case <-time.After(min(left, keep)):
			}
			if time.Until(end) > 0 {
				if err := s.command("noop", func(c *imapclient.Client) error { return c.Noop().Wait() }); err != nil {
					return err
				}
			}
		}
	}
	var idle *imapclient.IdleCommand
	if err := s.command("idle", func(c *imapclient.Client) (err error) {
		idle, err = c.Idle()
		return err
	}); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-s.exists:
	case <-closed:
	case <-time.After(min(interval, keep)):
	}
	err = s.command("end idle", func(*imapclient.Client) error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Reconcile takes every mail intake let go of that the store does not
// know: after a restore of an older backup, the mails taken since that
// backup sit in the processed folder (or, flagged, in the folder itself)
// while the store lost them. Each mail there is looked up by fingerprint in
// the intake log; a mail not found is taken as it would be now, once (a
// second Reconcile finds it), and stays where it is. Mails in the
// quarantine folder are not read. Returns how many mails it took; each is
// reported.
func (s *IMAPSource) Reconcile(ctx context.Context) (int, error) {
	stop, err := s.open(ctx)
	if err != nil {
		return 0, err
	}
	defer stop()
	mb := &s.Mailbox
	canMove, err := s.canMove()
	if err != nil {
		return 0, err
	}
	folder, criteria := mb.Processed, &imap.SearchCriteria{}
	if !canMove {
		folder, criteria = mb.Folder, &imap.SearchCriteria{Flag: []imap.Flag{takenFlag}}
	}
	var sel *imap.SelectData
	if err := s.command("examine "+folder, func(c *imapclient.Client) (err error) {
		sel, err = c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		return err
	}); err != nil {
		return 0, err
	}
	if sel.NumMessages == 0 {
		return 0, nil
	}
	var data *imap.SearchData
	if err := s.command("search "+folder, func(c *imapclient.Client) (err error) {
		data, err = c.UIDSearch(criteria, nil).Wait()
		return err
	}); err != nil {
		return 0, err
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	n := 0
	for len(uids) > 0 {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		part, err := s.fetchPart(uids[:min(fetchBatch, len(uids))])
		if err != nil {
			return n, err
		}
		uids = uids[len(part.uids):]
		k, err := s.takeUnknown(ctx, folder, part)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// takeUnknown takes the fetched mails the store does not know, in UID
// order, in one batch.
func (s *IMAPSource) takeUnknown(ctx context.Context, folder string, part fetched) (int, error) {
	there := s.Mailbox
	there.Folder = folder
	items := make(chan Item, len(part.uids))
	for _, uid := range part.uids {
		m, ok := part.mails[uid]
		if !ok {
			continue
		}
		raw := m.FindBodySection(peekBody)
		if raw == nil {
			continue
		}
		known, err := s.Store.Taken(ctx, mailparse.Parse(raw, s.Parse).Fingerprint)
		if err != nil {
			return 0, err
		}
		if !known {
			items <- Item{Source: fmt.Sprintf("imap:%s uid %d (reconciled)", there.Name(), uid), ReceivedAt: m.InternalDate, Raw: raw}
		}
	}
	close(items)
	if len(items) == 0 {
		return 0, nil
	}
	n := 0
	p := &Pipeline{Store: s.Store, Batch: len(items), Parse: s.Parse}
	err := p.Run(ctx, items, func(r Result) {
		if r.Taken {
			n++
		}
		s.report(r)
	})
	return n, err
}
