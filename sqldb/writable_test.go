package sqldb_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// A store opened read-only takes no writes, and says so.
func TestWritable_ReadOnlyOpen(t *testing.T) {
	dir := t.TempDir()
	db, err := openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := sqldb.NewHealthService(db).Writable(context.Background()); err != nil {
		t.Fatalf("writable store: %v", err)
	}
	MustCloseDB(t, db)
	ro := sqldb.NewDB(dir, "")
	ro.ReadOnly = true
	if err := ro.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = sqldb.NewHealthService(ro).Writable(context.Background())
	if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("read-only store: %v, want EUNAVAILABLE saying read-only", err)
	}
}

// A full disk (a small tmpfs filled up): Writable fails saying so, both by
// the free space left and by its probe write, and is fine again once
// space is freed; what was stored before is all there.
func TestWritable_DiskFull(t *testing.T) {
	sqliteOnly(t)
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=8m"); err != nil {
		t.Skipf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	db, err := openAt(t, filepath.Join(dir, "data"), false)
	if err != nil {
		t.Fatal(err)
	}
	c := mustCreateComplaint(t, db, newComplaint(testNow, "jan@example.org"))
	h := sqldb.NewHealthService(db)
	h.MinFree = 1 << 20
	ctx := context.Background()
	if err := h.Writable(ctx); err != nil {
		t.Fatalf("before the disk fills: %v", err)
	}

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 64<<10)
	for {
		if _, err := f.Write(block); err != nil {
			break
		}
	}
	f.Close()
	err = h.Writable(ctx)
	if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("full disk: %v, want EUNAVAILABLE saying disk full", err)
	}
	h.MinFree = 1 // only the probe write can tell now
	err = h.Writable(ctx)
	if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("full disk, by the probe write: %v, want EUNAVAILABLE saying disk full", err)
	}

	os.Remove(filler)
	h.MinFree = 1 << 20
	if err := h.Writable(ctx); err != nil {
		t.Errorf("after space was freed: %v", err)
	}
	mustCreateComplaint(t, db, newComplaint(testNow, "piet@example.org"))
	if n := countQuery(t, db, `SELECT COUNT(*) FROM complaints`); n != 2 {
		t.Errorf("%d complaints, want 2 (%s and one after the disk was freed)", n, c.Reference)
	}
}

// writableChildEnv names the data folder of TestWritable_Child.
const writableChildEnv = "KLACHTDESK_TEST_WRITABLE_CHILD"

// TestWritable_Child is the process TestWritable_FolderOfAnotherUser runs
// as nobody: it opens the store and answers "check" and "write" on stdin.
func TestWritable_Child(t *testing.T) {
	sqliteOnly(t)
	dir := os.Getenv(writableChildEnv)
	if dir == "" {
		t.Skip("the child process of TestWritable_FolderOfAnotherUser")
	}
	ctx := context.Background()
	db := sqldb.NewDB(dir, "")
	if err := db.Open(ctx); err != nil {
		fmt.Println("result: open:", err)
		return
	}
	defer db.Close()
	h := sqldb.NewHealthService(db)
	h.MinFree = 1
	fmt.Println("result: ready")
	sc := bufio.NewScanner(os.Stdin)
	for i := 0; sc.Scan(); i++ {
		var err error
		switch sc.Text() {
		case "check":
			err = h.Writable(ctx)
		case "write":
			_, err = sqldb.NewComplaintService(db).CreateComplaint(ctx, newComplaint(testNow, fmt.Sprintf("c%d@example.org", i)))
		}
		if err != nil {
			fmt.Println("result:", klachtdesk.ErrorCode(err), strings.Join(strings.Fields(err.Error()), " "))
		} else {
			fmt.Println("result: ok")
		}
	}
}

// A store whose folder and files another user took (as after a restore
// by root): Writable, run as the non-root user the store runs as, fails
// saying the folder is read-only, and is fine again once the files are
// given back; no write was lost.
func TestWritable_FolderOfAnotherUser(t *testing.T) {
	sqliteOnly(t)
	if os.Geteuid() != 0 {
		t.Skip("runs a child process as nobody, which needs root")
	}
	base, err := os.MkdirTemp("", "klachtdesk-writable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	os.Chmod(base, 0o755)
	dir := filepath.Join(base, "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	chownAll := func(uid int) {
		t.Helper()
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				os.Lchown(p, uid, uid)
			}
			return nil
		})
	}
	chownAll(65534)

	// The child is this test binary, copied where nobody may run it.
	exe := filepath.Join(base, "sqldb.test")
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestWritable_Child$")
	cmd.Env = append(os.Environ(), writableChildEnv+"="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	results := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if r, ok := strings.CutPrefix(sc.Text(), "result: "); ok {
				results <- r
			}
		}
		close(results)
	}()
	next := func() string {
		t.Helper()
		select {
		case r := <-results:
			return r
		case <-time.After(30 * time.Second):
			t.Fatal("the child process does not answer")
		}
		return ""
	}
	ask := func(command string) string {
		t.Helper()
		fmt.Fprintln(stdin, command)
		return next()
	}
	if r := next(); r != "ready" {
		t.Fatalf("child: %s", r)
	}
	if r := ask("write"); r != "ok" {
		t.Fatalf("write: %s", r)
	}
	if r := ask("check"); r != "ok" {
		t.Fatalf("writable store: %s", r)
	}

	// The database file alone taken (SQLite keeps the open file
	// descriptors writable, the next connection would not be).
	dbFile := filepath.Join(dir, "klachtdesk.db")
	os.Chown(dbFile, 0, 0)
	r := ask("check")
	if !strings.HasPrefix(r, klachtdesk.EUNAVAILABLE+" ") || !strings.Contains(r, dbFile+" is read-only") {
		t.Errorf("database file of another user: %s, want %s naming the file read-only", r, klachtdesk.EUNAVAILABLE)
	}

	chownAll(0)
	r = ask("check")
	if !strings.HasPrefix(r, klachtdesk.EUNAVAILABLE+" ") || !strings.Contains(r, "read-only") {
		t.Errorf("folder of another user: %s, want %s saying read-only", r, klachtdesk.EUNAVAILABLE)
	}

	chownAll(65534)
	if r := ask("check"); r != "ok" {
		t.Errorf("after the folder was given back: %s", r)
	}
	if r := ask("write"); r != "ok" {
		t.Errorf("write after the folder was given back: %s", r)
	}
	stdin.Close()
	cmd.Wait()
	db, err := openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM complaints`); n != 2 {
		t.Errorf("%d complaints, want 2", n)
	}
}

// BenchmarkWritable measures what a readiness check of the store costs.
func BenchmarkWritable(b *testing.B) {
	db := MustOpenDB(b)
	h := sqldb.NewHealthService(db)
	h.MinFree = 1
	ctx := context.Background()
	for b.Loop() {
		if err := h.Writable(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// A store whose write lock another writer holds too long is not writable
// now, and Writable says so within its timeout instead of hanging the
// readiness check; once the lock is free, it is writable again.
func TestWritable_Locked(t *testing.T) {
	sqliteOnly(t)
	sqldb.SetWritableTimeout(t, 200*time.Millisecond)
	db := MustOpenDB(t)
	h := sqldb.NewHealthService(db)
	h.MinFree = 1
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = h.Writable(ctx)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Writable waited %v for the lock", d)
	}
	if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE || !strings.Contains(err.Error(), "locked") {
		t.Errorf("locked store: %v, want EUNAVAILABLE saying locked", err)
	}
	tx.Rollback()
	if err := h.Writable(ctx); err != nil {
		t.Errorf("after the lock was freed: %v", err)
	}
}
