package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// declaration finds the top-level declaration called name in the Go source
// text and returns its lines, doc comment included: a function ("pivotRoot"),
// a method ("heldRecord.release"), or a type, variable or constant declared
// on its own (not in a parenthesised group). A doc names most excerpts this
// way, so source/ needs "//@ doc" markers only for fragments.
func declaration(text, name string) ([]string, bool) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", text, parser.ParseComments)
	if err != nil {
		return nil, false // the generator reports unparsable steps elsewhere
	}
	for _, decl := range file.Decls {
		var names []string
		var doc *ast.CommentGroup
		switch d := decl.(type) {
		case *ast.FuncDecl:
			names, doc = []string{d.Name.Name}, d.Doc
			if d.Recv != nil && len(d.Recv.List) == 1 {
				names[0] = receiverType(d.Recv.List[0].Type) + "." + d.Name.Name
			}
		case *ast.GenDecl:
			if d.Lparen.IsValid() {
				continue
			}
			doc = d.Doc
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				}
			}
		}
		for _, n := range names {
			if n != name {
				continue
			}
			start := decl.Pos()
			if doc != nil {
				start = doc.Pos()
			}
			lines := strings.Split(text, "\n")
			return lines[fset.Position(start).Line-1 : fset.Position(decl.End()).Line], true
		}
	}
	return nil, false
}

// receiverType is the name of a method's receiver type: T for T and *T.
func receiverType(expr ast.Expr) string {
	switch e := expr.(type) {
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr: // a generic receiver, T[P]
		return receiverType(e.X)
	}
	return ""
}
