package mailparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/inbucket/html2text"
	"github.com/jhillyerd/enmime/v2"
	"github.com/microcosm-cc/bluemonday"
)

func TestProbe(t *testing.T) {
	for _, mb := range []int{1, 10, 50} {
		data := make([]byte, mb<<20)
		rand.New(rand.NewSource(1)).Read(data)
		enc := base64.StdEncoding.EncodeToString(data)
		var b strings.Builder
		b.WriteString("From: a@b\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n")
		for i := 0; i < len(enc); i += 76 {
			b.WriteString(enc[i:min(i+76, len(enc))])
			b.WriteString("\r\n")
		}
		b.WriteString("--XX--\r\n")
		raw := []byte(b.String())
		st := time.Now()
		e, err := enmime.ReadEnvelope(bytes.NewReader(raw))
		fmt.Println("attach", mb, "MB raw", len(raw), time.Since(st), err, len(e.Attachments))
		st = time.Now()
		sha256.Sum256(raw)
		fmt.Println("sha", time.Since(st))
		st = time.Now()
		n := 0
		for l := range bytes.Lines(raw) {
			if len(l) > 2 && l[0] == '-' {
				n++
			}
		}
		fmt.Println("lines", time.Since(st))
	}
	for _, mb := range []int{1, 2} {
		var b strings.Builder
		for b.Len() < mb<<20 {
			b.WriteString("<p>Geachte heer, <b>dit</b> is een <a href=\"http://x.nl/a\">klacht</a> over de levering.<img src=\"http://t.x/p.gif\"></p>\n")
		}
		h := b.String()
		st := time.Now()
		_, _ = html2text.FromString(h)
		fmt.Println("html2text", mb, time.Since(st))
		st = time.Now()
		bluemonday.UGCPolicy().Sanitize(h)
		fmt.Println("bluemonday", mb, time.Since(st))
	}
}
