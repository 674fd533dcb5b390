package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
)

// securityHeaders sets the headers every answer carries: no MIME sniffing,
// only our own resources, no referrer to other sites, no framing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// observe logs every request and records it in the request metrics, labelled
// with the route pattern that matched (never the raw path, which would give
// every complaint reference its own time series).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)

		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		// ServeMux sets r.Pattern on the request it routes; an unmatched
		// request (404, 405) has none.
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		code := strconv.Itoa(status)
		s.requests.WithLabelValues(route, code).Inc()
		s.duration.WithLabelValues(route, code).Observe(elapsed.Seconds())
		s.logger.LogAttrs(r.Context(), levelFor(route, status), "http request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", elapsed),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// recoverPanic turns a panicking handler into a plain 500. The panic and its
// stack go to the log, never to the client.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				// The documented way to abort a response: let net/http
				// close the connection quietly.
				panic(v)
			}
			s.logger.Error("panic in HTTP handler",
				"method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
				// Headers are gone: the client sees a cut-off answer, which
				// is the best that can be done now.
				return
			}
			h := w.Header()
			for k := range h {
				if k != "X-Content-Type-Options" && k != "Content-Security-Policy" &&
					k != "Referrer-Policy" && k != "X-Frame-Options" {
					h.Del(k)
				}
			}
			writeText(w, http.StatusInternalServerError, "Interne fout / Internal server error\n")
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status code and size of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the status and passes it on.
func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

// Write records an implicit 200 and the number of bytes written.
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (flush,
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// levelFor logs server errors louder than ordinary requests, and successful
// probes and scrapes, which come every few seconds, only at debug level.
func levelFor(route string, status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status < 400 && (route == routeHealthz || route == routeReadyz || route == routeMetrics):
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
