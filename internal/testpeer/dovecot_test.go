package testpeer

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func dialIMAP(t *testing.T, d *Dovecot) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", d.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(d.User, d.Password).Wait(); err != nil {
		t.Fatalf("login: %v", err)
	}
	return c
}

const testMail = "From: Piet <piet@example.nl>\r\n" +
	"To: klachten@example.org\r\n" +
	"Subject: Klacht over de bus\r\n" +
	"Message-ID: <bus-1@example.nl>\r\n" +
	"\r\n" +
	"De bus kwam niet.\r\n"

func TestDovecotDeliverFetch(t *testing.T) {
	d := StartDovecot(t)
	d.Deliver(t, "INBOX", []byte(testMail))
	d.Deliver(t, "Verwerkt", []byte(testMail)) // created on the way
	if got := d.Count(t, "INBOX"); got != 1 {
		t.Errorf("Count(INBOX) = %d, want 1", got)
	}
	if got := d.Count(t, "Verwerkt"); got != 1 {
		t.Errorf("Count(Verwerkt) = %d, want 1", got)
	}
	if got := d.Seen(t, "INBOX"); got != 0 {
		t.Errorf("Seen(INBOX) = %d, want 0", got)
	}
	d.CreateFolder(t, "Verwerkt") // exists: no error
	d.CreateFolder(t, "Quarantaine")
	if got := d.Count(t, "Quarantaine"); got != 0 {
		t.Errorf("Count(Quarantaine) = %d, want 0", got)
	}

	c := dialIMAP(t, d)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("select: %v", err)
	}
	body := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}},
		&imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if len(msgs) != 1 {
		t.Fatalf("fetched %d messages, want 1", len(msgs))
	}
	if got := string(msgs[0].FindBodySection(body)); got != testMail {
		t.Errorf("body = %q, want %q", got, testMail)
	}

	if err := c.Store(imap.UIDSetNum(msgs[0].UID), &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen},
	}, nil).Close(); err != nil {
		t.Fatalf("store: %v", err)
	}
	if got := d.Seen(t, "INBOX"); got != 1 {
		t.Errorf("Seen(INBOX) after \\Seen = %d, want 1", got)
	}
}

func TestDovecotWrongPassword(t *testing.T) {
	d := StartDovecot(t)
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(d.User, "wrong").Wait(); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
}

func TestDovecotUIDValidity(t *testing.T) {
	d := StartDovecot(t)
	d.Deliver(t, "INBOX", []byte(testMail))

	c := dialIMAP(t, d)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	before := sel.UIDValidity
	if err := c.Logout().Wait(); err != nil {
		t.Fatal(err)
	}

	want := before + 7
	d.SetUIDValidity(t, "INBOX", want)

	c = dialIMAP(t, d)
	sel, err = c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.UIDValidity != want {
		t.Errorf("UIDValidity = %d, want %d (was %d)", sel.UIDValidity, want, before)
	}
	if sel.NumMessages != 1 {
		t.Errorf("NumMessages = %d, want 1", sel.NumMessages)
	}
}

func TestDovecotRestart(t *testing.T) {
	d := StartDovecot(t)
	d.Deliver(t, "INBOX", []byte(testMail))
	addr := d.Addr

	old := dialIMAP(t, d)
	if _, err := old.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}

	d.Restart(t)
	if d.Addr != addr {
		t.Errorf("Addr after restart = %s, want %s", d.Addr, addr)
	}
	// The old session is gone.
	select {
	case <-old.Closed():
	case <-time.After(10 * time.Second):
		if err := old.Noop().Wait(); err == nil {
			t.Error("old session still answers after restart")
		}
	}

	c := dialIMAP(t, d)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages != 1 {
		t.Errorf("NumMessages after restart = %d, want 1", sel.NumMessages)
	}
}

func TestDovecotStopLeavesNoProcess(t *testing.T) {
	d := StartDovecot(t)
	c := dialIMAP(t, d) // an open session must not keep a process alive
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	pid := d.cmd.Process.Pid
	d.mu.Unlock()
	d.Stop()
	if groupAlive(pid) {
		t.Errorf("processes of group %d remain after Stop", pid)
	}
	if greets(d.Addr) {
		t.Errorf("%s still answers after Stop", d.Addr)
	}
	d.Stop() // again: no-op
}

func TestDovecotParallel(t *testing.T) {
	for _, name := range []string{"a", "b", "c"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := StartDovecot(t)
			d.Deliver(t, "INBOX", []byte(strings.ReplaceAll(testMail, "bus-1", "bus-"+name)))
			c := dialIMAP(t, d)
			sel, err := c.Select("INBOX", nil).Wait()
			if err != nil {
				t.Fatal(err)
			}
			if sel.NumMessages != 1 {
				t.Errorf("NumMessages = %d, want 1", sel.NumMessages)
			}
		})
	}
}
