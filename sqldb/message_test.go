package sqldb_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func TestMessageService(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	s := sqldb.NewMessageService(db)
	c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))

	scan := strings.Repeat("PDF scan of a letter\n", 1000)
	m := &klachtdesk.Message{
		Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, MessageID: "<1@example.org>",
		From: "jan@example.org", To: "klachten@example.org", Subject: "Mijn klacht", Text: "Zie bijlagen.",
		At: testNow.Add(-time.Hour),
	}
	err := s.AddMessage(ctx, c.Reference, m, []klachtdesk.NewAttachment{
		{Filename: "brief.pdf", ContentType: "application/pdf", Content: strings.NewReader(scan)},
		{Filename: "kopie.pdf", Content: strings.NewReader(scan)}, // the same content again
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(scan))
	hexSum := hex.EncodeToString(sum[:])
	want := &klachtdesk.Message{
		ID: m.ID, ComplaintID: c.ID, Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, MessageID: "<1@example.org>",
		From: "jan@example.org", To: "klachten@example.org", Subject: "Mijn klacht", Text: "Zie bijlagen.", At: testNow.Add(-time.Hour),
		Attachments: []*klachtdesk.Attachment{
			{ID: m.Attachments[0].ID, MessageID: m.ID, Filename: "brief.pdf", ContentType: "application/pdf", Size: int64(len(scan)), SHA256: hexSum},
			{ID: m.Attachments[1].ID, MessageID: m.ID, Filename: "kopie.pdf", ContentType: "application/octet-stream", Size: int64(len(scan)), SHA256: hexSum},
		},
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("stored message (-want +got):\n%s", diff)
	}

	// A reply without attachments, time from the clock.
	reply := &klachtdesk.Message{Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail, Text: "Ontvangen."}
	if err := s.AddMessage(ctx, c.Reference, reply, nil); err != nil {
		t.Fatal(err)
	}
	ms, err := s.ComplaintMessages(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	wantReply := &klachtdesk.Message{ID: reply.ID, ComplaintID: c.ID, Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail, Text: "Ontvangen.", At: testNow}
	if diff := cmp.Diff([]*klachtdesk.Message{want, wantReply}, ms); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}

	for _, a := range want.Attachments {
		meta, rc, err := s.OpenAttachment(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != scan {
			t.Errorf("attachment %d: content differs", a.ID)
		}
		if diff := cmp.Diff(a, meta); diff != "" {
			t.Errorf("attachment metadata (-want +got):\n%s", diff)
		}
	}

	// Identical content is stored once, under blobs/ab/cd/<sha256>.
	var blobs []string
	root := filepath.Join(db.DataDir(), "blobs")
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			blobs = append(blobs, rel)
		}
		return err
	})
	if diff := cmp.Diff([]string{filepath.Join(hexSum[0:2], hexSum[2:4], hexSum)}, blobs); diff != "" {
		t.Errorf("blob files (-want +got):\n%s", diff)
	}

	events, err := sqldb.NewComplaintService(db).ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 || events[1].Kind != klachtdesk.EventMessageAdded || events[1].ComplaintID != c.ID {
		t.Fatalf("events = %d, want created and two message_added", len(events))
	}
	if strings.Contains(string(events[1].After), "Zie bijlagen") || !strings.Contains(string(events[1].After), hexSum) {
		t.Errorf("message event after = %s: want metadata and hashes, not the text", events[1].After)
	}
	// Message events leave the complaint's replay alone.
	replayed, err := klachtdesk.Replay(events)
	if err != nil {
		t.Fatal(err)
	}
	if replayed.ID != c.ID || replayed.Reference != c.Reference {
		t.Errorf("replay with message events: id %d, reference %s", replayed.ID, replayed.Reference)
	}

	t.Run("same Message-ID twice", func(t *testing.T) {
		err := s.AddMessage(ctx, c.Reference, &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, MessageID: "<1@example.org>"}, nil)
		wantCode(t, err, klachtdesk.ECONFLICT)
	})
	t.Run("invalid", func(t *testing.T) {
		tests := []struct {
			name  string
			m     *klachtdesk.Message
			files []klachtdesk.NewAttachment
		}{
			{"nil", nil, nil},
			{"no direction", &klachtdesk.Message{Channel: klachtdesk.ChannelEmail}, nil},
			{"phone", &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: "phone"}, nil},
			{"bad text", &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: "\xff"}, nil},
			{"no content", &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail}, []klachtdesk.NewAttachment{{Filename: "x"}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, s.AddMessage(ctx, c.Reference, tt.m, tt.files), klachtdesk.EINVALID)
			})
		}
	})
	t.Run("unknown complaint or attachment", func(t *testing.T) {
		_, err := s.ComplaintMessages(ctx, "KL-2026-999999")
		wantCode(t, err, klachtdesk.ENOTFOUND)
		err = s.AddMessage(ctx, "KL-2026-999999", &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail}, nil)
		wantCode(t, err, klachtdesk.ENOTFOUND)
		_, _, err = s.OpenAttachment(ctx, 999)
		wantCode(t, err, klachtdesk.ENOTFOUND)
	})
}
