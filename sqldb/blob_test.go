package sqldb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// content returns n pseudo-random bytes, the same for the same seed, which
// no compression shrinks (as with the PDFs and photos attachments are).
func content(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 0x6b6c61636874))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// onlyReader hides every method of a reader but Read: a body that can be
// read once, as an upload is.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// Contents of every size come back as they went in, whether the reader
// can be read twice or once: empty, small ones in the blobs table, and
// large ones in the backend, on chunk boundaries and beside them.
func TestPutBlob_RoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	sizes := []int{0, 10, sqldb.InlineBlobMax, sqldb.InlineBlobMax + 1, sqldb.BlobChunkSize - 1, sqldb.BlobChunkSize,
		sqldb.BlobChunkSize + 1, 3*sqldb.BlobChunkSize + 17}
	for i, size := range sizes {
		for _, once := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d bytes, once %v", size, once), func(t *testing.T) {
				want := content(uint64(2*i)+boolSeed(once), size)
				var r io.Reader = bytes.NewReader(want)
				if once {
					r = onlyReader{r}
				}
				sum, n, err := db.PutBlob(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				if sum != sha256Hex(string(want)) || n != int64(size) {
					t.Errorf("PutBlob = %s, %d; want %s, %d", sum, n, sha256Hex(string(want)), size)
				}
				rc, err := db.OpenBlob(ctx, sum)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("read back %d bytes, not the %d put", len(got), len(want))
				}
			})
		}
	}
	// Nothing but whole contents is left: no chunk of a temporary key.
	contents, pieces := sqldb.StoredLarge(t, db)
	large := 0
	chunks := 0
	for _, size := range sizes {
		if size > sqldb.InlineBlobMax {
			large += 2
			chunks += 2 * ((size + sqldb.BlobChunkSize - 1) / sqldb.BlobChunkSize)
		}
	}
	if !db.IsPostgres() {
		// The file store keeps every content a reader gives it as a
		// file, small ones too, and one file each.
		large, chunks = 2*len(sizes)-1, 2*len(sizes)-1 // the two empty contents are one
	}
	if contents != large || pieces != chunks {
		t.Errorf("the backend holds %d contents in %d pieces, want %d in %d", contents, pieces, large, chunks)
	}
}

func boolSeed(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// The same content put again, read once or twice, in turn or at the same
// moment, is stored once.
func TestPutBlob_Dedupe(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	want := content(7, 2*sqldb.BlobChunkSize+5)
	var sums []string
	for _, r := range []io.Reader{bytes.NewReader(want), onlyReader{bytes.NewReader(want)}, bytes.NewReader(want)} {
		sum, _, err := db.PutBlob(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	// A content not stored yet, put by several writers at once, from
	// readers of both kinds (as intake's parsing workers may, given two
	// mails with the same attachment).
	fresh := content(8, 2*sqldb.BlobChunkSize+5)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	concurrent := make([]string, len(errs))
	for i := range errs {
		wg.Go(func() {
			var r io.Reader = bytes.NewReader(fresh)
			if i%2 == 1 {
				r = onlyReader{r}
			}
			concurrent[i], _, errs[i] = db.PutBlob(ctx, r)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, sum := range sums {
		if sum != sha256Hex(string(want)) {
			t.Errorf("PutBlob = %s, want %s", sum, sha256Hex(string(want)))
		}
	}
	for _, sum := range concurrent {
		if sum != sha256Hex(string(fresh)) {
			t.Errorf("PutBlob at once = %s, want %s", sum, sha256Hex(string(fresh)))
		}
	}
	contents, pieces := sqldb.StoredLarge(t, db)
	wantPieces := 2
	if db.IsPostgres() {
		wantPieces = 6
	}
	if contents != 2 || pieces != wantPieces {
		t.Errorf("the backend holds %d contents in %d pieces, want 2 in %d", contents, pieces, wantPieces)
	}
	for _, b := range [][]byte{want, fresh} {
		rc, err := db.OpenBlob(ctx, sha256Hex(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("read back %d bytes (%v), not the %d put", len(got), err, len(b))
		}
	}
}

// A content that is not stored is an error that says so, and that
// errors.Is recognises as fs.ErrNotExist; BlobStored says false.
func TestOpenBlob_Missing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, size := range []int{10, sqldb.InlineBlobMax + 1} {
		want := content(uint64(size), size)
		sum, _, err := db.PutBlob(ctx, bytes.NewReader(want))
		if err != nil {
			t.Fatal(err)
		}
		sqldb.RemoveBlob(t, db, sum)
		for _, s := range []string{sum, sha256Hex("nooit opgeslagen")} {
			rc, err := db.OpenBlob(ctx, s)
			if err == nil {
				rc.Close()
				t.Fatalf("OpenBlob(%s) of a content not stored: no error", s)
			}
			if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), s) || !strings.Contains(err.Error(), "missing") {
				t.Errorf("OpenBlob(%s) = %v; want an error naming it missing, wrapping fs.ErrNotExist", s, err)
			}
			if ok, err := db.BlobStored(ctx, s); ok || err != nil {
				t.Errorf("BlobStored(%s) = %v, %v; want false, nil", s, ok, err)
			}
		}
	}
}

// A large content whose bytes changed after it was stored is not served
// as if it were whole: reading it ends in an error, not io.EOF, on
// PostgreSQL, where every read checks the SHA-256. (The files of SQLite
// are served as the disk holds them; klachtdesk check finds them.)
func TestOpenBlob_Damaged(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if !db.IsPostgres() {
		t.Skip("SQLite serves the blob store's files as they are; TestCheckStore_LargeBlobs covers them")
	}
	want := content(11, sqldb.BlobChunkSize+100)
	sum, _, err := db.PutBlob(ctx, bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	read := func() error {
		rc, err := db.OpenBlob(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		_, err = io.Copy(io.Discard, rc)
		return err
	}
	if err := read(); err != nil {
		t.Fatalf("sound content: %v", err)
	}
	sqldb.DamageBlob(t, db, sum)
	if err := read(); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("reading a changed chunk: %v, want an error saying the blob is damaged", err)
	}
	sqldb.DropBlobChunk(t, db, sum, 0)
	if err := read(); err == nil || !strings.Contains(err.Error(), "chunk 1 of 2 is missing") {
		t.Errorf("reading without its first chunk: %v, want an error naming the missing chunk", err)
	}
}

// A mail whose raw bytes and attachment are too large for the blobs table
// stores them in the backend before its transaction, and the attachment
// reads back whole.
func TestTake_LargeAttachment(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	in := newIntake(db)
	m := mail("jan@example.org", "groot@example.org", "Klacht met bijlage", "Zie de scan.")
	scan := content(3, 2*sqldb.BlobChunkSize+333)
	m.Attachments = []klachtdesk.MailPart{{Filename: "scan.pdf", ContentType: "application/pdf", Content: scan}}
	rawMail := append(raw(m), content(4, sqldb.InlineBlobMax)...)
	it := klachtdesk.IncomingMail{Source: "test", ReceivedAt: testNow, Raw: rawMail, Mail: m}
	if err := in.StoreLarge(it); err != nil {
		t.Fatal(err)
	}
	rs, err := in.TakeMails(ctx, []klachtdesk.IncomingMail{it})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, rs[0].Reference)
	if err != nil {
		t.Fatal(err)
	}
	var atts []*klachtdesk.Attachment
	for _, msg := range msgs {
		atts = append(atts, msg.Attachments...)
	}
	if len(atts) != 1 {
		t.Fatalf("%d attachments stored, want 1", len(atts))
	}
	a, rc, err := sqldb.NewMessageService(db).OpenAttachment(ctx, atts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, scan) || a.Size != int64(len(scan)) || a.SHA256 != sha256Hex(string(scan)) {
		t.Errorf("attachment read back: %d bytes, size %d, sha256 %s; want %d bytes, %s", len(got), a.Size, a.SHA256, len(scan), sha256Hex(string(scan)))
	}
	if contents, _ := sqldb.StoredLarge(t, db); contents != 2 {
		t.Errorf("the backend holds %d large contents, want 2 (the raw mail and the scan)", contents)
	}
}

// klachtdesk check (CheckStore) finds a large attachment whose bytes
// changed and a small one that is gone, naming their complaint and file,
// on either backend; put back, the store checks clean.
func TestCheckStore_LargeBlobs(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	audit := sqldb.NewAuditService(db)
	c := mustCreateComplaint(t, db, newComplaint(testNow, "jan@example.org"))
	large, small := content(21, sqldb.BlobChunkSize+sqldb.BlobChunkSize/2), []byte("%PDF klein")
	err := sqldb.NewMessageService(db).AddMessage(ctx, c.Reference, &klachtdesk.Message{
		Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: "zie bijlagen",
	}, []klachtdesk.NewAttachment{
		{Filename: "groot.pdf", ContentType: "application/pdf", Content: onlyReader{bytes.NewReader(large)}},
		{Filename: "klein.pdf", ContentType: "application/pdf", Content: bytes.NewReader(small)},
	})
	if err != nil {
		t.Fatal(err)
	}
	check, err := audit.CheckStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() || check.Blobs < 2 {
		t.Fatalf("sound store: %+v", check)
	}

	largeSum, smallSum := sha256Hex(string(large)), sha256Hex(string(small))
	sqldb.DamageBlob(t, db, largeSum)
	sqldb.RemoveBlob(t, db, smallSum)
	check, err = audit.CheckStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range check.Problems {
		for _, u := range p.Uses {
			state := "changed"
			if p.Missing {
				state = "missing"
			}
			got[p.SHA256] = fmt.Sprintf("%s %s %s %s", u.Kind, u.Reference, u.Filename, state)
		}
	}
	want := map[string]string{
		largeSum: klachtdesk.BlobAttachment + " " + c.Reference + " groot.pdf changed",
		smallSum: klachtdesk.BlobAttachment + " " + c.Reference + " klein.pdf missing",
	}
	for sum, w := range want {
		if got[sum] != w {
			t.Errorf("CheckStore reports %q for %s, want %q", got[sum], sum, w)
		}
	}
	if len(check.Problems) != 2 {
		t.Errorf("CheckStore reports %d problems, want 2: %+v", len(check.Problems), check.Problems)
	}

	// Put back (as a restore from the backup would), the store checks
	// clean again.
	sqldb.RemoveBlob(t, db, largeSum)
	for _, b := range [][]byte{large, small} {
		if _, _, err := db.PutBlob(ctx, bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
	}
	if check, err = audit.CheckStore(ctx); err != nil || !check.OK() {
		t.Errorf("after the restore: %+v, %v", check, err)
	}

	if db.IsPostgres() {
		// A chunk gone from the middle of a content is a changed content.
		sqldb.DropBlobChunk(t, db, largeSum, 0)
		if check, err = audit.CheckStore(ctx); err != nil || len(check.Problems) != 1 || check.Problems[0].Missing {
			t.Errorf("without a chunk: %+v, %v; want the content reported changed", check, err)
		}
	}
}

// A content streamed in from a slow source does not hold up the store's
// other writers: while its put waits for the rest of the content, with
// its first chunks written, a complaint is registered.
func TestPutBlob_SlowSourceBlocksNoWriter(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, _, err := db.PutBlob(ctx, pr)
		done <- err
	}()
	// The second chunk is taken by the put once the first is written
	// inside its transaction; the put then waits for more.
	for seed := range uint64(2) {
		if _, err := pw.Write(content(30+seed, sqldb.BlobChunkSize)); err != nil {
			t.Fatal(err)
		}
	}
	// A deadlock guard only: a writer that is not held up takes
	// milliseconds.
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := sqldb.NewComplaintService(db).CreateComplaint(wctx, newComplaint(testNow, "jan@example.org")); err != nil {
		t.Errorf("registering a complaint while a content streams in: %v", err)
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if contents, _ := sqldb.StoredLarge(t, db); contents != 1 {
		t.Errorf("%d large contents stored, want 1", contents)
	}
}
