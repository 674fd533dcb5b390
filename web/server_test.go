package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mock"
	"github.com/klachtdesk/klachtdesk/web"
)

// store is a fake store for the readiness check: both of its questions
// answer err after delay (or the context's error when it ends first).
func store(err error, delay time.Duration) *mock.HealthService {
	wait := func(ctx context.Context) error {
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return err
	}
	return &mock.HealthService{
		WritableFn: wait,
		StoreStatusFn: func(ctx context.Context) (*klachtdesk.StoreStatus, error) {
			if err := wait(ctx); err != nil {
				return nil, err
			}
			return &klachtdesk.StoreStatus{}, nil
		},
	}
}

// server returns a server asking health about the store, nothing else
// configured.
func server(health klachtdesk.HealthService) *web.Server {
	return web.NewServer(web.Config{Health: health})
}

// get sends one request through the server's handler chain.
func get(t *testing.T, h http.Handler, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHealthz(t *testing.T) {
	s := server(store(errors.New("down"), 0))
	resp := get(t, s, "/healthz")
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got := body(t, resp); strings.TrimSpace(got) != "ok" {
		t.Fatalf("body = %q, want ok", got)
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name       string
		db         klachtdesk.HealthService
		wantStatus int
		wantBody   string
	}{
		{"database answers", store(nil, 0), http.StatusOK, "ready"},
		{"database fails", store(errors.New("disk I/O error at /secret/path"), 0), http.StatusServiceUnavailable, "database unavailable"},
		{"no database", nil, http.StatusServiceUnavailable, "database not configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, server(tt.db), "/readyz")
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			got := body(t, resp)
			if !strings.Contains(got, tt.wantBody) {
				t.Errorf("body = %q, want it to contain %q", got, tt.wantBody)
			}
			if strings.Contains(got, "/secret/path") {
				t.Errorf("body %q leaks the database error", got)
			}
		})
	}
}

func TestReadyzTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 2s readiness timeout")
	}
	start := time.Now()
	resp := get(t, server(store(nil, time.Minute)), "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	if got := body(t, resp); !strings.Contains(got, "does not answer") {
		t.Errorf("body = %q", got)
	}
	// The store would answer after a minute: returning well before that
	// shows the readiness timeout cut the wait (a behaviour, not a speed).
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("readyz took %s: the %s readiness timeout did not cut the wait", d, web.ReadyTimeout)
	}
}

func TestMetrics(t *testing.T) {
	s := server(store(nil, 0))
	get(t, s, "/healthz")
	get(t, s, "/healthz")
	get(t, s, "/no-such-page")
	resp := get(t, s, "/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	got := body(t, resp)
	for _, want := range []string{
		`klachtdesk_http_requests_total{route="GET /healthz",status="200"} 2`,
		`klachtdesk_http_requests_total{route="unmatched",status="404"} 1`,
		`klachtdesk_http_request_duration_seconds_bucket{route="GET /healthz",status="200"`,
		"go_goroutines",
		"process_start_time_seconds",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestIndex(t *testing.T) {
	s := server(store(nil, 0))
	resp := get(t, s, "/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q", ct)
	}
	got := body(t, resp)
	nl, en := strings.Index(got, "Klachtdesk draait"), strings.Index(got, "Klachtdesk is running")
	if nl < 0 || en < 0 || nl > en {
		t.Errorf("page must say Dutch first, English second; got %q", got)
	}
	for _, external := range []string{"http://", "https://", "<script", "style="} {
		if strings.Contains(got, external) {
			t.Errorf("placeholder page contains %q", external)
		}
	}
	if resp := get(t, s, "/elsewhere"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /elsewhere = %d, want 404", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'self'",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	}
	s := server(store(nil, 0))
	for _, path := range []string{"/", "/healthz", "/readyz", "/metrics", "/missing"} {
		t.Run(path, func(t *testing.T) {
			resp := get(t, s, path)
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := server(store(nil, 0))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d, want 405", rec.Code)
	}
}

func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	s := web.NewServer(web.Config{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		// The store panics inside the readiness handler, as a buggy
		// handler would.
		Health: &mock.HealthService{WritableFn: func(context.Context) error { panic("secret internal detail") }},
	})
	resp := get(t, s, "/readyz")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", resp.StatusCode)
	}
	got := body(t, resp)
	if strings.Contains(got, "secret") || strings.Contains(got, "goroutine") {
		t.Errorf("500 answer leaks details: %q", got)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want plain text", ct)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("security headers lost on the 500")
	}
	if !strings.Contains(logs.String(), "secret internal detail") {
		t.Errorf("the panic is not logged: %s", logs.String())
	}
	metrics := body(t, get(t, s, "/metrics"))
	if !strings.Contains(metrics, `klachtdesk_http_requests_total{route="GET /readyz",status="500"} 1`) {
		t.Error("the 500 is not counted")
	}
}

func TestServeAndShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := server(store(nil, 0))
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve returned %v after shutdown, want nil", err)
	}
}
