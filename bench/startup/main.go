// Command startup measures how long a fresh klachtdesk process takes from
// exec to answering /healthz on an empty data folder (the foundation's
// "serving within 5 seconds"), and on a second start of the same folder.
//
//	go build -o /tmp/klachtdesk ./cmd/klachtdesk
//	go run ./bench/startup -bin /tmp/klachtdesk -n 20
//
// It prints the median and maximum of each. A measurement, not a test: run
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
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "", "path of the klachtdesk binary (required)")
	n := flag.Int("n", 20, "number of runs")
	flag.Parse()
	if *bin == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: startup -bin PATH [-n RUNS]")
		os.Exit(2)
	}
	var fresh, again []time.Duration
	for i := 0; i < *n; i++ {
		dir, err := os.MkdirTemp("", "klachtdesk-startup-")
		if err != nil {
			fail(err)
		}
		data := filepath.Join(dir, "data")
		d1, err := timeToHealthz(*bin, data)
		if err != nil {
			fail(err)
		}
		d2, err := timeToHealthz(*bin, data)
		if err != nil {
			fail(err)
		}
		fresh, again = append(fresh, d1), append(again, d2)
		os.RemoveAll(dir)
	}
	report("empty data folder", fresh)
	report("second start", again)
}

var listenRE = regexp.MustCompile(`url=(http://\S+/)`)

// timeToHealthz starts the binary on data and returns the time until
// /healthz answers 200; then it stops the process with SIGTERM.
func timeToHealthz(bin, data string) (time.Duration, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, err
	}
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
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
		return 0, fmt.Errorf("%s exited without serving", bin)
	}
	go io.Copy(io.Discard, stderr)
	for time.Since(start) < time.Minute {
		resp, err := http.Get(url + "healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("no /healthz within a minute")
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
