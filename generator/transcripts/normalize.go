package main

import (
	"regexp"
	"sort"
	"strings"
)

// What may differ between two recordings of the same transcript without the
// doc being wrong: numbers the kernel hands out (PIDs, inode and mount
// numbers, terminal numbers), names the runtime makes up (container ids),
// clocks (timings, dates) and addresses leased in turn. A check compares
// recordings with these replaced; everything else must match exactly.
var normalizations = []struct {
	name string
	re   *regexp.Regexp
	with string
}{
	{"container id", regexp.MustCompile(`\b[0-9a-f]{12}\b`), "<id>"},
	{"veth named from an id", regexp.MustCompile(`\b(runt|rc)[0-9a-f]{8}\b`), "$1<id>"},
	{"time(1)", regexp.MustCompile(`\b\d+m\d+\.\d+s\b`), "<time>"},
	{"duration", regexp.MustCompile(`\b\d+(\.\d+)? ?(ns|µs|us|ms|s)\b`), "<time>"},
	{"date", regexp.MustCompile(`\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ +\d\d:\d\d\b`), "<date>"},
	{"pid in a call", regexp.MustCompile(`\b(pidfd_open|wait4|kill|waitid)\(\d+`), "$1(<pid>"},
	{"terminal", regexp.MustCompile(`/dev/pts/\d+`), "/dev/pts/<n>"},
	{"fd in /proc", regexp.MustCompile(`/proc/self/fd/\d+`), "/proc/self/fd/<n>"},
	{"pipe or socket inode", regexp.MustCompile(`(pipe|socket):\[\d+\]`), "$1:[<n>]"},
	{"bash's job report", regexp.MustCompile(`bash: line \d+: +\d+ `), "bash: line <n>: <pid> "},
	{"bash's line", regexp.MustCompile(`bash: line \d+:`), "bash: line <n>:"},
	{"mount ids in mountinfo", regexp.MustCompile(`(?m)^\d+ \d+ \d+:\d+ `), "<mount> "},
}

// Columns of ps, ls and the like are padded to the width of their numbers.
var (
	spaces = regexp.MustCompile(`[ \t]+`)
	edges  = regexp.MustCompile(`(?m)^ | $`)
)

// normalize applies every normalization to text, then the block's own.
func normalize(text string, o options) string {
	for _, n := range normalizations {
		text = n.re.ReplaceAllString(text, n.with)
	}
	if o.vary != nil {
		text = o.vary.ReplaceAllString(text, "<varies>")
	}
	text = edges.ReplaceAllString(spaces.ReplaceAllString(text, " "), "")
	text = strings.TrimRight(text, "\n")
	if o.unordered {
		lines := strings.Split(text, "\n")
		sort.Strings(lines)
		text = strings.Join(lines, "\n")
	}
	return text
}
