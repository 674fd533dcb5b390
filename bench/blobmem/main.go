// Command blobmem measures what storing and reading one large attachment
// costs the process: peak resident memory (getrusage maxrss of a child
// process that does only that), bytes allocated and time, on SQLite and,
// given a URL, on PostgreSQL.
//
//	go run ./bench/blobmem                          # SQLite, 25 MB
//	go run ./bench/blobmem -pg 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./bench/blobmem -size 100000000 -runs 5
//
// Each figure is measured in a fresh child process of this command, so
// that one measurement's heap does not inflate the next. The baseline is
// the same work with a 1 KB attachment: the difference is what the large
// content costs. Writes are measured twice: from a reader that can be read
// once (an upload streamed through), and from a temporary file the upload
// was first spooled to, which the store hashes before it sends anything
// (blob_postgres.go). On PostgreSQL each run gets a schema of its own,
// dropped at the end.
//
// A measurement, not a test: the figures are in docs/benchmarks.md.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func main() {
	pg := flag.String("pg", "", "PostgreSQL URL to measure too (a schema of its own is created and dropped)")
	size := flag.Int64("size", 25_000_000, "attachment size in bytes")
	runs := flag.Int("runs", 3, "runs of each measurement; the median is printed")
	child := flag.String("child", "", "internal: the phase this child process measures")
	dsn := flag.String("dsn", "", "internal: the child's DSN")
	data := flag.String("data", "", "internal: the child's data folder")
	ref := flag.String("ref", "", "internal: the complaint the child adds to")
	att := flag.Int64("att", 0, "internal: the attachment the child reads")
	seed := flag.Uint64("seed", 1, "internal: the seed of the child's content")
	flag.Parse()
	if *child != "" {
		if err := runChild(*child, *dsn, *data, *ref, *att, *seed, *size); err != nil {
			fmt.Fprintln(os.Stderr, "blobmem child:", err)
			os.Exit(1)
		}
		return
	}
	backends := []string{""}
	if *pg != "" {
		backends = append(backends, *pg)
	}
	fmt.Printf("attachment %d bytes, median of %d runs, each in a fresh process\n\n", *size, *runs)
	fmt.Printf("| backend | phase | peak RSS | RSS above baseline | peak live heap | allocated | time |\n|---|---|---|---|---|---|---|\n")
	for _, b := range backends {
		if err := measure(b, *size, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "blobmem:", err)
			os.Exit(1)
		}
	}
}

// result is what a child reports, and the parent adds its peak RSS to.
type result struct {
	Attachment int64         `json:"attachment"`
	Reference  string        `json:"reference"`
	Allocated  uint64        `json:"allocated"` // bytes allocated by the measured work
	HeapPeak   uint64        `json:"heap_peak"` // sampled live heap, at its highest
	Elapsed    time.Duration `json:"elapsed"`
	MaxRSS     int64         `json:"-"` // bytes
}

// phases are measured in this order on one store; each large write adds a
// content the others do not share (a seed of its own), but for the
// deduplicated ones, which write the content of the first again.
var phases = []struct{ name, what string }{
	{"baseline-write", "add a message with a 1 KB attachment"},
	{"write-stream", "add a message with the attachment, read once from the upload"},
	{"write-file", "the same, spooled to a temporary file first"},
	{"dedupe-stream", "add the same content again, read once"},
	{"dedupe-file", "add the same content again, spooled first"},
	{"baseline-read", "read the 1 KB attachment"},
	{"read", "read the attachment and hash it"},
}

func measure(backend string, size int64, runs int) error {
	name := "SQLite"
	if backend != "" {
		name = "PostgreSQL"
	}
	byPhase := map[string][]result{}
	for run := range runs {
		dir, err := os.MkdirTemp("", "klachtdesk-blobmem-")
		if err != nil {
			return err
		}
		dsn, drop, err := prepare(backend, run)
		if err != nil {
			os.RemoveAll(dir)
			return err
		}
		setup, err := spawn("setup", dsn, dir, "", 0, 0, size)
		if err == nil {
			var small, large result
			for i, p := range phases {
				var r result
				switch p.name {
				case "baseline-read":
					r, err = spawn(p.name, dsn, dir, setup.Reference, small.Attachment, 0, size)
				case "read":
					r, err = spawn(p.name, dsn, dir, setup.Reference, large.Attachment, 0, size)
				case "dedupe-stream", "dedupe-file":
					r, err = spawn(p.name, dsn, dir, setup.Reference, 0, 100, size)
				default:
					r, err = spawn(p.name, dsn, dir, setup.Reference, 0, uint64(100+i), size)
				}
				if err != nil {
					break
				}
				switch p.name {
				case "baseline-write":
					small = r
				case "write-stream":
					large = r
				}
				byPhase[p.name] = append(byPhase[p.name], r)
			}
		}
		drop()
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
	}
	median := func(p string, f func(result) float64) float64 {
		var v []float64
		for _, r := range byPhase[p] {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	rss := func(r result) float64 { return float64(r.MaxRSS) / (1 << 20) }
	for _, p := range phases {
		base := "baseline-write"
		if strings.Contains(p.name, "read") {
			base = "baseline-read"
		}
		above := "—"
		if p.name != base {
			above = fmt.Sprintf("%+.1f MiB", median(p.name, rss)-median(base, rss))
		}
		fmt.Printf("| %s | %s: %s | %.1f MiB | %s | %.1f MiB | %.1f MiB | %.0f ms |\n", name, p.name, p.what, median(p.name, rss), above,
			median(p.name, func(r result) float64 { return float64(r.HeapPeak) / (1 << 20) }),
			median(p.name, func(r result) float64 { return float64(r.Allocated) / (1 << 20) }),
			median(p.name, func(r result) float64 { return float64(r.Elapsed.Microseconds()) / 1000 }))
	}
	return nil
}

// prepare returns the DSN of one run's store: "" (SQLite in the data
// folder), or the PostgreSQL URL with a fresh schema as its search_path,
// and a function that drops it.
func prepare(backend string, run int) (dsn string, drop func(), err error) {
	if backend == "" {
		return "", func() {}, nil
	}
	db, err := sql.Open("pgx", backend)
	if err != nil {
		return "", nil, err
	}
	schema := fmt.Sprintf("blobmem_%d_%d", os.Getpid(), run)
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	u, err := url.Parse(backend)
	if err != nil {
		db.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	}, nil
}

// spawn runs this command as a child measuring phase and returns its
// report with its peak RSS.
func spawn(phase, dsn, dir, ref string, att int64, seed uint64, size int64) (result, error) {
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(self, "-child", phase, "-dsn", dsn, "-data", dir, "-ref", ref,
		"-att", fmt.Sprint(att), "-seed", fmt.Sprint(seed), "-size", fmt.Sprint(size))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("%s: %w", phase, err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("%s: %q: %w", phase, out, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	return r, nil
}

// runChild does one phase's work in this process and prints its report.
func runChild(phase, dsn, dir, ref string, att int64, seed uint64, size int64) error {
	ctx := context.Background()
	db := sqldb.NewDB(dir, dsn)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	messages := sqldb.NewMessageService(db)
	var r result
	if phase == "setup" {
		c, err := sqldb.NewComplaintService(db).CreateComplaint(ctx, &klachtdesk.NewComplaint{
			Channel: klachtdesk.ChannelEmail, ReceivedAt: time.Now().Add(-time.Hour),
			Complainant: klachtdesk.Complainant{Name: "Jan Jansen", Email: "jan@example.org", Type: klachtdesk.Consumer, Language: klachtdesk.LanguageDutch},
			Kind:        klachtdesk.KindService, Subtype: "communication", Subject: "Scan van de factuur", Description: "Zie de bijlage.",
		})
		if err != nil {
			return err
		}
		r.Reference = c.Reference
		return json.NewEncoder(os.Stdout).Encode(r)
	}

	var work func() error
	switch phase {
	case "baseline-write", "write-stream", "dedupe-stream", "write-file", "dedupe-file":
		n := size
		if phase == "baseline-write" {
			n = 1000
		}
		var content io.Reader = &generated{r: rand.New(rand.NewPCG(seed, 0)), n: n}
		var spool *os.File
		if strings.HasSuffix(phase, "-file") {
			// Spooling is part of the work measured: the upload is copied
			// to a file, then stored from it.
			var err error
			if spool, err = os.CreateTemp(dir, "upload-*"); err != nil {
				return err
			}
			defer os.Remove(spool.Name())
			defer spool.Close()
		}
		work = func() error {
			if spool != nil {
				if _, err := io.Copy(spool, content); err != nil {
					return err
				}
				if _, err := spool.Seek(0, io.SeekStart); err != nil {
					return err
				}
				content = spool
			}
			m := &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: "scan",
				MessageID: fmt.Sprintf("%s-%d@blobmem", phase, time.Now().UnixNano())}
			if err := messages.AddMessage(ctx, ref, m, []klachtdesk.NewAttachment{{Filename: "scan.pdf", ContentType: "application/pdf", Content: content}}); err != nil {
				return err
			}
			r.Attachment = m.Attachments[0].ID
			return nil
		}
	case "baseline-read", "read":
		work = func() error {
			a, rc, err := messages.OpenAttachment(ctx, att)
			if err != nil {
				return err
			}
			defer rc.Close()
			h := sha256.New()
			if _, err := io.Copy(h, rc); err != nil {
				return err
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 {
				return fmt.Errorf("attachment %d read back with SHA-256 %s, stored as %s", att, got, a.SHA256)
			}
			return nil
		}
	default:
		return fmt.Errorf("unknown phase %q", phase)
	}

	before := allocated()
	stop := sampleHeap(&r.HeapPeak)
	start := time.Now()
	err := work()
	r.Elapsed = time.Since(start)
	stop()
	r.Allocated = allocated() - before
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	return json.NewEncoder(w).Encode(r)
}

// generated is a content of n pseudo-random bytes made as it is read, so
// that the child never holds it whole.
type generated struct {
	r    *rand.Rand
	n    int64
	word [8]byte
}

func (g *generated) Read(p []byte) (int, error) {
	if g.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.n)]
	for i := 0; i < len(p); i += 8 {
		binary.LittleEndian.PutUint64(g.word[:], g.r.Uint64())
		copy(p[i:], g.word[:])
	}
	g.n -= int64(len(p))
	return len(p), nil
}

// allocated returns the bytes allocated on the heap so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap records the highest live heap seen, sampled every
// millisecond, until the returned function is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			*peak = max(*peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
