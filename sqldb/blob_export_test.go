package sqldb

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// The blob helpers below damage a stored content the way a failing disk
// or a careless restore would, on whichever backend db runs, so that one
// test covers both.

// BlobChunkSize is the size of the chunks of a large content on
// PostgreSQL.
const BlobChunkSize = blobChunkSize

// InlineBlobMax is the largest content kept in the blobs table.
const InlineBlobMax = inlineBlobMax

// StoredLarge returns how many large contents the backend holds and in
// how many pieces: files on SQLite (one each), chunks on PostgreSQL.
// Files or chunks left behind by an unfinished write count too.
func StoredLarge(tb testing.TB, db *DB) (contents, pieces int) {
	tb.Helper()
	if db.IsPostgres() {
		for _, q := range []struct {
			n     *int
			table string
		}{{&contents, "large_blobs"}, {&pieces, "large_blob_chunks"}} {
			if err := db.db.QueryRow(`SELECT COUNT(*) FROM ` + q.table).Scan(q.n); err != nil {
				tb.Fatal(err)
			}
		}
		return contents, pieces
	}
	err := filepath.WalkDir(db.blobs.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			contents++
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return contents, contents
}

// inline reports whether the content is a row of the blobs table.
func inline(tb testing.TB, db *DB, sum string) bool {
	tb.Helper()
	var n int
	if err := db.db.QueryRow(db.dialect.rebind(`SELECT COUNT(*) FROM blobs WHERE sha256 = ?`), sum).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n > 0
}

// testExec runs a statement of a test on db's own connections.
func testExec(tb testing.TB, db *DB, query string, args ...any) {
	tb.Helper()
	if _, err := db.db.ExecContext(context.Background(), db.dialect.rebind(query), args...); err != nil {
		tb.Fatal(err)
	}
}

// RemoveBlob deletes a stored content: its row of the blobs table, its
// file, or its rows in large_blobs and large_blob_chunks.
func RemoveBlob(tb testing.TB, db *DB, sum string) {
	tb.Helper()
	switch {
	case inline(tb, db, sum):
		testExec(tb, db, `DELETE FROM blobs WHERE sha256 = ?`, sum)
	case db.IsPostgres():
		testExec(tb, db, `DELETE FROM large_blob_chunks WHERE sha256 = ?`, sum)
		testExec(tb, db, `DELETE FROM large_blobs WHERE sha256 = ?`, sum)
	default:
		p, err := db.blobs.path(sum)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.Remove(p); err != nil {
			tb.Fatal(err)
		}
	}
}

// DamageBlob changes one byte of a stored content, in its last chunk on
// PostgreSQL, keeping its size.
func DamageBlob(tb testing.TB, db *DB, sum string) {
	tb.Helper()
	flip := func(b []byte) []byte {
		if len(b) == 0 {
			tb.Fatalf("blob %s is empty: nothing to damage", sum)
		}
		b[len(b)/2] ^= 0x20
		return b
	}
	switch {
	case inline(tb, db, sum):
		var data []byte
		if err := db.db.QueryRow(db.dialect.rebind(`SELECT data FROM blobs WHERE sha256 = ?`), sum).Scan(&data); err != nil {
			tb.Fatal(err)
		}
		testExec(tb, db, `UPDATE blobs SET data = ? WHERE sha256 = ?`, flip(data), sum)
	case db.IsPostgres():
		var seq int
		var data []byte
		if err := db.db.QueryRow(db.dialect.rebind(`SELECT seq, data FROM large_blob_chunks WHERE sha256 = ? ORDER BY seq DESC LIMIT 1`), sum).Scan(&seq, &data); err != nil {
			tb.Fatal(err)
		}
		testExec(tb, db, `UPDATE large_blob_chunks SET data = ? WHERE sha256 = ? AND seq = ?`, flip(data), sum, seq)
	default:
		p, err := db.blobs.path(sum)
		if err != nil {
			tb.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, flip(data), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
}

// DropBlobChunk deletes chunk seq of a large content on PostgreSQL,
// leaving its row in large_blobs.
func DropBlobChunk(tb testing.TB, db *DB, sum string, seq int) {
	tb.Helper()
	testExec(tb, db, `DELETE FROM large_blob_chunks WHERE sha256 = ? AND seq = ?`, sum, seq)
}
