// Command backends measures one store, on SQLite or PostgreSQL, the same
// way, so that docs/benchmarks.md can put the two side by side: generating
// it (bench/gen), registering one by one and batched, one action with its
// event, the register's first page (p50 and p99), `klachtdesk audit
// verify`, the `serve` process's start time and memory (bench/startup), and
// intake of 10,000 mails (bench/import); on PostgreSQL also registration
// and intake by two instances at once.
//
//	go build -o /tmp/kdb/bin/klachtdesk ./cmd/klachtdesk
//	go build -o /tmp/kdb/bin/import ./bench/import && go build -o /tmp/kdb/bin/startup ./bench/startup
//	go run ./bench/backends -generate 10000 -data /tmp/s10k                      # SQLite
//	createdb -h 127.0.0.1 -U postgres kdbench
//	go run ./bench/backends -generate 10000 -data /tmp/p10k -db postgres://postgres@127.0.0.1:5432/kdbench?sslmode=disable
//
// Without -generate it measures the store as it is (one generated before by
// bench/gen/cmd/gen, say). Every measurement but the list query writes to
// the store; each run's mails get a seed of their own (-seed), so a store
// can be measured again. Before each measurement it prints the machine's
// load average: figures taken under load are upper bounds.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/bench/gen"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

type config struct {
	data, dsn                  string
	bin, importBin, startupBin string
	generate, seed             int
	regOne, regBatches, acts   int
	listRuns, mails, starts    int
	skip                       map[string]bool
}

func main() {
	var c config
	flag.StringVar(&c.data, "data", "", "data folder (the SQLite file, and the blob store on either backend; required)")
	flag.StringVar(&c.dsn, "db", "", "postgres:// URL; empty: SQLite in -data")
	flag.IntVar(&c.generate, "generate", 0, "first fill the (empty) store with this many complaints (bench/gen, seed 1)")
	flag.IntVar(&c.seed, "seed", 2, "seed of this run's registrations and mails: use a new one to measure a store again")
	flag.StringVar(&c.bin, "bin", "/tmp/kdb/bin/klachtdesk", "klachtdesk binary (audit verify, serve)")
	flag.StringVar(&c.importBin, "import", "/tmp/kdb/bin/import", "bench/import binary")
	flag.StringVar(&c.startupBin, "startup", "/tmp/kdb/bin/startup", "bench/startup binary")
	flag.IntVar(&c.regOne, "register", 500, "registrations one by one")
	flag.IntVar(&c.regBatches, "batches", 20, "batches of 100 registrations")
	flag.IntVar(&c.acts, "acts", 300, "actions, one per transaction")
	flag.IntVar(&c.listRuns, "list", 200, "runs of the register's first page (no more than 5 once a minute has passed)")
	flag.IntVar(&c.mails, "mails", 10000, "mails for the intake runs")
	flag.IntVar(&c.starts, "starts", 4, "serve starts (the first reported apart)")
	skip := flag.String("skip", "", "comma-separated measurements to leave out: list,verify,serve,register,act,intake-one,intake-batch,two")
	flag.Parse()
	if c.data == "" {
		log.Fatal("-data is required")
	}
	c.skip = map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		c.skip[s] = true
	}
	if err := run(context.Background(), c); err != nil {
		log.Fatal(err)
	}
}

func (c config) backend() string {
	if c.dsn != "" {
		return "postgres"
	}
	return "sqlite"
}

func open(ctx context.Context, c config) (*sqldb.DB, error) {
	db := sqldb.NewDB(c.data, c.dsn)
	if err := db.Open(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

func run(ctx context.Context, c config) error {
	db, err := open(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Printf("# backend %s, %s\n", c.backend(), time.Now().UTC().Format(time.RFC3339))
	if c.generate > 0 {
		load("generate")
		start := time.Now()
		res, err := gen.Generate(ctx, db, gen.Options{Count: c.generate, Seed: 1, Batch: min(1000, max(100, c.generate/100)),
			End: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Printf("generate: %d complaints, %d messages, %d events in %s = %.0f complaints/s (%.0f events/s); states %v\n",
			res.Complaints, res.Messages, res.Events, took.Round(time.Millisecond), float64(res.Complaints)/took.Seconds(),
			float64(res.Events)/took.Seconds(), res.States)
	}
	complaints := sqldb.NewComplaintService(db)
	_, total, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1})
	if err != nil {
		return err
	}
	fmt.Printf("store: %d complaints\n", total)

	if !c.skip["list"] {
		load("list")
		var ds []time.Duration
		start := time.Now()
		for i := 0; i < c.listRuns && (i < min(5, c.listRuns) || time.Since(start) < time.Minute); i++ {
			t := time.Now()
			page, _, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 50})
			if err != nil {
				return err
			}
			if len(page) != min(50, total) {
				return fmt.Errorf("first page: %d complaints", len(page))
			}
			ds = append(ds, time.Since(t))
		}
		fmt.Printf("list first page (50 of %d, default filter): %s\n", total, percentiles(ds))
	}
	if !c.skip["verify"] {
		load("audit verify")
		args := []string{"audit", "verify", "--data", c.data}
		if c.dsn != "" {
			args = append(args, "--db", c.dsn)
		}
		t := time.Now()
		out, err := exec.Command(c.bin, args...).CombinedOutput()
		took := time.Since(t)
		if err != nil {
			return fmt.Errorf("audit verify: %v: %s", err, out)
		}
		fmt.Printf("audit verify: %s (%s)\n", took.Round(time.Millisecond), strings.Join(strings.Fields(string(out)), " "))
	}
	if !c.skip["serve"] {
		load("serve")
		args := []string{"-bin", c.bin, "-n", strconv.Itoa(c.starts), "-data", c.data}
		if c.dsn != "" {
			args = append(args, "-db", c.dsn)
		}
		out, err := exec.Command(c.startupBin, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("startup: %v: %s", err, out)
		}
		fmt.Printf("serve start and memory:\n%s", indent(out))
	}
	var registered []*klachtdesk.Complaint
	if !c.skip["register"] {
		load("register")
		start := time.Now()
		for i := range c.regOne {
			cpl, err := complaints.CreateComplaint(ctx, newComplaint(c, 0, i))
			if err != nil {
				return err
			}
			registered = append(registered, cpl)
		}
		took := time.Since(start)
		fmt.Printf("register one by one: %d in %s = %.0f complaints/s\n", c.regOne, took.Round(time.Millisecond), float64(c.regOne)/took.Seconds())
		start = time.Now()
		for b := range c.regBatches {
			batch := make([]*klachtdesk.NewComplaint, 100)
			for i := range batch {
				batch[i] = newComplaint(c, 1, b*100+i)
			}
			if _, err := complaints.CreateComplaints(ctx, batch); err != nil {
				return err
			}
		}
		took = time.Since(start)
		fmt.Printf("register in batches of 100: %d in %s = %.0f complaints/s\n", c.regBatches*100, took.Round(time.Millisecond), float64(c.regBatches*100)/took.Seconds())
	}
	if !c.skip["act"] && len(registered) > 0 && c.acts > 0 {
		load("act")
		subtypes := []string{"communication", "information"}
		var ds []time.Duration
		start := time.Now()
		for i := range c.acts {
			ref := registered[i%len(registered)].Reference
			a := klachtdesk.Classify{Kind: klachtdesk.KindService, Subtype: subtypes[(i/len(registered))%2], CustomerType: klachtdesk.Consumer}
			t := time.Now()
			if _, err := complaints.Act(ctx, ref, a); err != nil {
				return err
			}
			ds = append(ds, time.Since(t))
		}
		took := time.Since(start)
		fmt.Printf("one action with its event: %d in %s = %.0f actions/s; %s\n", c.acts, took.Round(time.Millisecond), float64(c.acts)/took.Seconds(), percentiles(ds))
	}
	for _, mode := range []string{"one", "batch"} {
		if c.skip["intake-"+mode] {
			continue
		}
		load("intake " + mode)
		out, err := importMails(c, mode, c.mails, uint64(c.seed)*10+map[string]uint64{"one": 1, "batch": 2}[mode])
		if err != nil {
			return err
		}
		fmt.Printf("intake of %d mails, -mode %s: %s\n", c.mails, mode, out)
	}
	if c.dsn != "" && !c.skip["two"] {
		if err := twoInstances(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// twoInstances registers, then imports mail, with two instances at once:
// two connection pools in this process, then two bench/import processes.
func twoInstances(ctx context.Context, c config) error {
	dbs := make([]*sqldb.DB, 2)
	for i := range dbs {
		db, err := open(ctx, c)
		if err != nil {
			return err
		}
		defer db.Close()
		dbs[i] = db
	}
	for _, batched := range []bool{false, true} {
		load(fmt.Sprintf("two instances, batched=%v", batched))
		per := c.regOne
		if batched {
			per = c.regBatches * 100
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := time.Now()
		for k, db := range dbs {
			wg.Go(func() {
				s := sqldb.NewComplaintService(db)
				for i := 0; i < per; {
					size := 1
					if batched {
						size = 100
					}
					batch := make([]*klachtdesk.NewComplaint, size)
					for j := range batch {
						batch[j] = newComplaint(c, 2+k*2+map[bool]int{false: 0, true: 1}[batched], i+j)
					}
					if _, err := s.CreateComplaints(ctx, batch); err != nil {
						errs[k] = err
						return
					}
					i += size
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		what := "one by one"
		if batched {
			what = "in batches of 100"
		}
		fmt.Printf("two instances registering %s: %d in %s = %.0f complaints/s in total\n", what, 2*per, took.Round(time.Millisecond), float64(2*per)/took.Seconds())
	}
	for _, mode := range []string{"one", "batch"} {
		if c.skip["intake-"+mode] {
			continue
		}
		load("two instances, intake " + mode)
		var wg sync.WaitGroup
		outs, errs := make([]string, 2), make([]error, 2)
		for k := range 2 {
			wg.Go(func() {
				outs[k], errs[k] = importMails(c, mode, c.mails/2, uint64(c.seed)*10+5+uint64(k)+map[string]uint64{"one": 0, "batch": 2}[mode])
			})
		}
		wg.Wait()
		var first, last time.Time
		seen := false
		for k := range 2 {
			if errs[k] != nil {
				return errs[k]
			}
			s, e, err := span(outs[k])
			if err != nil {
				return err
			}
			if !seen || s.Before(first) {
				first = s
			}
			if !seen || e.After(last) {
				last = e
			}
			seen = true
		}
		took := last.Sub(first)
		fmt.Printf("two instances, intake -mode %s, %d mails each: %d in %s = %.0f complaints/s in total\n%s",
			mode, c.mails/2, c.mails/2*2, took.Round(time.Millisecond), float64(c.mails/2*2)/took.Seconds(), indent([]byte(outs[0]+"\n"+outs[1]+"\n")))
	}
	return nil
}

// newComplaint is registration i of the run's series s.
func newComplaint(c config, s, i int) *klachtdesk.NewComplaint {
	who := 10_000_000 + c.seed*1_000_000 + s*100_000 + i
	return gen.NewComplaint(uint64(c.seed), who, time.Now().Add(-time.Hour))
}

// importMails runs bench/import on the store and returns its line.
func importMails(c config, mode string, n int, seed uint64) (string, error) {
	data := c.data
	if c.dsn != "" {
		// Each PostgreSQL instance keeps large blobs in a folder of its
		// own here; they share the database.
		dir, err := os.MkdirTemp("", "kdimport-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		data = filepath.Join(dir, "data")
	}
	args := []string{"-mode", mode, "-n", strconv.Itoa(n), "-data", data, "-seed", strconv.FormatUint(seed, 10)}
	if c.dsn != "" {
		args = append(args, "-db", c.dsn)
	}
	var out bytes.Buffer
	cmd := exec.Command(c.importBin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("import %v: %v: %s", args, err, out.String())
	}
	return strings.TrimSpace(out.String()), nil
}

var spanRE = regexp.MustCompile(`start=(\S+) end=(\S+)`)

// span reads the start and end clock times bench/import printed.
func span(line string) (start, end time.Time, err error) {
	m := spanRE.FindStringSubmatch(line)
	if m == nil {
		return start, end, fmt.Errorf("no start and end in %q", line)
	}
	if start, err = time.Parse("15:04:05.000", m[1]); err != nil {
		return
	}
	end, err = time.Parse("15:04:05.000", m[2])
	return
}

// percentiles formats the p50, p99 and max of ds.
func percentiles(ds []time.Duration) string {
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return fmt.Sprintf("p50 %s, p99 %s, max %s (%d runs)", round(at(0.5)), round(at(0.99)), round(ds[len(ds)-1]), len(ds))
}

func round(d time.Duration) time.Duration {
	switch {
	case d > 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// load prints the load average before a measurement.
func load(what string) {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) >= 3 {
		fmt.Printf("  [%s %s: load %s %s %s]\n", time.Now().UTC().Format("15:04:05"), what, f[0], f[1], f[2])
	}
}

func indent(b []byte) string {
	var sb strings.Builder
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		sb.WriteString("    " + l + "\n")
	}
	return sb.String()
}
