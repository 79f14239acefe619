package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// mark separates the commands' outputs: the script prints it, with the
// command's number, before each command and once more at the end, keeping
// $? as the command before left it (doc commands such as `echo $?` read it).
const mark = "@@runt-transcript@@"

func markCommand(label string) string {
	return fmt.Sprintf("runt_status=$?; printf '%s %s\\n'; (exit $runt_status)\n", mark, label)
}

var markLine = regexp.MustCompile(mark + ` (\d+|end)\n`)

// script is the bash script that runs b. Bash reads it from its stdin, as
// it reads what a learner types, so its messages name "bash", and ps shows
// no script of ours. Each command gets a stdin of its own: the container-
// shell lines under it, as a here document, or else /dev/null (the terminal
// with tty). In stdin mode commands read the script itself, as typed input.
func script(b block) string {
	input := " </dev/null"
	var s strings.Builder
	if b.options.tty {
		// The terminal by its own name (/dev/pts/N), as a shell's stdin is.
		s.WriteString("runt_tty=$(readlink /proc/$$/fd/1)\n")
		input = ` <"$runt_tty"`
	}
	if b.options.setup != "" {
		s.WriteString("{ " + b.options.setup + "\n} >/dev/null 2>&1 </dev/null\n")
	}
	for i := 0; i < len(b.steps); i++ {
		c := b.steps[i]
		s.WriteString(markCommand(strconv.Itoa(i)))
		if b.options.stdin || c.Prompt != prompts[0] {
			s.WriteString(c.Text + "\n")
			continue
		}
		j := i + 1
		for j < len(b.steps) && b.steps[j].Prompt != prompts[0] {
			j++
		}
		if j == i+1 {
			s.WriteString("{ " + c.Text + "\n}" + input + "\n")
			continue
		}
		s.WriteString("{ " + c.Text + "\n} <<'RUNT_TRANSCRIPT_EOF'\n")
		for k := i + 1; k < j; k++ {
			s.WriteString(markCommand(strconv.Itoa(k)) + b.steps[k].Text + "\n")
		}
		s.WriteString("RUNT_TRANSCRIPT_EOF\n")
		i = j - 1
	}
	s.WriteString(markCommand("end"))
	if b.options.cleanup != "" {
		s.WriteString("{ " + b.options.cleanup + "\n} >/dev/null 2>&1 </dev/null\n")
	}
	return s.String()
}

// runBlock runs b in dir and returns it with the outputs it printed.
func runBlock(b block, dir, tmp string) (block, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.options.timeout)*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-s")
	cmd.Stdin = strings.NewReader(script(b))
	if b.options.tty {
		// script(1) gives bash a terminal, which the commands read; bash reads
		// the script from a file, and script's own stdin is a pipe nobody
		// writes to: a terminal nobody types into.
		file := filepath.Join(tmp, "block.sh")
		if err := os.WriteFile(file, []byte(script(b)), 0o644); err != nil {
			return b, err
		}
		silent, typist, err := os.Pipe()
		if err != nil {
			return b, err
		}
		defer silent.Close()
		defer typist.Close()
		cmd = exec.CommandContext(ctx, "script", "-qec", "bash -s <"+file, "/dev/null")
		cmd.Stdin = silent
	}
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// Background processes of a block (a fork bomb being killed, say) may hold
	// the output open a while after bash exits; under emulation, a long while.
	cmd.WaitDelay = 30 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return b, fmt.Errorf("%s:%d: timed out after %d s; output so far:\n%s", b.doc, b.fence+1, b.options.timeout, out.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return b, fmt.Errorf("%s:%d: %v", b.doc, b.fence+1, err)
	}
	text := out.String()
	if b.options.tty {
		text = strings.ReplaceAll(text, "\r", "") // the terminal ends lines with \r\n
	}
	return split(b, text)
}

// split cuts the output at the marks and gives each command its part.
func split(b block, text string) (block, error) {
	found := markLine.FindAllStringSubmatchIndex(text, -1)
	steps := append([]command(nil), b.steps...)
	for i := range steps {
		steps[i].Output = ""
	}
	seen := map[int]bool{}
	ended := false
	for k, m := range found {
		label := text[m[2]:m[3]]
		end := len(text)
		if k+1 < len(found) {
			end = found[k+1][0]
		}
		if label == "end" {
			ended = true
			break
		}
		n, _ := strconv.Atoi(label)
		if n >= len(steps) {
			return b, fmt.Errorf("%s:%d: output marked for command %d of %d", b.doc, b.fence+1, n, len(steps))
		}
		out := text[m[1]:end]
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		steps[n].Output, seen[n] = out, true
	}
	if !ended {
		return b, fmt.Errorf("%s:%d: the block did not run to its end (a shell exited early, or a command read the script?); output:\n%s", b.doc, b.fence+1, text)
	}
	for i, c := range steps {
		if !seen[i] {
			return b, fmt.Errorf("%s:%d: command %q never ran", b.doc, b.fence+1, c.Text)
		}
		for _, l := range strings.Split(strings.TrimSuffix(c.Output, "\n"), "\n") {
			if promptOf(l) != "" {
				return b, fmt.Errorf("%s:%d: %q prints a line that starts like a prompt, %q; the doc could not tell it from a command (filter it out)", b.doc, b.fence+1, c.Text, l)
			}
		}
	}
	b.steps = steps
	return b, nil
}
