package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/printer"
	"go/token"
	"strconv"
	"strings"
)

// contractFile is the property suite's file of names: every top-level
// constant in it is a name the suite relies on, with a doc comment, and its
// faultPoints table lists the fault points. The figures contract and faults
// draw them as tables for CONTRACT.md.
const contractFile = "contract_test.go"

// contract is what contractFile declares.
type contract struct {
	constants []contractName // in the order of the file
	faults    []faultPoint   // in the order of the table
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
	c := &contract{}
	exprs := map[string]ast.Expr{}
	type pending struct {
		name *ast.Ident
		doc  string
	}
	var names []pending
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
				for i, name := range spec.Names {
					if doc == nil {
						return nil, fmt.Errorf("%s: constant %s has no doc comment; say what the name is", fset.Position(name.Pos()), name.Name)
					}
					if len(spec.Values) != len(spec.Names) {
						return nil, fmt.Errorf("%s: constant %s has no value of its own; write its value", fset.Position(name.Pos()), name.Name)
					}
					exprs[name.Name] = spec.Values[i]
					names = append(names, pending{name, strings.Join(strings.Fields(doc.Text()), " ")})
				}
			case token.VAR:
				for i, name := range spec.Names {
					if name.Name == "faultPoints" && i < len(spec.Values) {
						if c.faults, err = readFaults(fset, file, spec.Values[i]); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	}
	for _, n := range names {
		c.constants = append(c.constants, contractName{n.name.Name, constantValue(fset, exprs, exprs[n.name.Name]), n.doc})
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

// constantValue is a constant's value as Go would spell it: quoted for a
// string, so that spaces at either end show. It evaluates literals,
// parentheses, unary and binary operators and the file's other constants
// (leasesDir = stateDir + "/leases"); anything else is shown as written.
func constantValue(fset *token.FileSet, exprs map[string]ast.Expr, e ast.Expr) string {
	v := evaluate(exprs, e, map[string]bool{})
	switch v.Kind() {
	case constant.String:
		return strconv.Quote(constant.StringVal(v))
	case constant.Int:
		return v.ExactString()
	case constant.Float, constant.Bool:
		return v.String()
	}
	var b bytes.Buffer
	_ = printer.Fprint(&b, fset, e)
	return b.String()
}

// evaluate folds a constant expression; its Kind is Unknown when it cannot.
// seen guards against a constant defined, through others, by itself.
func evaluate(exprs map[string]ast.Expr, e ast.Expr, seen map[string]bool) (v constant.Value) {
	unknown := constant.MakeUnknown()
	defer func() {
		if recover() != nil { // go/constant panics on mismatched operands
			v = unknown
		}
	}()
	switch e := e.(type) {
	case *ast.BasicLit:
		return constant.MakeFromLiteral(e.Value, e.Kind, 0)
	case *ast.ParenExpr:
		return evaluate(exprs, e.X, seen)
	case *ast.Ident:
		def, ok := exprs[e.Name]
		if !ok || seen[e.Name] {
			return unknown
		}
		seen[e.Name] = true
		defer delete(seen, e.Name)
		return evaluate(exprs, def, seen)
	case *ast.UnaryExpr:
		return constant.UnaryOp(e.Op, evaluate(exprs, e.X, seen), 0)
	case *ast.BinaryExpr:
		x, y := evaluate(exprs, e.X, seen), evaluate(exprs, e.Y, seen)
		if x.Kind() == constant.Unknown || y.Kind() == constant.Unknown {
			return unknown
		}
		switch e.Op {
		case token.SHL, token.SHR:
			s, ok := constant.Uint64Val(y)
			if !ok {
				return unknown
			}
			return constant.Shift(x, e.Op, uint(s))
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return constant.MakeBool(constant.Compare(x, e.Op, y))
		}
		return constant.BinaryOp(x, e.Op, y)
	}
	return unknown
}

// constantsTable is the figure "contract": one row per constant.
func (c *contract) constantsTable() []string {
	rows := []string{"| name | value | meaning |", "|---|---|---|"}
	for _, n := range c.constants {
		rows = append(rows, fmt.Sprintf("| %s | %s | %s |", codeSpan(n.name), codeSpan(n.value), cell(n.doc)))
	}
	return rows
}

// faultsTable is the figure "faults": one row per fault point, in order.
func (c *contract) faultsTable() ([]string, error) {
	if len(c.faults) == 0 {
		return nil, fmt.Errorf("figure faults: %s has no faultPoints", contractFile)
	}
	rows := []string{"| step | RUNT_FAULT | where the workshop's runtime dies |", "|---|---|---|"}
	for _, f := range c.faults {
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
