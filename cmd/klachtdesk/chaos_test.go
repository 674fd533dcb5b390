package main

import (
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk/internal/mailgen"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
)

// setOrganisation fills in the organisation's details in the data folder
// (made when missing): until then no letter leaves.
func setOrganisation(t *testing.T, dataDir string) {
	t.Helper()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"org.complaint_email", "klachten@actwebservice.nl"}, {"org.postal_address", "Postbus 1234, 3500 AB Utrecht"}} {
		mustRun(t, "", "settings", "set", kv[0], kv[1], "--data", dataDir)
	}
}

// writeMailConfig writes a mail configuration and returns its path.
func writeMailConfig(t *testing.T, cfg map[string]any) string {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "mail.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// TestOutboxChaos delivers the acknowledgements of 200 complaints through a
// real SMTP peer that fails temporarily, permanently and drops connections
// during DATA, while the delivering process is killed at random moments.
// Afterwards no letter is lost, every duplicate shares its Message-ID, and
// every permanent failure is on its complaint.
func TestOutboxChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos is not short")
	}
	const n = 200
	dir := filepath.Join(t.TempDir(), "data")
	src := filepath.Join(t.TempDir(), "mail.mbox")
	if err := os.WriteFile(src, mailgen.Mbox(mailgen.Generate(n, mailgen.Options{Seed: 3})), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := child("import", "--data", dir, src).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	setOrganisation(t, dir)
	// The server takes 5 ms to confirm each letter, so that kills land
	// between its acceptance and the worker's record of it.
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{Delay: 5 * time.Millisecond})
	host, port := hostPort(t, srv.Addr)
	cfg := writeMailConfig(t, map[string]any{"smtp": map[string]any{"host": host, "port": port, "tls": "none", "from": "klachten@example.org", "hello_name": "localhost"}})

	db, err := sql.Open("sqlite", filepath.Join(dir, "klachtdesk.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var addrs []string
	rows, err := db.Query(`SELECT to_key FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		rows.Scan(&a)
		addrs = append(addrs, a)
	}
	rows.Close()
	if len(addrs) != n {
		t.Fatalf("outbox holds %d letters, want %d", len(addrs), n)
	}

	// Every tenth address refuses permanently; others fail temporarily
	// now and then, and connections drop during DATA.
	rng := rand.New(rand.NewPCG(5, 9))
	permanent := map[string]bool{}
	for i, a := range addrs {
		if i%10 == 3 {
			srv.FailNext(a, 1, 550)
			permanent[a] = true
		} else if rng.IntN(4) == 0 {
			srv.FailNext(a, 1+rng.IntN(2), 451)
		}
	}
	kills := 0
	for round := 0; round < 60; round++ {
		var queued int
		if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE state = 'queued'`).Scan(&queued); err != nil {
			t.Fatal(err)
		}
		if queued == 0 {
			break
		}
		if round%3 == 0 {
			srv.DropNext(1 + rng.IntN(3))
		}
		cmd := child("deliver", "--once", "--data", dir, "--mail-config", cfg)
		if round < 40 && rng.IntN(3) > 0 {
			if killAfter(t, cmd, time.Duration(rng.Int64N(int64(150*time.Millisecond)))) {
				kills++
			}
		} else if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("round %d: deliver: %v\n%s", round, err, out)
		}
		// Time passes: leases of killed workers and retry pauses end.
		if _, err := db.Exec(`UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000000Z' WHERE state = 'queued'`); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d kills of the delivering process", kills)

	// The outcome, letter by letter.
	received := map[string]int{}
	for _, m := range srv.Messages() {
		received[m.MessageID]++
	}
	rows, err = db.Query(`SELECT o.state, o.to_key, m.message_id, o.complaint_id,
			(SELECT COUNT(*) FROM events e WHERE e.complaint_id = o.complaint_id AND e.kind = 'letter_failed')
		FROM outbox o JOIN messages m ON m.id = o.message_row`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ours := map[string]bool{}
	var sent, failed, resent int
	for rows.Next() {
		var state, to, messageID string
		var complaintID int64
		var failedEvents int
		if err := rows.Scan(&state, &to, &messageID, &complaintID, &failedEvents); err != nil {
			t.Fatal(err)
		}
		ours[messageID] = true
		switch {
		case state == "sent" && received[messageID] == 0:
			t.Errorf("letter %s to %s is marked sent but never arrived: lost", messageID, to)
		case state == "sent":
			sent++
			if received[messageID] > 1 {
				resent++
			}
		case state == "failed" && permanent[to] && failedEvents == 1 && received[messageID] == 0:
			failed++
		default:
			t.Errorf("letter %s to %s: state %s, %d letter_failed events, received %d times (permanent refusal: %v)",
				messageID, to, state, failedEvents, received[messageID], permanent[to])
		}
	}
	for id, k := range received {
		if !ours[id] {
			t.Errorf("the server received %d letters with Message-ID %q, which no outbox letter has", k, id)
		}
	}
	if sent+failed != n || failed != len(permanent) {
		t.Errorf("sent %d + failed %d, want %d letters with %d permanent failures", sent, failed, n, len(permanent))
	}
	t.Logf("sent %d (%d of them more than once, same Message-ID), failed permanently %d", sent, resent, failed)

	// The failure is visible on the complaint.
	var ref string
	if err := db.QueryRow(`SELECT c.reference FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE o.state = 'failed' LIMIT 1`).Scan(&ref); err != nil {
		t.Fatal(err)
	}
	out, err := child("show", "--data", dir, ref).CombinedOutput()
	if err != nil || !containsAll(string(out), "letter failed", "550") {
		t.Errorf("show %s: %v\n%s", ref, err, out)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// TestServeMail runs serve with a mail configuration against a real Dovecot
// and SMTP peer: a complaint mailed to the inbox is registered, moved to the
// processed folder, and its acknowledgement arrives at the SMTP server,
// threaded to the complaint's mail and marked as automatic.
func TestServeMail(t *testing.T) {
	if testing.Short() {
		t.Skip("runs serve as a process")
	}
	d := testpeer.StartDovecot(t)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	ihost, iport := hostPort(t, d.Addr)
	shost, sport := hostPort(t, srv.Addr)
	cfg := writeMailConfig(t, map[string]any{
		"imap": []map[string]any{{"host": ihost, "port": iport, "tls": "none", "username": d.User, "password": d.Password, "poll_interval": "1m"}},
		"smtp": map[string]any{"host": shost, "port": sport, "tls": "none", "from": "klachten@example.org", "hello_name": "localhost"},
	})
	dataDir := filepath.Join(t.TempDir(), "data")
	setOrganisation(t, dataDir)
	cmd := child("serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--mail-config", cfg)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	now := time.Now()
	d.Deliver(t, "INBOX", []byte("From: Sanne <sanne@example.nl>\r\nTo: klachten@example.org\r\nSubject: Helpdesk onbereikbaar\r\n"+
		"Date: "+now.Format(time.RFC1123Z)+"\r\nMessage-ID: <serve-1@example.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Ik kan de helpdesk al dagen niet bereiken. Wilt u mij terugbellen?\r\n"))
	deadline := time.Now().Add(hangGuard)
	for len(srv.Messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no acknowledgement reached the SMTP server within %s; INBOX %d, processed %d", hangGuard, d.Count(t, "INBOX"), d.Count(t, "Klachtdesk-Verwerkt"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	got := srv.Messages()[0]
	data := string(got.Data)
	if len(got.To) != 1 || got.To[0] != "sanne@example.nl" || !strings.Contains(data, "[KL-") ||
		!strings.Contains(data, "In-Reply-To: <serve-1@example.nl>") || !strings.Contains(data, "Auto-Submitted: auto-replied") {
		t.Errorf("acknowledgement to %v:\n%.600s", got.To, data)
	}
	if d.Count(t, "INBOX") != 0 || d.Count(t, "Klachtdesk-Verwerkt") != 1 {
		t.Errorf("INBOX %d, processed %d", d.Count(t, "INBOX"), d.Count(t, "Klachtdesk-Verwerkt"))
	}
}
