package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// Every exercise of a step's doc (a numbered item, or the **Bonus.** paragraph,
// in its "## Exercises" section) carries a collapsible hint that ends with a link
// to its worked solution:
//
//	<details><summary>Hint</summary>
//	…
//	Solution: [solutions/02-namespaces.md](../solutions/02-namespaces.md#3-a-tiny-init)
//	</details>
//
// checkExercises refuses an exercise without one, and a link to a heading
// that the solutions file does not have.
var (
	exerciseItem = regexp.MustCompile(`^(\d+\. \*\*|\*\*Bonus\.\*\*)`)
	solutionLink = regexp.MustCompile(`Solution: \[[^]]*\]\(\.\./solutions/([^)#]+)#([^)]+)\)`)
	stepDoc      = regexp.MustCompile(`^\d\d-.*\.md$`)
)

func checkExercises(docs string) error {
	entries, err := os.ReadDir(docs)
	if err != nil {
		return fmt.Errorf("reading docs: %w", err)
	}
	var problems []string
	for _, e := range entries {
		if !stepDoc.MatchString(e.Name()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(docs, e.Name()))
		if err != nil {
			return err
		}
		for _, ex := range exercises(string(data)) {
			where := fmt.Sprintf("docs/%s:%d", e.Name(), ex.line)
			if !strings.Contains(ex.text, "<details><summary>Hint</summary>") {
				problems = append(problems, where+": an exercise without a hint (<details><summary>Hint</summary>)")
				continue
			}
			m := solutionLink.FindStringSubmatch(ex.text)
			if m == nil {
				problems = append(problems, where+": a hint without a link to its worked solution (Solution: [...](../solutions/FILE.md#heading))")
				continue
			}
			if err := hasHeading(filepath.Join(docs, "..", "solutions", m[1]), m[2]); err != nil {
				problems = append(problems, where+": "+err.Error())
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("exercises:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

type exercise struct {
	line int // of its first line, counted from 1
	text string
}

// exercises returns the exercises of a doc: from each item's first line to
// the next item, the next "## " heading or the "Previous:" line.
func exercises(doc string) []exercise {
	var out []exercise
	in := false
	for i, l := range strings.Split(doc, "\n") {
		switch {
		case l == "## Exercises":
			in = true
			continue
		case strings.HasPrefix(l, "## ") || strings.HasPrefix(l, "Previous: ") || strings.HasPrefix(l, "Next: "):
			in = false
		}
		if !in {
			continue
		}
		if exerciseItem.MatchString(l) {
			out = append(out, exercise{line: i + 1})
		}
		if len(out) > 0 {
			out[len(out)-1].text += l + "\n"
		}
	}
	return out
}

// hasHeading says whether the markdown file at path has a heading whose
// anchor, as the code host makes it, is anchor.
func hasHeading(path, anchor string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("the solution link names %s, which cannot be read: %v", path, err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if h := strings.TrimLeft(l, "#"); h != l && strings.HasPrefix(h, " ") && slug(h) == anchor {
			return nil
		}
	}
	return fmt.Errorf("the solution link's #%s is no heading of %s", anchor, filepath.Base(path))
}

// slug is a heading's anchor as GitHub makes it: lower case, letters, digits,
// "-" and "_" kept, spaces turned into "-", everything else dropped.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}
