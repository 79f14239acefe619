// Command generator writes every step of the workshop from one annotated source.
//
// source/ holds the code of all steps at once. Marker lines (see markers.go) say
// which lines belong to which steps; source/steps.txt lists the steps. For each
// step the generator writes steps/NN-name/ with the markers removed, and it
// refreshes the code excerpts and figures in docs/*.md and CONTRACT.md from the
// same snapshots and from the property suite, so neither the steps nor the docs
// can drift from the source and the suite.
//
//	make generate         regenerate steps/, go.work, docs/ and CONTRACT.md in place
//	make check-generated  regenerate into a temporary directory and compare
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// modulePrefix is the start of every step's module path; the path never appears
// in code because a step is one flat package main.
const modulePrefix = "workshop/steps/"

type step struct {
	n   int
	dir string // e.g. "01-chroot"
}

func main() {
	src := flag.String("src", "source", "annotated source directory")
	docs := flag.String("docs", "docs", "docs directory whose excerpts are refreshed")
	tests := flag.String("tests", "tests", "the property suite, for the docs' lists of properties and the contract")
	contract := flag.String("contract", "", "a markdown file refreshed like the docs and written to the top of -out (CONTRACT.md); none if empty")
	out := flag.String("out", ".", "where steps/, docs/ and the -contract file are written")
	flag.Parse()
	if err := generate(*src, *docs, *tests, *contract, *out); err != nil {
		fmt.Fprintln(os.Stderr, "generator:", err)
		os.Exit(1)
	}
}

func generate(src, docs, tests, contract, out string) error {
	steps, err := readSteps(filepath.Join(src, "steps.txt"))
	if err != nil {
		return err
	}
	files, err := readSource(src)
	if err != nil {
		return err
	}
	// Render every step before touching steps/, so a mistake in the source
	// leaves the last good snapshots in place.
	trees := make([]map[string]string, len(steps))
	for i, s := range steps {
		if trees[i], err = buildStep(s, steps[len(steps)-1].n, files); err != nil {
			return err
		}
	}
	stepsOut := filepath.Join(out, "steps")
	if err := os.RemoveAll(stepsOut); err != nil {
		return err
	}
	for i, s := range steps {
		for rel, text := range trees[i] {
			if err := writeFile(filepath.Join(stepsOut, s.dir, rel), text); err != nil {
				return err
			}
		}
	}
	if err := writeFile(filepath.Join(out, "go.work"), goWork(steps)); err != nil {
		return err
	}
	draw, err := figures(out, tests, steps)
	if err != nil {
		return err
	}
	pages, err := docPages(docs, filepath.Join(out, "docs"))
	if err != nil {
		return err
	}
	if err := checkExercises(docs); err != nil {
		return err
	}
	if contract != "" {
		name := filepath.Base(contract)
		pages = append(pages, page{name: name, in: contract, out: filepath.Join(out, name)})
	}
	return refreshDocs(pages, steps, files, draw)
}

// page is one markdown file whose excerpts and figures are refreshed: name
// (for errors), where it is read from, and where it is written.
type page struct {
	name, in, out string
}

// docPages lists every markdown file in docs, in the order of their names,
// each written to the same name in outDocs.
func docPages(docs, outDocs string) ([]page, error) {
	entries, err := os.ReadDir(docs)
	if err != nil {
		return nil, fmt.Errorf("reading docs: %w", err)
	}
	var pages []page
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
			pages = append(pages, page{name: "docs/" + e.Name(), in: filepath.Join(docs, e.Name()), out: filepath.Join(outDocs, e.Name())})
		}
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].name < pages[j].name })
	return pages, nil
}

// goWork ties every step, the generator and the property suite into one
// workspace, so editors and "go" commands at the top level see them all.
func goWork(steps []step) string {
	var b strings.Builder
	b.WriteString("// Written by the generator from source/steps.txt; do not edit.\n\ngo 1.22\n\nuse (\n\t./generator\n")
	for _, s := range steps {
		b.WriteString("\t./steps/" + s.dir + "\n")
	}
	b.WriteString("\t./source\n\t./tests\n)\n")
	return b.String()
}

// readSteps parses steps.txt: one "N dir-name" per line; # starts a comment.
func readSteps(path string) ([]step, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading step list: %w", err)
	}
	var steps []step
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		n, err := strconv.Atoi(fields[0])
		if err != nil || len(fields) < 2 || n != len(steps) {
			return nil, fmt.Errorf("%s:%d: want \"%d NN-name\"", path, line, len(steps))
		}
		steps = append(steps, step{n: n, dir: fields[1]})
	}
	return steps, nil
}

// readSource loads every file under src except the step list, keyed by relative path.
func readSource(src string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == "steps.txt" {
			return nil
		}
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	return files, err
}

// buildStep renders every source file for step s, of steps up to last:
// relative path -> contents.
func buildStep(s step, last int, files map[string]string) (map[string]string, error) {
	tree := map[string]string{}
	for rel, text := range files {
		if rel == "go.sum" {
			continue // derived from go.mod below
		}
		snap, err := render("source/"+rel, text, s.n, last)
		if err != nil {
			return nil, err
		}
		if !snap.present {
			continue
		}
		body := snap.text
		switch {
		case rel == "go.mod":
			// source/go.mod names source/ itself; each step is a module of its own.
			if strings.HasPrefix(body, "module ") {
				_, body, _ = strings.Cut(body, "\n")
			}
			body = "module " + modulePrefix + s.dir + "\n\n" + strings.TrimLeft(body, "\n")
		case strings.HasSuffix(rel, ".go"):
			formatted, err := format.Source([]byte(body))
			if err != nil {
				return nil, fmt.Errorf("steps/%s/%s: generated code does not parse: %w", s.dir, rel, err)
			}
			if string(formatted) != body {
				return nil, fmt.Errorf("steps/%s/%s:%d: generated code is not gofmt-clean; adjust source/%s so every step's version is", s.dir, rel, firstDifference(body, string(formatted)), rel)
			}
		}
		tree[rel] = body
	}
	if mod, ok := tree["go.mod"]; ok {
		tree["go.sum"] = filterSum(files["go.sum"], mod)
	}
	return tree, nil
}

// filterSum keeps the go.sum lines of the modules a step's go.mod names, so each
// step carries exactly the checksums it needs.
func filterSum(sum, mod string) string {
	required := map[string]bool{}
	for _, line := range strings.Split(mod, "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && strings.HasPrefix(f[1], "v") {
			required[f[0]+" "+f[1]] = true
		}
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(sum, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && required[f[0]+" "+strings.TrimSuffix(f[1], "/go.mod")] {
			out.WriteString(line)
		}
	}
	return out.String()
}

// refreshDocs copies every page with its excerpts and figures rewritten, and
// fails if a "//@ doc" region of the source is used by no page.
func refreshDocs(pages []page, steps []step, files map[string]string, draw drawer) error {
	used := map[string]bool{} // "file#region"
	byDir := map[string]step{}
	for _, s := range steps {
		byDir[s.dir] = s
	}
	find := func(stepFile, region string) ([]string, error) {
		dir, rel, ok := strings.Cut(stepFile, "/")
		s, known := byDir[dir]
		text, exists := files[rel]
		if !ok || !known || !exists {
			return nil, fmt.Errorf("excerpt %s: no such step file", stepFile)
		}
		snap, err := render("source/"+rel, text, s.n, steps[len(steps)-1].n)
		if err != nil {
			return nil, err
		}
		if !snap.present {
			return nil, fmt.Errorf("excerpt %s: step %s has no %s", stepFile, dir, rel)
		}
		if region == "" {
			return strings.Split(strings.TrimSuffix(snap.text, "\n"), "\n"), nil
		}
		if lines, found := snap.regions[region]; found {
			used[rel+"#"+region] = true
			return lines, nil
		}
		if lines, found := declaration(snap.text, region); found {
			return lines, nil
		}
		return nil, fmt.Errorf("excerpt %s#%s: no region and no declaration of that name in that step", stepFile, region)
	}

	for _, p := range pages {
		data, err := os.ReadFile(p.in)
		if err != nil {
			return err
		}
		doc, err := refreshExcerpts(p.name, string(data), find, draw)
		if err != nil {
			return err
		}
		if err := writeFile(p.out, doc); err != nil {
			return err
		}
	}
	return unusedRegions(files, steps, used)
}

// unusedRegions fails on a "//@ doc" region that no doc shows: an excerpt
// no one reads is a marker the source carries for nothing.
func unusedRegions(files map[string]string, steps []step, used map[string]bool) error {
	var unused []string
	for rel, text := range files {
		seen := map[string]bool{}
		for _, s := range steps {
			snap, err := render("source/"+rel, text, s.n, steps[len(steps)-1].n)
			if err != nil {
				return err
			}
			for region := range snap.regions {
				if !seen[region] && !used[rel+"#"+region] {
					unused = append(unused, "source/"+rel+"#"+region)
				}
				seen[region] = true
			}
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return fmt.Errorf("no doc shows these excerpts; use them or remove their //@ doc markers: %s", strings.Join(unused, ", "))
	}
	return nil
}

// firstDifference is the number of the first line where a and b differ.
func firstDifference(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return i + 1
		}
	}
	return len(al) + 1
}

func writeFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
