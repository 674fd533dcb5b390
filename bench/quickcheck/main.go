// Command quickcheck measures what checking a database for damage costs at
// start: SQLite's PRAGMA quick_check over the whole file, and the cheap
// check serve runs at every start (sqldb: the header, the schema and the
// first and last pages of every table and index).
//
//	go run ./bench/quickcheck -data klachtdesk-data
//
// Results are in docs/benchmarks.md.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/klachtdesk/klachtdesk/sqldb"
	_ "modernc.org/sqlite"
)

func main() {
	dir := flag.String("data", "klachtdesk-data", "data `folder` to check")
	runs := flag.Int("runs", 3, "runs of each check (the best is printed)")
	flag.Parse()
	path := filepath.Join(*dir, "klachtdesk.db")
	fi, err := os.Stat(path)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	fmt.Printf("database %s: %.1f MiB\n", path, float64(fi.Size())/(1<<20))

	best := func(name string, f func() error) {
		var min time.Duration
		for i := 0; i < *runs; i++ {
			start := time.Now()
			if err := f(); err != nil {
				log.Fatalf("%s: %v", name, err)
			}
			if d := time.Since(start); i == 0 || d < min {
				min = d
			}
		}
		fmt.Printf("%-28s %v\n", name, min.Round(time.Millisecond))
	}
	best("PRAGMA quick_check", func() error {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return err
		}
		defer db.Close()
		var res string
		return db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res)
	})
	best("open with start check", func() error {
		db := sqldb.NewDB(*dir, "")
		if err := db.Open(ctx); err != nil {
			return err
		}
		return db.Close()
	})
	best("open read-only (no check)", func() error {
		db := sqldb.NewDB(*dir, "")
		db.ReadOnly = true
		if err := db.Open(ctx); err != nil {
			return err
		}
		return db.Close()
	})
}
