// Command startup measures how long a fresh klachtdesk process takes from
// exec to answering /healthz on an empty data folder (the foundation's
// "serving within 5 seconds"), and on a second start of the same folder.
//
//	go build -o /tmp/klachtdesk ./cmd/klachtdesk
//	go run ./bench/startup -bin /tmp/klachtdesk -n 20
//	go run ./bench/startup -bin /tmp/klachtdesk -n 5 -data DIR          # starts on an existing store
//	go run ./bench/startup -bin /tmp/klachtdesk -n 5 -db postgres://…   # on PostgreSQL (the first start migrates an empty database)
//
// It prints the median and maximum of each, and the process's resident
// memory when /healthz first answers (VmRSS) and its peak up to then (VmHWM). A measurement, not a test: run
// it on the machine in question and record the figures in
// docs/benchmarks.md.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "", "path of the klachtdesk binary (required)")
	n := flag.Int("n", 20, "number of runs")
	dsn := flag.String("db", "", "postgres:// URL: start on this database (its blob store in -data or a temporary folder)")
	data := flag.String("data", "", "start on this existing data folder instead of a new one")
	flag.Parse()
	if *bin == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: startup -bin PATH [-n RUNS] [-data DIR] [-db URL]")
		os.Exit(2)
	}
	if *dsn != "" || *data != "" {
		startExisting(*bin, *data, *dsn, *n)
		return
	}
	var fresh, again []time.Duration
	for i := 0; i < *n; i++ {
		dir, err := os.MkdirTemp("", "klachtdesk-startup-")
		if err != nil {
			fail(err)
		}
		data := filepath.Join(dir, "data")
		d1, _, err := timeToHealthz(*bin, data, "")
		if err != nil {
			fail(err)
		}
		d2, _, err := timeToHealthz(*bin, data, "")
		if err != nil {
			fail(err)
		}
		fresh, again = append(fresh, d1), append(again, d2)
		os.RemoveAll(dir)
	}
	report("empty data folder", fresh)
	report("second start", again)
}

// startExisting starts the binary n times on an existing store (the data
// folder, or the database dsn) and reports the time to /healthz and the
// memory, the first start apart (it may migrate, and finds the files cold).
func startExisting(bin, data, dsn string, n int) {
	if data == "" {
		dir, err := os.MkdirTemp("", "klachtdesk-startup-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
		data = filepath.Join(dir, "data")
	}
	var ds []time.Duration
	var rss []memory
	for i := 0; i < n; i++ {
		d, m, err := timeToHealthz(bin, data, dsn)
		if err != nil {
			fail(err)
		}
		if i == 0 {
			fmt.Printf("%-18s %8s  rss %4d MB  peak %4d MB\n", "first start", d.Round(100*time.Microsecond), m.rss>>10, m.hwm>>10)
			continue
		}
		ds, rss = append(ds, d), append(rss, m)
	}
	if len(ds) > 0 {
		report("later starts", ds)
		slices.SortFunc(rss, func(a, b memory) int { return a.rss - b.rss })
		fmt.Printf("%-18s median rss %4d MB  max peak %4d MB\n", "", rss[len(rss)/2].rss>>10, slices.MaxFunc(rss, func(a, b memory) int { return a.hwm - b.hwm }).hwm>>10)
	}
}

// memory is a process's resident set and its peak, in KiB.
type memory struct{ rss, hwm int }

// readMemory reads VmRSS and VmHWM of process pid.
func readMemory(pid int) memory {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}
	}
	var m memory
	for _, line := range strings.Split(string(b), "\n") {
		var kb int
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			m.rss = kb
		} else if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
			m.hwm = kb
		}
	}
	return m
}

var listenRE = regexp.MustCompile(`url=(http://\S+/)`)

// timeToHealthz starts the binary on data (and the database dsn, when
// set) and returns the time until /healthz answers 200 and the process's
// memory then; then it stops the process with SIGTERM.
func timeToHealthz(bin, data, dsn string) (time.Duration, memory, error) {
	args := []string{"serve", "--addr", "127.0.0.1:0", "--data", data}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, memory{}, err
	}
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, memory{}, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	// The log line "klachtdesk serving … url=…" names the address.
	sc := bufio.NewScanner(stderr)
	url := ""
	for url == "" && sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		return 0, memory{}, fmt.Errorf("%s exited without serving", bin)
	}
	go io.Copy(io.Discard, stderr)
	for time.Since(start) < time.Minute {
		resp, err := http.Get(url + "healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				d := time.Since(start)
				return d, readMemory(cmd.Process.Pid), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, memory{}, fmt.Errorf("no /healthz within a minute")
}

func report(what string, ds []time.Duration) {
	slices.Sort(ds)
	fmt.Printf("%-18s runs %3d  median %8s  max %8s\n", what, len(ds),
		ds[len(ds)/2].Round(100*time.Microsecond), ds[len(ds)-1].Round(100*time.Microsecond))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "startup:", err)
	os.Exit(1)
}
