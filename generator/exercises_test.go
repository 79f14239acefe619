package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckExercises(t *testing.T) {
	hint := "   <details><summary>Hint</summary>\n\n   Look.\n\n   Solution: [s](../solutions/01-x.md#%s)\n   </details>\n"
	doc := func(anchor1, bonus string) string {
		return "# Step 1\n\n## Exercises\n\n1. **First.** Do it.\n\n" + strings.Replace(hint, "%s", anchor1, 1) +
			"2. **Second.** Again.\n\n" + strings.Replace(hint, "%s", "2-second", 1) +
			"\n**Bonus.** More.\n\n" + bonus + "\nPrevious: [step 0](00-x.md).\n"
	}
	solutions := "# Step 1 — worked solutions\n\n## 1. First\n\n## 2. Second\n\n## Bonus\n"
	for _, c := range []struct {
		name, doc, want string
	}{
		{"all there", doc("1-first", strings.Replace(hint, "%s", "bonus", 1)), ""},
		{"a bonus without a hint", doc("1-first", ""), "docs/01-x.md:22: an exercise without a hint"},
		{"a link to no heading", doc("1-frist", strings.Replace(hint, "%s", "bonus", 1)), "#1-frist is no heading of 01-x.md"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{"docs/01-x.md": c.doc, "solutions/01-x.md": solutions} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := checkExercises(filepath.Join(dir, "docs"))
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		" 3. A tiny init":                "3-a-tiny-init",
		" 1. CLONE_INTO_CGROUP":          "1-clone_into_cgroup",
		" 2. Could init join by itself?": "2-could-init-join-by-itself",
		" Bonus":                         "bonus",
	} {
		if got := slug(heading); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
}
