package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Two serve started together on a brand-new data folder: exactly one runs,
// the other is refused at once with one line saying why, and no migration
// fails half-way; import works beside the running serve, and once it
// stops, another serve may own the folder.
func TestServeTwiceOnOneFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program as child processes")
	}
	for run := range 4 {
		dir := filepath.Join(t.TempDir(), "data")
		var cmds [2]*exec.Cmd
		var outs [2]*lockedBuffer
		exited := make(chan int, 2)
		for i := range cmds {
			outs[i] = &lockedBuffer{}
			cmds[i] = child("serve", "--addr", "127.0.0.1:0", "--data", dir)
			cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		}
		for i, cmd := range cmds {
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { cmd.Wait(); exited <- i }()
		}
		var loser int
		select {
		case loser = <-exited:
		case <-time.After(hangGuard):
			t.Fatalf("run %d: both serve still run:\n%s\n%s", run, outs[0], outs[1])
		}
		winner := 1 - loser
		if code := cmds[loser].ProcessState.ExitCode(); code != 1 {
			t.Errorf("run %d: refused serve exit %d, want 1", run, code)
		}
		msg := strings.TrimSpace(outs[loser].String())
		if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "data folder "+dir+" is in use by another klachtdesk serve (process ") {
			t.Errorf("run %d: refused serve said %q, want one line naming the folder in use", run, msg)
		}
		deadline := time.Now().Add(hangGuard)
		for !strings.Contains(outs[winner].String(), "klachtdesk serving") {
			if time.Now().After(deadline) || cmds[winner].ProcessState != nil {
				t.Fatalf("run %d: the other serve does not run:\n%s", run, outs[winner])
			}
			time.Sleep(10 * time.Millisecond)
		}
		if run == 0 {
			mails := t.TempDir()
			os.WriteFile(filepath.Join(mails, "1.eml"), []byte(dutchComplaint), 0o600)
			if out := mustRun(t, "", "import", "--data", dir, mails); !strings.Contains(out, "new 1") {
				t.Errorf("import beside serve: %q", out)
			}
		}
		cmds[winner].Process.Signal(syscall.SIGTERM)
		<-exited
		for i, out := range outs {
			if strings.Contains(out.String(), "partial migration") {
				t.Errorf("run %d, serve %d: %s", run, i, out)
			}
		}
		if run == 0 {
			_, _, stderr, cancel := startServe(t, dir)
			cancel()
			if s := stderr.String(); !strings.Contains(s, "klachtdesk serving") {
				t.Errorf("serve after the owner stopped: %s", s)
			}
		}
	}
}

// A damaged database page: serve and import refuse to start with one line
// naming the restore procedure, and leave the file as it was; restored from
// the backup, the folder works again with nothing lost.
func TestServeRefusesDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "demo", "--count", "20", "--data", dir)
	db := filepath.Join(dir, "klachtdesk.db")
	backup, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(backup)
	page := int64(len(damaged)) / 4096 / 2 * 4096
	copy(damaged[page:page+4096], bytes.Repeat([]byte{0xA5}, 4096))
	if err := os.WriteFile(db, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	mails := t.TempDir()
	os.WriteFile(filepath.Join(mails, "1.eml"), []byte(dutchComplaint), 0o600)
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--data", dir},
		{"import", "--data", dir, mails},
	} {
		checkOneLine(t, run(t, nil, "", args...), 1, "the database "+db+" is damaged", "README, Operations, Restore")
	}
	if b, _ := os.ReadFile(db); !bytes.Equal(b, damaged) {
		t.Error("a refused start changed the database file")
	}
	r := run(t, nil, "", "audit", "verify", "--data", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "database file DAMAGED") {
		t.Errorf("audit verify of a damaged database: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	if err := os.WriteFile(db, backup, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if out := mustRun(t, "", "import", "--data", dir, mails); !strings.Contains(out, "new 1") {
		t.Errorf("import after the restore: %q", out)
	}
	if n := countComplaints(t, dir); n != 21 {
		t.Errorf("%d complaints after the restore and import, want the demo's 20 and the imported one", n)
	}
}

// A restored older backup has lost the events after the last anchor:
// audit verify says so and exits 1 (the chain alone would be intact)
// until the operator accepts the restore.
func TestAuditVerifyLostTail(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "demo", "--count", "20", "--data", dir)
	r := run(t, nil, "", "audit", "verify", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stderr, "anchor recorded in "+filepath.Join(dir, "anchors.log")) {
		t.Fatalf("audit verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	db := filepath.Join(dir, "klachtdesk.db")
	backup, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "complaint", "add", "--data", dir, "--channel", "letter", "--received", "2026-11-02", "--name", "Jan de Vries",
		"--email", "jan@example.nl", "--consumer", "--kind", "service", "--subtype", "communication", "--subject", "Geen antwoord", "--text", "Niemand belt terug.")
	mustRun(t, "", "audit", "verify", "--data", dir)
	log, _ := os.ReadFile(filepath.Join(dir, "anchors.log"))
	if n := strings.Count(string(log), "\n"); n != 2 {
		t.Fatalf("anchor log holds %d lines, want 2:\n%s", n, log)
	}

	// Restore the backup taken before the last complaint.
	os.WriteFile(db, backup, 0o644)
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	r = run(t, nil, "", "audit", "verify", "--data", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "audit trail BROKEN: it lost its tail: event ") || strings.Contains(r.stdout, "intact") {
		t.Errorf("audit verify after a restore: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	nl := run(t, map[string]string{"KLACHTDESK_LANG": "nl"}, "", "audit", "verify", "--data", dir)
	if nl.code != 1 || !strings.Contains(nl.stdout, "audittrail GEBROKEN: het einde ontbreekt") {
		t.Errorf("audit verify after a restore, in Dutch: exit %d\n%s", nl.code, nl.stdout)
	}
	r = run(t, nil, "", "audit", "verify", "--data", dir, "--accept-restore")
	if r.code != 0 || !regexp.MustCompile(`restore accepted: the trail's head \d+:[0-9a-f]{64} is recorded as the new anchor`).MatchString(r.stdout) {
		t.Errorf("audit verify --accept-restore: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustRun(t, "", "audit", "verify", "--data", dir)
}

// serve records an anchor at start (and daily), in the anchor log and in
// its log output.
func TestServeRecordsAnchor(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "demo", "--count", "5", "--data", dir)
	_, _, stderr, cancel := startServe(t, dir)
	defer cancel()
	deadline := time.Now().Add(hangGuard)
	for !strings.Contains(stderr.String(), "audit anchor") {
		if time.Now().After(deadline) {
			t.Fatalf("serve logged no anchor:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	m := regexp.MustCompile(`anchor=(\d+):([0-9a-f]{64})`).FindStringSubmatch(stderr.String())
	log, _ := os.ReadFile(filepath.Join(dir, "anchors.log"))
	if m == nil || !strings.Contains(string(log), " "+m[1]+" "+m[2]+" serve\n") {
		t.Errorf("logged anchor %v is not in the anchor log:\n%s", m, log)
	}
}

// A deleted attachment file and a changed one: audit verify names each with
// its complaint and exits 1; put back, it is intact again.
func TestAuditVerifyBlobs(t *testing.T) {
	dir := t.TempDir()
	mails := t.TempDir()
	pdf := bytes.Repeat([]byte("%PDF-1.4 factuur "), 20000) // over the size kept inside the database
	eml := "From: Sanne de Vries <sanne@example.nl>\r\nTo: klachten@example.org\r\nSubject: Factuur klopt niet\r\n" +
		"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nMessage-ID: <blob-1@example.nl>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"De factuur in de bijlage klopt niet: ik ben twee keer gefactureerd.\r\n--b\r\n" +
		"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=factuur.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(pdf) + "\r\n--b--\r\n"
	os.WriteFile(filepath.Join(mails, "1.eml"), []byte(eml), 0o600)
	out := mustRun(t, "", "import", "--json", "--data", dir, mails)
	ref := regexp.MustCompile(`KL-\d{4}-\d{6}`).FindString(out)
	if ref == "" {
		t.Fatalf("import: %q", out)
	}
	mustRun(t, "", "audit", "verify", "--data", dir)

	sum := fmt.Sprintf("%x", sha256.Sum256(pdf))
	file := filepath.Join(dir, "blobs", sum[0:2], sum[2:4], sum)
	saved, _ := os.ReadFile(file)
	os.Remove(file)
	r := run(t, nil, "", "audit", "verify", "--data", dir)
	want := fmt.Sprintf(`attachment "factuur.pdf" of complaint %s`, ref)
	if r.code != 1 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "MISSING") {
		t.Errorf("audit verify without the attachment: exit %d, want 1 and %q MISSING\n%s", r.code, want, r.stdout)
	}
	changed := bytes.Clone(saved)
	changed[len(changed)/2] ^= 1
	os.WriteFile(file, changed, 0o600)
	r = run(t, nil, "", "audit", "verify", "--data", dir)
	if r.code != 1 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "CHANGED") {
		t.Errorf("audit verify with a changed attachment: exit %d, want 1 and %q CHANGED\n%s", r.code, want, r.stdout)
	}
	os.WriteFile(file, saved, 0o600)
	if r := run(t, nil, "", "audit", "verify", "--data", dir); r.code != 0 || !strings.Contains(r.stderr, "stored files intact: ") {
		t.Errorf("audit verify after the file was put back: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// countComplaints counts the complaints of the data folder behind the
// program's back.
func countComplaints(t *testing.T, dir string) int {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "klachtdesk.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM complaints`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
