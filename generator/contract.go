package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// contractFile is the property suite's file of names: every top-level
// constant in it is a name the suite relies on, with a doc comment, and its
// faultPoints table lists the fault points of run, and storeFaultPoints those
// of load and rmi. The figures contract, faults and "faults store" draw them as
// tables for CONTRACT.md.
const contractFile = "contract_test.go"

// contract is what contractFile declares.
type contract struct {
	constants []contractName // in the order of the file
	faults    []faultPoint   // faultPoints, in the order of the table
	store     []faultPoint   // storeFaultPoints, likewise
}

// contractName is one top-level constant: its name, its value as Go spells
// it ("/run/runt", 42), and its doc comment on one line.
type contractName struct {
	name, value, doc string
}

// faultPoint is one element {STEP, "NAME"} of faultPoints, with its line comment.
type faultPoint struct {
	step       int
	name, when string
}

// readContract reads the constants and the fault points of the suite's
// contract file. Every constant needs a doc comment, and every fault point a
// line comment: they are what CONTRACT.md says about them.
func readContract(path string) (*contract, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	// The type checker evaluates the constants (leasesDir = stateDir +
	// "/leases"). The file alone does not type-check, since it uses names of
	// the suite's other files; constants need none of them, so the errors
	// about the rest are ignored.
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Error: func(error) {}}
	_, _ = conf.Check("tests", fset, []*ast.File{file}, info)
	c := &contract{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gen.Specs {
			spec := s.(*ast.ValueSpec) // const and var declarations hold only value specs
			switch gen.Tok {
			case token.CONST:
				doc := spec.Doc
				if doc == nil && len(gen.Specs) == 1 {
					doc = gen.Doc
				}
				if doc == nil {
					doc = spec.Comment
				}
				for _, name := range spec.Names {
					if doc == nil {
						return nil, fmt.Errorf("%s: constant %s has no doc comment; say what the name is", fset.Position(name.Pos()), name.Name)
					}
					if len(spec.Values) != len(spec.Names) {
						return nil, fmt.Errorf("%s: constant %s has no value of its own; write its value", fset.Position(name.Pos()), name.Name)
					}
					value := "(not a constant expression)"
					if k, ok := info.Defs[name].(*types.Const); ok && k.Val().Kind() != constant.Unknown {
						value = k.Val().ExactString() // quoted for a string, so spaces at either end show
					}
					c.constants = append(c.constants, contractName{name.Name, value, strings.Join(strings.Fields(doc.Text()), " ")})
				}
			case token.VAR:
				for i, name := range spec.Names {
					if i >= len(spec.Values) {
						continue
					}
					switch name.Name {
					case "faultPoints":
						c.faults, err = readFaults(fset, file, spec.Values[i])
					case "storeFaultPoints":
						c.store, err = readFaults(fset, file, spec.Values[i])
					}
					if err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return c, nil
}

// readFaults reads the composite literal of faultPoints: one {STEP, "NAME"}
// per fault point, each with a line comment.
func readFaults(fset *token.FileSet, file *ast.File, value ast.Expr) ([]faultPoint, error) {
	list, ok := value.(*ast.CompositeLit)
	if !ok {
		return nil, fmt.Errorf("%s: faultPoints: want a composite literal", fset.Position(value.Pos()))
	}
	var faults []faultPoint
	for _, elt := range list.Elts {
		pos := fset.Position(elt.Pos())
		lit, ok := elt.(*ast.CompositeLit)
		if !ok || len(lit.Elts) != 2 {
			return nil, fmt.Errorf("%s: fault point: want {STEP, \"NAME\"}", pos)
		}
		num, ok1 := lit.Elts[0].(*ast.BasicLit)
		name, ok2 := lit.Elts[1].(*ast.BasicLit)
		if !ok1 || !ok2 || num.Kind != token.INT || name.Kind != token.STRING {
			return nil, fmt.Errorf("%s: fault point: want {STEP, \"NAME\"}", pos)
		}
		f := faultPoint{}
		f.step, _ = strconv.Atoi(num.Value)
		f.name, _ = strconv.Unquote(name.Value)
		// The line comment: the comment that starts on the line the element ends on.
		line := fset.Position(elt.End()).Line
		for _, group := range file.Comments {
			if group.Pos() > elt.End() && fset.Position(group.Pos()).Line == line {
				f.when = strings.Join(strings.Fields(group.Text()), " ")
				break
			}
		}
		if f.when == "" {
			return nil, fmt.Errorf("%s: fault point %s has no line comment; say where the runtime dies", pos, f.name)
		}
		faults = append(faults, f)
	}
	return faults, nil
}

// constantsTable is the figure "contract": one row per constant.
func (c *contract) constantsTable() []string {
	rows := []string{"| name | value | meaning |", "|---|---|---|"}
	for _, n := range c.constants {
		rows = append(rows, fmt.Sprintf("| %s | %s | %s |", codeSpan(n.name), codeSpan(n.value), cell(n.doc)))
	}
	return rows
}

// faultsTable is the figure "faults" (run's fault points) or "faults store"
// (those of load and rmi): one row per fault point, in order.
func (c *contract) faultsTable(which string) ([]string, error) {
	faults, name := c.faults, "faultPoints"
	if which == "store" {
		faults, name = c.store, "storeFaultPoints"
	}
	if len(faults) == 0 {
		return nil, fmt.Errorf("figure faults %s: %s has no %s", which, contractFile, name)
	}
	rows := []string{"| step | RUNT_FAULT | where the workshop's runtime dies |", "|---|---|---|"}
	for _, f := range faults {
		rows = append(rows, fmt.Sprintf("| %d | %s | %s |", f.step, codeSpan(f.name), cell(f.when)))
	}
	return rows, nil
}

// codeSpan sets text in backticks, with enough of them that a backtick in
// text does not end the span early.
func codeSpan(text string) string {
	fence := "`"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	if fence != "`" {
		return fence + " " + cell(text) + " " + fence
	}
	return fence + cell(text) + fence
}

// cell escapes the one character a table cell cannot hold as it is.
func cell(text string) string {
	return strings.ReplaceAll(text, "|", `\|`)
}
