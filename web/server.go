// Package web serves Klachtdesk over HTTP. It is the only package besides
// cmd/klachtdesk that imports net/http; the whole route table is in this file.
//
// For now it serves the operational endpoints (liveness, readiness, metrics)
// and a placeholder start page; the staff web app comes later.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Pinger is the part of the database the readiness check needs.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Timeouts of the HTTP server. ReadHeaderTimeout guards against slow-loris
// clients; the others bound a single request so a stuck client cannot hold a
// connection for ever.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second

	// ReadyTimeout is how long /readyz waits for the database to answer.
	ReadyTimeout = 2 * time.Second
)

// Patterns of the operational routes, named because the request log treats
// them differently.
const (
	routeHealthz = "GET /healthz"
	routeReadyz  = "GET /readyz"
	routeMetrics = "GET /metrics"
)

// Server is the HTTP server of Klachtdesk: the route table, the middleware
// around it and the metrics it records.
type Server struct {
	logger   *slog.Logger
	db       Pinger
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
	server   *http.Server
}

// NewServer returns a server that logs to logger and asks db whether it is
// ready. A nil logger discards logs; a nil db makes /readyz answer 503.
func NewServer(logger *slog.Logger, db Pinger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		logger:   logger,
		db:       db,
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
	}
	s.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		s.requests,
		s.duration,
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

// handleReadyz is the readiness check: the database answers in time.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.db == nil {
		writeText(w, http.StatusServiceUnavailable, "database not configured\n")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.logger.Warn("readiness check failed", "err", err)
		if errors.Is(err, context.DeadlineExceeded) {
			writeText(w, http.StatusServiceUnavailable, "database does not answer\n")
			return
		}
		writeText(w, http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	writeText(w, http.StatusOK, "ready\n")
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
