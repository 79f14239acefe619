package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// figures draws the figures a doc asks for (see excerpts.go), from the
// steps written under out and the property suite in tests.
func figures(out, tests string, steps []step) (drawer, error) {
	props, err := readProperties(tests)
	if err != nil {
		return nil, err
	}
	contract, err := readContract(filepath.Join(tests, contractFile))
	if err != nil {
		return nil, err
	}
	return func(kind, arg string) ([]string, error) {
		marker := strings.TrimSpace("figure " + kind + " " + arg)
		switch kind {
		case "contract":
			if arg != "" {
				return nil, fmt.Errorf("%s: contract takes no argument", marker)
			}
			return contract.constantsTable(), nil
		case "faults":
			if arg != "" && arg != "store" {
				return nil, fmt.Errorf("%s: faults takes no argument, or store", marker)
			}
			return contract.faultsTable(arg)
		case "diff-stat", "properties":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 || n >= len(steps) {
				return nil, fmt.Errorf("%s: want a step number from 0 to %d", marker, len(steps)-1)
			}
			if kind == "diff-stat" {
				if n == 0 {
					return nil, fmt.Errorf("%s: step 0 has no step before it", marker)
				}
				return diffStat(out, steps[n-1], steps[n])
			}
			if len(props[n]) == 0 {
				return nil, fmt.Errorf("%s: the suite has no property of step %d", marker, n)
			}
			var bullets []string
			for _, p := range props[n] {
				bullets = append(bullets, "- "+p)
			}
			return bullets, nil
		}
		return nil, fmt.Errorf("%s: unknown kind (want diff-stat, properties, contract or faults)", marker)
	}, nil
}

// diffStat is the summary "make diff-N" starts with, as a console block:
// git's own --stat of one step's directory against the one before.
func diffStat(out string, before, after step) ([]string, error) {
	cmd := exec.Command("git", "diff", "--no-index", "--stat", "steps/"+before.dir, "steps/"+after.dir)
	cmd.Dir = out
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: the trees differ
		return nil, fmt.Errorf("git diff --stat: %v: %s", err, stderr.String())
	}
	stat := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	block := []string{"```console", fmt.Sprintf("# make diff-%d | head -%d", after.n, len(stat))}
	block = append(block, stat...)
	return append(block, "```"), nil
}

// readProperties finds every prop(N, "name", ...) call in the suite's files:
// step -> names, in the order of the files' names and then of the calls.
func readProperties(dir string) (map[int][]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	props := map[int][]string{}
	fset := token.NewFileSet()
	for _, path := range paths {
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return nil, err
		}
		ast.Inspect(file, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "prop" {
				return true
			}
			num, ok1 := call.Args[0].(*ast.BasicLit)
			name, ok2 := call.Args[1].(*ast.BasicLit)
			if !ok1 || !ok2 || num.Kind != token.INT || name.Kind != token.STRING {
				return true
			}
			n, _ := strconv.Atoi(num.Value)
			text, _ := strconv.Unquote(name.Value)
			props[n] = append(props[n], text)
			return true
		})
	}
	return props, nil
}
