// Command import measures mail intake end to end: parse, raw stored,
// complaint, event, acknowledgement in the outbox, each durable
// (synchronous=FULL) before it counts. It prints complaints per second and
// the process's peak memory.
//
//	go run ./bench/import -mode one        # one mail per transaction, one parser
//	go run ./bench/import -mode batch      # concurrent parsing, 100 per commit
//	go run ./bench/import -mode attach     # every mail with a 200 KB attachment
//	go run ./bench/import -mode bare       # the same rows by a bare SQL loop (sqldb.BareIntake)
//	go run ./bench/import -mode bare -rows lean|minimal|tiny  # fewer rows: the floor below
//	go run ./bench/import -mode batch -db postgres://…       # into PostgreSQL (a fresh or a generated store)
//	go run ./bench/import -mode one -data DIR -seed 2         # into an existing (generated) SQLite store
//
// Results and the machine they ran on are in docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/mailgen"
	"github.com/klachtdesk/klachtdesk/letter"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func main() {
	mode := flag.String("mode", "one", "one, batch, attach or bare")
	n := flag.Int("n", 10000, "number of mails")
	batch := flag.Int("batch", 0, "mails per transaction: 100 in batch and attach modes, 1 in bare mode")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to `file`")
	mboxOut := flag.String("mbox", "", "write the generated mails to this mbox `file` and exit (to time `klachtdesk import` itself)")
	syncMode := flag.String("sync", "FULL", "bare mode only: SQLite synchronous setting, FULL or NORMAL (what durability costs)")
	rows := flag.String("rows", "full", "bare mode only: full (intake's rows on the store's schema), lean (the same rows on a schema with six fewer b-trees), minimal (raw, complaint, event, outbox row) or tiny (one 100-byte row)")
	dsn := flag.String("db", "", "postgres:// URL of the store to import into (default: SQLite); it may hold complaints already")
	data := flag.String("data", "", "data folder of the store to import into (default: a new temporary one)")
	seed := flag.Uint64("seed", 1, "seed of the generated mails: a store that already took a seed's mails needs another")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *mboxOut != "" {
		opt := mailgen.Options{Seed: *seed}
		if *mode == "attach" {
			opt.AttachmentShare, opt.AttachmentSize = 1, 200<<10
		}
		if err := os.WriteFile(*mboxOut, mailgen.Mbox(mailgen.Generate(*n, opt)), 0o600); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *batch <= 0 {
		*batch = 100
		if *mode == "bare" {
			*batch = 1
		}
	}
	if !slices.Contains([]string{"full", "lean", "minimal", "tiny"}, *rows) {
		log.Fatalf("-rows must be full, lean, minimal or tiny, not %q", *rows)
	}
	if *dsn != "" && *mode == "bare" {
		log.Fatal("-mode bare writes SQLite files only")
	}
	if err := run(*mode, *n, *batch, *syncMode, *rows, store{dsn: *dsn, data: *data, seed: *seed}); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

// store names the store to import into: the SQLite file in data, or the
// PostgreSQL database dsn (with its blob store in data); a new temporary
// data folder when data is empty.
type store struct {
	dsn, data string
	seed      uint64
}

func run(mode string, n, batch int, syncMode, rows string, st store) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "klachtdesk-bench-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	data := filepath.Join(dir, "data")
	if st.data != "" {
		data = st.data
	}

	opt := mailgen.Options{Seed: st.seed}
	if mode == "attach" {
		opt.AttachmentShare, opt.AttachmentSize = 1, 200<<10
	}
	mails := mailgen.Generate(n, opt)
	var bytesTotal, withAttachment int
	raws := make([][]byte, len(mails))
	for i, m := range mails {
		raws[i] = m.Raw
		bytesTotal += len(m.Raw)
		if len(m.Raw) > 20<<10 {
			withAttachment++
		}
	}

	db := sqldb.NewDB(data, st.dsn)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()

	cpu0 := cpuTime()
	start := time.Now()
	switch mode {
	case "bare":
		if syncMode != "FULL" && syncMode != "NORMAL" {
			return fmt.Errorf("-sync must be FULL or NORMAL, not %q", syncMode)
		}
		mode = fmt.Sprintf("bare(rows=%s,sync=%s,batch=%d)", rows, syncMode, batch)
		path := db.Path()
		if rows != string(sqldb.BareFull) { // checked in main
			path = filepath.Join(dir, "bare-"+rows+".db")
		}
		if err := sqldb.BareIntake(ctx, path, sqldb.BareRows(rows), raws, syncMode, batch); err != nil {
			return err
		}
	case "one", "batch", "attach":
		store := sqldb.NewIntakeService(db)
		store.Letters = letter.Writer{}
		p := &intake.Pipeline{Store: store, Batch: 1, Workers: 1, Prestore: store.StoreLarge}
		if mode != "one" {
			p.Batch, p.Workers = batch, 0
		}
		items := make(chan intake.Item, 256)
		go func() {
			defer close(items)
			for i, m := range mails {
				items <- intake.Item{Source: fmt.Sprintf("bench#%d", i), Raw: m.Raw}
			}
		}()
		newOnes := 0
		if err := p.Run(ctx, items, func(r intake.Result) {
			if r.Outcome == klachtdesk.OutcomeNew {
				newOnes++
			}
		}); err != nil {
			return err
		}
		if newOnes != n {
			return fmt.Errorf("%d of %d mails became complaints", newOnes, n)
		}
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	backend := "sqlite"
	if st.dsn != "" {
		backend = "postgres"
	}
	fmt.Printf("backend=%s start=%s end=%s ", backend, start.Format("15:04:05.000"), time.Now().Format("15:04:05.000"))
	fmt.Printf("mode=%s mails=%d (%.1f MB, %d with attachment) time=%s rate=%.0f complaints/s cpu=%.0f µs/mail peak_rss=%d MB\n",
		mode, n, float64(bytesTotal)/(1<<20), withAttachment, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), float64(cpu.Microseconds())/float64(n), ru.Maxrss/1024)
	return nil
}

// cpuTime is the CPU time (user and system) the process has used so far:
// steadier than wall time on a shared machine, and what the writer's work
// per mail is judged by.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
