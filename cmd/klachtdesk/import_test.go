package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk/letter"
)

const (
	dutchComplaint = "From: Sanne de Vries <sanne@example.nl>\r\nTo: klachten@example.org\r\nSubject: Helpdesk onbereikbaar\r\n" +
		"Date: Mon, 2 Mar 2026 09:00:00 +0100\r\nMessage-ID: <nl-1@example.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Ik heb drie dagen lang geprobeerd de helpdesk te bellen, maar niemand nam op. Dat is niet de service die ik verwacht.\r\n"
	englishComplaint = "From: John Smith <john@example.com>\r\nTo: klachten@example.org\r\nSubject: Invoice is wrong\r\n" +
		"Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <en-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"I have been charged twice for the same month and I would like you to refund the amount that was taken from my account.\r\n"
	vacationReply = "From: Piet <piet@example.nl>\r\nTo: klachten@example.org\r\nSubject: Afwezig: uw bericht\r\n" +
		"Date: Mon, 2 Mar 2026 11:00:00 +0100\r\nMessage-ID: <ooo-1@example.nl>\r\nAuto-Submitted: auto-replied\r\n\r\nIk ben afwezig.\r\n"
)

// importLine is one line of import --json.
type importLine struct {
	Source    string `json:"source"`
	Outcome   string `json:"outcome"`
	Reference string `json:"reference"`
	Reason    string `json:"reason"`
}

// quarantineLine is one line of quarantine list --json.
type quarantineLine struct {
	ID        int64  `json:"id"`
	Outcome   string `json:"outcome"`
	Reason    string `json:"reason"`
	Source    string `json:"source"`
	RawSHA256 string `json:"raw_sha256"`
}

func TestImport(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	src := filepath.Join(dir, "mail")
	os.MkdirAll(src, 0o755)
	reply := "From: Sanne de Vries <sanne@example.nl>\r\nTo: klachten@example.org\r\nSubject: Re: KL-2026-000001 aanvulling\r\n" +
		"Date: Mon, 2 Mar 2026 12:00:00 +0100\r\nMessage-ID: <nl-2@example.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Hierbij nog de naam van de medewerker: Karel.\r\n\r\nOp ma 2 mrt 2026 om 09:00 schreef Klachten <klachten@example.org>:\r\n> Wij hebben uw klacht ontvangen.\r\n"
	files := map[string]string{"1.eml": dutchComplaint, "2.eml": englishComplaint, "3.eml": vacationReply, "4.eml": reply,
		"5.eml": "\x00\x01 garbage without any header"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, nil, "", "import", "--data", data, "--json", src)
	if r.code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var got []importLine
	for line := range strings.SplitSeq(strings.TrimSpace(r.stdout), "\n") {
		var l importLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, l)
	}
	want := []struct{ file, outcome, reference string }{
		{"1.eml", "new", "KL-2026-000001"},
		{"2.eml", "new", "KL-2026-000002"},
		{"3.eml", "auto_reply", ""},
		{"4.eml", "reply", "KL-2026-000001"},
		{"5.eml", "rejected", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), r.stdout)
	}
	for i, w := range want {
		if filepath.Base(got[i].Source) != w.file || got[i].Outcome != w.outcome || got[i].Reference != w.reference {
			t.Errorf("line %d = %+v, want %+v", i, got[i], w)
		}
	}
	if got[4].Reason == "" {
		t.Error("a rejected mail names its reason")
	}
	if !strings.Contains(r.stderr, "5 mails processed: new 2, reply 1, auto_reply 1, bounce 0, duplicate 0, rejected 1, error 0") {
		t.Errorf("summary: %q", r.stderr)
	}

	// The refused mail is in quarantine with its reason and its bytes as
	// they arrived; the other mails are not.
	var quarantined []quarantineLine
	for line := range strings.SplitSeq(strings.TrimSpace(mustRun(t, "", "quarantine", "list", "--data", data, "--json")), "\n") {
		var q quarantineLine
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatalf("quarantine line %q: %v", line, err)
		}
		quarantined = append(quarantined, q)
	}
	if len(quarantined) != 1 || filepath.Base(quarantined[0].Source) != "5.eml" || quarantined[0].Outcome != "rejected" ||
		quarantined[0].Reason != got[4].Reason || len(quarantined[0].RawSHA256) != 64 {
		t.Fatalf("quarantine list = %+v", quarantined)
	}
	id := strconv.FormatInt(quarantined[0].ID, 10)
	if out := mustRun(t, "", "quarantine", "list", "--data", data); !strings.Contains(out, "#"+id) || !strings.Contains(out, "rejected") {
		t.Errorf("quarantine list:\n%s", out)
	}
	if out := mustRun(t, "", "quarantine", "show", "--data", data, "#"+id); out != files["5.eml"] {
		t.Errorf("quarantine show gave %q, want the mail as it arrived", out)
	}
	// Retried, garbage is refused again: back in quarantine, same reason.
	var again importLine
	if err := json.Unmarshal([]byte(mustRun(t, "", "quarantine", "retry", "--data", data, "--json", "#"+id)), &again); err != nil {
		t.Fatal(err)
	}
	if again.Outcome != "rejected" || again.Reason != got[4].Reason {
		t.Errorf("quarantine retry = %+v", again)
	}
	if out := mustRun(t, "", "quarantine", "list", "--data", data, "--json"); strings.Count(out, "\n") != 1 || !strings.Contains(out, "5.eml") {
		t.Errorf("quarantine after the retry:\n%s", out)
	}
	checkOneLine(t, run(t, nil, "", "quarantine", "retry", "--data", data, "#9999"), 1, "no mail #9999 in quarantine")
	checkOneLine(t, run(t, nil, "", "quarantine", "show", "--data", data, "x"), 2, "not a quarantine number")
	checkOneLine(t, run(t, nil, "", "quarantine", "show", "--data", data, "9999"), 1, "no mail #9999 in quarantine")
	checkOneLine(t, run(t, nil, "", "quarantine", "list", "--data", data, "--limit", "-1"), 2, "--limit")

	// Again: every mail a duplicate, nothing doubled.
	r = run(t, nil, "", "import", "--data", data, src)
	if r.code != 0 || !strings.Contains(r.stdout, "duplicate 5") {
		t.Errorf("second import: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}

	// show --json lists the messages: the complaint, the acknowledgement
	// (Dutch), the reply with its quoted history apart.
	var view struct {
		Messages []struct {
			Direction, From, Subject, Text, Quoted string
			Attachments                            []string
			Delivery                               *struct{ State, Reason string }
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, "", "show", "--data", data, "--json", "KL-2026-000001")), &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Messages) != 3 {
		t.Fatalf("messages of KL-2026-000001: %+v", view.Messages)
	}
	// Oldest first: the imported mails carry their own dates (2 March),
	// the acknowledgement the moment it was queued.
	in, rep, ack := view.Messages[0], view.Messages[1], view.Messages[2]
	if in.From != "Sanne de Vries <sanne@example.nl>" || !strings.Contains(in.Text, "helpdesk te bellen") {
		t.Errorf("complaint message: %+v", in)
	}
	if ack.Direction != "out" || !strings.HasPrefix(ack.Subject, "Ontvangstbevestiging") || !strings.Contains(ack.Subject, letter.SubjectTag("KL-2026-000001")) ||
		ack.Delivery == nil || ack.Delivery.State != "held" || !strings.Contains(ack.Delivery.Reason, "acknowledgement term ended") {
		// A mail from March, imported in November: its acknowledgement is
		// written but held, so that an archive import mails nobody.
		t.Errorf("acknowledgement: %+v (%+v)", ack, ack.Delivery)
	}
	if rep.Text != "Hierbij nog de naam van de medewerker: Karel." || !strings.Contains(rep.Quoted, "schreef Klachten") {
		t.Errorf("reply: text %q, quoted %q", rep.Text, rep.Quoted)
	}
	// The English complaint is acknowledged in English.
	if err := json.Unmarshal([]byte(mustRun(t, "", "show", "--data", data, "--json", "KL-2026-000002")), &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Messages) != 2 || !strings.HasPrefix(view.Messages[1].Subject, "Acknowledgement") {
		t.Errorf("acknowledgement of the English complaint: %+v", view.Messages)
	}
}

func TestImport_Errors(t *testing.T) {
	dir := t.TempDir()
	checkOneLine(t, run(t, nil, "", "import", "--data", filepath.Join(dir, "d")), 2, "import needs at least one PATH")
	checkOneLine(t, run(t, nil, "", "import", "--data", filepath.Join(dir, "d"), filepath.Join(dir, "missing")), 1, "cannot read")
	checkOneLine(t, run(t, nil, "", "import", "--data", filepath.Join(dir, "d"), "--batch", "0", dir), 2, "--batch")
	checkOneLine(t, run(t, nil, "", "fetch", "--data", filepath.Join(dir, "d")), 2, "IMAP mailbox")
	checkOneLine(t, run(t, nil, "", "deliver", "--data", filepath.Join(dir, "d")), 2, "smtp")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"imap":[{"host":"x","username":"u","tls":"maybe"}]}`), 0o600)
	checkOneLine(t, run(t, nil, "", "fetch", "--data", filepath.Join(dir, "d"), "--mail-config", bad), 1, "tls must be")
	os.WriteFile(bad, []byte(`{"imap":[],"smtpp":{}}`), 0o600)
	checkOneLine(t, run(t, nil, "", "deliver", "--data", filepath.Join(dir, "d"), "--mail-config", bad), 1, "unknown field")
}

func TestMessageAcceptAndSplit(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	src := filepath.Join(dir, "mail")
	os.MkdirAll(src, 0o755)
	stranger := func(from, id string) string {
		return "From: " + from + "\r\nTo: klachten@example.org\r\nSubject: Re: [KL-2026-000001]\r\nDate: Mon, 2 Mar 2026 12:00:00 +0100\r\n" +
			"Message-ID: <" + id + ">\r\n\r\nIk schrijf namens de klant.\r\n"
	}
	for name, content := range map[string]string{"1.eml": dutchComplaint, "2.eml": stranger("collega@example.nl", "s1@x"), "3.eml": stranger("ander@example.nl", "s2@x")} {
		os.WriteFile(filepath.Join(src, name), []byte(content), 0o600)
	}
	mustRun(t, "", "import", "--data", data, src)
	out := mustRun(t, "", "show", "--data", data, "KL-2026-000001")
	if strings.Count(out, "UNVERIFIED SENDER") != 2 {
		t.Fatalf("show marks two unverified messages:\n%s", out)
	}
	var view struct {
		Messages []struct {
			ID         int64
			From       string
			Unverified bool
		}
	}
	json.Unmarshal([]byte(mustRun(t, "", "show", "--data", data, "--json", "KL-2026-000001")), &view)
	ids := map[string]int64{}
	for _, m := range view.Messages {
		if m.Unverified {
			ids[m.From] = m.ID
		}
	}
	if len(ids) != 2 {
		t.Fatalf("unverified messages: %+v", view.Messages)
	}
	mustRun(t, "", "message", "accept", "--data", data, "#"+strconv.FormatInt(ids["collega@example.nl"], 10))
	if ref := strings.TrimSpace(mustRun(t, "", "message", "split", "--data", data, strconv.FormatInt(ids["ander@example.nl"], 10))); ref != "KL-2026-000002" {
		t.Errorf("split gave %q", ref)
	}
	if out := mustRun(t, "", "show", "--data", data, "KL-2026-000001"); strings.Contains(out, "UNVERIFIED") || strings.Contains(out, "ander@") {
		t.Errorf("after accept and split:\n%s", out)
	}
	checkOneLine(t, run(t, nil, "", "message", "accept", "--data", data, "abc"), 2, "not a message number")
	checkOneLine(t, run(t, nil, "", "message", "accept", "--data", data, "999"), 1, "message 999 not found")
}
