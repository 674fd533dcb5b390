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

// Contents (raw mails, attachments, scans) are content-addressed by their
// SHA-256 and stored once. Small ones, up to inlineBlobMax, are rows of the
// blobs table on both databases, written in the transaction that refers to
// them. Larger ones live where the backend keeps them: files under
// DATA_DIR/blobs on SQLite (blobStore), 1 MiB chunks in a table on
// PostgreSQL (pgBlobs, blob_pg.go), so that instances on several machines
// share them and one pg_dump is the whole backup. Either way a large
// content is durable before the transaction that refers to it commits, and
// neither way holds more than a chunk of it in memory.

// blobBackend keeps the large contents. The rest of sqldb goes through
// putBlob, putBlobTx, openBlob and checkBlobs, which handle the blobs table
// and hand the rest to the backend of the dialect (DB.blobBackend).
type blobBackend interface {
	// put stores r's content outside any transaction and returns its
	// SHA-256 (hex) and size; the content is durable when put returns.
	put(ctx context.Context, r io.Reader) (sum string, size int64, err error)
	// hasLarge reports whether a large content is stored, seen from tx
	// (nil: outside any transaction).
	hasLarge(ctx context.Context, tx *Tx, sum string) (bool, error)
	// openLarge returns a large content, or an error wrapping
	// fs.ErrNotExist when it is not stored. Reading may go on after tx
	// ends.
	openLarge(ctx context.Context, tx *Tx, sum string) (io.ReadCloser, error)
	// checkLarge hashes every large content stored, marking each in found
	// and reporting each whose bytes do not match its SHA-256.
	checkLarge(ctx context.Context, tx *Tx, found map[string]bool, report func(sum string, missing bool)) error
}

// blobBackend returns where the large contents of db live.
func (db *DB) blobBackend() blobBackend {
	if db.dialect == dialectPostgres {
		return pgBlobs{db}
	}
	return db.blobs
}

// errBlobMissing is the error of a content that is not stored.
func errBlobMissing(sum, where string) error {
	return fmt.Errorf("blob %s is missing from the %s: %w", sum, where, fs.ErrNotExist)
}

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
func (s *blobStore) put(_ context.Context, r io.Reader) (sum string, size int64, err error) {
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

// hasLarge reports whether the file of the blob exists.
func (s *blobStore) hasLarge(_ context.Context, _ *Tx, sum string) (bool, error) {
	p, err := s.path(sum)
	if err != nil {
		return false, err
	}
	return fileExists(p), nil
}

// openLarge returns the blob's file.
func (s *blobStore) openLarge(_ context.Context, _ *Tx, sum string) (io.ReadCloser, error) {
	p, err := s.path(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errBlobMissing(sum, "blob store "+s.dir)
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

// sqlInsertBlob stores a small content in the blobs table, once.
const sqlInsertBlob = `INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`

// putBlob stores r's content outside any transaction (attachments given
// as readers, the large parts of mails before their transaction) and
// returns its SHA-256 and size; it is durable when putBlob returns.
func (db *DB) putBlob(ctx context.Context, r io.Reader) (sum string, size int64, err error) {
	if db.ReadOnly {
		return "", 0, ErrReadOnly
	}
	sum, size, err = db.blobBackend().put(ctx, r)
	if err != nil {
		return "", 0, db.unavailable(err)
	}
	return sum, size, nil
}

// PutBlob stores r's content and returns its SHA-256 (hex) and size, for
// the tools that copy contents between stores (migrate-data); the content
// is durable when PutBlob returns. A content is stored once, however often
// it is put.
func (db *DB) PutBlob(ctx context.Context, r io.Reader) (sum string, size int64, err error) {
	return db.putBlob(ctx, r)
}

// putBlobTx stores content in the blobs table inside tx, or, when it is
// too large for that, checks that the backend already holds it (the
// caller put it there before the transaction: IntakeService.StoreLarge).
// It returns the SHA-256.
func putBlobTx(ctx context.Context, tx *Tx, content []byte) (string, error) {
	h := sha256.Sum256(content)
	sum := hex.EncodeToString(h[:])
	if len(content) > inlineBlobMax {
		ok, err := tx.db.blobBackend().hasLarge(ctx, tx, sum)
		if err != nil {
			return "", fmt.Errorf("look up blob %s: %w", sum, err)
		}
		if !ok {
			return "", fmt.Errorf("blob %s was not stored before the transaction", sum)
		}
		return sum, nil
	}
	if _, err := tx.exec(ctx, sqlInsertBlob, sum, len(content), content); err != nil {
		return "", fmt.Errorf("store blob %s: %w", sum, err)
	}
	return sum, nil
}

// openBlob returns a blob's content from the blobs table (small contents,
// see inlineBlobMax) or the backend. Reading may go on after tx ends.
func openBlob(ctx context.Context, tx *Tx, sum string) (io.ReadCloser, error) {
	var data []byte
	err := tx.queryRow(ctx, `SELECT data FROM blobs WHERE sha256 = ?`, sum).Scan(&data)
	if err == nil {
		return io.NopCloser(bytes.NewReader(data)), nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("open blob %s: %w", sum, err)
	}
	return tx.db.blobBackend().openLarge(ctx, tx, sum)
}

// checkBlobs hashes every stored content, in the blobs table and in the
// backend, marking each in found and reporting each that does not match
// its SHA-256 or size.
func checkBlobs(ctx context.Context, tx *Tx, found map[string]bool, report func(sum string, missing bool)) error {
	if err := checkBlobRows(ctx, tx, found, report); err != nil {
		return err
	}
	return tx.db.blobBackend().checkLarge(ctx, tx, found, report)
}

// BlobStored reports whether the content with this SHA-256 is stored, in
// the blobs table or by the backend.
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
// attachments), or an error wrapping fs.ErrNotExist when it is not stored.
// Callers check access first: blobs carry no owner.
func (db *DB) OpenBlob(ctx context.Context, sum string) (io.ReadCloser, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return openBlob(ctx, tx, sum)
}
