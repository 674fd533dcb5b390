package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/cli"
	_ "modernc.org/sqlite" // driver "sqlite", to tamper with the audit trail
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is what one run of the program printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// newTestMain returns a program on buffers, with an environment of its own
// (the test process's KLACHTDESK_* variables never leak in).
func newTestMain(env map[string]string, stdin string) (*Main, *syncBuffer, *syncBuffer) {
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	m := NewMain()
	m.Stdin = strings.NewReader(stdin)
	m.Stdout, m.Stderr = stdout, stderr
	m.Getenv = func(k string) string { return env[k] }
	return m, stdout, stderr
}

// run executes one command in-process, as the binary would.
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	m, stdout, stderr := newTestMain(env, stdin)
	code := m.Execute(context.Background(), args)
	return result{stdout.String(), stderr.String(), code}
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	r := run(t, nil, stdin, args...)
	if r.code != 0 {
		t.Fatalf("klachtdesk %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// checkOneLine asserts that a failure printed one clean line on stderr.
func checkOneLine(t *testing.T, r result, wantCode int, want ...string) {
	t.Helper()
	if r.code != wantCode {
		t.Errorf("exit code = %d, want %d (stderr %q)", r.code, wantCode, r.stderr)
	}
	if lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n"); len(lines) != 1 || lines[0] == "" {
		t.Errorf("stderr must be one line, got %d: %q", len(lines), r.stderr)
	}
	for _, bad := range []string{"goroutine", "panic", "code="} {
		if strings.Contains(r.stdout+r.stderr, bad) {
			t.Errorf("output contains %q: %q", bad, r.stderr)
		}
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q lacks %q", r.stderr, w)
		}
	}
}

// startServe runs serve in-process on a free port and returns the program
// once it listens; cancel stops it.
func startServe(t *testing.T, dataDir string) (m *Main, stdout, stderr *syncBuffer, cancel context.CancelFunc) {
	t.Helper()
	m, stdout, stderr = newTestMain(nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.ParseFlags(ctx, []string{"serve", "--data", dataDir, "--addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx); err != nil {
		cancel()
		t.Fatalf("serve: %v\nstderr: %s", err, stderr)
	}
	t.Cleanup(func() { cancel(); m.Close() })
	return m, stdout, stderr, cancel
}

// httpGet returns the status and body of a GET.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var passwordRE = regexp.MustCompile(`Password:\s+(\S+)`)

func TestServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	start := time.Now()
	m, stdout, _, cancel := startServe(t, dir)

	code, body := httpGet(t, m.URL()+"healthz")
	if code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	// How fast is measured by bench/startup (docs/benchmarks.md), not here.
	t.Logf("serving /healthz %s after start on an empty folder", time.Since(start))
	if code, body := httpGet(t, m.URL()+"readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q", code, body)
	}
	if _, body := httpGet(t, m.URL()); !strings.Contains(body, "Klachtdesk draait") {
		t.Errorf("start page = %q", body)
	}

	// The first start prints the administrator's credentials, once.
	out := stdout.String()
	if n := strings.Count(out, "Password:"); n != 1 {
		t.Fatalf("credentials printed %d times on the first start:\n%s", n, out)
	}
	for _, want := range []string{m.URL(), "User:       admin", "not shown again", "klachtdesk user passwd admin"} {
		if !strings.Contains(out, want) {
			t.Errorf("credentials block lacks %q:\n%s", want, out)
		}
	}
	match := passwordRE.FindStringSubmatch(out)
	if match == nil || len(match[1]) != 20 || strings.Trim(match[1], cli.PasswordAlphabet) != "" {
		t.Errorf("password %q: want 20 characters of the unambiguous alphabet", match)
	}
	if _, err := m.UserService.Authenticate(context.Background(), "admin", match[1]); err != nil {
		t.Errorf("the printed password does not log in: %v", err)
	}
	cancel()
	m.Wait()
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	// A second start on the same data prints nothing of the sort.
	m2, stdout2, _, cancel2 := startServe(t, dir)
	defer cancel2()
	if code, _ := httpGet(t, m2.URL()+"healthz"); code != http.StatusOK {
		t.Errorf("second start: /healthz = %d", code)
	}
	if out := stdout2.String(); strings.Contains(out, "Wachtwoord") || strings.Contains(out, "Password") {
		t.Errorf("second start printed credentials again:\n%s", out)
	}
}

// TestServeLogsGoVersion: the first log line of serve names the release
// and the Go toolchain it was built with.
func TestServeLogsGoVersion(t *testing.T) {
	_, _, stderr, _ := startServe(t, t.TempDir())
	first, _, _ := strings.Cut(stderr.String(), "\n")
	if !strings.Contains(first, "go="+runtime.Version()) || !strings.Contains(first, "version=dev") {
		t.Errorf("first log line %q does not name the Go version %s", first, runtime.Version())
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	m, _, stderr, cancel := startServe(t, t.TempDir())
	addr := strings.TrimSuffix(strings.TrimPrefix(m.URL(), "http://"), "/")
	if code, _ := httpGet(t, m.URL()+"healthz"); code != http.StatusOK {
		t.Fatalf("/healthz = %d", code)
	}
	// The GET above left an idle keep-alive connection in the client's
	// pool: it must not keep the server from stopping.
	cancel() // what SIGINT or SIGTERM does
	done := make(chan error, 1)
	go func() { m.Wait(); done <- m.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close after cancel: %v", err)
		}
	case <-time.After(hangGuard):
		t.Fatalf("serve did not stop within %s of cancel", hangGuard)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("still accepting connections after shutdown")
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown in the log: %s", stderr)
	}
	if m.DB != nil {
		t.Error("database not closed")
	}
}

func TestServeExecuteStopsOnCancel(t *testing.T) {
	m, stdout, stderr := newTestMain(nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() {
		code <- m.Execute(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--log-format", "json"})
	}()
	deadline := time.Now().Add(hangGuard)
	for !strings.Contains(stdout.String(), "URL:") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code after a signal = %d, want 0; stderr %s", c, stderr)
		}
	case <-time.After(hangGuard):
		t.Fatal("Execute did not return after cancel")
	}
	var line map[string]any
	first, _, _ := strings.Cut(stderr.String(), "\n")
	if err := json.Unmarshal([]byte(first), &line); err != nil {
		t.Errorf("--log-format json: log line %q is not JSON: %v", first, err)
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := run(t, nil, "", "serve", "--data", t.TempDir(), "--addr", ln.Addr().String())
	checkOneLine(t, r, 1, "already in use", ln.Addr().String())
}

func TestBadConfiguration(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"data is a file", nil, []string{"serve", "--data", file, "--addr", "127.0.0.1:0"}, 1, []string{"is a file, not a folder"}},
		{"data under a file", nil, []string{"migrate", "--data", filepath.Join(file, "sub")}, 1, []string{"data folder", "a-file/sub", "not a directory"}},
		{"data missing for a read", nil, []string{"user", "list", "--data", filepath.Join(tmp, "nope")}, 1, []string{"does not exist"}},
		{"unknown flag", nil, []string{"serve", "--colour", "blue"}, 2, []string{"flag provided but not defined: -colour", "klachtdesk serve -h"}},
		{"unknown command", nil, []string{"frobnicate"}, 2, []string{`unknown command "frobnicate"`}},
		{"unknown sub-command", nil, []string{"user", "delete", "x"}, 2, []string{`unknown command "user delete"`}},
		{"missing sub-command", nil, []string{"audit"}, 2, []string{"audit needs a sub-command"}},
		{"no command", nil, nil, 2, []string{"no command given"}},
		{"bad log format", nil, []string{"migrate", "--data", tmp, "--log-format", "xml"}, 2, []string{"log format must be text or json"}},
		{"bad log level in the environment", map[string]string{"KLACHTDESK_LOG_LEVEL": "loud"}, []string{"migrate", "--data", tmp}, 2, []string{"KLACHTDESK_LOG_LEVEL"}},
		{"bad address", nil, []string{"serve", "--data", tmp, "--addr", "nonsense"}, 1, []string{"cannot listen on nonsense"}},
		{"postgres", nil, []string{"migrate", "--data", tmp, "--db", "postgres://u:secret@db/klachtdesk"}, 1, []string{"cannot open the database", "the host db is not known"}},
		{"both DB and DB_FILE", map[string]string{"KLACHTDESK_DB": "x", "KLACHTDESK_DB_FILE": file}, []string{"migrate", "--data", tmp}, 2, []string{"not both"}},
		{"extra argument", nil, []string{"migrate", "--data", tmp, "now"}, 2, []string{"takes no arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkOneLine(t, run(t, tt.env, "", tt.args...), tt.code, tt.want...)
		})
	}

	t.Run("unwritable data folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ro")
		if err := os.Mkdir(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() == 0 {
			// Permissions do not stop root; sysfs does.
			if fi, err := os.Stat("/sys/kernel"); runtime.GOOS != "linux" || err != nil || !fi.IsDir() {
				t.Skip("root writes everywhere, and there is no sysfs")
			}
			dir = "/sys/kernel"
		}
		checkOneLine(t, run(t, nil, "", "serve", "--addr", "127.0.0.1:0", "--data", dir), 1, "data folder "+dir+" is not writable")
	})
}

func TestEnvironment(t *testing.T) {
	tmp := t.TempDir()
	fromEnv, fromFlag := filepath.Join(tmp, "env"), filepath.Join(tmp, "flag")
	env := map[string]string{"KLACHTDESK_DATA": fromEnv}

	if r := run(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate with KLACHTDESK_DATA: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(fromEnv, "klachtdesk.db")); err != nil {
		t.Errorf("KLACHTDESK_DATA not used: %v", err)
	}
	if r := run(t, env, "", "migrate", "--data", fromFlag); r.code != 0 {
		t.Fatalf("migrate with --data: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(fromFlag, "klachtdesk.db")); err != nil {
		t.Errorf("--data does not win over KLACHTDESK_DATA: %v", err)
	}

	// KLACHTDESK_DB_FILE names a file holding the URL, as secrets are kept.
	secret := filepath.Join(tmp, "db-url")
	if err := os.WriteFile(secret, []byte("postgres://u:secret@db/k\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, map[string]string{"KLACHTDESK_DB_FILE": secret}, "", "migrate", "--data", tmp)
	checkOneLine(t, r, 1, "the host db is not known")
	if strings.Contains(r.stderr, "secret") {
		t.Errorf("the database password leaks: %q", r.stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := run(t, nil, "", "-h")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("-h: %+v", r)
	}
	tm, _, _ := newTestMain(nil, "")
	for _, c := range tm.newApp().Commands() {
		if !strings.Contains(r.stdout, c.Name) {
			t.Errorf("usage lacks %q", c.Name)
		}
	}
	r = run(t, nil, "", "complaint", "add", "-h")
	for _, want := range []string{`"received_at": "2026-11-20T10:15:00+01:00"`, "--consumer", "-channel", "KLACHTDESK_DATA"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("complaint add -h lacks %q", want)
		}
	}
	if r.code != 0 {
		t.Errorf("complaint add -h: exit %d", r.code)
	}
	if r := run(t, nil, "", "user", "-h"); r.code != 0 || !strings.Contains(r.stdout, "user passwd") {
		t.Errorf("user -h: %+v", r)
	}
	out := mustRun(t, "", "version")
	if !strings.Contains(out, "klachtdesk dev") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version = %q", out)
	}
	out = mustRun(t, "", "migrate", "--data", t.TempDir())
	if !regexp.MustCompile(`^schema version [1-9]\d*\n$`).MatchString(out) {
		t.Errorf("migrate = %q", out)
	}
}

// TestDutchHelp: with KLACHTDESK_LANG=nl the usage and the flags cmd
// defines are Dutch.
func TestDutchHelp(t *testing.T) {
	nl := map[string]string{"KLACHTDESK_LANG": "nl"}
	r := run(t, nl, "", "-h")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Gebruik: klachtdesk OPDRACHT") || !strings.Contains(r.stdout, "Elke opdracht kent deze opties") {
		t.Errorf("Dutch -h: %+v", r)
	}
	r = run(t, nl, "", "complaint", "add", "-h")
	for _, want := range []string{"Registreert een schriftelijke klacht", "-data map\n    \tdatamap (standaard", "-db URL\n    \tdatabase-URL (leeg: SQLite in de datamap)",
		"logniveau: debug, info, warn of error", "-name naam\n    \tnaam van de klager", "Omgeving: KLACHTDESK_DATA"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("Dutch complaint add -h lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, english := range []string{"Usage:", "Flags:", "Environment:", "(default", "data folder", "log level", "complainant's", "Registers a written complaint"} {
		if strings.Contains(r.stdout, english) {
			t.Errorf("Dutch complaint add -h has %q", english)
		}
	}
	r = run(t, nl, "", "serve", "-h")
	for _, want := range []string{"-addr HOST:PORT\n    \tHOST:PORT waarop de server luistert", "-mail-config FILE\n    \tFILE met de e-mailconfiguratie"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("Dutch serve -h lacks %q:\n%s", want, r.stdout)
		}
	}
}

// showJSON is what "show --json" prints.
type showJSON struct {
	Complaint   klachtdesk.Complaint           `json:"complaint"`
	Complainant klachtdesk.Complainant         `json:"complainant"`
	Deadlines   map[string]klachtdesk.Deadline `json:"deadlines"`
	Overdue     bool                           `json:"overdue"`
	Events      []klachtdesk.Event             `json:"events"`
	Messages    []cli.MessageView              `json:"messages"`
}

func show(t *testing.T, dir, ref string) showJSON {
	t.Helper()
	out := mustRun(t, "", "show", ref, "--json", "--data", dir)
	var v showJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	return v
}

var referenceRE = regexp.MustCompile(`^KL-\d{4}-\d{6}\n$`)

func TestComplaintAddAndShow(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "migrate", "--data", dir)
	mustRun(t, "", "user", "add", "kevin", "--role", "viewer", "--data", dir)

	// The example of DOMAIN.md: received Monday 2026-04-13, answer due
	// Monday 2026-04-27 (King's Day; no roll by default), act by Friday
	// 2026-04-24, acknowledgement due three working days after receipt.
	wantDeadlines := map[string]string{"ack_due": "2026-04-16", "answer_due": "2026-04-27", "act_by": "2026-04-24"}

	t.Run("flags", func(t *testing.T) {
		out := mustRun(t, "", "complaint", "add", "--data", dir,
			"--channel", "letter", "--received", "2026-04-13",
			"--name", "Jan de Vries", "--email", "jan@example.nl", "--address", "Dorpsstraat 1, 1234 AB Ergens",
			"--phone", "06-12345678", "--customer-number", "KN-1001", "--business", "--lang", "en",
			"--kind", "service", "--subtype", "conduct", "--subject", "Rude technician",
			"--text", "The technician was rude.", "--remedy", "An apology", "--severity", "high",
			"--informal-contact", "Phoned first", "--concerned", "kevin")
		if !referenceRE.MatchString(out) {
			t.Fatalf("stdout = %q, want only the reference", out)
		}
		v := show(t, dir, strings.TrimSpace(out))
		c := v.Complaint
		got := map[string]any{
			"reference": c.Reference, "state": c.State, "channel": c.Channel, "kind": c.Kind, "subtype": c.Subtype,
			"subject": c.Subject, "description": c.Description, "remedy": c.RemedySought, "severity": c.Severity,
			"informal": c.InformalContact, "receipt": c.ReceiptDate.String(), "route": c.Route, "customer": c.CustomerType,
			"language": c.Language, "concerned": len(c.ConcernedEmployees),
			// a date means noon in the organisation's zone (CEST in April)
			"received": c.ReceivedAt.UTC().Format(time.RFC3339),
		}
		want := map[string]any{
			"reference": strings.TrimSpace(out), "state": klachtdesk.StateReceived, "channel": klachtdesk.ChannelLetter,
			"kind": klachtdesk.KindService, "subtype": "conduct", "subject": "Rude technician",
			"description": "The technician was rude.", "remedy": "An apology", "severity": klachtdesk.SeverityHigh,
			"informal": "Phoned first", "receipt": "2026-04-13", "route": klachtdesk.RouteInternal, "customer": klachtdesk.Business,
			"language": klachtdesk.LanguageEnglish, "concerned": 1, "received": "2026-04-13T10:00:00Z",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("complaint (-want +got):\n%s", diff)
		}
		wantCp := klachtdesk.Complainant{ID: v.Complainant.ID, Name: "Jan de Vries", Email: "jan@example.nl",
			PostalAddress: "Dorpsstraat 1, 1234 AB Ergens", Phone: "06-12345678", CustomerNumber: "KN-1001",
			Type: klachtdesk.Business, Language: klachtdesk.LanguageEnglish}
		if diff := cmp.Diff(wantCp, v.Complainant); diff != "" {
			t.Errorf("complainant (-want +got):\n%s", diff)
		}
		checkDeadlines(t, v, wantDeadlines)
		if !v.Overdue {
			t.Error("a received complaint past its answer_due is not overdue")
		}
		if len(v.Events) != 1 || v.Events[0].Kind != klachtdesk.EventCreated {
			t.Errorf("events = %+v, want one created event", v.Events)
		}
		for _, key := range []string{"promised_date", "reaction_due", "retention_until"} {
			if d, ok := v.Deadlines[key]; !ok || !d.IsZero() {
				t.Errorf("deadline %s = %+v, want present and unset", key, d)
			}
		}

		// The human form names every deadline with its rule version.
		human := mustRun(t, "", "show", c.Reference, "--data", dir)
		for _, want := range []string{`Reference:\s+` + c.Reference, `State:\s+received`, `Flags:\s+OVERDUE`,
			`answer_due\s+2026-04-27\s+rule r1\.s\d+`, `act_by\s+2026-04-24\s+rule r1\.`, `promised_date\s+-`,
			`system\s+created`, `Jan de Vries <jan@example.nl>, business, en`, `Concerned:\s+kevin`} {
			if !regexp.MustCompile(want).MatchString(human) {
				t.Errorf("show lacks %s:\n%s", want, human)
			}
		}
	})

	jsonComplaint := `{
		"channel": "email",
		"received_at": "2026-04-13T10:15:00+02:00",
		"complainant": {"name": "Marieke Jansen", "email": "marieke@example.nl", "type": "consumer", "language": "nl"},
		"kind": "product", "subtype": "defect",
		"subject": "Laptop start niet", "description": "Mijn laptop start niet meer.",
		"product_ref": "ProBook 450, serienummer 5CD123", "discovered": "2025-12-01"
	}`
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"--json", []string{"--json"}},
		{"dash", []string{"-"}},
		{"stdin without flags", nil},
	} {
		t.Run("JSON "+tt.name, func(t *testing.T) {
			args := append([]string{"complaint", "add", "--data", dir}, tt.args...)
			r := run(t, nil, jsonComplaint, args...)
			if r.code != 0 || !referenceRE.MatchString(r.stdout) {
				t.Fatalf("complaint add %s: %+v", tt.name, r)
			}
			if !strings.Contains(r.stderr, "late notice") {
				t.Errorf("no late-notice warning for a defect found 4 months before: %q", r.stderr)
			}
			v := show(t, dir, strings.TrimSpace(r.stdout))
			c := v.Complaint
			if c.ProductRef != "ProBook 450, serienummer 5CD123" || c.Discovered.String() != "2025-12-01" ||
				c.Route != klachtdesk.RouteMediator || !c.LateNotice || c.Description != "Mijn laptop start niet meer." ||
				!c.ReceivedAt.Equal(time.Date(2026, 4, 13, 8, 15, 0, 0, time.UTC)) {
				t.Errorf("complaint = %+v", c)
			}
			if v.Complainant.Name != "Marieke Jansen" || v.Complainant.Type != klachtdesk.Consumer {
				t.Errorf("complainant = %+v", v.Complainant)
			}
			checkDeadlines(t, v, wantDeadlines)
		})
	}

	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name  string
			stdin string
			args  []string
			code  int
			want  string
		}{
			{"phone", "", []string{"--channel", "phone", "--name", "X", "--consumer", "--kind", "service", "--text", "t"}, 1, "a complaint must be written"},
			{"bad kind", "", []string{"--channel", "email", "--name", "X", "--consumer", "--kind", "vibes", "--text", "t"}, 1, "kind must be service or product"},
			{"no text", "", []string{"--channel", "email", "--name", "X", "--consumer", "--kind", "service"}, 1, "the complaint text is empty"},
			{"bad received", "", []string{"--channel", "email", "--received", "yesterday", "--consumer"}, 1, "neither an RFC 3339 instant"},
			{"future", "", []string{"--channel", "email", "--received", "2999-01-01", "--name", "X", "--consumer", "--kind", "service", "--text", "t"}, 1, "lies in the future"},
			{"consumer and business", "", []string{"--channel", "email", "--consumer", "--business"}, 2, "not both"},
			{"no type", "", []string{"--channel", "email", "--name", "X"}, 2, "--consumer or --business"},
			{"unknown concerned", "", []string{"--channel", "email", "--name", "X", "--consumer", "--kind", "service", "--text", "t", "--concerned", "nobody"}, 1, "nobody"},
			{"invalid JSON", "{", []string{"--json"}, 1, "not valid JSON"},
			{"unknown JSON field", `{"chanel": "email"}`, []string{"--json"}, 1, `unknown field "chanel"`},
			{"bad JSON date", `{"discovered": "01-12-2025"}`, []string{"--json"}, 1, "YYYY-MM-DD"},
			{"empty stdin", "", []string{"--json"}, 1, "no complaint on standard input"},
			{"JSON and flags", jsonComplaint, []string{"--json", "--channel", "email"}, 2, "not both"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := run(t, nil, tt.stdin, append([]string{"complaint", "add", "--data", dir}, tt.args...)...)
				checkOneLine(t, r, tt.code, tt.want)
				if r.stdout != "" {
					t.Errorf("stdout = %q, want nothing", r.stdout)
				}
			})
		}
	})

	t.Run("show unknown", func(t *testing.T) {
		checkOneLine(t, run(t, nil, "", "show", "KL-2026-999999", "--data", dir), 1, "KL-2026-999999")
		checkOneLine(t, run(t, nil, "", "show", "--data", dir), 2, "needs REFERENCE")
	})
}

func checkDeadlines(t *testing.T, v showJSON, want map[string]string) {
	t.Helper()
	for key, date := range want {
		d := v.Deadlines[key]
		if d.Date.String() != date || !strings.HasPrefix(d.Rule, "r1.") {
			t.Errorf("deadline %s = %+v, want %s with a rule version", key, d, date)
		}
	}
	if v.Deadlines["answer_due"] != v.Complaint.AnswerDue {
		t.Errorf("deadlines and complaint disagree on answer_due")
	}
}

func TestSettings(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "migrate", "--data", dir)

	out := mustRun(t, "", "settings", "get", "--data", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(klachtdesk.SettingKeys) {
		t.Errorf("settings get printed %d lines, want %d", len(lines), len(klachtdesk.SettingKeys))
	}
	if !strings.Contains(out, "answer.term_days = 14\n") || !strings.Contains(out, "timezone = Europe/Amsterdam\n") {
		t.Errorf("settings get:\n%s", out)
	}
	if got := mustRun(t, "", "settings", "get", "answer.roll", "--data", dir); got != "none\n" {
		t.Errorf("settings get answer.roll = %q", got)
	}
	if got := mustRun(t, "", "settings", "set", "answer.roll", "forward", "--data", dir); got != "answer.roll = forward\n" {
		t.Errorf("settings set = %q", got)
	}
	if got := mustRun(t, "", "settings", "get", "answer.roll", "--data", dir); got != "forward\n" {
		t.Errorf("after set: %q", got)
	}

	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown key", []string{"set", "answer.days", "10"}, 1, []string{`unknown setting "answer.days"`, "answer.term_days", "answer.roll", "timezone"}},
		{"bad choice", []string{"set", "answer.roll", "sideways"}, 1, []string{"none, forward, backward"}},
		{"bad number", []string{"set", "answer.term_days", "999"}, 1, []string{"from 1 to 90"}},
		{"bad boolean", []string{"set", "calendar.good_friday_off", "maybe"}, 1, []string{"true, false"}},
		{"unknown key on get", []string{"get", "nope"}, 1, []string{"settings are:", "org.name"}},
		{"set without value", []string{"set", "answer.roll"}, 2, []string{"KEY and VALUE"}},
		{"negative number", []string{"set", "answer.term_days", "-5"}, 1, []string{"setting answer.term_days", "from 1 to 90", `not "-5"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"settings"}, tt.args...)
			checkOneLine(t, run(t, nil, "", append(args, "--data", dir)...), tt.code, tt.want...)
		})
	}
}

func TestUsers(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "migrate", "--data", dir)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("correct horse battery\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	if out := mustRun(t, "sterk-wachtwoord-1\n", "user", "add", "alice", "--role", "handler", "--name", "Alice de Boer", "--email", "alice@example.nl", "--data", dir); strings.Contains(out, "password:") {
		t.Errorf("a password from standard input was printed: %q", out)
	}
	out := mustRun(t, "", "user", "add", "bob", "--role", "viewer", "--data", dir)
	m := regexp.MustCompile(`password: (\S{20})\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated password printed: %q", out)
	}
	mustRun(t, "", "user", "add", "--role", "admin", "carol", "--password-file", pwFile, "--data", dir)

	list := mustRun(t, "", "user", "list", "--data", dir)
	for _, want := range []string{"USERNAME", "alice", "handler", "Alice de Boer", "alice@example.nl", "bob", "viewer", "carol", "admin"} {
		if !strings.Contains(list, want) {
			t.Errorf("user list lacks %q:\n%s", want, list)
		}
	}

	mustRun(t, "nieuw-wachtwoord-2\n", "user", "passwd", "alice", "--data", dir)

	// The passwords took: log in through the store.
	for user, pw := range map[string]string{"alice": "nieuw-wachtwoord-2", "bob": m[1], "carol": "correct horse battery"} {
		tm, _, _ := newTestMain(nil, "")
		if err := tm.ParseFlags(context.Background(), []string{"migrate", "--data", dir}); err != nil {
			t.Fatal(err)
		}
		if err := tm.openStore(context.Background(), cli.StoreRead); err != nil {
			t.Fatal(err)
		}
		if _, err := tm.UserService.Authenticate(context.Background(), user, pw); err != nil {
			t.Errorf("%s cannot log in: %v", user, err)
		}
		tm.Close()
	}

	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"bad role", "", []string{"add", "dave", "--role", "boss"}, 1, "role must be one of admin, handler, viewer"},
		{"no role", "", []string{"add", "dave"}, 2, "--role"},
		{"short password", "kort\n", []string{"add", "dave", "--role", "viewer"}, 1, "at least 12 characters"},
		{"taken", "", []string{"add", "alice", "--role", "viewer"}, 1, "alice"},
		{"bad name", "", []string{"add", "Dave Smith", "--role", "viewer"}, 1, "user name must be"},
		{"no name", "", []string{"add", "--role", "viewer"}, 2, "needs USERNAME"},
		{"passwd unknown", "", []string{"passwd", "zed"}, 1, "zed"},
		{"missing password file", "", []string{"passwd", "alice", "--password-file", "/nonexistent/pw"}, 1, "read password file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"user"}, tt.args...)
			checkOneLine(t, run(t, nil, tt.stdin, append(args, "--data", dir)...), tt.code, tt.want)
		})
	}
}

// demoStateRE reads a line of the demo summary's state table.
var demoStateRE = regexp.MustCompile(`(?m)^(\w+)\s+(\d+)$`)

func TestDemoAndAudit(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	out := mustRun(t, "", "demo", "--count", "60", "--seed", "7", "--data", dir)
	t.Logf("demo --count 60 took %s", time.Since(start))

	counts := map[string]int{}
	for _, m := range demoStateRE.FindAllStringSubmatch(out, -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	total := 0
	for _, s := range klachtdesk.States {
		if counts[string(s)] == 0 {
			t.Errorf("demo made no complaint in state %s:\n%s", s, out)
		}
		total += counts[string(s)]
	}
	if total != 60 {
		t.Errorf("states add up to %d, want 60", total)
	}
	for _, r := range []string{"accepted", "no_response", "external_outcome", "referral_lapsed", "not_admissible", "withdrawn"} {
		if counts[r] == 0 {
			t.Errorf("demo closed no complaint as %s:\n%s", r, out)
		}
	}
	flags := regexp.MustCompile(`flags: (\d+) extended, (\d+) escalated, (\d+) overdue, (\d+) legal hold, (\d+) late notice`).FindStringSubmatch(out)
	if flags == nil {
		t.Fatalf("no flags line:\n%s", out)
	}
	for i, name := range []string{"extended", "escalated", "overdue", "legal hold", "late notice"} {
		if flags[i+1] == "0" {
			t.Errorf("no complaint is %s:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "Password:") {
		t.Errorf("demo on a new store does not print the administrator's credentials")
	}

	// Running it again refuses: demo data goes into an empty store only.
	checkOneLine(t, run(t, nil, "", "demo", "--count", "5", "--data", dir), 1, "already holds 60 complaints")

	// The same seed gives the same complaints; another seed others.
	seeded := func(seed string) []string {
		d := t.TempDir()
		mustRun(t, "", "demo", "--count", "20", "--seed", seed, "--data", d)
		return demoSubjects(t, d)
	}
	if a, b := seeded("3"), seeded("3"); !cmp.Equal(a, b) {
		t.Errorf("seed 3 twice gives different complaints:\n%s", cmp.Diff(a, b))
	} else if c := seeded("4"); cmp.Equal(a, c) {
		t.Error("seeds 3 and 4 give the same complaints")
	}

	out = mustRun(t, "", "audit", "verify", "--data", dir)
	m := regexp.MustCompile(`^audit trail intact: (\d+) events\nanchor: \d+:[0-9a-f]{64}\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("audit verify = %q", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 60*3 {
		t.Errorf("only %d events for 60 complaints", n)
	}

	// Tamper with one row behind the application's back.
	const victim = 42
	db, err := sql.Open("sqlite", filepath.Join(dir, "klachtdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'`)
	if err != nil {
		t.Fatal(err)
	}
	var drop []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToUpper(def), "UPDATE ON") {
			drop = append(drop, name)
		}
	}
	rows.Close()
	if len(drop) == 0 {
		t.Fatal("no update trigger on events: is the trail append-only?")
	}
	if _, err := db.Exec(`UPDATE events SET after = '{"state":"closed"}' WHERE id = ?`, victim); err == nil {
		t.Fatal("the append-only trigger let an update through")
	}
	for _, name := range drop {
		if _, err := db.Exec(`DROP TRIGGER "` + name + `"`); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.Exec(`UPDATE events SET after = '{"finding":"unfounded"}' WHERE id = ?`, victim)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampered with %d rows", n)
	}
	db.Close()

	r := run(t, nil, "", "audit", "verify", "--data", dir)
	if r.code != 1 {
		t.Errorf("audit verify on a tampered trail: exit %d, want 1", r.code)
	}
	if want := fmt.Sprintf("audit trail BROKEN at event %d: ", victim); !strings.HasPrefix(r.stdout, want) {
		t.Errorf("audit verify = %q, want it to start with %q", r.stdout, want)
	}
	if strings.Count(r.stdout, "\n") != 1 || strings.Contains(r.stdout+r.stderr, "goroutine") {
		t.Errorf("audit verify output: %+v", r)
	}
}

// demoSubjects returns the reference, complainant and subject of every
// complaint in the store in dir.
func demoSubjects(t *testing.T, dir string) []string {
	t.Helper()
	m, _, _ := newTestMain(nil, "")
	if err := m.ParseFlags(context.Background(), []string{"show", "x", "--data", dir}); err != nil {
		t.Fatal(err)
	}
	if err := m.openStore(context.Background(), cli.StoreRead); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	list, _, err := m.ComplaintService.FindComplaints(context.Background(), klachtdesk.ComplaintFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list {
		cp, err := m.ComplaintService.FindComplaintByReference(context.Background(), c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.Reference+" "+cp.Complainant.Name+": "+c.Subject)
	}
	slices.Sort(out)
	return out
}

// hangGuard bounds waits that would otherwise hang a broken test; it is no
// speed requirement (speed is measured by bench/startup).
const hangGuard = 60 * time.Second

// TestBinary builds the real binary and checks that a fresh process serves
// /healthz and stops cleanly on SIGTERM.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "klachtdesk")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=9.9.9-test", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "version").Output(); err != nil || !strings.HasPrefix(string(out), "klachtdesk 9.9.9-test") {
		t.Errorf("version = %q, %v", out, err)
	}

	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	urlRE := regexp.MustCompile(`URL:\s+(\S+)`)
	ready := false
	for time.Since(start) < hangGuard && !ready {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			if resp, err := http.Get(m[1] + "healthz"); err == nil {
				resp.Body.Close()
				ready = resp.StatusCode == http.StatusOK
			}
		}
		if !ready {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !ready {
		t.Fatalf("no /healthz within %s\nstdout: %s\nstderr: %s", hangGuard, stdout, stderr)
	}
	t.Logf("a fresh process served /healthz after %s", time.Since(start))

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) || err != nil {
			t.Errorf("exit after SIGTERM: %v\nstderr: %s", err, stderr)
		}
	case <-time.After(hangGuard):
		t.Fatalf("no exit within %s of SIGTERM", hangGuard)
	}
	if strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestAuditAnchor: a rewrite of the whole trail (every hash recomputed after
// a change) passes the chain check by construction; an anchor recorded
// before the rewrite finds it.
func TestAuditAnchor(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "demo", "--count", "20", "--data", dir)
	out := mustRun(t, "", "audit", "verify", "--data", dir)
	m := regexp.MustCompile(`(?m)^anchor: (\d+:[0-9a-f]{64})$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("audit verify printed no anchor: %q", out)
	}
	anchor := m[1]
	mustRun(t, "", "audit", "verify", "--data", dir, "--anchor", anchor)

	// Rewrite history from event 5 on, as someone with the database file
	// and this source code could: change a row, recompute every hash after
	// it and the audit head.
	db, err := sql.Open("sqlite", filepath.Join(dir, "klachtdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{`DROP TRIGGER events_no_update`, `DROP TRIGGER events_no_delete`} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(`SELECT id, COALESCE(complaint_id, 0), kind, actor_id, actor, at, before, after, prev_hash FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var events []*klachtdesk.Event
	for rows.Next() {
		e := &klachtdesk.Event{}
		var at, before, after string
		if err := rows.Scan(&e.ID, &e.ComplaintID, &e.Kind, &e.ActorID, &e.Actor, &at, &before, &after, &e.PrevHash); err != nil {
			t.Fatal(err)
		}
		if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			t.Fatal(err)
		}
		e.Before, e.After = []byte(before), []byte(after)
		events = append(events, e)
	}
	rows.Close()
	prev := events[3].ComputeHash(events[3].PrevHash)
	for _, e := range events[4:] {
		if e.ID == 5 {
			e.Actor = "mallory"
		}
		e.Seal(prev)
		if _, err := db.Exec(`UPDATE events SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?`, e.Actor, e.PrevHash, e.Hash, e.ID); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	if _, err := db.Exec(`UPDATE audit_head SET last_hash = ? WHERE id = 1`, prev); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// The anchor log in the data folder, which the first verify wrote,
	// finds the rewrite by itself; without it (rewritten too, or never
	// kept), the chain check alone passes and only the anchor kept
	// elsewhere finds it.
	if r := run(t, nil, "", "audit", "verify", "--data", dir); r.code != 1 || !strings.Contains(r.stdout, "was rewritten after the anchor recorded") {
		t.Errorf("audit verify after a rewrite, with the anchor log: exit %d, %q", r.code, r.stdout)
	}
	if err := os.Remove(filepath.Join(dir, "anchors.log")); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "", "audit", "verify", "--data", dir)
	if !strings.HasPrefix(out, "audit trail intact") {
		t.Fatalf("a consistent rewrite should pass the chain check alone: %q", out)
	}
	r := run(t, nil, "", "audit", "verify", "--data", dir, "--anchor", anchor)
	if r.code != 1 || !strings.Contains(r.stdout, "does not match the recorded anchor") {
		t.Errorf("audit verify --anchor after a rewrite: exit %d, %q", r.code, r.stdout)
	}
	checkOneLine(t, run(t, nil, "", "audit", "verify", "--data", dir, "--anchor", "nonsense"), 1, "anchor")
}

func TestComplaintList(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "demo", "--count", "30", "--data", dir)
	out := mustRun(t, "", "complaint", "list", "--data", dir, "--limit", "0")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 31 || !strings.HasPrefix(lines[0], "REFERENCE") {
		t.Fatalf("register has %d lines, want a header and 30 complaints:\n%s", len(lines), out)
	}
	out = mustRun(t, "", "complaint", "list", "--data", dir, "--limit", "5")
	if !strings.Contains(out, "(5 of 30 complaints") {
		t.Errorf("paged register does not say it is cut: %s", out)
	}
	out = mustRun(t, "", "complaint", "list", "--data", dir, "--open", "--json", "--limit", "0")
	var open int
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e struct {
			Reference string   `json:"reference"`
			State     string   `json:"state"`
			Due       string   `json:"due"`
			Flags     []string `json:"flags"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if e.State == "closed" || e.State == "anonymised" {
			t.Errorf("--open lists %s complaint %s", e.State, e.Reference)
		}
		if (e.State == "received" || e.State == "in_treatment") && e.Due == "" {
			t.Errorf("%s complaint %s has no due date", e.State, e.Reference)
		}
		open++
	}
	if open == 0 {
		t.Error("no open complaints listed")
	}
	out = mustRun(t, "", "complaint", "list", "--data", dir, "--state", "anonymised", "--json", "--limit", "0")
	if strings.Contains(out, "@") {
		t.Errorf("anonymised complaints show contact data: %s", out)
	}
	checkOneLine(t, run(t, nil, "", "complaint", "list", "--data", dir, "--state", "lost"), 2, "in_treatment")
	checkOneLine(t, run(t, nil, "", "complaint", "list", "--data", dir, "--open", "--closed"), 2, "exclude")
}

// TestLanguage: the command line speaks Dutch or English, one at a time,
// as KLACHTDESK_LANG or else the locale says.
func TestLanguage(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "migrate", "--data", dir)
	const dutch, english = "klachtdesk: --limit moet 0 of meer zijn\n", "klachtdesk: --limit must be 0 or more\n"
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{nil, english},
		{map[string]string{"LANG": "nl_NL.UTF-8"}, dutch},
		{map[string]string{"LC_MESSAGES": "nl_BE.UTF-8", "LANG": "en_US.UTF-8"}, dutch},
		{map[string]string{"LC_ALL": "C.UTF-8", "LANG": "nl_NL.UTF-8"}, english},
		{map[string]string{"KLACHTDESK_LANG": "nl"}, dutch},
		{map[string]string{"KLACHTDESK_LANG": "en", "LANG": "nl_NL.UTF-8"}, english},
	} {
		if r := run(t, tt.env, "", "complaint", "list", "--data", dir, "--limit", "-1"); r.code != 2 || r.stderr != tt.want {
			t.Errorf("env %v: exit %d, stderr %q; want %q", tt.env, r.code, r.stderr, tt.want)
		}
	}
	nl := map[string]string{"KLACHTDESK_LANG": "nl"}
	checkOneLine(t, run(t, nl, "", "user", "list", "--data", filepath.Join(dir, "nope")), 1, "datamap", "bestaat niet")
	if r := run(t, nl, "", "user", "list", "--data", dir); !strings.HasPrefix(r.stdout, "GEBRUIKERSNAAM") {
		t.Errorf("Dutch user list: %q", r.stdout)
	}
	checkOneLine(t, run(t, map[string]string{"KLACHTDESK_LANG": "de"}, "", "version"), 2, "KLACHTDESK_LANG must be nl or en")

	// Every message of the program, the command line's and this
	// package's, has both languages.
	for _, m := range cli.Messages() {
		if err := m.Check(); err != nil {
			t.Error(err)
		}
	}
}
