package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// snapshot is every file of a folder tree with its mode and bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		entry := fi.Mode().String()
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			entry += " " + string(b)
		}
		out[p] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A restored backup on a read-only mount: the commands that only read open
// the database read-only, work, and leave every byte of the folder as it
// was. The reads run in a child process as a user for whom the folder is
// read-only (nobody, when the tests run as root, who ignores mode bits).
func TestReadOnlyDataFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program as a child process")
	}
	base, err := os.MkdirTemp("", "klachtdesk-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	// The test binary is the program (TestMain); copy it where the other
	// user may run it.
	exe := filepath.Join(base, "klachtdesk.test")
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(base, "data")
	mustRun(t, "", "migrate", "--data", dir)
	ref := strings.TrimSpace(mustRun(t, "", "complaint", "add", "--data", dir,
		"--channel", "letter", "--received", "2026-11-02", "--name", "Jan de Vries", "--email", "jan@example.nl", "--consumer",
		"--kind", "service", "--subtype", "communication", "--subject", "Geen antwoord", "--text", "Niemand belt terug."))
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			defer os.Chmod(p, 0o555)
		} else if err == nil {
			os.Chmod(p, 0o444)
		}
		return nil
	})
	before := snapshot(t, dir)

	for _, args := range [][]string{
		{"complaint", "list"},
		{"show", strings.ToLower(ref)},
		{"audit", "verify"},
		{"settings", "get"},
		{"user", "list"},
		{"quarantine", "list"},
	} {
		cmd := exec.Command(exe, append(args, "--data", dir)...)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("klachtdesk %s on a read-only folder: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		if (args[0] == "complaint" || args[0] == "show") && !strings.Contains(string(out), ref) {
			t.Errorf("klachtdesk %s on a read-only folder lacks %s:\n%s", strings.Join(args, " "), ref, out)
		}
	}
	after := snapshot(t, dir)
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed by a read-only command", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s created by a read-only command", p)
		}
	}
}
