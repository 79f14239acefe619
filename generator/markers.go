package main

import (
	"fmt"
	"strconv"
	"strings"
)

// A marker is a whole line whose trimmed text starts with "//@". Markers never
// reach a snapshot; they only decide which lines do.
//
//	//@ steps 2-      the lines up to the matching "//@ end" exist from step 2 on
//	//@ steps 0-1     ... only in steps 0 and 1 (replaced by a later block)
//	//@ steps 4       ... only in step 4
//	//@ doc NAME      the lines up to "//@ end" form excerpt NAME for docs/
//	//@ file steps 1- (first line only) the whole file exists from step 1 on
//
// Blocks nest; each "//@ end" closes the innermost open block.
//
// source/ itself builds as the last step, so an editor's Go tooling works
// where the code is written. Code the last step lacks is kept out of that
// build: a block whose steps end earlier holds its lines as comments that
// start with "//|" (one space after it, then the line as the step has it,
// less the indentation of the comment), and a file whose steps end earlier
// carries "//go:build ignore" after its file marker. The generator restores
// both for the steps that have them.
//
// The source stays gofmt-clean, so a marker at the left margin is kept apart
// from the declaration below it by a blank line (abutting, gofmt would take it
// for part of a doc comment and rewrite it). Removing markers can leave blank
// lines next to each other, or at the start or end of the file; a snapshot
// keeps one blank line of each run, and none at either end.
const (
	markerPrefix  = "//@"
	retiredPrefix = "//|"
	ignoreLine    = "//go:build ignore"
)

// span is an inclusive range of step numbers; last < 0 means "and every later step".
type span struct{ first, last int }

func (s span) has(step int) bool {
	return step >= s.first && (s.last < 0 || step <= s.last)
}

// parseSpan reads "2-", "0-1" or "4".
func parseSpan(text string) (span, error) {
	from, to, ranged := strings.Cut(text, "-")
	first, err := strconv.Atoi(from)
	if err != nil || first < 0 {
		return span{}, fmt.Errorf("step range %q: want N, N- or N-M", text)
	}
	if !ranged {
		return span{first, first}, nil
	}
	if to == "" {
		return span{first, -1}, nil
	}
	last, err := strconv.Atoi(to)
	if err != nil || last < first {
		return span{}, fmt.Errorf("step range %q: want N, N- or N-M with M >= N", text)
	}
	return span{first, last}, nil
}

// snapshot is one source file as one step sees it.
type snapshot struct {
	present bool                // false when a "file steps" marker excludes the step
	text    string              // the kept lines, markers removed
	regions map[string][]string // doc excerpt name -> its kept lines
}

// render selects the lines of src that belong to step, in a source whose last
// step is last. name is used in errors only.
func render(name, src string, step, last int) (snapshot, error) {
	lines := strings.SplitAfter(src, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	snap := snapshot{present: true, regions: map[string][]string{}}

	first := 0 // lines before this one are the file marker and its build line
	ignored := false
	if len(lines) > 0 {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(lines[0]), markerPrefix+" file steps "); ok {
			s, err := parseSpan(rest)
			if err != nil {
				return snap, fmt.Errorf("%s:1: %w", name, err)
			}
			first = 1
			if ignored = !s.has(last); ignored {
				if len(lines) < 3 || strings.TrimSpace(lines[1]) != ignoreLine || strings.TrimSpace(lines[2]) != "" {
					return snap, fmt.Errorf("%s:2: the last step lacks this file, so source/ keeps it out of its build: want %q and a blank line after the file marker", name, ignoreLine)
				}
				first = 3
			}
			if !s.has(step) {
				return snapshot{}, nil
			}
		}
	}

	type block struct {
		keep    bool   // lines inside are kept for this step (inherits the parent's answer)
		retired bool   // the last step lacks these lines: source/ has them as "//|" comments
		region  string // non-empty for a doc block
	}
	var stack []block
	keeping := func() bool { return len(stack) == 0 || stack[len(stack)-1].keep }
	retired := func() bool { return len(stack) > 0 && stack[len(stack)-1].retired }

	var out strings.Builder
	lastBlank := true // at the start of the file, a blank line is dropped
	for i := first; i < len(lines); i++ {
		line := lines[i]
		where := fmt.Sprintf("%s:%d", name, i+1)
		trimmed := strings.TrimSpace(line)
		if !strings.HasPrefix(trimmed, markerPrefix) {
			switch {
			case retired():
				restored, ok := unretire(line)
				if !ok {
					return snap, fmt.Errorf("%s: the last step lacks this line, so source/ holds it as a comment: want %q before it", where, retiredPrefix+" ")
				}
				line, trimmed = restored, strings.TrimSpace(restored)
			case strings.HasPrefix(trimmed, retiredPrefix):
				return snap, fmt.Errorf("%s: a %q line outside a block the last step lacks", where, retiredPrefix)
			}
			if !keeping() || (trimmed == "" && lastBlank) {
				continue
			}
			lastBlank = trimmed == ""
			out.WriteString(line)
			for _, b := range stack {
				if b.region != "" {
					snap.regions[b.region] = append(snap.regions[b.region], strings.TrimSuffix(line, "\n"))
				}
			}
			continue
		}
		verb, arg, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(trimmed, markerPrefix)), " ")
		switch verb {
		case "steps":
			s, err := parseSpan(arg)
			if err != nil {
				return snap, fmt.Errorf("%s: %w", where, err)
			}
			stack = append(stack, block{keep: keeping() && s.has(step), retired: retired() || (!ignored && !s.has(last))})
		case "doc":
			if arg == "" {
				return snap, fmt.Errorf("%s: doc block needs a name", where)
			}
			if keeping() {
				if _, dup := snap.regions[arg]; dup {
					return snap, fmt.Errorf("%s: doc region %q appears twice in step %d", where, arg, step)
				}
				snap.regions[arg] = nil
			}
			stack = append(stack, block{keep: keeping(), retired: retired(), region: arg})
		case "end":
			if len(stack) == 0 {
				return snap, fmt.Errorf("%s: end without an open block", where)
			}
			stack = stack[:len(stack)-1]
		default:
			return snap, fmt.Errorf("%s: unknown marker %q (want steps, doc, end, or file steps on line 1)", where, trimmed)
		}
	}
	if len(stack) != 0 {
		return snap, fmt.Errorf("%s: %d block(s) never closed with //@ end", name, len(stack))
	}
	snap.text = strings.TrimRight(out.String(), "\n") + "\n"
	for name, lines := range snap.regions {
		snap.regions[name] = trimBlank(lines)
	}
	return snap, nil
}

// unretire turns a "//|" comment back into the line it holds: the comment's
// indentation, then the text after "//| ". A blank line stays blank.
func unretire(line string) (string, bool) {
	body := strings.TrimRight(line, "\n")
	text := strings.TrimLeft(body, " \t")
	if text == "" {
		return line, true
	}
	rest, ok := strings.CutPrefix(text, retiredPrefix)
	if !ok {
		return "", false
	}
	if rest == "" {
		return "\n", true
	}
	rest, ok = strings.CutPrefix(rest, " ")
	return body[:len(body)-len(text)] + rest + "\n", ok
}

// trimBlank drops blank lines at both ends of an excerpt.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
