package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// A doc pulls code from a snapshot with a marker line followed by a fenced block:
//
//	<!-- code 01-chroot/run.go#chroot -->   region "chroot" of that step's run.go
//	<!-- code 01-chroot/escape/main.go -->  the whole file
//
// The generator rewrites the fenced block under each marker (or adds one), so an
// excerpt always shows exactly what the step contains.
var codeMarker = regexp.MustCompile(`^<!-- code (\S+?)(?:#(\S+))? -->$`)

// lookup returns the lines of one excerpt: step/file for a whole file, with region for a region.
type lookup func(stepFile, region string) ([]string, error)

// refreshExcerpts rewrites every excerpt in doc (named name, for errors).
func refreshExcerpts(name, doc string, find lookup) (string, error) {
	lines := strings.Split(doc, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		m := codeMarker.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			continue
		}
		code, err := find(m[1], m[2])
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		// Drop the old fenced block, if there is one right under the marker.
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "```") {
			end := i + 2
			for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
				end++
			}
			if end == len(lines) {
				return "", fmt.Errorf("%s:%d: code block under the marker is never closed", name, i+2)
			}
			i = end
		}
		out = append(out, "```"+language(m[1]))
		out = append(out, dedent(code)...)
		out = append(out, "```")
	}
	return strings.Join(out, "\n"), nil
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
