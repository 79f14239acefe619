// Command transcripts records the console blocks of the docs by running them,
// writes what they printed back into the docs, and checks that the docs still
// show what the code prints.
//
//	transcripts record -docs docs -out rec.json   run every transcript (on the recording machine)
//	transcripts write  -docs docs -in rec.json    put the recorded output into the docs, where
//	                                              it differs beyond normalisation (-refresh: all)
//	transcripts check  -docs docs -in rec.json    fail where a doc differs from the recording
//
// See blocks.go for how a doc marks a transcript and normalize.go for what a
// check forgives.
package main

import (
	"debug/buildinfo"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// recording is what "record" writes: the machine, and every block as run.
type recording struct {
	Machine string   `json:"machine"`
	Blocks  []record `json:"blocks"`
}

type record struct {
	Doc     string    `json:"doc"`
	Index   int       `json:"index"` // among the doc's transcripts
	Seconds float64   `json:"seconds"`
	Steps   []command `json:"steps"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: transcripts record|write|check|markers -docs DIR [-in|-out FILE] [-only DOC]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	docs := fs.String("docs", "docs", "the docs directory")
	file := fs.String("in", "", "the recording to write or check against")
	out := fs.String("out", "", "where record writes the recording")
	only := fs.String("only", "", "only the docs whose names start with this")
	repo := fs.String("repo", ".", "where the commands run (the repository's top)")
	refresh := fs.Bool("refresh", false, "write: every block, also those equal under normalisation and nocheck ones")
	fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "record":
		err = recordAll(*docs, *repo, *out, *only)
	case "write", "check":
		err = compare(*docs, *file, *only, os.Args[1] == "write", *refresh)
	case "markers":
		// Without the recording machine: every block parses, and every
		// console block is marked (make lint).
		_, _, err = readDocs(*docs)
	default:
		err = fmt.Errorf("unknown command %q (want record, write, check or markers)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "transcripts:", err)
		os.Exit(1)
	}
}

// readDocs parses every doc: name -> text and transcripts.
func readDocs(dir string) (map[string]string, map[string][]block, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, nil, err
	}
	texts, blocks := map[string]string{}, map[string][]block{}
	unmarked := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		name := filepath.Base(p)
		b, u, err := parseDoc(name, string(data))
		if err != nil {
			return nil, nil, err
		}
		texts[name], blocks[name] = string(data), b
		// A console block shows what a command prints: either the recording
		// machine runs it, or the doc says why it cannot.
		for _, line := range u {
			fmt.Fprintf(os.Stderr, "docs/%s:%d: a console block neither recorded (<!-- transcript -->) nor marked with why not (<!-- not recorded: why -->)\n", name, line)
		}
		unmarked += len(u)
	}
	if unmarked > 0 {
		return nil, nil, fmt.Errorf("%d console block(s) with no transcript marker; mark each one", unmarked)
	}
	return texts, blocks, nil
}

func recordAll(docs, repo, out, only string) error {
	if out == "" {
		return fmt.Errorf("record needs -out FILE")
	}
	// Transcripts run as root and do what the docs do: fork bombs, cgroups
	// made by hand, pivot_root in a shell. They belong in the recording VM
	// (make transcripts), which sets this; anywhere else, set it knowingly.
	if os.Getenv("RUNT_RECORDING_MACHINE") == "" {
		return fmt.Errorf("record runs the docs' commands as root; it belongs in the recording VM ('make transcripts'); set RUNT_RECORDING_MACHINE=1 to run it here anyway")
	}
	_, blocks, err := readDocs(docs)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "transcripts-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rec := recording{Machine: machine(repo)}
	var names []string
	for name := range blocks {
		names = append(names, name)
	}
	sort.Strings(names)
	failed := 0
	for _, name := range names {
		if !strings.HasPrefix(name, only) {
			continue
		}
		bs := blocks[name]
		for i := 0; i < len(bs); {
			// A block and those that continue it run as one.
			j := i + 1
			group := bs[i]
			for j < len(bs) && bs[j].options.continues {
				group.steps = append(append([]command(nil), group.steps...), bs[j].steps...)
				group.options.timeout += bs[j].options.timeout
				j++
			}
			start := time.Now()
			ran, err := runBlock(group, repo, tmp)
			took := time.Since(start).Seconds()
			fmt.Fprintf(os.Stderr, "%s #%d-%d (line %d): %.1f s\n", name, i, j-1, bs[i].fence+1, took)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				failed++
				i = j
				continue
			}
			for k := i; k < j; k++ {
				r := record{Doc: name, Index: k, Seconds: took, Steps: ran.steps[:len(bs[k].steps)]}
				ran.steps = ran.steps[len(bs[k].steps):]
				rec.Blocks = append(rec.Blocks, r)
			}
			i = j
		}
	}
	data, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d transcript(s) did not run", failed)
	}
	return nil
}

// machine describes where the recording ran, for the docs' headers: the
// distribution, kernel, PID 1, cgroup version, hostname, and the Go that
// built the runtime's binaries (bin/step0, under repo).
func machine(repo string) string {
	run := func(name string, args ...string) string {
		out, _ := exec.Command(name, args...).Output()
		return strings.TrimSpace(string(out))
	}
	cgroup := "cgroup v1"
	if run("stat", "-fc", "%T", "/sys/fs/cgroup") == "cgroup2fs" {
		cgroup = "cgroup v2"
	}
	goVersion := "?"
	if info, err := buildinfo.ReadFile(filepath.Join(repo, "bin", "step0")); err == nil {
		goVersion = info.GoVersion
	}
	return strings.Join([]string{
		run("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
		"Linux " + run("uname", "-r"),
		run("ps", "-p", "1", "-o", "comm=") + " as PID 1",
		cgroup,
		"hostname " + run("hostname"),
		"binaries built by " + goVersion,
	}, ", ")
}

// compare checks every doc's transcripts against the recording, or, with
// write, replaces them with it.
func compare(docs, file, only string, write, refresh bool) error {
	if file == "" {
		return fmt.Errorf("need -in FILE, a recording")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var rec recording
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	texts, blocks, err := readDocs(docs)
	if err != nil {
		return err
	}
	recorded := map[string]record{}
	for _, r := range rec.Blocks {
		recorded[fmt.Sprintf("%s#%d", r.Doc, r.Index)] = r
	}
	problems := 0
	for name, bs := range blocks {
		if !strings.HasPrefix(name, only) {
			continue
		}
		text, ok := machineLine(texts[name], rec.Machine)
		changed := write && text != texts[name]
		if !write && text != texts[name] {
			fmt.Printf("docs/%s: the line after %s does not name the machine of the recording (%s)\n", name, machineMarker, rec.Machine)
			problems++
		}
		if len(bs) > 0 && !ok {
			fmt.Printf("docs/%s: has transcripts but no %s line to say where they were recorded\n", name, machineMarker)
			problems++
		}
		texts[name] = text
		for i, b := range bs {
			r, ok := recorded[fmt.Sprintf("%s#%d", name, i)]
			where := fmt.Sprintf("docs/%s:%d", name, b.fence+1)
			if !ok || !sameCommands(b, r) {
				fmt.Printf("%s: not in the recording, or its commands changed since; record again\n", where)
				problems++
				continue
			}
			same := normalize(b.render(), b.options) == normalize(block{steps: r.Steps}.render(), b.options)
			if write {
				// What differs only where recordings may differ stays as it
				// is, so that recording again changes only what changed.
				if !same && !b.options.nocheck || refresh {
					for k := range b.steps {
						b.steps[k].Output = r.Steps[k].Output
					}
					bs[i], changed = b, true
				}
				continue
			}
			if b.options.nocheck {
				continue
			}
			if !same {
				want, got := normalize(b.render(), b.options), normalize(block{steps: r.Steps}.render(), b.options)
				fmt.Printf("%s: the doc shows what the code no longer prints (normalised, - doc + recorded):\n%s", where, lineDiff(want, got))
				problems++
			}
		}
		if changed {
			if err := os.WriteFile(filepath.Join(docs, name), []byte(replaceBlocks(texts[name], bs)), 0o644); err != nil {
				return err
			}
		}
	}
	if problems > 0 {
		return fmt.Errorf("%d transcript(s) differ from the recording on %s; 'make transcripts' records them again", problems, rec.Machine)
	}
	return nil
}

// machineMarker, on a line of its own near a doc's top, is followed by the
// line that says where its transcripts were recorded; write writes it.
const machineMarker = "<!-- transcripts: recording machine -->"

// machineLine returns text with the line after the marker naming machine,
// and whether the marker is there.
func machineLine(text, machine string) (string, bool) {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == machineMarker && i+1 < len(lines) {
			lines[i+1] = "Transcripts recorded by `make transcripts` on the recording machine (" + machine +
				"; [vm/README.md](../vm/README.md)). Your VM runs Ubuntu 24.04: its os-release, kernel and package versions differ."
			return strings.Join(lines, "\n"), true
		}
	}
	return text, false
}

func sameCommands(b block, r record) bool {
	if len(b.steps) != len(r.Steps) {
		return false
	}
	for i, c := range b.steps {
		if c.Prompt != r.Steps[i].Prompt || c.Text != r.Steps[i].Text {
			return false
		}
	}
	return true
}

// lineDiff shows how b differs from a, line by line ("-" only in a, "+"
// only in b), from a longest common subsequence.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	// lcs[i][j]: length of the longest common subsequence of al[i:] and bl[j:].
	lcs := make([][]int, len(al)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(bl)+1)
	}
	for i := len(al) - 1; i >= 0; i-- {
		for j := len(bl) - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var s strings.Builder
	i, j := 0, 0
	for i < len(al) || j < len(bl) {
		switch {
		case i < len(al) && j < len(bl) && al[i] == bl[j]:
			i, j = i+1, j+1
		case j < len(bl) && (i == len(al) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&s, "  + %s\n", bl[j])
			j++
		default:
			fmt.Fprintf(&s, "  - %s\n", al[i])
			i++
		}
	}
	return s.String()
}
