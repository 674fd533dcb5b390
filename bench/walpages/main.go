// Command walpages shows what each commit in a SQLite WAL wrote: how many
// frames (pages) and which tables and indexes they belong to. It is how
// docs/benchmarks.md counts what one registration costs the disk.
//
//	go run ./bench/walpages [-last 5] DATA/klachtdesk.db
//
// The WAL must still be there, so take it from a process that was killed
// (a clean close checkpoints and removes it), for example:
//
//	klachtdesk import --batch 1 --data /tmp/d mails.mbox & sleep 3; kill -9 $!
//	go run ./bench/walpages /tmp/d/klachtdesk.db
//
// It works on a copy of the database and its WAL in a temporary folder, so
// the files it is given are never changed.
package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	_ "modernc.org/sqlite"
)

func main() {
	last := flag.Int("last", 5, "show this many of the last commits, and the average over all")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: walpages [-last N] DATABASE\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Arg(0), *last); err != nil {
		fmt.Fprintln(os.Stderr, "walpages:", err)
		os.Exit(1)
	}
}

// commits reads the frames of the WAL's current generation (those carrying
// the header's salts) and groups their page numbers by commit; frames after
// the last commit frame belong to no commit and are left out.
func commits(wal []byte) ([][]uint32, error) {
	const header, frameHeader = 32, 24
	if len(wal) < header {
		return nil, errors.New("the WAL is empty")
	}
	if m := binary.BigEndian.Uint32(wal); m != 0x377f0682 && m != 0x377f0683 {
		return nil, errors.New("not a SQLite WAL")
	}
	size := int(binary.BigEndian.Uint32(wal[8:]))
	salt1, salt2 := binary.BigEndian.Uint32(wal[16:]), binary.BigEndian.Uint32(wal[20:])
	var all [][]uint32
	var cur []uint32
	for off := header; off+frameHeader+size <= len(wal); off += frameHeader + size {
		f := wal[off:]
		if binary.BigEndian.Uint32(f[8:]) != salt1 || binary.BigEndian.Uint32(f[12:]) != salt2 {
			break // a frame of an earlier generation: the log ends here
		}
		cur = append(cur, binary.BigEndian.Uint32(f))
		if binary.BigEndian.Uint32(f[4:]) != 0 { // database size set: a commit frame
			all = append(all, cur)
			cur = nil
		}
	}
	return all, nil
}

func run(ctx context.Context, path string, last int) error {
	wal, err := os.ReadFile(path + "-wal")
	if err != nil {
		return err
	}
	all, err := commits(wal)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("the WAL holds no commit")
	}
	tmp, err := os.MkdirTemp("", "walpages-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	copyPath := filepath.Join(tmp, "db")
	if err := copyFile(copyPath, path); err != nil {
		return err
	}
	if err := os.WriteFile(copyPath+"-wal", wal, 0o600); err != nil {
		return err
	}
	names, err := pageOwners(ctx, copyPath)
	if err != nil {
		return err
	}

	owner := func(p uint32) string {
		if n, ok := names[p]; ok {
			return n
		}
		return "(free or unknown)"
	}
	frames := 0
	for _, c := range all {
		frames += len(c)
	}
	fmt.Printf("%d commits, %.1f frames per commit on average\n", len(all), float64(frames)/float64(len(all)))
	for _, c := range all[max(0, len(all)-last):] {
		count := map[string]int{}
		for _, p := range c {
			count[owner(p)]++
		}
		keys := make([]string, 0, len(count))
		for k := range count {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Printf("\ncommit: %d frames, %d b-tree page kinds\n", len(c), len(keys))
		for _, k := range keys {
			fmt.Printf("  %3d  %s\n", count[k], k)
		}
	}
	return nil
}

// copyFile copies the file src to dst, which it creates.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// pageOwners maps each page of the database to "table-or-index (page type)"
// through SQLite's dbstat table; page 1 is also the file header, which a
// commit rewrites whenever the file grows.
func pageOwners(ctx context.Context, path string) (map[uint32]string, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT name, pageno, pagetype FROM dbstat`)
	if err != nil {
		return nil, fmt.Errorf("read dbstat: %w", err)
	}
	defer rows.Close()
	names := map[uint32]string{}
	for rows.Next() {
		var name, typ string
		var page uint32
		if err := rows.Scan(&name, &page, &typ); err != nil {
			return nil, err
		}
		if page == 1 {
			name = "file header + " + name
		}
		names[page] = name + " (" + strings.TrimSpace(typ) + ")"
	}
	return names, rows.Err()
}
