package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeReport is a verified copy of two tables and a blob file.
type fakeReport struct{ resumed bool }

func (fakeReport) TableCounts() ([]string, []int64) {
	return []string{"complaints", "events"}, []int64{3, 12}
}
func (fakeReport) BlobFileCount() int64            { return 1 }
func (fakeReport) AuditHead() (int64, string)      { return 12, "12:" + strings.Repeat("ab", 32) }
func (fakeReport) InstantsTruncated() int64        { return 0 }
func (r fakeReport) WasResumed() bool              { return r.resumed }
func (e fakeRefusal) Error() string                { return "refused" }
func (e fakeRefusal) CopyRefusal() (string, []any) { return e.kind, e.args }
func (e fakeMismatch) Error() string               { return string(e) }
func (e fakeMismatch) CopyMismatch() string        { return string(e) }
func (e fakeOpen) Error() string                   { return "open failed" }
func (e fakeOpen) CopyOpenTarget() bool            { return bool(e) }

// The store's errors, as cli recognises them.
type (
	fakeRefusal struct {
		kind string
		args []any
	}
	fakeMismatch string
	fakeOpen     bool
)

// dataFolder returns a folder that looks like a data folder.
func dataFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "klachtdesk.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// migrateApp returns a command line whose migration reports progress in
// steps and then returns res and err.
func migrateApp(terminal bool, res MigrateReport, err error) *App {
	a, _, _ := newTestApp(newFakeStore(), "")
	a.StderrIsTerminal = func() bool { return terminal }
	a.MigrateData = func(ctx context.Context, from, to string, progress func(string, int64, int64)) (MigrateReport, error) {
		for i, table := range []string{"complaints", "complaints", "events", "events", "blob files"} {
			progress(table, int64(i+1)*4, 20)
		}
		return res, err
	}
	return a
}

func TestMigrateData_Output(t *testing.T) {
	from := dataFolder(t)
	r := execute(t, migrateApp(false, fakeReport{}, nil), "migrate-data", "--from", from, "--to", "postgres://kd:geheim@db.example.nl/klachtdesk")
	if r.code != 0 {
		t.Fatalf("migrate-data: %+v", r)
	}
	matchAll(t, "stdout", r.stdout, `(?m)^complaints\s+3\s*$`, `(?m)^events\s+12\s*$`,
		`copied 15 rows in 2 tables and 1 blob files to postgres://kd:xxxxx@db.example.nl/klachtdesk`,
		`(?m)^audit trail intact: 12 events$`, `(?m)^anchor: 12:(ab){32}$`)
	if strings.Contains(r.stdout+r.stderr, "geheim") {
		t.Errorf("the password was printed:\n%s%s", r.stdout, r.stderr)
	}
	// Without a terminal: one plain line per table, no carriage return.
	if strings.Contains(r.stderr, "\r") || strings.Count(r.stderr, "\n") != 3 {
		t.Errorf("progress without a terminal:\n%q", r.stderr)
	}
	matchAll(t, "stderr", r.stderr, `(?m)^copying complaints \(20%\)$`, `(?m)^copying events \(60%\)$`, `(?m)^copying blob files \(100%\)$`)

	r = execute(t, migrateApp(true, fakeReport{resumed: true}, nil), "migrate-data", "--from", from, "--to", "postgres://kd@db/klachtdesk")
	if r.code != 0 || !strings.Contains(r.stdout, "went on from an interrupted run") {
		t.Fatalf("resumed migrate-data: %+v", r)
	}
	// On a terminal: one line rewritten, ending at 100%.
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(r.stderr, "\r[") || !strings.Contains(r.stderr, "100%  20/20  blob files") {
		t.Errorf("progress bar on a terminal:\n%q", r.stderr)
	}
}

func TestMigrateData_OneLineEach(t *testing.T) {
	from := dataFolder(t)
	to := "postgres://kd:geheim@db.example.nl/klachtdesk"
	tests := []struct {
		name string
		args []string
		err  error
		code int
		want string
	}{
		{"no --to", []string{"--from", from}, nil, 2, "migrate-data needs --from DATA_DIR and --to postgres://"},
		{"malformed URL", []string{"--from", from, "--to", "postgres://kd@db:port/x"}, nil, 2, "is not a PostgreSQL URL: it cannot be read as a URL"},
		{"not PostgreSQL", []string{"--from", from, "--to", "mysql://kd@db/x"}, nil, 2, "must start with postgres://"},
		{"no database", []string{"--from", from, "--to", "postgres://kd@db"}, nil, 2, "it names no database"},
		{"not a data folder", []string{"--from", t.TempDir(), "--to", to}, nil, 1, "is not a Klachtdesk data folder"},
		{"not empty", []string{"--from", from, "--to", to}, fakeRefusal{"not_empty", []any{"users", int64(2)}}, 1, "not empty (table users holds 2 rows)"},
		{"other source", []string{"--from", from, "--to", to}, fakeRefusal{"other_source", []any{"/srv/oud"}}, 1, "another installation (/srv/oud)"},
		{"schema", []string{"--from", from, "--to", to}, fakeRefusal{"schema", []any{int64(6), int64(7)}}, 1, "schema version 6 and the target at 7"},
		{"mismatch", []string{"--from", from, "--to", to}, fakeMismatch("table events has 3 rows on the source and 2 on the target"), 1, "does not match its source: table events"},
		{"target", []string{"--from", from, "--to", to}, fakeOpen(true), 1, "cannot open the target database postgres://kd:xxxxx@"},
		{"source", []string{"--from", from, "--to", to}, fakeOpen(false), 1, "cannot open the source data folder " + from},
		{"other", []string{"--from", from, "--to", to}, errors.New("disk on fire"), 1, "migrate-data stopped: disk on fire (run the same command again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := execute(t, migrateApp(false, nil, tt.err), append([]string{"migrate-data"}, tt.args...)...)
			last := r.stderr[strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n")+1:]
			if r.code != tt.code || !strings.HasPrefix(last, "klachtdesk: ") || !strings.Contains(last, tt.want) || r.stdout != "" {
				t.Errorf("got exit %d, stdout %q, last line %q; want exit %d and a line with %q", r.code, r.stdout, last, tt.code, tt.want)
			}
			if strings.Contains(r.stderr, "geheim") {
				t.Errorf("the password was printed: %q", r.stderr)
			}
		})
	}
}

func TestMigrateData_Interrupted(t *testing.T) {
	from := dataFolder(t)
	a, _, stderr := newTestApp(newFakeStore(), "")
	ctx, cancel := context.WithCancel(context.Background())
	a.MigrateData = func(ctx context.Context, from, to string, progress func(string, int64, int64)) (MigrateReport, error) {
		cancel()
		return nil, ctx.Err()
	}
	c, err := a.Parse([]string{"migrate-data", "--from", from, "--to", "postgres://kd@db/k"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	code := a.Exit(c.Run(ctx), 1)
	if code != 1 || !strings.Contains(stderr.String(), "run the same command again to go on where it stopped") {
		t.Errorf("interrupted: exit %d, %q", code, stderr)
	}
}
