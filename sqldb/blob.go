package sqldb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// blobStore keeps file contents content-addressed by SHA-256 under
// <dir>/ab/cd/<hex>: identical content is stored once, and a file is never
// changed after it is written. Blobs are written and synced before the
// transaction that refers to them commits; a crash in between leaves an
// unreferenced blob, never a reference without its blob.
type blobStore struct {
	dir string
	// readOnly refuses put, for a DB opened ReadOnly.
	readOnly bool
}

// init creates the store's directories.
func (s *blobStore) init() error {
	if err := os.MkdirAll(s.tmpDir(), 0o750); err != nil {
		return fmt.Errorf("blob store %s: %w", s.dir, err)
	}
	return nil
}

// tmpDir is where blobs are written before they are renamed into place; it
// is inside the store so that the rename never crosses file systems.
func (s *blobStore) tmpDir() string { return filepath.Join(s.dir, "tmp") }

// path returns where the blob with this SHA-256 lives.
func (s *blobStore) path(sum string) (string, error) {
	if len(sum) != sha256.Size*2 {
		return "", fmt.Errorf("blob %q: not a SHA-256", sum)
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return "", fmt.Errorf("blob %q: not a SHA-256", sum)
	}
	return filepath.Join(s.dir, sum[0:2], sum[2:4], sum), nil
}

// put stores r's content and returns its SHA-256 (hex) and size. The
// content is durable when put returns: temp file written and fsynced,
// renamed into place, and the directory fsynced.
func (s *blobStore) put(r io.Reader) (sum string, size int64, err error) {
	if s.readOnly {
		return "", 0, ErrReadOnly
	}
	f, err := os.CreateTemp(s.tmpDir(), "blob-*")
	if err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	if size, err = io.Copy(io.MultiWriter(f, h), r); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if err = f.Sync(); err != nil {
		return "", 0, fmt.Errorf("store blob: sync: %w", err)
	}
	if err = f.Close(); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	final, err := s.path(sum)
	if err != nil {
		return "", 0, err
	}
	if _, statErr := os.Stat(final); statErr == nil {
		// Already stored: the same content is kept once.
		os.Remove(tmp)
		return sum, size, nil
	}
	if err = mkdirSynced(filepath.Dir(final)); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if err = os.Rename(tmp, final); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	if err = syncDir(filepath.Dir(final)); err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	return sum, size, nil
}

// open returns the blob's content.
func (s *blobStore) open(sum string) (*os.File, error) {
	p, err := s.path(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s is missing from the blob store: %w", sum, err)
	} else if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sum, err)
	}
	return f, nil
}

// mkdirSynced creates dir and any missing parents, fsyncing the parent of
// each directory it creates so that the new entries survive a crash.
func mkdirSynced(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if err := mkdirSynced(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir fsyncs a directory, making renames and creations in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// openBlob returns a blob's content from the blobs table (small contents,
// see inlineBlobMax) or the blob store's files.
func openBlob(ctx context.Context, tx *Tx, sum string) (io.ReadCloser, error) {
	var data []byte
	err := tx.queryRow(ctx, `SELECT data FROM blobs WHERE sha256 = ?`, sum).Scan(&data)
	if err == nil {
		return io.NopCloser(bytes.NewReader(data)), nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("open blob %s: %w", sum, err)
	}
	return tx.db.blobs.open(sum)
}

// BlobStored reports whether the content with this SHA-256 is stored, in
// the database or as a file.
func (db *DB) BlobStored(ctx context.Context, sum string) (bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	r, err := openBlob(ctx, tx, sum)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	r.Close()
	return true, nil
}

// OpenBlob returns the content stored under sum (raw mails, scans,
// attachments). Callers check access first: blobs carry no owner.
func (db *DB) OpenBlob(ctx context.Context, sum string) (io.ReadCloser, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return openBlob(ctx, tx, sum)
}
