package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/web"
)

// serveCommand runs the web server.
var serveCommand = &command{
	name:     "serve",
	synopsis: "run the web server",
	usage: `Usage: klachtdesk serve [flags]

Creates the data folder when missing, opens the database (running any
pending migration) and serves Klachtdesk over HTTP until SIGINT or SIGTERM,
then finishes the requests in flight and stops.

On the very first start, with no users yet, it creates the user "admin" with
a random password and prints the address, user name and password once.

Endpoints: / (start page), /healthz (liveness), /readyz (database answers),
/metrics (Prometheus).

With --mail-config FILE it also takes the mail of the configured IMAP
mailboxes (IDLE, or polling) and delivers the outbox over the configured SMTP
server, in the background; see docs/mail.md.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.StringVar(&m.Config.Addr, "addr", DefaultAddr, "`HOST:PORT` to listen on")
		mailFlag(m, fs)
	},
	store: storeWrite,
	run:   (*Main).runServe,
}

// runServe listens, creates the first administrator when there is none, and
// starts serving. It returns once the server accepts connections.
func (m *Main) runServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot listen on %s: the address is already in use (is klachtdesk already running? choose another with --addr)", m.Config.Addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	url := listenURL(ln.Addr())

	if err := m.bootstrapAdmin(ctx, url); err != nil {
		return err
	}
	if err := m.warnOrganisation(ctx); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	m.cancel, m.done = cancel, ctx.Done()
	if err := m.startMail(ctx); err != nil {
		cancel()
		return err
	}
	m.HTTPServer = web.NewServer(m.Logger, m.DB)

	m.wg.Add(2)
	go func() {
		defer m.wg.Done()
		if err := m.HTTPServer.Serve(ln); err != nil {
			m.mu.Lock()
			m.serveErr = fmt.Errorf("serve HTTP on %s: %w", ln.Addr(), err)
			m.mu.Unlock()
			cancel()
		}
	}()
	go func() {
		defer m.wg.Done()
		<-ctx.Done()
		m.Logger.Info("shutting down", "timeout", ShutdownTimeout.String())
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
		defer scancel()
		if err := m.HTTPServer.Shutdown(sctx); err != nil {
			m.Logger.Warn("requests still in flight were cut off", "err", err)
		}
	}()

	m.Logger.Info("klachtdesk serving", "url", url, "data", m.Config.DataDir, "database", m.databaseName(), "version", version)
	return nil
}

// warnOrganisation says in one log line which of the organisation's
// details are still unset or the seed's placeholders: until they are set,
// letters wait in the outbox.
func (m *Main) warnOrganisation(ctx context.Context) error {
	s, err := m.SettingsService.Settings(ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	if missing := klachtdesk.MissingOrganisationDetails(s); len(missing) > 0 {
		m.Logger.Warn("organisatiegegevens ontbreken, brieven wachten tot ze zijn ingevuld / organisation details missing, letters wait until they are set",
			"settings", strings.Join(missing, ", "), "set_with", "klachtdesk settings set KEY VALUE")
	}
	return nil
}

// URL returns the address serve listens on, such as http://127.0.0.1:8080,
// or "" before it listens.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return listenURL(m.listener.Addr())
}

// databaseName names the database for the log without its credentials.
func (m *Main) databaseName() string {
	if m.DB != nil && m.DB.Path() != "" {
		return m.DB.Path()
	}
	if i := strings.Index(m.Config.DB, "://"); i >= 0 {
		return m.Config.DB[:i] + "://…"
	}
	return m.Config.DB
}

// listenURL is the URL a browser on this machine reaches addr at.
func listenURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s/", net.JoinHostPort(host, fmt.Sprint(tcp.Port)))
}

// bootstrapAdmin creates the user admin with a random password when the
// store has no users, and prints the credentials once, with the URL to log
// in at (or, without one, how to start the server). A store that has users
// (every start after the first) prints nothing.
func (m *Main) bootstrapAdmin(ctx context.Context, url string) error {
	n, err := m.UserService.CountUsers(ctx)
	if err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return nil
	}
	password := generatePassword(20)
	admin := &klachtdesk.User{Username: "admin", Name: "Beheerder", Role: klachtdesk.RoleAdmin, Active: true}
	if err := m.UserService.CreateUser(ctx, admin, password); klachtdesk.ErrorCode(err) == klachtdesk.ECONFLICT {
		// Another process created it first; it printed the password.
		return nil
	} else if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	m.Logger.Info("created the first administrator", "username", admin.Username)
	where := "Adres / URL:             " + url
	if url == "" {
		where = "Starten / Start:         klachtdesk serve --data " + m.Config.DataDir
	}
	_, err = fmt.Fprintf(m.Stdout, `
================================================================
 Klachtdesk is voor het eerst gestart.
 Klachtdesk has started for the first time.

   %s
   Gebruiker / User:        %s
   Wachtwoord / Password:   %s

 Bewaar dit wachtwoord nu: het wordt niet opnieuw getoond.
 Wijzig het met: klachtdesk user passwd %s
 Save this password now: it is not shown again.
 Change it with: klachtdesk user passwd %s
================================================================

`, where, admin.Username, password, admin.Username, admin.Username)
	return err
}

// passwordAlphabet leaves out characters that are easily confused when a
// password is read off a screen: 0 O o, 1 l I.
const passwordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// generatePassword returns n characters drawn uniformly from
// passwordAlphabet with crypto/rand.
func generatePassword(n int) string {
	// Reject bytes past the largest multiple of the alphabet size, so every
	// character is equally likely.
	limit := 256 - 256%len(passwordAlphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		rand.Read(buf) // never fails (Go 1.24+)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			}
		}
	}
	return string(out)
}
