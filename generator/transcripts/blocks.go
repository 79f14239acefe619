package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A transcript is a console block in a doc whose output is recorded, not
// typed. The marker line above the block says so, with options:
//
//	<!-- transcript -->                 run the commands in one bash script, in order
//	<!-- transcript tty -->             ... on a terminal of their own
//	<!-- transcript stdin -->           ... fed to bash's stdin, as typed: a command
//	                                    that starts a shell (unshare bash) runs the
//	                                    lines after it, until that shell exits
//	<!-- transcript timeout=300 -->     seconds the whole block may take (120)
//	<!-- transcript setup="rm -rf /tmp/x" cleanup="..." -->
//	                                    hidden commands run before and after
//	<!-- transcript vary="0x[0-9a-f]+" --> what else may differ between runs
//	                                    (a regular expression; see normalize.go)
//	<!-- transcript unordered -->       lines may come in another order (parallel runs)
//	<!-- transcript nocheck -->         recorded and shown, never compared: output
//	                                    that differs from run to run in its shape
//	<!-- transcript continues -->       runs in the shell of the transcript before it,
//	                                    with its variables and background jobs
//
// A command is a line that starts with a prompt: "# " for the host's root
// shell, "/ # " for a shell inside a container, which reads them: they are
// the stdin of the "# " command above them. Every other line is output.
// Other commands read the script's stdin: /dev/null, or, with tty, a
// terminal nobody types into.
var transcriptMarker = regexp.MustCompile(`^<!-- transcript(?: (.*?))? -->$`)

var prompts = []string{"# ", "/ # "}

type block struct {
	doc     string // file name, e.g. "03-pivot-root.md"
	fence   int    // index of the line that opens its console block
	options options
	steps   []command
}

type options struct {
	tty, stdin     bool
	unordered      bool
	nocheck        bool
	continues      bool
	timeout        int
	setup, cleanup string
	vary           *regexp.Regexp
}

// command is one prompt line of a transcript and what it printed, as the
// doc shows it and as a recording stores it.
type command struct {
	Prompt string `json:"prompt"`
	Text   string `json:"command"`
	Output string `json:"output"` // "" or lines, each ending in "\n"
}

// parseOptions reads `tty timeout=300 setup="a b"`.
func parseOptions(s string) (options, error) {
	o := options{timeout: 120}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		i := strings.IndexAny(s, " =")
		if i < 0 || s[i] == ' ' { // a word alone
			word, rest, _ := strings.Cut(s, " ")
			switch word {
			case "tty":
				o.tty = true
			case "stdin":
				o.stdin = true
			case "unordered":
				o.unordered = true
			case "nocheck":
				o.nocheck = true
			case "continues":
				o.continues = true
			default:
				return o, fmt.Errorf("transcript option %q: unknown (want tty, stdin, unordered, nocheck, continues, timeout=, setup=, cleanup=, vary=)", word)
			}
			s = rest
			continue
		}
		key, value, rest := s[:i], "", s[i+1:]
		if strings.HasPrefix(rest, `"`) { // up to the next quote, taken as it is
			var ok bool
			if value, s, ok = strings.Cut(rest[1:], `"`); !ok {
				return o, fmt.Errorf("transcript option %s: no closing quote", key)
			}
		} else {
			value, s, _ = strings.Cut(rest, " ")
		}
		switch key {
		case "timeout":
			n, err := strconv.Atoi(value)
			if err != nil || n <= 0 {
				return o, fmt.Errorf("transcript option timeout=%s: want seconds", value)
			}
			o.timeout = n
		case "setup":
			o.setup = value
		case "cleanup":
			o.cleanup = value
		case "vary":
			re, err := regexp.Compile(value)
			if err != nil {
				return o, fmt.Errorf("transcript option vary: %v", err)
			}
			o.vary = re
		default:
			return o, fmt.Errorf("transcript option %q: unknown (want tty, stdin, unordered, nocheck, continues, timeout=, setup=, cleanup=, vary=)", key)
		}
	}
	return o, nil
}

// promptOf returns the prompt a line starts with, or "".
func promptOf(line string) string {
	for _, p := range prompts {
		if strings.HasPrefix(line, p) {
			return p
		}
	}
	return ""
}

// parseDoc finds every transcript in a doc. It also counts the console
// blocks that are not transcripts, which a doc declares with a reason:
// <!-- not recorded: why -->.
func parseDoc(name, text string) (blocks []block, unmarked []int, err error) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```console" {
			continue
		}
		above := ""
		if i > 0 {
			above = strings.TrimSpace(lines[i-1])
		}
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
			end++
		}
		if end == len(lines) {
			return nil, nil, fmt.Errorf("%s:%d: console block never closed", name, i+1)
		}
		m := transcriptMarker.FindStringSubmatch(above)
		if m == nil {
			// A figure is drawn by the generator; anything else must say
			// why it is not recorded.
			if !strings.HasPrefix(above, "<!-- not recorded:") && !strings.HasPrefix(above, "<!-- figure ") {
				unmarked = append(unmarked, i+1)
			}
			i = end
			continue
		}
		o, err := parseOptions(m[1])
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", name, i, err)
		}
		b := block{doc: name, fence: i, options: o}
		for _, l := range lines[i+1 : end] {
			if p := promptOf(l); p != "" {
				b.steps = append(b.steps, command{Prompt: p, Text: strings.TrimPrefix(l, p)})
				continue
			}
			if len(b.steps) == 0 {
				return nil, nil, fmt.Errorf("%s:%d: a transcript starts with a command (a line starting with %q)", name, i+2, prompts[0])
			}
			b.steps[len(b.steps)-1].Output += l + "\n"
		}
		if len(b.steps) == 0 {
			return nil, nil, fmt.Errorf("%s:%d: a transcript with no command", name, i+1)
		}
		blocks = append(blocks, b)
		i = end
	}
	return blocks, unmarked, nil
}

// render is the block's body as the doc shows it.
func (b block) render() string {
	var s strings.Builder
	for _, c := range b.steps {
		s.WriteString(c.Prompt + c.Text + "\n" + c.Output)
	}
	return s.String()
}

// replaceBlocks writes each block's body back under its marker.
func replaceBlocks(text string, blocks []block) string {
	lines := strings.Split(text, "\n")
	var out []string
	next := 0
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if next < len(blocks) && i == blocks[next].fence {
			end := i + 1
			for !strings.HasPrefix(lines[end], "```") {
				end++
			}
			out = append(out, strings.Split(strings.TrimSuffix(blocks[next].render(), "\n"), "\n")...)
			out = append(out, lines[end])
			i = end
			next++
		}
	}
	return strings.Join(out, "\n")
}
