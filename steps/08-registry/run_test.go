package main

import (
	"os/exec"
	"testing"
)

func TestExitStatusIsTheShellConvention(t *testing.T) {
	for script, want := range map[string]int{
		"exit 0":        0,
		"exit 7":        7,
		"kill -TERM $$": 143,
		"kill -KILL $$": 137,
		"kill -SEGV $$": 139,
	} {
		cmd := exec.Command("/bin/sh", "-c", script)
		_ = cmd.Run()
		if got := exitStatus(cmd.ProcessState); got != want {
			t.Errorf("sh -c %q: exit status %d, want %d", script, got, want)
		}
	}
}

func TestParseRunStopsAtTheCommand(t *testing.T) {
	o, err := parseRun([]string{"--", "sh", "-c", "echo --explain"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.command) != 3 || o.command[2] != "echo --explain" {
		t.Errorf("command = %q", o.command)
	}
	if _, err := parseRun([]string{"--no-such-flag", "sh"}); err == nil || err.Error() != "unknown flag --no-such-flag (see '"+prog+" run --help')" {
		t.Errorf("unknown flag: %v", err)
	}
}
