package main

import (
	"strings"
	"testing"
)

// sample's last step is 5: the step-0-1 block is retired, held as comments.
const sample = `package main

//@ steps 0-1
//| var mode = "chroot"
//@ end
//@ steps 2-
var mode = "namespaces"
//@ end

func main() {
	//@ doc body
	println(mode)
	//@ steps 3-
	println("pivot")
	//@ end
	//@ steps 0
	//| if mode != "" {
	//| 	println("plain")
	//| }
	//@ end
	//@ end
}
`

func TestRenderKeepsOnlyTheStepsLines(t *testing.T) {
	cases := map[int]string{
		0: "package main\n\nvar mode = \"chroot\"\n\nfunc main() {\n\tprintln(mode)\n\tif mode != \"\" {\n\t\tprintln(\"plain\")\n\t}\n}\n",
		2: "package main\n\nvar mode = \"namespaces\"\n\nfunc main() {\n\tprintln(mode)\n}\n",
		3: "package main\n\nvar mode = \"namespaces\"\n\nfunc main() {\n\tprintln(mode)\n\tprintln(\"pivot\")\n}\n",
	}
	for step, want := range cases {
		snap, err := render("sample.go", sample, step, 5)
		if err != nil {
			t.Fatal(err)
		}
		if snap.text != want {
			t.Errorf("step %d:\n got %q\nwant %q", step, snap.text, want)
		}
	}
}

func TestRenderCollectsRegionsPerStep(t *testing.T) {
	snap, err := render("sample.go", sample, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(snap.regions["body"], "|"); got != "\tprintln(mode)" {
		t.Errorf("step 1 region: got %q", got)
	}
	snap, _ = render("sample.go", sample, 5, 5)
	if got := strings.Join(snap.regions["body"], "|"); got != "\tprintln(mode)|\tprintln(\"pivot\")" {
		t.Errorf("step 5 region: got %q", got)
	}
}

// Markers at the left margin stand apart from code by a blank line, as
// gofmt wants; the blank lines they leave behind collapse to one.
func TestRemovedMarkersLeaveOneBlankLine(t *testing.T) {
	src := "//@ file steps 0-\n\npackage main\n\nvar a = 1\n\n//@ steps 2-\n\nvar b = 2\n\n//@ end\n"
	for step, want := range map[int]string{
		0: "package main\n\nvar a = 1\n",
		2: "package main\n\nvar a = 1\n\nvar b = 2\n",
	} {
		snap, err := render("f.go", src, step, 2)
		if err != nil || snap.text != want {
			t.Errorf("step %d: got %q, %v; want %q", step, snap.text, err, want)
		}
	}
}

func TestFileMarkerExcludesEarlierSteps(t *testing.T) {
	src := "//@ file steps 1-\npackage main\n"
	if snap, _ := render("f.go", src, 0, 1); snap.present {
		t.Error("step 0 should not have the file")
	}
	snap, err := render("f.go", src, 1, 1)
	if err != nil || !snap.present || snap.text != "package main\n" {
		t.Errorf("step 1: present=%v text=%q err=%v", snap.present, snap.text, err)
	}
}

// A file the last step lacks is kept out of source/'s build; its own blocks
// are ordinary code, since nothing compiles them as the last step.
func TestRetiredFileIsIgnoredBySourceBuild(t *testing.T) {
	src := "//@ file steps 0-1\n//go:build ignore\n\npackage main\n\n//@ steps 1\nvar b = 2\n//@ end\n"
	snap, err := render("f.go", src, 1, 3)
	if err != nil || snap.text != "package main\n\nvar b = 2\n" {
		t.Errorf("got %q, %v", snap.text, err)
	}
	if snap, _ := render("f.go", src, 2, 3); snap.present {
		t.Error("step 2 should not have the file")
	}
}

func TestRenderRejectsBrokenMarkers(t *testing.T) {
	for name, src := range map[string]string{
		"unclosed":                   "//@ steps 1-\nx\n",
		"stray end":                  "x\n//@ end\n",
		"bad range":                  "//@ steps 3-1\nx\n//@ end\n",
		"unknown":                    "//@ stpes 1-\nx\n//@ end\n",
		"no name":                    "//@ doc\nx\n//@ end\n",
		"retired code not commented": "//@ steps 0-1\nx\n//@ end\n",
		"live code commented":        "//@ steps 1-\n//| x\n//@ end\n",
		"retired file not ignored":   "//@ file steps 0-1\npackage main\n",
	} {
		if _, err := render(name, src, 2, 2); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRefreshExcerptsReplacesStaleCode(t *testing.T) {
	doc := "intro\n<!-- code 01-chroot/run.go#body -->\n```go\nstale()\n```\nafter\n<!-- code 01-chroot/x.go -->\nend"
	find := func(file, region string) ([]string, error) {
		if region == "" {
			return []string{"whole()"}, nil
		}
		return []string{"\tif ok {", "\t\tfresh()", "\t}"}, nil
	}
	got, err := refreshExcerpts("d.md", doc, find, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n<!-- code 01-chroot/run.go#body -->\n```go\nif ok {\n\tfresh()\n}\n```\nafter\n<!-- code 01-chroot/x.go -->\n```go\nwhole()\n```\nend"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRefreshFiguresReplacesListsAndBlocks(t *testing.T) {
	doc := "<!-- figure properties 2 -->\n- old one\n- old two\n  continued\n\ntext\n<!-- figure diff-stat 2 -->\n```console\nold\n```\nend"
	draw := func(kind, arg string) ([]string, error) {
		if kind == "properties" {
			return []string{"- new " + arg}, nil
		}
		return []string{"```console", "stat " + arg, "```"}, nil
	}
	got, err := refreshExcerpts("d.md", doc, nil, draw)
	if err != nil {
		t.Fatal(err)
	}
	want := "<!-- figure properties 2 -->\n- new 2\n\ntext\n<!-- figure diff-stat 2 -->\n```console\nstat 2\n```\nend"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDeclarationFindsFuncsMethodsAndTypes(t *testing.T) {
	src := "package p\n\n// A is a type.\ntype A struct{}\n\n// m is a method.\nfunc (a *A) m() {\n\treturn\n}\n\nvar (\n\tgrouped = 1\n)\n\nfunc f() {}\n"
	for name, want := range map[string]string{
		"A":   "// A is a type.|type A struct{}",
		"A.m": "// m is a method.|func (a *A) m() {|\treturn|}",
		"f":   "func f() {}",
	} {
		lines, ok := declaration(src, name)
		if got := strings.Join(lines, "|"); !ok || got != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := declaration(src, "grouped"); ok {
		t.Error("a name in a parenthesised group is not a declaration of its own")
	}
}

func TestFilterSumKeepsRequiredModulesOnly(t *testing.T) {
	sum := "a.io/x v1.0.0 h1:aaa=\na.io/x v1.0.0/go.mod h1:bbb=\nb.io/y v2.0.0 h1:ccc=\n"
	mod := "go 1.24\n\nrequire a.io/x v1.0.0\n"
	if got := filterSum(sum, mod); got != "a.io/x v1.0.0 h1:aaa=\na.io/x v1.0.0/go.mod h1:bbb=\n" {
		t.Errorf("got %q", got)
	}
}
