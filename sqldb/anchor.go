package sqldb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// Anchors outside the database. The hash chain proves every event against
// the events before it, but a database restored from an older backup, or a
// write-ahead log cut off, is a shorter chain that verifies just as well.
// So the head of the chain is recorded outside the database too: a line
// appended to the anchor log in the data folder (by serve once a day and
// by every successful audit verify) and printed in the log output. audit
// verify then checks that the chain still holds the last anchor.
//
// A line is "TIME EVENT-ID HASH SOURCE"; the file is only ever appended to,
// and each line is fsynced before it counts.

// AnchorInterval is how often serve records an anchor.
const AnchorInterval = 24 * time.Hour

// anchorLogPath returns the anchor log of the DB's data folder.
func (db *DB) anchorLogPath() string { return filepath.Join(db.dataDir, klachtdesk.AnchorLogName) }

// LastAnchor returns the last well-formed line of the anchor log, nil when
// there is none. A line cut short by a crash is skipped.
func (s *AuditService) LastAnchor(ctx context.Context) (*klachtdesk.Anchor, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(s.db.anchorLogPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read anchor log: %w", err)
	}
	lines := strings.Split(string(b), "\n")
	// The part after the last newline is an unfinished line, if any.
	for i := len(lines) - 2; i >= 0; i-- {
		if a, ok := parseAnchorLine(lines[i]); ok {
			return a, nil
		}
	}
	return nil, nil
}

// parseAnchorLine reads one line of the anchor log.
func parseAnchorLine(line string) (*klachtdesk.Anchor, bool) {
	f := strings.Fields(line)
	if len(f) != 4 {
		return nil, false
	}
	at, err := time.Parse(time.RFC3339Nano, f[0])
	if err != nil {
		return nil, false
	}
	id, hash, err := klachtdesk.ParseAnchor(f[1] + ":" + f[2])
	if err != nil {
		return nil, false
	}
	return &klachtdesk.Anchor{At: at, EventID: id, Hash: hash, Source: f[3]}, true
}

// RecordAnchor appends the head of the verified chain in report to the
// anchor log.
func (s *AuditService) RecordAnchor(ctx context.Context, report *klachtdesk.AuditReport, source string) (*klachtdesk.Anchor, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	if report == nil || report.Break != nil || report.LastID == 0 {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "only the head of an intact, non-empty audit trail can be recorded as an anchor")
	}
	if strings.ContainsAny(source, " \t\n") || source == "" {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "anchor source %q must be one word", source)
	}
	if source != klachtdesk.AnchorAccepted {
		if err := s.checkAnchor(ctx); err != nil {
			return nil, err
		}
	}
	if s.db.ReadOnly {
		if ok, err := folderWritable(s.db.dataDir); err != nil || !ok {
			return nil, klachtdesk.Errorf(klachtdesk.EFORBIDDEN, "data folder %s is read-only: no anchor recorded", s.db.dataDir)
		}
	}
	a := &klachtdesk.Anchor{At: s.db.Now().UTC(), EventID: report.LastID, Hash: report.LastHash, Source: source}
	if err := appendAnchorLine(s.db.anchorLogPath(),
		fmt.Sprintf("%s %d %s %s\n", a.At.Format(time.RFC3339Nano), a.EventID, a.Hash, a.Source)); err != nil {
		return nil, err
	}
	return a, nil
}

// checkAnchor returns nil when the chain holds the last anchor (or there
// is none), else an ECONFLICT saying whether its event is gone (the trail
// lost its tail) or has another hash (the trail was rewritten).
func (s *AuditService) checkAnchor(ctx context.Context) error {
	last, err := s.LastAnchor(ctx)
	if err != nil || last == nil {
		return err
	}
	hash, err := s.EventHash(ctx, last.EventID)
	switch {
	case klachtdesk.ErrorCode(err) == klachtdesk.ENOTFOUND:
		return klachtdesk.Errorf(klachtdesk.ECONFLICT, "the audit trail lost its tail: it no longer holds event %d of the anchor recorded %s (%s)",
			last.EventID, last.At.Format(time.RFC3339), last)
	case err != nil:
		return err
	case hash != last.Hash:
		return klachtdesk.Errorf(klachtdesk.ECONFLICT, "the audit trail was rewritten after the anchor recorded %s: event %d no longer has hash %.12s…",
			last.At.Format(time.RFC3339), last.EventID, last.Hash)
	}
	return nil
}

// appendAnchorLine appends line to the log at path and syncs it, and the
// folder when the file is new. A line left unfinished by a crash is ended
// first, so that it cannot swallow the new one.
func appendAnchorLine(path, line string) error {
	fi, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("anchor log: %w", err)
	}
	defer f.Close()
	if statErr == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && !bytes.Equal(last, []byte("\n")) {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("anchor log: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("anchor log: sync: %w", err)
	}
	if statErr != nil {
		if err := syncDir(filepath.Dir(path)); err != nil {
			return fmt.Errorf("anchor log: %w", err)
		}
	}
	return f.Close()
}

// RunAnchors verifies the trail and records its head as an anchor at once
// and then every interval until ctx ends, logging the anchor, or why none
// was recorded (a broken trail, a lost tail) as an error. serve runs it.
func (s *AuditService) RunAnchors(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.anchorOnce(ctx, logger)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// anchorOnce is one round of RunAnchors.
func (s *AuditService) anchorOnce(ctx context.Context, logger *slog.Logger) {
	report, err := s.VerifyAudit(ctx)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		logger.Error("audit anchor: verify the audit trail", "err", err)
		return
	case report.Break != nil:
		logger.Error("audit anchor: the audit trail is BROKEN; run klachtdesk audit verify", "event", report.Break.EventID, "reason", report.Break.Reason)
		return
	case report.LastID == 0:
		return // nothing to anchor yet
	}
	a, err := s.RecordAnchor(ctx, report, klachtdesk.AnchorServe)
	if err != nil {
		logger.Error("audit anchor not recorded; run klachtdesk audit verify", "err", err)
		return
	}
	logger.Info("audit anchor", "anchor", a.String(), "events", report.Events, "log", s.db.anchorLogPath())
}
