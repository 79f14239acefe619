package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// A doc pulls code from a snapshot with a marker line followed by a fenced block:
//
//	<!-- code 01-chroot/run.go#chroot -->   region "chroot" of that step's run.go, or
//	                                        else its declaration named chroot
//	<!-- code 01-chroot/escape/main.go -->  the whole file
//
// and figures derived from the code with a marker followed by a fenced block, a
// bullet list or a table:
//
//	<!-- figure diff-stat 3 -->    what make diff-3 prints first: the files step 3 changed
//	<!-- figure properties 3 -->   the properties step 3 adds, one bullet each
//	<!-- figure contract -->       every top-level constant of tests/contract_test.go:
//	                               a table of its name, value and doc comment
//	<!-- figure faults -->         the fault points of tests/contract_test.go: a table
//	                               of each one's step, name and line comment
//
// A figure is "figure KIND" or "figure KIND ARG": diff-stat and properties take
// a step number as ARG, contract and faults take no ARG (they describe the
// suite, not one step).
//
// The generator rewrites the block under each marker (or adds one), so an
// excerpt or a figure always shows exactly what the code holds.
var (
	codeMarker   = regexp.MustCompile(`^<!-- code (\S+?)(?:#(\S+))? -->$`)
	figureMarker = regexp.MustCompile(`^<!-- figure (\S+)(?: (\S+))? -->$`)
)

// lookup returns the lines of one excerpt: step/file for a whole file, with region for a region.
type lookup func(stepFile, region string) ([]string, error)

// drawer returns the lines of one figure, its fence, bullets or table rows
// included; arg is "" for a figure without one.
type drawer func(kind, arg string) ([]string, error)

// refreshExcerpts rewrites every excerpt and figure in doc (named name, for errors).
func refreshExcerpts(name, doc string, find lookup, draw drawer) (string, error) {
	lines := strings.Split(doc, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		trimmed := strings.TrimSpace(lines[i])
		var block []string
		var err error
		if m := codeMarker.FindStringSubmatch(trimmed); m != nil {
			var code []string
			if code, err = find(m[1], m[2]); err == nil {
				block = append([]string{"```" + language(m[1])}, dedent(code)...)
				block = append(block, "```")
			}
		} else if m := figureMarker.FindStringSubmatch(trimmed); m != nil {
			block, err = draw(m[1], m[2])
		} else {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		end, err := blockEnd(lines, i+1)
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", name, i+2, err)
		}
		out = append(out, block...)
		i = end - 1
	}
	return strings.Join(out, "\n"), nil
}

// blockEnd is the index of the first line after the block that starts at
// lines[i], if one does: a fenced block, a bullet list (with its indented
// continuation lines), or a table. Without a block it is i.
func blockEnd(lines []string, i int) (int, error) {
	switch {
	case i < len(lines) && strings.HasPrefix(lines[i], "```"):
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
			end++
		}
		if end == len(lines) {
			return 0, fmt.Errorf("code block under the marker is never closed")
		}
		return end + 1, nil
	case i < len(lines) && strings.HasPrefix(lines[i], "- "):
		end := i + 1
		for end < len(lines) && (strings.HasPrefix(lines[end], "- ") || strings.HasPrefix(lines[end], "  ")) {
			end++
		}
		return end, nil
	case i < len(lines) && strings.HasPrefix(lines[i], "|"):
		end := i + 1
		for end < len(lines) && strings.HasPrefix(lines[end], "|") {
			end++
		}
		return end, nil
	}
	return i, nil
}

func language(file string) string {
	switch path.Ext(file) {
	case ".go":
		return "go"
	case ".sh":
		return "sh"
	case ".mod":
		return "go-module"
	}
	return ""
}

// dedent removes the indentation that every non-blank line shares, so an excerpt
// from inside a function starts at the left margin.
func dedent(lines []string) []string {
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(l, prefix)
		if strings.TrimSpace(l) == "" {
			out[i] = ""
		}
	}
	return out
}
