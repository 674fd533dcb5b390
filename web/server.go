// Package web serves Klachtdesk over HTTP. It is the only package besides
// cmd/klachtdesk that imports net/http; the whole route table is in this file.
//
// For now it serves the operational endpoints (liveness, readiness with a
// named check per part, metrics an operator alerts on) and a placeholder
// start page; the staff web app comes later.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Timeouts of the HTTP server. ReadHeaderTimeout guards against slow-loris
// clients; the others bound a single request so a stuck client cannot hold a
// connection for ever.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second

	// ReadyTimeout is how long /readyz and a scrape of /metrics wait for
	// the store to answer, unless Config.StoreTimeout says otherwise.
	ReadyTimeout = 2 * time.Second
)

// Patterns of the operational routes, named because the request log treats
// them differently.
const (
	routeHealthz = "GET /healthz"
	routeReadyz  = "GET /readyz"
	routeMetrics = "GET /metrics"
)

// Config is what a Server is built from: the services its checks ask and
// their thresholds. A zero threshold takes its default.
type Config struct {
	// Logger receives the request log and failed checks; nil discards.
	Logger *slog.Logger
	// Health answers whether the store takes writes and gives its
	// figures. Nil fails /readyz's store check ("database not
	// configured").
	Health klachtdesk.HealthService
	// Mailboxes returns the status of every IMAP mailbox intake reads,
	// for /readyz and /metrics; nil when intake reads none. It must not
	// block: it is called on every probe and scrape.
	Mailboxes func() []klachtdesk.MailboxStatus
	// SMTP says an SMTP server is configured, so queued letters are
	// expected to leave: only then can the outbox be stuck.
	SMTP bool

	// MailboxPolls and MailboxMinAge: a mailbox fails /readyz when its
	// last successful poll is more than MailboxPolls poll intervals ago
	// and more than MailboxMinAge (defaults DefaultMailboxPolls,
	// DefaultMailboxMinAge).
	MailboxPolls  int
	MailboxMinAge time.Duration
	// OutboxMaxAge: with SMTP, the outbox fails /readyz when its oldest
	// queued letter is older (default DefaultOutboxMaxAge).
	OutboxMaxAge time.Duration
	// StoreTimeout bounds each question to the store (default
	// ReadyTimeout).
	StoreTimeout time.Duration
	// Now is the clock of the checks (default time.Now).
	Now func() time.Time
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MailboxPolls <= 0 {
		cfg.MailboxPolls = DefaultMailboxPolls
	}
	if cfg.MailboxMinAge <= 0 {
		cfg.MailboxMinAge = DefaultMailboxMinAge
	}
	if cfg.OutboxMaxAge <= 0 {
		cfg.OutboxMaxAge = DefaultOutboxMaxAge
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = ReadyTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// Server is the HTTP server of Klachtdesk: the route table, the middleware
// around it and the metrics it records.
type Server struct {
	cfg         Config
	logger      *slog.Logger
	started     time.Time // by cfg.Now: a mailbox not polled yet is given time from here
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	handler     http.Handler
	server      *http.Server
}

// NewServer returns a server built from cfg.
func NewServer(cfg Config) *Server {
	cfg = cfg.withDefaults()
	logger := cfg.Logger
	s := &Server{
		cfg:      cfg,
		logger:   logger,
		started:  cfg.Now(),
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klachtdesk_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "klachtdesk_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "status"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klachtdesk_store_errors_total",
			Help: "Failures of the store itself (not of a request or a mail), by kind: disk_full, read_only, io, busy, corrupt, connection, timeout, other.",
		}, []string{"kind"}),
	}
	for _, kind := range storeErrorKinds {
		s.storeErrors.WithLabelValues(kind)
	}
	s.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		s.requests,
		s.duration,
		// The store errors are sent by the status collector, after
		// the failures its own scrape met.
		newStatusCollector(s),
	)

	// The route table: every URL Klachtdesk answers, in one place.
	mux := http.NewServeMux()
	mux.HandleFunc(routeHealthz, s.handleHealthz)
	mux.HandleFunc(routeReadyz, s.handleReadyz)
	mux.Handle(routeMetrics, promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}))
	mux.HandleFunc("GET /{$}", s.handleIndex)

	// Outermost first: headers on every answer, then logging and metrics,
	// which must see the 500 that recovery writes.
	s.handler = securityHeaders(s.observe(s.recoverPanic(mux)))
	s.server = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return s
}

// ServeHTTP serves one request through the middleware and the route table.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve accepts connections on ln until Shutdown. It returns nil after a
// shutdown and the error that stopped it otherwise.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting connections and waits for the requests in flight
// until ctx ends; then it closes the remaining connections.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.server.Shutdown(ctx)
	if err != nil {
		_ = s.server.Close()
	}
	return err
}

// Registry returns the metrics registry, so that other parts of the program
// can register their own collectors.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// handleHealthz is the liveness check: the process serves HTTP.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeText(w, http.StatusOK, "ok\n")
}

// indexPage is the placeholder start page until the staff web app exists.
// It has no external assets and no inline styles, so the strict
// Content-Security-Policy holds.
const indexPage = `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Klachtdesk</title>
</head>
<body>
<main>
<h1>Klachtdesk draait</h1>
<p>De webomgeving voor medewerkers volgt binnenkort.</p>
<h1 lang="en">Klachtdesk is running</h1>
<p lang="en">The staff web app follows soon.</p>
</main>
</body>
</html>
`

// handleIndex serves the placeholder start page.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(indexPage))
}

// writeText writes a short plain-text answer.
func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}
