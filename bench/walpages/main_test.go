package main

import (
	"encoding/binary"
	"slices"
	"testing"
)

// wal builds a WAL with the given page size and salts holding frames of
// (page, database size after commit or 0, salt1, salt2).
func wal(size int, salt1, salt2 uint32, frames ...[4]uint32) []byte {
	b := make([]byte, 32)
	binary.BigEndian.PutUint32(b, 0x377f0682)
	binary.BigEndian.PutUint32(b[8:], uint32(size))
	binary.BigEndian.PutUint32(b[16:], salt1)
	binary.BigEndian.PutUint32(b[20:], salt2)
	for _, f := range frames {
		h := make([]byte, 24+size)
		binary.BigEndian.PutUint32(h, f[0])
		binary.BigEndian.PutUint32(h[4:], f[1])
		binary.BigEndian.PutUint32(h[8:], f[2])
		binary.BigEndian.PutUint32(h[12:], f[3])
		b = append(b, h...)
	}
	return b
}

func TestCommits(t *testing.T) {
	w := wal(512, 7, 9,
		[4]uint32{3, 0, 7, 9}, [4]uint32{1, 10, 7, 9}, // commit 1: pages 3, 1
		[4]uint32{4, 11, 7, 9}, // commit 2: page 4
		[4]uint32{5, 0, 7, 9},  // no commit after it: left out
	)
	got, err := commits(w)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]uint32{{3, 1}, {4}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("commits = %v, want %v", got, want)
	}

	// Frames of an earlier generation (other salts) end the log, even where a
	// commit frame follows them.
	w = wal(512, 7, 9,
		[4]uint32{2, 5, 7, 9},
		[4]uint32{6, 0, 1, 9}, [4]uint32{8, 12, 7, 9},
	)
	if got, err = commits(w); err != nil || !slices.EqualFunc(got, [][]uint32{{2}}, slices.Equal) {
		t.Errorf("commits across generations = %v, %v; want [[2]]", got, err)
	}

	for name, b := range map[string][]byte{"empty": nil, "short": make([]byte, 10), "not a WAL": make([]byte, 64)} {
		if _, err := commits(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
