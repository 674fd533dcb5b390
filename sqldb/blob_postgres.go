package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
)

// blobChunkSize is the size of the chunks a large content is stored in on
// PostgreSQL: what the process holds of it at a time, writing or reading,
// and small enough that one row never nears a protocol or TOAST limit.
const blobChunkSize = 1 << 20

// pgBlobs keeps the large contents on PostgreSQL in two tables (migration
// 0009): large_blobs, one row per content with its size and number of
// chunks, and large_blob_chunks, its bytes in chunks of blobChunkSize by
// sequence number. Rows of tables, not large objects: pg_dump and
// migrate-data copy them as any other rows, their rights are the
// table's, and a content nobody refers to can be deleted with a plain
// DELETE. A content is written in a transaction of its own that commits
// before the transaction that refers to it begins.
type pgBlobs struct{ db *DB }

// pgBlobsMissing is where a missing content is said to be missing from.
const pgBlobsMissing = "database (tables blobs and large_blobs)"

// put stores r's content. Small contents go to the blobs table. A large
// one that can be read twice (an *os.File, a bytes.Reader: intake's
// parts) is hashed first, so that a content already stored is not sent
// again; one that can be read once is streamed under a temporary key in
// one transaction, and renamed to its SHA-256 once that is known, or
// dropped with the transaction when the content turns out to be stored
// already.
func (s pgBlobs) put(ctx context.Context, r io.Reader) (sum string, size int64, err error) {
	size = -1 // not known
	if rs, ok := r.(io.ReadSeeker); ok {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return "", 0, fmt.Errorf("store blob: %w", err)
		}
		h := sha256.New()
		if size, err = io.Copy(h, rs); err != nil {
			return "", 0, fmt.Errorf("store blob: %w", err)
		}
		sum = hex.EncodeToString(h.Sum(nil))
		if size > inlineBlobMax {
			if ok, err := s.hasLarge(ctx, nil, sum); err != nil {
				return "", 0, err
			} else if ok {
				return sum, size, nil
			}
		}
		if _, err := rs.Seek(start, io.SeekStart); err != nil {
			return "", 0, fmt.Errorf("store blob: %w", err)
		}
	}
	return s.write(ctx, r, sum, size)
}

// write streams r into the database chunk by chunk; want, when not "", is
// the SHA-256 the content must have, and known its size (-1: not known).
func (s pgBlobs) write(ctx context.Context, r io.Reader, want string, known int64) (sum string, size int64, err error) {
	bufSize := int64(blobChunkSize)
	if known >= 0 {
		// One more than the content, so that reading it whole meets its end.
		bufSize = min(known+1, bufSize)
	}
	buf := make([]byte, bufSize)
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	last := err != nil
	if last && n <= inlineBlobMax {
		h := sha256.Sum256(buf[:n])
		sum = hex.EncodeToString(h[:])
		if want != "" && sum != want {
			return "", 0, fmt.Errorf("store blob: the content changed while it was stored")
		}
		if _, err := s.db.db.ExecContext(ctx, s.db.dialect.rebind(sqlInsertBlob), sum, n, buf[:n]); err != nil {
			return "", 0, fmt.Errorf("store blob %s: %w", sum, err)
		}
		return sum, int64(n), nil
	}

	// A transaction of database/sql, not a Tx: a Tx takes the writers'
	// lock (postgres.go), which a content streamed from a slow upload
	// would hold for as long. Contents are not in the audit trail, and
	// their key keeps concurrent writers of the same one apart.
	tx, err := s.db.db.BeginTx(ctx, nil)
	if err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	defer tx.Rollback()
	exec := func(query string, args ...any) (sql.Result, error) {
		return tx.ExecContext(ctx, s.db.dialect.rebind(query), args...)
	}
	// claim inserts the content's row; false when another writer stored
	// the content, or is storing it: the row's key then waits for that
	// one's commit (or rollback, which makes the claim ours).
	claim := func(sum string, size int64, chunks int) (bool, error) {
		res, err := exec(`INSERT INTO large_blobs (sha256, size, chunks) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`, sum, size, chunks)
		if err != nil {
			return false, fmt.Errorf("store blob %s: %w", sum, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, fmt.Errorf("store blob %s: %w", sum, err)
		}
		return n > 0, nil
	}
	key := want
	if key != "" {
		// Known: claimed first, so that writers of the same content wait
		// for each other before they write a chunk, instead of meeting
		// on the chunks' keys.
		if ok, err := claim(want, known, int((known+blobChunkSize-1)/blobChunkSize)); err != nil || !ok {
			return want, known, err
		}
	} else {
		// Not a SHA-256 in hex: a temporary key cannot meet a stored one.
		key = "tmp:" + rand.Text()
	}
	h := sha256.New()
	chunks := 0
	for {
		h.Write(buf[:n])
		if _, err := exec(`INSERT INTO large_blob_chunks (sha256, seq, data) VALUES (?, ?, ?)`, key, chunks, buf[:n]); err != nil {
			return "", 0, fmt.Errorf("store blob chunk %d: %w", chunks, err)
		}
		chunks++
		size += int64(n)
		if last {
			break
		}
		n, err = io.ReadFull(r, buf)
		if errors.Is(err, io.EOF) {
			break
		} else if errors.Is(err, io.ErrUnexpectedEOF) {
			last = true
		} else if err != nil {
			return "", 0, fmt.Errorf("store blob: %w", err)
		}
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if want != "" && (sum != want || size != known) {
		return "", 0, fmt.Errorf("store blob: the content changed while it was stored")
	}
	if key != sum {
		if ok, err := claim(sum, size, chunks); err != nil {
			return "", 0, err
		} else if !ok {
			return sum, size, nil // stored already: the rollback drops the chunks
		}
		if _, err := exec(`UPDATE large_blob_chunks SET sha256 = ? WHERE sha256 = ?`, sum, key); err != nil {
			return "", 0, fmt.Errorf("store blob %s: %w", sum, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return "", 0, fmt.Errorf("store blob %s: %w", sum, err)
	}
	return sum, size, nil
}

// hasLarge reports whether a large content is stored.
func (s pgBlobs) hasLarge(ctx context.Context, tx *Tx, sum string) (bool, error) {
	const q = `SELECT COUNT(*) FROM large_blobs WHERE sha256 = ?`
	var n int
	var err error
	if tx != nil {
		err = tx.queryRow(ctx, q, sum).Scan(&n)
	} else {
		err = s.db.db.QueryRowContext(ctx, s.db.dialect.rebind(q), sum).Scan(&n)
	}
	if err != nil {
		return false, fmt.Errorf("look up blob %s: %w", sum, err)
	}
	return n > 0, nil
}

// openLarge returns a reader that fetches the content chunk by chunk.
func (s pgBlobs) openLarge(ctx context.Context, tx *Tx, sum string) (io.ReadCloser, error) {
	r := &chunkReader{db: s.db, ctx: ctx, sum: sum, h: sha256.New()}
	err := tx.queryRow(ctx, `SELECT size, chunks FROM large_blobs WHERE sha256 = ?`, sum).Scan(&r.size, &r.chunks)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBlobMissing(sum, pgBlobsMissing)
	} else if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sum, err)
	}
	return r, nil
}

// chunkReader reads a large content one chunk at a time, each in a query
// of its own on the pool: the transaction that opened it has ended by the
// time a handler streams it to a slow client, and no connection is held
// in between. Contents never change once stored, so the chunks need no
// common snapshot. At the end it checks the size and the SHA-256, and
// returns an error instead of io.EOF when they do not match.
type chunkReader struct {
	db *DB
	// ctx is the context of the request that opened the content: its
	// reads end with it.
	ctx          context.Context
	sum          string
	size, read   int64
	chunks, next int
	chunk, rest  []byte
	h            hash.Hash
	err          error
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for len(r.rest) == 0 {
		if r.next == r.chunks {
			r.err = r.end()
			return 0, r.err
		}
		if err := r.fetch(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

// fetch reads the next chunk.
func (r *chunkReader) fetch() error {
	rows, err := r.db.db.QueryContext(r.ctx, r.db.dialect.rebind(`SELECT data FROM large_blob_chunks WHERE sha256 = ? AND seq = ?`), r.sum, r.next)
	if err != nil {
		return fmt.Errorf("read blob %s chunk %d: %w", r.sum, r.next, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read blob %s chunk %d: %w", r.sum, r.next, err)
		}
		return fmt.Errorf("blob %s is damaged: chunk %d of %d is missing", r.sum, r.next+1, r.chunks)
	}
	var data sql.RawBytes
	if err := rows.Scan(&data); err != nil {
		return fmt.Errorf("read blob %s chunk %d: %w", r.sum, r.next, err)
	}
	// RawBytes are the driver's until the rows close: keep a copy, in the
	// one buffer this reader reuses.
	r.chunk = append(r.chunk[:0], data...)
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read blob %s chunk %d: %w", r.sum, r.next, err)
	}
	r.h.Write(r.chunk)
	r.read += int64(len(r.chunk))
	r.rest = r.chunk
	r.next++
	return nil
}

// end checks the content read against its size and SHA-256.
func (r *chunkReader) end() error {
	if r.read != r.size {
		return fmt.Errorf("blob %s is damaged: %d bytes stored, %d expected", r.sum, r.read, r.size)
	}
	if got := hex.EncodeToString(r.h.Sum(nil)); got != r.sum {
		return fmt.Errorf("blob %s is damaged: its content has SHA-256 %s", r.sum, got)
	}
	return io.EOF
}

// Close releases the chunk buffer; nothing else is held between reads.
func (r *chunkReader) Close() error {
	r.chunk, r.rest = nil, nil
	if r.err == nil {
		r.err = errors.New("read blob: closed")
	}
	return nil
}

// checkLarge reads every large content in tx's snapshot, chunk by chunk,
// and reports each whose chunks do not add up to its size and SHA-256.
func (s pgBlobs) checkLarge(ctx context.Context, tx *Tx, found map[string]bool, report func(string, bool)) error {
	type large struct {
		sum    string
		size   int64
		chunks int
	}
	var all []large
	rows, err := tx.QueryContext(ctx, `SELECT sha256, size, chunks FROM large_blobs ORDER BY sha256`)
	if err != nil {
		return fmt.Errorf("read large blobs: %w", err)
	}
	for rows.Next() {
		var b large
		if err := rows.Scan(&b.sum, &b.size, &b.chunks); err != nil {
			rows.Close()
			return fmt.Errorf("read large blobs: %w", err)
		}
		all = append(all, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read large blobs: %w", err)
	}
	for _, b := range all {
		found[b.sum] = true
		ok, err := s.verify(ctx, tx, b.sum, b.size, b.chunks)
		if err != nil {
			return err
		}
		if !ok {
			report(b.sum, false)
		}
	}
	return nil
}

// verify reads one large content's chunks in order and tells whether they
// are all there and match its size and SHA-256.
func (s pgBlobs) verify(ctx context.Context, tx *Tx, sum string, size int64, chunks int) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, data FROM large_blob_chunks WHERE sha256 = ? ORDER BY seq`, sum)
	if err != nil {
		return false, fmt.Errorf("read blob %s: %w", sum, err)
	}
	defer rows.Close()
	h := sha256.New()
	var read int64
	next := 0
	sound := true
	for rows.Next() {
		var seq int
		var data sql.RawBytes
		if err := rows.Scan(&seq, &data); err != nil {
			return false, fmt.Errorf("read blob %s: %w", sum, err)
		}
		if seq != next {
			sound = false
		}
		h.Write(data)
		read += int64(len(data))
		next++
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read blob %s: %w", sum, err)
	}
	return sound && next == chunks && read == size && hex.EncodeToString(h.Sum(nil)) == sum, nil
}
