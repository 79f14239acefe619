package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleContract has a constant of each kind the contract figure meets: a
// doc comment of several lines, a group, a value built from another
// constant, a number, and the fault point table.
const sampleContract = `package tests

// The file's own comment, attached to nothing.

// stateDir holds the runtime's state,
// across two lines.
const stateDir = "/run/runt"

// leasesDir is under stateDir.
const leasesDir = stateDir + "/leases"

const (
	// pipe has a | in its doc.
	pipe = "a|b"
	// minMemory is a number.
	minMemory = 6 << 20
)

var faultPoints = []struct {
	step int
	name string
}{
	{4, "recorded"}, // the record is written
	{5, "overlay"},  // the overlay is mounted
}

var notAConstant = 1
`

func writeContract(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, contractFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadContractEvaluatesConstantsAndKeepsTheirDocs(t *testing.T) {
	c, err := readContract(filepath.Join(writeContract(t, sampleContract), contractFile))
	if err != nil {
		t.Fatal(err)
	}
	want := []contractName{
		{"stateDir", `"/run/runt"`, "stateDir holds the runtime's state, across two lines."},
		{"leasesDir", `"/run/runt/leases"`, "leasesDir is under stateDir."},
		{"pipe", `"a|b"`, "pipe has a | in its doc."},
		{"minMemory", "6291456", "minMemory is a number."},
	}
	if len(c.constants) != len(want) {
		t.Fatalf("got %d constants %v, want %d", len(c.constants), c.constants, len(want))
	}
	for i := range want {
		if c.constants[i] != want[i] {
			t.Errorf("constant %d: got %+v, want %+v", i, c.constants[i], want[i])
		}
	}
	wantFaults := []faultPoint{{4, "recorded", "the record is written"}, {5, "overlay", "the overlay is mounted"}}
	if len(c.faults) != 2 || c.faults[0] != wantFaults[0] || c.faults[1] != wantFaults[1] {
		t.Errorf("fault points: got %+v, want %+v", c.faults, wantFaults)
	}
}

func TestContractTablesEscapeCells(t *testing.T) {
	c, err := readContract(filepath.Join(writeContract(t, sampleContract), contractFile))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.constantsTable(), "\n")
	want := "| name | value | meaning |\n|---|---|---|\n" +
		"| `stateDir` | `\"/run/runt\"` | stateDir holds the runtime's state, across two lines. |\n" +
		"| `leasesDir` | `\"/run/runt/leases\"` | leasesDir is under stateDir. |\n" +
		"| `pipe` | `\"a\\|b\"` | pipe has a \\| in its doc. |\n" +
		"| `minMemory` | `6291456` | minMemory is a number. |"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	faults, err := c.faultsTable("")
	if err != nil {
		t.Fatal(err)
	}
	if got := faults[2]; got != "| 4 | `recorded` | the record is written |" {
		t.Errorf("first fault row: %q", got)
	}
	if _, err := c.faultsTable("store"); err == nil {
		t.Error("faults store of a contract without storeFaultPoints: no error")
	}
	if got := codeSpan("a`b"); got != "`` a`b ``" {
		t.Errorf("codeSpan with a backtick: %q", got)
	}
}

func TestReadContractRefusesUndocumentedNames(t *testing.T) {
	for name, text := range map[string]string{
		"constant without doc":       "package tests\n\nconst bare = \"x\"\n",
		"constant in a group":        "package tests\n\n// The group.\nconst (\n\ta = 1\n\tb = 2\n)\n",
		"fault without comment":      "package tests\n\nvar faultPoints = []struct {\n\tstep int\n\tname string\n}{\n\t{4, \"x\"},\n}\n",
		"fault not {STEP, \"NAME\"}": "package tests\n\nvar faultPoints = []struct {\n\tstep int\n\tname string\n}{\n\t{step: 4, name: \"x\"}, // keyed\n}\n",
	} {
		if _, err := readContract(filepath.Join(writeContract(t, text), contractFile)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestFigureMarkersTakeAStepOrNothing(t *testing.T) {
	tests := writeContract(t, sampleContract)
	props := "package tests\n\nvar _ = prop(0, \"zero\", nil)\nvar _ = prop(1, \"one\", nil)\n"
	if err := os.WriteFile(filepath.Join(tests, "step0_test.go"), []byte(props), 0o644); err != nil {
		t.Fatal(err)
	}
	draw, err := figures(t.TempDir(), tests, []step{{0, "00-a"}, {1, "01-b"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]string{{"contract", "1"}, {"faults", "all"}, {"properties", ""}, {"properties", "2"}, {"diff-stat", "0"}, {"nonsense", ""}} {
		if _, err := draw(bad[0], bad[1]); err == nil {
			t.Errorf("figure %s %q: no error", bad[0], bad[1])
		}
	}

	// A table under the marker is replaced as a whole, and what follows it stays.
	doc := "<!-- figure contract -->\n| old | table |\n|---|---|\n\nafter\n<!-- figure properties 1 -->\n- stale\n\nend"
	got, err := refreshExcerpts("CONTRACT.md", doc, nil, draw)
	if err != nil {
		t.Fatal(err)
	}
	table := strings.Join((&contract{constants: []contractName{
		{"stateDir", `"/run/runt"`, "stateDir holds the runtime's state, across two lines."},
		{"leasesDir", `"/run/runt/leases"`, "leasesDir is under stateDir."},
		{"pipe", `"a|b"`, "pipe has a | in its doc."},
		{"minMemory", "6291456", "minMemory is a number."},
	}}).constantsTable(), "\n")
	want := "<!-- figure contract -->\n" + table + "\n\nafter\n<!-- figure properties 1 -->\n- one\n\nend"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	again, err := refreshExcerpts("CONTRACT.md", got, nil, draw)
	if err != nil || again != got {
		t.Errorf("a second refresh changed the page (%v):\n%s", err, again)
	}
}
