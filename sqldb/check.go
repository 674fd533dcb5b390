package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/klachtdesk/klachtdesk"
)

// CheckStore checks what the audit trail does not cover: every blob (the
// rows of the blobs table and the large contents of the blob backend:
// files on SQLite, chunks on PostgreSQL) against its
// SHA-256, every blob a row refers to for being there, and the database
// file with SQLite's quick_check. Problems are a report, not an error.
func (s *AuditService) CheckStore(ctx context.Context) (*klachtdesk.StoreCheck, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	check := &klachtdesk.StoreCheck{}
	var err error
	if check.Integrity, err = s.db.quickCheck(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	uses, err := blobUses(ctx, tx)
	if err != nil {
		return nil, err
	}
	problems := map[string]*klachtdesk.BlobProblem{}
	found := map[string]bool{}
	report := func(sum string, missing bool) {
		problems[sum] = &klachtdesk.BlobProblem{SHA256: sum, Missing: missing, Uses: uses[sum]}
	}
	if err := checkBlobs(ctx, tx, found, report); err != nil {
		return nil, err
	}
	check.Blobs = len(found)
	for sum := range uses {
		if !found[sum] {
			report(sum, true)
		}
	}
	for _, p := range problems {
		check.Problems = append(check.Problems, *p)
	}
	sort.Slice(check.Problems, func(i, j int) bool { return check.Problems[i].SHA256 < check.Problems[j].SHA256 })
	return check, nil
}

// blobUses returns every row that refers to a blob, by SHA-256.
func blobUses(ctx context.Context, tx *Tx) (map[string][]klachtdesk.BlobUse, error) {
	uses := map[string][]klachtdesk.BlobUse{}
	queries := []struct {
		kind, sql string
	}{
		{klachtdesk.BlobAttachment, `SELECT a.sha256, c.reference, a.filename, m.id, 0
			FROM attachments a JOIN messages m ON m.id = a.message_id JOIN complaints c ON c.id = m.complaint_id ORDER BY a.id`},
		{klachtdesk.BlobMessageRaw, `SELECT m.raw_sha256, c.reference, '', m.id, 0
			FROM messages m JOIN complaints c ON c.id = m.complaint_id WHERE m.raw_sha256 <> '' ORDER BY m.id`},
		{klachtdesk.BlobInboundRaw, `SELECT i.raw_sha256, COALESCE(c.reference, ''), '', COALESCE(i.message_row, 0), i.id
			FROM inbound i LEFT JOIN complaints c ON c.id = i.complaint_id ORDER BY i.id`},
	}
	for _, q := range queries {
		rows, err := tx.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("read blob references: %w", err)
		}
		for rows.Next() {
			u := klachtdesk.BlobUse{Kind: q.kind}
			var sum string
			if err := rows.Scan(&sum, &u.Reference, &u.Filename, &u.MessageID, &u.InboundID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read blob references: %w", err)
			}
			uses[sum] = append(uses[sum], u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read blob references: %w", err)
		}
	}
	return uses, nil
}

// checkBlobRows hashes every row of the blobs table, one at a time.
func checkBlobRows(ctx context.Context, tx *Tx, found map[string]bool, report func(string, bool)) error {
	rows, err := tx.QueryContext(ctx, `SELECT sha256, size, data FROM blobs`)
	if err != nil {
		return fmt.Errorf("read blobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sum string
		var size int64
		var data []byte
		if err := rows.Scan(&sum, &size, &data); err != nil {
			return fmt.Errorf("read blobs: %w", err)
		}
		found[sum] = true
		h := sha256.Sum256(data)
		if hex.EncodeToString(h[:]) != sum || int64(len(data)) != size {
			report(sum, false)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read blobs: %w", err)
	}
	return nil
}

// checkLarge hashes every file of the blob store (not its tmp folder,
// which holds blobs being written). A file whose name is not a SHA-256 is
// not a blob and is left alone.
func (s *blobStore) checkLarge(ctx context.Context, _ *Tx, found map[string]bool, report func(string, bool)) error {
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == s.dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			if path == s.tmpDir() {
				return fs.SkipDir
			}
			return ctx.Err()
		}
		sum := d.Name()
		if want, err := s.path(sum); err != nil || want != path {
			return nil
		}
		found[sum] = true
		got, err := hashFile(path)
		if err != nil {
			return err
		}
		if got != sum {
			report(sum, false)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check blob store %s: %w", s.dir, err)
	}
	return nil
}

// hashFile returns the hex SHA-256 of the file at path.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
