package main

import (
	"context"
	"errors"
	"net"
	"runtime"
	"syscall"

	"github.com/klachtdesk/klachtdesk/cli"
	"github.com/klachtdesk/klachtdesk/sqldb"
	"github.com/klachtdesk/klachtdesk/web"
)

// server is the web server and background loops of serve, as the command
// line runs them.
type server struct{ m *Main }

// Listen opens the listening socket on the configured address.
func (s server) Listen(ctx context.Context) (string, error) {
	m := s.m
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return "", m.app.Errorf(cli.MsgAddrInUse, m.Config.Addr)
		}
		return "", m.app.Errorf(cli.MsgListen, m.Config.Addr, err)
	}
	m.listener = ln
	// The log starts with what runs: which release, built with which Go
	// (the toolchain decides which known vulnerabilities it has). A start
	// refused before this point prints one line: the reason.
	m.Logger.Info("klachtdesk starting", "version", version, "go", runtime.Version(), "platform", runtime.GOOS+"/"+runtime.GOARCH)
	return web.ListenURL(ln.Addr()), nil
}

// Serve starts the mail loops and the HTTP server, and a watcher that shuts
// the server down when ctx ends. It returns once they run.
func (s server) Serve(ctx context.Context) error {
	m := s.m
	ctx, cancel := context.WithCancel(ctx)
	m.cancel, m.done = cancel, ctx.Done()
	m.HTTPServer = web.NewServer(web.Config{Logger: m.Logger, Health: sqldb.NewHealthService(m.DB), Mailboxes: m.mailboxes, SMTP: m.mail.SMTP != nil})
	m.DB.StoreError = m.HTTPServer.StoreError // before any loop writes
	if err := m.startMail(ctx); err != nil {
		cancel()
		return err
	}
	ln := m.listener
	m.wg.Add(3)
	go func() { defer m.wg.Done(); m.AuditService.RunAnchors(ctx, sqldb.AnchorInterval, m.Logger) }()
	go func() {
		defer m.wg.Done()
		if err := m.HTTPServer.Serve(ln); err != nil {
			m.mu.Lock()
			m.serveErr = m.app.Errorf(cli.MsgServeHTTP, ln.Addr(), err)
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
	m.Logger.Info("klachtdesk serving", "url", m.URL(), "data", m.Config.DataDir, "database", m.DB.Name(), "version", version)
	return nil
}

// URL returns the address serve listens on, such as http://127.0.0.1:8080,
// or "" before it listens.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return web.ListenURL(m.listener.Addr())
}
