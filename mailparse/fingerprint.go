package mailparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// Fingerprint identifies a message independently of the trace headers added
// in transit (Received, Return-Path, Delivered-To, X-…): SHA-256 (hex) over
// the normalised Message-ID and the From, Date and Subject header values
// (unfolded, trimmed; case-insensitive lookup, first occurrence) and the body
// after the first empty line, with CRLF turned into LF and trailing white
// space dropped; every field is length-prefixed. A leading mbox "From " line
// is skipped. Input without a header section (no empty line after it, or
// not starting with a header field) counts as all body, so that different
// junk never shares a fingerprint.
func Fingerprint(raw []byte) string {
	msg := stripMbox(raw)
	header, body, found := splitHeader(msg)
	if !found || len(msg) > 0 && !looksLikeHeaderLine(firstLine(msg)) {
		header, body = nil, msg
	}
	var id, from, date, subject []byte
	scanFields(header, func(name string, value []byte) {
		var dst *[]byte
		switch name {
		case "message-id":
			dst = &id
		case "from":
			dst = &from
		case "date":
			dst = &date
		case "subject":
			dst = &subject
		default:
			return
		}
		if *dst == nil {
			*dst = append([]byte{}, value...)
		}
	})
	h := sha256.New()
	h.Write([]byte("klachtdesk-mail-fingerprint-v1\n"))
	writeField(h, []byte(parseMessageID(string(id))))
	writeField(h, from)
	writeField(h, date)
	writeField(h, subject)
	// The body field is its normalised length and digest, so that it can be
	// hashed in one streaming pass.
	bh := sha256.New()
	n := writeLF(bh, bytes.TrimRight(body, " \t\r\n"))
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(n))
	h.Write(l[:])
	h.Write(bh.Sum(nil))
	return hex.EncodeToString(h.Sum(nil))
}

func firstLine(b []byte) []byte {
	line, _ := nextLine(b, 0)
	return line
}

func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// writeLF writes b with every CRLF as LF, through a buffer so that the
// hash sees large writes, and returns the number of bytes written.
func writeLF(h hash.Hash, b []byte) int {
	n := 0
	buf := make([]byte, 0, 64<<10)
	for len(b) > 0 {
		i := bytes.Index(b, []byte("\r\n"))
		seg := b
		if i >= 0 {
			seg = b[:i]
		}
		for len(seg) > 0 {
			k := min(len(seg), cap(buf)-len(buf))
			buf = append(buf, seg[:k]...)
			seg = seg[k:]
			if len(buf) == cap(buf) {
				n += len(buf)
				h.Write(buf)
				buf = buf[:0]
			}
		}
		if i < 0 {
			break
		}
		buf = append(buf, '\n')
		if len(buf) == cap(buf) {
			n += len(buf)
			h.Write(buf)
			buf = buf[:0]
		}
		b = b[i+2:]
	}
	h.Write(buf)
	return n + len(buf)
}
