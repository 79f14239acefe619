//@ file steps 8-

package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// progress shows a pull on a terminal: the blob being fetched, and how much
// of it has come, on one line rewritten in place (\r) a few times a second.
// On anything but a terminal it says nothing: a log wants no carriage
// returns.
type progress struct {
	out  *os.File
	on   bool
	last time.Time
}

func newProgress() *progress {
	_, err := unix.IoctlGetTermios(int(os.Stderr.Fd()), unix.TCGETS)
	return &progress{out: os.Stderr, on: err == nil && !explaining}
}

// track counts what r reads of the blob label, whose size is total.
func (p *progress) track(r io.ReadCloser, label string, total int64) io.ReadCloser {
	if !p.on {
		return r
	}
	return &tracked{ReadCloser: r, p: p, label: label, total: total}
}

type tracked struct {
	io.ReadCloser
	p     *progress
	label string
	done  int64
	total int64
}

func (t *tracked) Read(b []byte) (int, error) {
	n, err := t.ReadCloser.Read(b)
	t.done += int64(n)
	if now := time.Now(); now.Sub(t.p.last) > 100*time.Millisecond || err == io.EOF {
		t.p.last = now
		fmt.Fprintf(t.p.out, "\r\033[K%s  %s / %s", t.label, humanSize(t.done), humanSize(t.total))
		if err == io.EOF {
			fmt.Fprintln(t.p.out)
		}
	}
	return n, err
}
