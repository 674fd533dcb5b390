// Command gen fills an empty store with generated complaints (package
// bench/gen), then checks the result as the store's own code reads it: the
// audit trail verifies, and the register's first page lists. It prints how
// long generation took.
//
//	go run ./bench/gen/cmd/gen -n 10000 -data /tmp/kd10k
//	go run ./bench/gen/cmd/gen -n 10000 -db postgres://postgres@127.0.0.1:5432/kdbench?sslmode=disable
//
// Results and the machine they ran on are in docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/bench/gen"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func main() {
	n := flag.Int("n", 10000, "number of complaints")
	seed := flag.Uint64("seed", 1, "random seed")
	batch := flag.Int("batch", 1000, "complaints registered per transaction")
	data := flag.String("data", "", "data folder (SQLite, and the blob store on either backend)")
	dsn := flag.String("db", "", "postgres:// URL; empty: SQLite in -data")
	end := flag.String("end", "", "simulated end, YYYY-MM-DD (default: today, UTC)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to `file`")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *data == "" {
		d, err := os.MkdirTemp("", "kdgen-")
		if err != nil {
			log.Fatal(err)
		}
		*data = d
	}
	opts := gen.Options{Count: *n, Seed: *seed, Batch: *batch}
	if *end != "" {
		t, err := time.Parse(time.DateOnly, *end)
		if err != nil {
			log.Fatalf("-end: %v", err)
		}
		opts.End = t
	}
	if err := run(context.Background(), *data, *dsn, opts); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

func run(ctx context.Context, data, dsn string, opts gen.Options) error {
	db := sqldb.NewDB(data, dsn)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	last := start
	opts.Progress = func(done int) {
		if time.Since(last) >= 10*time.Second || done == opts.Count {
			last = time.Now()
			el := time.Since(start)
			fmt.Fprintf(os.Stderr, "gen: %d of %d complaints, %s, %.0f/s\n", done, opts.Count, el.Round(time.Second), float64(done)/el.Seconds())
		}
	}
	res, err := gen.Generate(ctx, db, opts)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("generated %d complaints, %d messages, %d events (%d actions), %d users in %s: %.0f complaints/s\n",
		res.Complaints, res.Messages, res.Events, res.Actions, res.Users, took.Round(time.Millisecond), float64(res.Complaints)/took.Seconds())
	fmt.Printf("states: %v\n", res.States)

	t0 := time.Now()
	report, err := sqldb.NewAuditService(db).VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if report.Break != nil {
		return fmt.Errorf("the generated trail does not verify: event %d: %s", report.Break.EventID, report.Break.Reason)
	}
	fmt.Printf("audit trail intact: %d events in %s\n", report.Events, time.Since(t0).Round(time.Millisecond))
	if report.Events != int64(res.Events) {
		return fmt.Errorf("the trail holds %d events, the generator wrote %d", report.Events, res.Events)
	}
	page, total, err := sqldb.NewComplaintService(db).FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 50})
	if err != nil {
		return err
	}
	if total != res.Complaints || len(page) != min(50, total) {
		return fmt.Errorf("the register lists %d complaints (page of %d), the generator wrote %d", total, len(page), res.Complaints)
	}
	fmt.Printf("register: %d complaints, newest %s (%s)\n", total, page[0].Reference, page[0].State)
	return nil
}
