package intake

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

// MaxMailSize is the largest mail read from a file; a larger one is reported
// as an error and left where it is.
const MaxMailSize = 64 << 20

// ReadFiles sends the mails in paths to items, in order: .eml files, mbox
// files (mboxo and mboxrd, one mail per "From " line) and Maildir folders
// (their cur and new messages); other folders are searched for these.
// A file that cannot be read is sent as an item with Err set. ReadFiles
// stops when ctx ends.
func ReadFiles(ctx context.Context, paths []string, items chan<- Item) error {
	for _, p := range paths {
		if err := readPath(ctx, p, items); err != nil {
			return err
		}
	}
	return nil
}

// CountFiles counts the mails ReadFiles would send, for a progress bar.
func CountFiles(ctx context.Context, paths []string) (int, error) {
	n := 0
	for _, p := range paths {
		err := walkMailFiles(p, func(path string, kind fileKind) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if kind != mboxFile {
				n++
				return nil
			}
			c, err := countMbox(path)
			n += c
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

type fileKind int

const (
	emlFile fileKind = iota
	mboxFile
	maildirFile
)

// walkMailFiles calls fn for every mail file under path, in name order.
func walkMailFiles(path string, fn func(path string, kind fileKind) error) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if !st.IsDir() {
		kind := emlFile
		if isMbox(path) {
			kind = mboxFile
		}
		return fn(path, kind)
	}
	if isMaildir(path) {
		for _, sub := range []string{"cur", "new"} {
			entries, err := os.ReadDir(filepath.Join(path, sub))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			for _, e := range entries {
				if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
					if err := fn(filepath.Join(path, sub, e.Name()), maildirFile); err != nil {
						return err
					}
				}
			}
		}
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(path, name)
		switch {
		case strings.HasPrefix(name, "."):
			if e.IsDir() && isMaildir(full) { // Maildir++ subfolders: .Sent, .Archive
				if err := walkMailFiles(full, fn); err != nil {
					return err
				}
			}
		case e.IsDir():
			if isMaildir(path) && slices.Contains([]string{"cur", "new", "tmp"}, name) {
				continue
			}
			if err := walkMailFiles(full, fn); err != nil {
				return err
			}
		case e.Type().IsRegular():
			ext := strings.ToLower(filepath.Ext(name))
			switch {
			case ext == ".eml":
				if err := fn(full, emlFile); err != nil {
					return err
				}
			case ext == ".mbox" || ext == ".mbx" || isMbox(full):
				if err := fn(full, mboxFile); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// isMbox reports whether a file is an mbox: named so, or beginning with a
// "From " separator line.
func isMbox(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".mbox" || ext == ".mbx" {
		return true
	}
	if ext == ".eml" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 5)
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == "From "
}

func readPath(ctx context.Context, path string, items chan<- Item) error {
	send := func(it Item) error {
		select {
		case items <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return walkMailFiles(path, func(p string, kind fileKind) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if kind == mboxFile {
			return readMbox(ctx, p, send)
		}
		raw, err := readLimited(p)
		return send(Item{Source: p, Raw: raw, Err: err})
	})
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadMail(f, path)
}

// ReadMail reads one mail from r, refusing one larger than MaxMailSize
// (EINVALID); what names it in errors.
func ReadMail(r io.Reader, what string) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxMailSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if len(raw) > MaxMailSize {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "%s is larger than %d MB: not a mail this intake takes", what, MaxMailSize>>20)
	}
	return raw, nil
}

// readMbox splits an mbox into its mails. A separator is a "From " line at
// the start of the file or after an empty line; ">From " lines (mboxrd and
// mboxo quoting) lose one ">". Each mail's source is "path#N".
func readMbox(ctx context.Context, path string, send func(Item) error) error {
	f, err := os.Open(path)
	if err != nil {
		return send(Item{Source: path, Err: err})
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var (
		cur      bytes.Buffer
		n        int
		inMail   bool
		tooLarge bool
		prevNL   = true
	)
	emit := func() error {
		if !inMail {
			return nil
		}
		n++
		src := fmt.Sprintf("%s#%d", path, n)
		if tooLarge {
			return send(Item{Source: src, Err: fmt.Errorf("%s is larger than %d MB: not a mail this intake takes", src, MaxMailSize>>20)})
		}
		raw := cur.Bytes() // less the blank line before the next separator
		if bytes.HasSuffix(raw, []byte("\r\n\r\n")) {
			raw = raw[:len(raw)-2]
		} else if bytes.HasSuffix(raw, []byte("\n\n")) {
			raw = raw[:len(raw)-1]
		}
		return send(Item{Source: src, Raw: bytes.Clone(raw)})
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A very long line: read it whole.
			rest, err2 := r.ReadBytes('\n')
			line = append(bytes.Clone(line), rest...)
			err = err2
		}
		if len(line) > 0 {
			body := bytes.TrimRight(line, "\r\n")
			switch {
			case prevNL && bytes.HasPrefix(line, []byte("From ")):
				if err := emit(); err != nil {
					return err
				}
				cur.Reset()
				inMail, tooLarge = true, false
			case !inMail:
				// Bytes before the first separator: not an mbox after all;
				// treat the file as one mail.
				inMail = true
				cur.Write(line)
			default:
				if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
					line = line[1:]
				}
				if cur.Len()+len(line) > MaxMailSize {
					tooLarge = true
				} else if !tooLarge {
					cur.Write(line)
				}
			}
			prevNL = len(body) == 0
		}
		if err == io.EOF {
			return emit()
		} else if err != nil {
			return send(Item{Source: fmt.Sprintf("%s#%d", path, n+1), Err: fmt.Errorf("read %s: %w", path, err)})
		}
	}
}

// countMbox counts the mails of an mbox by splitting it as readMbox does.
func countMbox(path string) (int, error) {
	n := 0
	err := readMbox(context.Background(), path, func(Item) error { n++; return nil })
	return n, err
}
