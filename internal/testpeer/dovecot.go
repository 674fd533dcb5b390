// Package testpeer runs real mail peers for integration tests: a private
// Dovecot IMAP server per test and an in-process SMTP receiver with failure
// injection. It is imported only from tests.
package testpeer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Limits for waiting on Dovecot; generous because CI machines can be slow.
const (
	dovecotReadyTimeout = 10 * time.Second
	dovecotStopTimeout  = 5 * time.Second
	doveadmTimeout      = 30 * time.Second
)

// Dovecot is a private Dovecot IMAP server for one test: its own config,
// base dir, port on 127.0.0.1 and one user, whose password LOGIN accepts
// over plain text.
type Dovecot struct {
	Addr           string // 127.0.0.1:port
	User, Password string

	dir  string // everything of this instance lives under it
	conf string // the config file, passed as -c to dovecot and doveadm
	logf string // Dovecot's own log

	mu     sync.Mutex
	cmd    *exec.Cmd     // the master while running, else nil
	exited chan struct{} // closed when the master has been reaped
}

// StartDovecot starts a Dovecot instance for t and stops it when t ends.
// When the dovecot binary is absent it skips t, or fails it when the CI
// environment variable is set.
func StartDovecot(t testing.TB) *Dovecot {
	t.Helper()
	for _, bin := range []string{"dovecot", "doveadm"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not installed: .ci/run installs dovecot-imapd", bin)
			}
			t.Skipf("%s not installed; install dovecot-imapd or set CI=1 to make this a failure", bin)
		}
	}

	// Not t.TempDir: its parents are 0700 and root-only, so Dovecot's
	// unprivileged processes could not reach the mail folder.
	dir, err := os.MkdirTemp("", "testpeer-dovecot-")
	if err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	d := &Dovecot{
		User:     "klacht",
		Password: randomHex(t, 12),
		dir:      dir,
		conf:     filepath.Join(dir, "dovecot.conf"),
		logf:     filepath.Join(dir, "dovecot.log"),
	}
	t.Cleanup(func() {
		d.Stop()
		if t.Failed() {
			t.Logf("dovecot log:\n%s", d.logTail())
		}
		os.RemoveAll(dir)
	})
	if err := d.prepare(); err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	// Another test process may take the free port before Dovecot binds it:
	// try a few ports.
	for attempt := 1; ; attempt++ {
		err := d.configure()
		if err == nil {
			err = d.start()
		}
		if err == nil {
			return d
		}
		if attempt == 3 || !strings.Contains(err.Error(), "Address already in use") {
			t.Fatalf("dovecot: %v", err)
		}
	}
}

// prepare makes the folders and the password file.
func (d *Dovecot) prepare() error {
	if err := os.Chmod(d.dir, 0o755); err != nil {
		return err
	}
	for _, sub := range []string{"run", "state", "mail"} {
		if err := os.Mkdir(filepath.Join(d.dir, sub), 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(d.dir, "passwd"), []byte(d.User+":{PLAIN}"+d.Password+"\n"), 0o644)
}

// configure picks a free port and writes the config for it.
func (d *Dovecot) configure() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	d.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	// Dovecot refuses to run mail or login processes as root: as root the
	// mail belongs to nobody and the daemons to the users Debian's
	// dovecot-core creates; otherwise everything runs as the current user.
	var internalUser, internalGroup, loginUser, chroot string
	var mailUID, mailGID int
	if os.Geteuid() == 0 {
		for _, name := range []string{"dovecot", "dovenull"} {
			if _, err := user.Lookup(name); err != nil {
				return fmt.Errorf("system user %s missing (created by Debian's dovecot-core): %w", name, err)
			}
		}
		internalUser, internalGroup, loginUser = "dovecot", "dovecot", "dovenull"
		mailUID, mailGID = 65534, 65534
		if u, err := user.Lookup("nobody"); err == nil {
			mailUID, _ = strconv.Atoi(u.Uid)
			mailGID, _ = strconv.Atoi(u.Gid)
		}
	} else {
		u, err := user.Current()
		if err != nil {
			return err
		}
		g, err := user.LookupGroupId(strconv.Itoa(os.Getegid()))
		if err != nil {
			return err
		}
		internalUser, internalGroup, loginUser = u.Username, g.Name, u.Username
		mailUID, mailGID = os.Geteuid(), os.Getegid()
		// Only root can chroot.
		chroot = "  chroot =\n"
	}

	mail := filepath.Join(d.dir, "mail")
	if err := os.Chown(mail, mailUID, mailGID); err != nil {
		return fmt.Errorf("mail folder for uid %d: %w", mailUID, err)
	}
	passwd := filepath.Join(d.dir, "passwd")

	conf := fmt.Sprintf(`# Private Dovecot instance of internal/testpeer.
instance_name = testpeer-%[1]d
protocols = imap
listen = 127.0.0.1
base_dir = %[2]s/run
state_dir = %[2]s/state
log_path = %[3]s
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = %[4]s
default_internal_group = %[11]s
default_login_user = %[5]s
first_valid_uid = %[6]d
mail_location = maildir:~/Maildir
shutdown_clients = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[7]s
}
userdb {
  driver = static
  args = uid=%[6]d gid=%[8]d home=%[9]s/%%u
}
service imap-login {
%[10]s  inet_listener imap {
    address = 127.0.0.1
    port = %[1]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
%[10]s}
`, port, d.dir, d.logf, internalUser, loginUser, mailUID, passwd, mailGID, mail, chroot, internalGroup)
	return os.WriteFile(d.conf, []byte(conf), 0o644)
}

// start runs the master in the foreground, as a child of the test
// process (which reaps it, so no zombie is left for init), in a process
// group of its own, and waits until the IMAP port greets.
func (d *Dovecot) start() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cmd != nil {
		return fmt.Errorf("already running (pid %d)", d.cmd.Process.Pid)
	}

	// Its processes keep the output streams open: a pipe there
	// (CombinedOutput) would never reach EOF. A file has no such problem.
	out, err := os.Create(filepath.Join(d.dir, "start.out"))
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command("dovecot", "-F", "-c", d.conf)
	cmd.Stdout, cmd.Stderr = out, out
	// Pdeathsig stops the server should the test binary die (a test
	// timeout) before its cleanups run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dovecot did not start: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	d.cmd, d.exited = cmd, exited

	deadline := time.Now().Add(dovecotReadyTimeout)
	for {
		select {
		case <-exited:
			d.stopLocked() // children it may have left
			return fmt.Errorf("dovecot exited at start: %v\n%s\n%s", cmd.ProcessState, readFile(out.Name()), d.logTail())
		default:
		}
		if greets(d.Addr) {
			return nil
		}
		if time.Now().After(deadline) {
			d.stopLocked()
			return fmt.Errorf("dovecot did not answer * OK on %s within %v\n%s\n%s",
				d.Addr, dovecotReadyTimeout, readFile(out.Name()), d.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends the instance and all its processes (open IMAP sessions see
// their connection close) and waits until they are gone. A no-op when the
// instance is not running.
func (d *Dovecot) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopLocked()
}

func (d *Dovecot) stopLocked() {
	if d.cmd == nil {
		return
	}
	pgid := d.cmd.Process.Pid
	d.cmd = nil
	// Signal the whole group: on SIGTERM the master alone waits for its
	// IMAP processes, and those stay while their client stays connected.
	// The master reaps its children before it exits.
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(dovecotStopTimeout):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-d.exited
	}
	// Processes that outlived the master (only after SIGKILL).
	if !waitGroupGone(pgid, dovecotStopTimeout) {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		waitGroupGone(pgid, dovecotStopTimeout)
	}
}

// Restart stops the instance and starts it again on the same port, with
// the same mail.
func (d *Dovecot) Restart(t testing.TB) {
	t.Helper()
	d.Stop()
	if err := d.start(); err != nil {
		t.Fatalf("dovecot: restart: %v", err)
	}
}

// Deliver stores raw as a new message in folder, creating the folder when
// needed. The message arrives without flags.
func (d *Dovecot) Deliver(t testing.TB, folder string, raw []byte) {
	t.Helper()
	d.CreateFolder(t, folder)
	if _, err := d.doveadm(raw, "save", "-u", d.User, "-m", folder); err != nil {
		t.Fatalf("dovecot: deliver to %s: %v", folder, err)
	}
}

// CreateFolder creates folder; it is not an error when it exists.
func (d *Dovecot) CreateFolder(t testing.TB, name string) {
	t.Helper()
	if d.exists(name) {
		return
	}
	if _, err := d.doveadm(nil, "mailbox", "create", "-u", d.User, name); err != nil {
		t.Fatalf("dovecot: create folder %s: %v", name, err)
	}
}

// SetUIDValidity gives folder a new UIDVALIDITY, keeping its messages and
// UIDs. Dovecot disconnects a session that has the folder selected.
func (d *Dovecot) SetUIDValidity(t testing.TB, folder string, v uint32) {
	t.Helper()
	if _, err := d.doveadm(nil, "mailbox", "update", "-u", d.User,
		"--uid-validity", strconv.FormatUint(uint64(v), 10), folder); err != nil {
		t.Fatalf("dovecot: set uidvalidity of %s: %v", folder, err)
	}
}

// Count returns the number of messages in folder.
func (d *Dovecot) Count(t testing.TB, folder string) int {
	t.Helper()
	return d.status(t, folder)["messages"]
}

// Seen returns the number of messages in folder flagged \Seen.
func (d *Dovecot) Seen(t testing.TB, folder string) int {
	t.Helper()
	st := d.status(t, folder)
	return st["messages"] - st["unseen"]
}

func (d *Dovecot) exists(folder string) bool {
	_, err := d.doveadm(nil, "mailbox", "status", "-u", d.User, "messages", folder)
	return err == nil
}

// status reads numeric STATUS items of folder with doveadm's tab format:
// one line of names, one of values.
func (d *Dovecot) status(t testing.TB, folder string) map[string]int {
	t.Helper()
	out, err := d.doveadm(nil, "-f", "tab", "mailbox", "status", "-u", d.User, "messages unseen", folder)
	if err != nil {
		t.Fatalf("dovecot: status of %s: %v", folder, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("dovecot: status of %s: unexpected output %q", folder, out)
	}
	names, values := strings.Split(lines[0], "\t"), strings.Split(lines[1], "\t")
	if len(names) != len(values) {
		t.Fatalf("dovecot: status of %s: unexpected output %q", folder, out)
	}
	st := make(map[string]int, len(names))
	for i, name := range names {
		if name == "mailbox" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(values[i]))
		if err != nil {
			t.Fatalf("dovecot: status of %s: %s=%q: %v", folder, name, values[i], err)
		}
		st[strings.TrimSpace(name)] = n
	}
	return st
}

// doveadm runs a doveadm command against this instance's config. It works
// whether or not the server is running (it opens the mail directly).
func (d *Dovecot) doveadm(stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), doveadmTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "doveadm", append([]string{"-c", d.conf}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

// logTail returns the end of Dovecot's log, for failure messages.
func (d *Dovecot) logTail() string {
	b := readFile(d.logf)
	const max = 8 << 10
	if len(b) > max {
		b = "…" + b[len(b)-max:]
	}
	return b
}

// greets reports whether addr answers with an IMAP "* OK" greeting.
func greets(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 4)
	n, _ := c.Read(buf)
	return string(buf[:n]) == "* OK"
}

// processGroup returns the process group of pid and whether pid is a live
// (not zombie) process, from /proc/PID/stat.
func processGroup(pid int) (pgid int, alive bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	pgid, err = strconv.Atoi(f[2])
	return pgid, err == nil
}

// waitGroupGone waits until no live process is left in process group pgid.
// Zombies do not count: in a container whose init does not reap, they stay.
func waitGroupGone(pgid int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if !groupAlive(pgid) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true // cannot tell; kill(0) said the group exists
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if g, alive := processGroup(pid); alive && g == pgid {
			return true
		}
	}
	return false
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b)
}

func readFile(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(b)
}
