package intake_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// stallProxy passes TCP bytes between intake and the server until it is
// paused: then it holds every byte, in both directions, and keeps the
// sockets open, as a server or network that stops answering does.
type stallProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed when a pause ends
	conns  []net.Conn
}

func startStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target, resume: make(chan struct{})}
	close(p.resume)
	t.Cleanup(p.close)
	go p.accept()
	return p
}

func (p *stallProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// pipe copies src to dst, holding what it read while paused.
func (p *stallProxy) pipe(src, dst net.Conn) {
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			resume := p.resume
			p.mu.Unlock()
			<-resume
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *stallProxy) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused, p.resume = true, make(chan struct{})
	}
}

func (p *stallProxy) unpause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resume)
	}
}

func (p *stallProxy) close() {
	p.ln.Close()
	p.unpause()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *stallProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// logBuffer collects log output for assertions, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// inboundRows counts the intake log's rows by outcome.
func inboundRows(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT outcome, COUNT(*) FROM inbound GROUP BY outcome`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			t.Fatal(err)
		}
		out[o] = n
	}
	return out
}

// TestIMAPSource_Stall stops the connection between intake and Dovecot
// while keeping it open: intake must say so, drop it, reconnect once bytes
// pass again, take the mails that arrived meanwhile exactly once, and stop
// at once when cancelled while stalled.
func TestIMAPSource_Stall(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	proxy := startStallProxy(t, d.Addr)
	mb := mailbox(t, d)
	mb.Port = proxy.port()
	mb.PollInterval = intake.Duration(300 * time.Millisecond)
	mb.Timeout = intake.Duration(400 * time.Millisecond)
	mb.KeepAlive = intake.Duration(200 * time.Millisecond)
	logs := &logBuffer{}
	src := &intake.IMAPSource{Mailbox: mb, Store: store, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		src.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()

	for i := range 3 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 20*time.Second, "the first three mails taken", func() bool { return countComplaints(t, db) == 3 })
	if st := src.Status(); st.LastPoll.IsZero() || st.LastTaken.IsZero() || st.LastError != "" || st.Mailbox != mb.Name() {
		t.Errorf("status while healthy: %+v", st)
	}

	// The server stops answering; mail keeps arriving.
	proxy.pause()
	stalledAt := time.Now()
	for i := 3; i < 8; i++ {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 10*time.Second, "a log line about the stall", func() bool {
		return strings.Contains(logs.String(), "IMAP connection stalled") && strings.Contains(logs.String(), "mailbox="+mb.Name())
	})
	if st := src.Status(); st.LastError == "" || st.LastPoll.After(stalledAt) {
		t.Errorf("status while stalled: %+v", st)
	}
	if n := countComplaints(t, db); n != 3 {
		t.Fatalf("%d complaints while stalled", n)
	}

	// Bytes pass again: intake reconnects and takes each waiting mail once.
	proxy.unpause()
	waitFor(t, 20*time.Second, "the mails that arrived during the stall taken", func() bool {
		return d.Count(t, "Klachtdesk-Verwerkt") == 8 && d.Count(t, "INBOX") == 0
	})
	if n, rows := countComplaints(t, db), inboundRows(t, db); n != 8 || rows["new"] != 8 || len(rows) != 1 {
		t.Errorf("after the stall: %d complaints, intake log %v; want 8 new, nothing else", n, rows)
	}
	waitFor(t, 5*time.Second, "status healthy again", func() bool { st := src.Status(); return st.LastError == "" && st.LastPoll.After(stalledAt) })

	// Stalled again, shutdown must not wait for the server.
	proxy.pause()
	time.Sleep(300 * time.Millisecond) // in IDLE, or in a command the server will not answer
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2 s of cancel while the server was stalled")
	}
}
