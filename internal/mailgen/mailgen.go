// Package mailgen generates realistic complaint mail for crash tests and
// benchmarks: new complaints in Dutch and English of mixed sizes, some with
// attachments, follow-ups, auto-replies, bounces and exact duplicates.
package mailgen

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"time"
)

// Options shape a generated set.
type Options struct {
	Seed uint64
	// AttachmentShare is the share of mails with an attachment (default
	// 0.1) and AttachmentSize its size (default: 5–50 KB, random).
	AttachmentShare float64
	AttachmentSize  int
	// Noise adds follow-ups, auto-replies, bounces and duplicates (about
	// 20% of the set); without it every mail is a distinct new complaint.
	Noise bool
	// Start is the Date of the first mail (default: two days ago, to the
	// hour, so that the acknowledgement term has not ended); each next
	// mail is a minute later.
	Start time.Time
}

// Kind is what a generated mail is meant to be.
type Kind string

// Kinds of generated mail.
const (
	New       Kind = "new"
	FollowUp  Kind = "follow_up"
	AutoReply Kind = "auto_reply"
	Bounce    Kind = "bounce"
	Duplicate Kind = "duplicate"
)

// Mail is one generated mail.
type Mail struct {
	Kind Kind
	Raw  []byte
}

var (
	firstNames = []string{"Sanne", "Jan", "Fatima", "Pieter", "Emma", "Mohammed", "Lotte", "Daan", "Sophie", "Kees", "Anouk", "Bram"}
	lastNames  = []string{"de Vries", "Jansen", "Bakker", "El Amrani", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Yılmaz"}
	dutch      = []string{
		"Ik heb al drie keer gebeld over mijn internetaansluiting en niemand belt terug.",
		"De factuur van deze maand klopt niet: er staat een bedrag op voor een dienst die ik nooit heb afgenomen.",
		"De router die ik vorige week ontving, valt elke avond uit. Ik wil een vervangend exemplaar.",
		"Uw medewerker was onvriendelijk aan de telefoon en heeft mijn vraag niet beantwoord.",
		"Op de website staat dat de storing is opgelost, maar ik heb nog steeds geen verbinding.",
		"Ik wacht al twee weken op een reactie op mijn e-mail over de verhuizing van mijn abonnement.",
	}
	english = []string{
		"I have called three times about my connection and nobody has called me back.",
		"This month's invoice is wrong: it charges me for a service I never ordered.",
		"The router I received last week drops the connection every evening. I want a replacement.",
		"Your support agent was rude on the phone and did not answer my question.",
	}
)

// Generate returns n mails.
func Generate(n int, opt Options) []Mail {
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	if opt.AttachmentShare == 0 {
		opt.AttachmentShare = 0.1
	}
	if opt.Start.IsZero() {
		opt.Start = time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Hour)
	}
	type sent struct {
		from, name, messageID, subject string
	}
	var (
		out  = make([]Mail, 0, n)
		prev []sent
	)
	for i := range n {
		date := opt.Start.Add(time.Duration(i) * time.Minute)
		kind := New
		if opt.Noise && i > 0 {
			switch r := rng.Float64(); {
			case r < 0.08:
				kind = FollowUp
			case r < 0.13:
				kind = AutoReply
			case r < 0.16:
				kind = Bounce
			case r < 0.20:
				kind = Duplicate
			}
		}
		switch kind {
		case Duplicate:
			out = append(out, Mail{Kind: Duplicate, Raw: bytes.Clone(out[rng.IntN(len(out))].Raw)})
			continue
		case Bounce:
			out = append(out, Mail{Kind: Bounce, Raw: bounce(i, date, fmt.Sprintf("gone%d@example.net", i))})
			continue
		case AutoReply:
			out = append(out, Mail{Kind: AutoReply, Raw: autoReply(i, date)})
			continue
		}
		first, last := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		name := first + " " + last
		from := fmt.Sprintf("%s.%d@example.%s", strings.ToLower(first), i, []string{"nl", "com", "be"}[rng.IntN(3)])
		subject := []string{"Klacht over mijn aansluiting", "Factuur klopt niet", "Router defect", "Geen reactie op mijn vraag", "Complaint about my invoice"}[rng.IntN(5)]
		inReplyTo := ""
		if kind == FollowUp && len(prev) > 0 {
			p := prev[rng.IntN(len(prev))]
			from, name, inReplyTo, subject = p.from, p.name, p.messageID, "Re: "+p.subject
		}
		lines := dutch
		if strings.HasPrefix(subject, "Complaint") {
			lines = english
		}
		var body strings.Builder
		fmt.Fprintf(&body, "Geachte heer, mevrouw,\n\n")
		for range 1 + rng.IntN(2) + rng.IntN(40)*rng.IntN(2) {
			body.WriteString(lines[rng.IntN(len(lines))])
			body.WriteString(" ")
		}
		fmt.Fprintf(&body, "\n\nMet vriendelijke groet,\n%s\nKlantnummer %d\n", name, 100000+rng.IntN(900000))
		messageID := fmt.Sprintf("%d.%x@mail.example.nl", i, rng.Uint64())
		var attachment []byte
		if rng.Float64() < opt.AttachmentShare {
			size := opt.AttachmentSize
			if size == 0 {
				size = 5<<10 + rng.IntN(45<<10)
			}
			attachment = make([]byte, size)
			for j := range attachment {
				attachment[j] = byte(rng.UintN(256))
			}
		}
		out = append(out, Mail{Kind: kind, Raw: complaint(name, from, messageID, inReplyTo, subject, body.String(), date, attachment)})
		prev = append(prev, sent{from, name, messageID, subject})
	}
	return out
}

func complaint(name, from, messageID, inReplyTo, subject, text string, date time.Time, attachment []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\nReceived: from mail.example.nl by mx.example.org; %s\r\n", from, date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: Klachten <klachten@example.org>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n",
		name, from, subject, date.Format(time.RFC1123Z), messageID)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	boundary := "b-" + messageID[:8]
	if attachment != nil {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary)
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")
	if attachment != nil {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: application/pdf; name=\"bewijs.pdf\"\r\nContent-Disposition: attachment; filename=\"bewijs.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary)
		enc := base64.StdEncoding.EncodeToString(attachment)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n--" + boundary + "--\r\n")
	}
	return b.Bytes()
}

func autoReply(i int, date time.Time) []byte {
	return fmt.Appendf(nil, "From: Out of office <vakantie%d@example.nl>\r\nTo: klachten@example.org\r\nSubject: Afwezig: Ontvangstbevestiging\r\n"+
		"Date: %s\r\nMessage-ID: <ooo%d@example.nl>\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Ik ben tot en met maandag afwezig.\r\n", i, date.Format(time.RFC1123Z), i)
}

func bounce(i int, date time.Time, rcpt string) []byte {
	return fmt.Appendf(nil, "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\nTo: klachten@example.org\r\n"+
		"Subject: Undelivered Mail Returned to Sender\r\nDate: %s\r\nMessage-ID: <dsn%d@mx.example.org>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"dsn%d\"\r\n\r\n"+
		"--dsn%d\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your message could not be delivered.\r\n\r\n"+
		"--dsn%d\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"+
		"--dsn%d--\r\n", date.Format(time.RFC1123Z), i, i, i, i, rcpt, i)
}

// Mbox writes mails as one mbox (mboxrd quoting).
func Mbox(mails []Mail) []byte {
	var b bytes.Buffer
	for _, m := range mails {
		b.WriteString("From sender@example.nl Mon Mar  2 08:00:00 2026\n")
		for line := range strings.SplitSeq(strings.TrimSuffix(string(m.Raw), "\n"), "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				b.WriteString(">")
			}
			b.WriteString(line)
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}
