package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
)

// mailForMigration writes mail to import into dir: complaints as .eml
// files, an mbox with more of them and a reply, one with an attachment too
// large for the blobs table, and garbage for the quarantine.
func mailForMigration(t *testing.T, dir string) {
	t.Helper()
	big := strings.Repeat("QmlqbGFnZSB2YW4gZWVuIGtsYWNodA==\r\n", 8000) // 272 KB of base64
	withAttachment := "From: Kees Bakker <kees@example.nl>\r\nTo: klachten@example.org\r\nSubject: Kapotte meter\r\n" +
		"Date: Tue, 3 Mar 2026 09:00:00 +0100\r\nMessage-ID: <att-1@example.nl>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"De meter in de meterkast is kapot en ik krijg een veel te hoge rekening. Zie de foto in de bijlage.\r\n" +
		"--b1\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"meter.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		big + "--b1--\r\n"
	mbox := "From sanne@example.nl Mon Mar  2 12:00:00 2026\r\n" +
		"From: Sanne de Vries <sanne@example.nl>\r\nTo: klachten@example.org\r\nSubject: Re: Helpdesk onbereikbaar\r\n" +
		"Date: Mon, 2 Mar 2026 12:00:00 +0100\r\nMessage-ID: <nl-2@example.nl>\r\nIn-Reply-To: <nl-1@example.nl>\r\n\r\n" +
		"Nog een aanvulling: het ging om de helpdesk van de afdeling facturen.\r\n\r\n" +
		"From ann@example.com Tue Mar  3 10:00:00 2026\r\n" +
		"From: Ann Lee <ann@example.com>\r\nTo: klachten@example.org\r\nSubject: Late delivery\r\n" +
		"Date: Tue, 3 Mar 2026 10:00:00 +0100\r\nMessage-ID: <en-2@example.com>\r\n\r\n" +
		"My order arrived three weeks late and nobody answered my questions about it in the meantime.\r\n"
	files := map[string]string{"1.eml": dutchComplaint, "2.eml": englishComplaint, "3.eml": vacationReply,
		"4.eml": withAttachment, "5.eml": "\x00\x01 garbage without any header", "mail.mbox": mbox}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

var anchorRE = regexp.MustCompile(`(?m)^anchor: (\d+:[0-9a-f]{64})$`)

// anchorOf returns the anchor line's anchor in out.
func anchorOf(t *testing.T, what, out string) string {
	t.Helper()
	m := anchorRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s prints no anchor:\n%s", what, out)
	}
	return m[1]
}

// showAll returns show --json of every complaint of a store, by reference.
func showAll(t *testing.T, args ...string) map[string]json.RawMessage {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(mustRun(t, "", append([]string{"complaint", "list", "--json", "--limit", "0"}, args...)...)))
	out := map[string]json.RawMessage{}
	for dec.More() {
		var c struct {
			Reference string `json:"reference"`
		}
		if err := dec.Decode(&c); err != nil {
			t.Fatal(err)
		}
		out[c.Reference] = json.RawMessage(mustRun(t, "", append([]string{"show", c.Reference, "--json"}, args...)...))
	}
	return out
}

// checkSameInstallation compares show --json of every complaint and the
// audit trail's anchor of the source with the target's.
func checkSameInstallation(t *testing.T, source map[string]json.RawMessage, anchor, data, to string) {
	t.Helper()
	target := showAll(t, "--data", data, "--db", to)
	if len(target) != len(source) {
		t.Errorf("%d complaints on the target, %d on the source", len(target), len(source))
	}
	for ref, want := range source {
		if got := target[ref]; string(got) != string(want) {
			var g, w any
			json.Unmarshal(got, &g)
			json.Unmarshal(want, &w)
			t.Errorf("show %s --json differs (-source +target):\n%s", ref, cmp.Diff(w, g))
		}
	}
	out := mustRun(t, "", "audit", "verify", "--data", data, "--db", to)
	if got := anchorOf(t, "audit verify on the target", out); got != anchor {
		t.Errorf("audit verify on the target: anchor %s, on the source %s", got, anchor)
	}
}

func TestMigrateData(t *testing.T) {
	to := storetest.FreshSchema(t)
	dir := t.TempDir()
	src, mail := filepath.Join(dir, "src"), filepath.Join(dir, "mail")
	os.MkdirAll(mail, 0o755)
	mustRun(t, "", "demo", "--count", "40", "--seed", "5", "--data", src)
	mailForMigration(t, mail)
	if r := run(t, nil, "", "import", "--data", src, mail); !strings.Contains(r.stdout, "rejected 1") && !strings.Contains(r.stdout, "error 1") {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	anchor := anchorOf(t, "audit verify on the source", mustRun(t, "", "audit", "verify", "--data", src))
	source := showAll(t, "--data", src)
	if len(source) < 44 {
		t.Fatalf("the source holds %d complaints; want the demo's and the imported", len(source))
	}

	out := mustRun(t, "", "migrate-data", "--from", src, "--to", to)
	if got := anchorOf(t, "migrate-data", out); got != anchor {
		t.Errorf("migrate-data: anchor %s, the source's %s", got, anchor)
	}
	for _, want := range []string{`(?m)^complaints\s+4\d$`, `(?m)^events\s+\d{3,}$`, `(?m)^inbound\s+[1-9]\d*$`, `and [1-9]\d* blob files`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("migrate-data output lacks %s:\n%s", want, out)
		}
	}
	checkSameInstallation(t, source, anchor, filepath.Join(dir, "target"), to)

	// Once moved, the target holds data: a second run is refused and
	// changes nothing.
	checkOneLine(t, run(t, nil, "", "migrate-data", "--from", src, "--to", to), 1, "the target database is not empty")
	checkSameInstallation(t, source, anchor, filepath.Join(dir, "target"), to)
}

// cancelWriter cancels a context once it has seen n lines.
type cancelWriter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
	buf    strings.Builder
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.n -= strings.Count(string(p), "\n"); w.n <= 0 {
		w.cancel()
	}
	return len(p), nil
}

func TestMigrateData_Interrupted(t *testing.T) {
	to := storetest.FreshSchema(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	mustRun(t, "", "demo", "--count", "30", "--seed", "9", "--data", src)
	anchor := anchorOf(t, "audit verify on the source", mustRun(t, "", "audit", "verify", "--data", src))
	source := showAll(t, "--data", src)

	// Interrupt the first run when it starts on its fourth table, as
	// Ctrl-C would.
	m, stdout, _ := newTestMain(nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelWriter{n: 4, cancel: cancel}
	m.Stderr = stderr
	code := m.Execute(ctx, []string{"migrate-data", "--from", src, "--to", to})
	if code != 1 || !strings.Contains(stderr.buf.String(), "run the same command again to go on where it stopped") {
		t.Fatalf("interrupted migrate-data: exit %d\n%s\n%s", code, stdout, stderr.buf.String())
	}

	// Another installation cannot take the half-filled target over.
	other := filepath.Join(dir, "other")
	mustRun(t, "", "demo", "--count", "5", "--data", other)
	checkOneLine(t, run(t, nil, "", "migrate-data", "--from", other, "--to", to), 1, "interrupted copy of another installation")

	out := mustRun(t, "", "migrate-data", "--from", src, "--to", to)
	if !strings.Contains(out, "went on from an interrupted run") {
		t.Errorf("the second run did not resume:\n%s", out)
	}
	checkSameInstallation(t, source, anchor, filepath.Join(dir, "target"), to)
}
