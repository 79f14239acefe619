package main

import (
	"strings"
	"testing"
)

const doc = "text\n<!-- transcript timeout=5 setup=\"mkdir -p /tmp/x\" -->\n```console\n# echo one\none\n# bin/step1 run sh\n/ # hostname\nbox\n/ # exit\n```\n<!-- not recorded: needs a VM -->\n```console\n# vagrant up\n```\n```console\n# unmarked\n```\n"

func TestParseDocFindsCommandsOutputsAndOptions(t *testing.T) {
	blocks, unmarked, err := parseDoc("d.md", doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 1 || len(unmarked) != 1 || unmarked[0] != 15 {
		t.Fatalf("blocks %d, unmarked %v", len(blocks), unmarked)
	}
	b := blocks[0]
	if b.options.timeout != 5 || b.options.setup != "mkdir -p /tmp/x" || len(b.steps) != 4 {
		t.Fatalf("options %+v, %d steps", b.options, len(b.steps))
	}
	if b.steps[0].Output != "one\n" || b.steps[2].Prompt != "/ # " || b.steps[2].Output != "box\n" {
		t.Errorf("steps %+v", b.steps)
	}
	if got := replaceBlocks(doc, blocks); got != doc {
		t.Errorf("rendering changed the doc:\n%s", got)
	}
}

// A host command reads the container-shell lines under it as a here
// document, so no shell can read more of the script than its own lines.
func TestScriptFeedsContainerLinesToTheirCommand(t *testing.T) {
	blocks, _, _ := parseDoc("d.md", doc)
	s := script(blocks[0])
	for _, want := range []string{"{ echo one\n} </dev/null\n", "{ bin/step1 run sh\n} <<'RUNT_TRANSCRIPT_EOF'\n", "hostname\n", "RUNT_TRANSCRIPT_EOF\n", mark + " end"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
}

func TestRunBlockSplitsOutputPerCommand(t *testing.T) {
	blocks, _, err := parseDoc("d.md", "<!-- transcript -->\n```console\n# printf 'a\\nb'\nstale\n# sh\n/ # echo inner\n/ # exit 3\n# echo $?\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	ran, err := runBlock(blocks[0], ".", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := "# printf 'a\\nb'\na\nb\n# sh\n/ # echo inner\ninner\n/ # exit 3\n# echo $?\n3\n"
	if got := ran.render(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestNormalizeForgivesOnlyWhatVaries(t *testing.T) {
	a := normalize("[runtime] pidfd_open(7490) for 3f2a9c1b0d4e took 1.5ms\nexit status: 137", options{})
	b := normalize("[runtime] pidfd_open(15862) for 0123456789ab took 22ms\nexit status: 137", options{})
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if normalize("exit status: 0", options{}) == normalize("exit status: 1", options{}) {
		t.Error("an exit status must not be normalised away")
	}
}

func TestParseOptionsRejectsUnknown(t *testing.T) {
	for _, s := range []string{"tyy", "timeout=x", "setup=\"unclosed", "when=now"} {
		if _, err := parseOptions(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}
