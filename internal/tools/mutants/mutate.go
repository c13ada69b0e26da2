package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
)

// Statuses of a mutant, as gremlins prints them.
const (
	killed     = "KILLED"
	lived      = "LIVED"
	timedOut   = "TIMED OUT"
	notCovered = "NOT COVERED"
	notViable  = "NOT VIABLE"
)

// mutant is one line of a gremlins report.
type mutant struct {
	gremlins string // the status gremlins reported
	status   string // the status after mutants' checks
	typ      string // the mutation, e.g. CONDITIONALS_NEGATION
	file     string // relative to the directory gremlins was given
	lineNo   int
	col      int
}

// lineRE matches a report line; a reclassified line (the suffix) is read back
// as what gremlins said, so that a record can be classified again.
var lineRE = regexp.MustCompile(`^\s*(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE|SKIPPED) ([A-Z_]+) at (\S+):(\d+):(\d+)(?: \(gremlins: (KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE)\))?\s*$`)

// statusRE matches any line that starts like a report line, so that a line
// lineRE refuses is an error, not a mutant silently dropped.
var statusRE = regexp.MustCompile(`^\s*(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE|SKIPPED) `)

// parseLine reads one report line; ok is false for the lines that are not a
// mutant (gremlins' banner and summary).
func parseLine(s string) (m *mutant, ok bool, err error) {
	g := lineRE.FindStringSubmatch(s)
	if g == nil {
		if statusRE.MatchString(s) {
			return nil, false, fmt.Errorf("unreadable report line %q", s)
		}
		return nil, false, nil
	}
	if g[1] == "SKIPPED" {
		return nil, false, fmt.Errorf("gremlins skipped a mutant (%q): the coverage run failed?", s)
	}
	if _, ok := tokenMutations[g[2]]; !ok {
		return nil, false, fmt.Errorf("unknown mutation %s in %q", g[2], s)
	}
	m = &mutant{gremlins: g[1], typ: g[2], file: g[3]}
	if g[6] != "" {
		m.gremlins = g[6]
	}
	m.status = m.gremlins
	m.lineNo, _ = strconv.Atoi(g[4])
	m.col, _ = strconv.Atoi(g[5])
	return m, true, nil
}

// tokenMutations is gremlins v0.6.0's table (internal/engine/mappings.go):
// the token each mutation puts in place of the one found.
var tokenMutations = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE": {
		token.ADD: token.SUB, token.MUL: token.QUO, token.QUO: token.MUL,
		token.REM: token.MUL, token.SUB: token.ADD,
	},
	"CONDITIONALS_BOUNDARY": {
		token.GEQ: token.GTR, token.GTR: token.GEQ, token.LEQ: token.LSS, token.LSS: token.LEQ,
	},
	"CONDITIONALS_NEGATION": {
		token.EQL: token.NEQ, token.GEQ: token.LSS, token.GTR: token.LEQ,
		token.LEQ: token.GTR, token.LSS: token.GEQ, token.NEQ: token.EQL,
	},
	"INCREMENT_DECREMENT": {token.DEC: token.INC, token.INC: token.DEC},
	"INVERT_ASSIGNMENTS": {
		token.ADD_ASSIGN: token.SUB_ASSIGN, token.MUL_ASSIGN: token.QUO_ASSIGN,
		token.QUO_ASSIGN: token.MUL_ASSIGN, token.REM_ASSIGN: token.REM_ASSIGN,
		token.SUB_ASSIGN: token.ADD_ASSIGN,
	},
	"INVERT_BITWISE": {
		token.AND: token.OR, token.OR: token.AND, token.XOR: token.AND,
		token.AND_NOT: token.AND, token.SHL: token.SHR, token.SHR: token.SHL,
	},
	"INVERT_BWASSIGN": {
		token.AND_ASSIGN: token.OR_ASSIGN, token.OR_ASSIGN: token.AND_ASSIGN,
		token.XOR_ASSIGN: token.AND_ASSIGN, token.AND_NOT_ASSIGN: token.AND_ASSIGN,
		token.SHL_ASSIGN: token.SHR_ASSIGN, token.SHR_ASSIGN: token.SHL_ASSIGN,
	},
	"INVERT_LOGICAL":   {token.LAND: token.LOR, token.LOR: token.LAND},
	"INVERT_LOOPCTRL":  {token.BREAK: token.CONTINUE, token.CONTINUE: token.BREAK},
	"INVERT_NEGATIVES": {token.SUB: token.ADD},
	"REMOVE_SELF_ASSIGNMENTS": {
		token.ADD_ASSIGN: token.ASSIGN, token.AND_ASSIGN: token.ASSIGN,
		token.AND_NOT_ASSIGN: token.ASSIGN, token.MUL_ASSIGN: token.ASSIGN,
		token.OR_ASSIGN: token.ASSIGN, token.QUO_ASSIGN: token.ASSIGN,
		token.REM_ASSIGN: token.ASSIGN, token.SHL_ASSIGN: token.ASSIGN,
		token.SHR_ASSIGN: token.ASSIGN, token.SUB_ASSIGN: token.ASSIGN,
		token.XOR_ASSIGN: token.ASSIGN,
	},
}

// tokenAt finds the token gremlins mutates at line:col of f: the operator of
// a binary or unary expression, an assignment, an increment or decrement, or
// a break or continue (gremlins' NewTokenNode). It returns a pointer to the
// token in the tree, so that the caller can swap it and put it back.
func tokenAt(fset *token.FileSet, f *ast.File, line, col int) (tok *token.Token, pos token.Pos) {
	ast.Inspect(f, func(n ast.Node) bool {
		if tok != nil || n == nil {
			return tok == nil
		}
		var t *token.Token
		var p token.Pos
		switch n := n.(type) {
		case *ast.AssignStmt:
			t, p = &n.Tok, n.TokPos
		case *ast.BinaryExpr:
			t, p = &n.Op, n.OpPos
		case *ast.BranchStmt:
			t, p = &n.Tok, n.TokPos
		case *ast.IncDecStmt:
			t, p = &n.Tok, n.TokPos
		case *ast.UnaryExpr:
			t, p = &n.Op, n.OpPos
		default:
			return true
		}
		if at := fset.Position(p); at.Line == line && at.Column == col {
			tok, pos = t, p
		}
		return tok == nil
	})
	return tok, pos
}

// mutation returns the token that mutation typ puts in place of t, and
// whether gremlins applies typ to t at all.
func mutation(typ string, t token.Token) (token.Token, bool) {
	to, ok := tokenMutations[typ][t]
	return to, ok
}

// mutateSource returns src with the token at offset off (old) replaced by
// to: the bytes gremlins would compile, up to its reprinting of the file.
func mutateSource(src []byte, off int, old, to token.Token) ([]byte, error) {
	o := old.String()
	if off < 0 || off+len(o) > len(src) || string(src[off:off+len(o)]) != o {
		return nil, fmt.Errorf("no %q at offset %d", o, off)
	}
	out := make([]byte, 0, len(src)+2)
	out = append(out, src[:off]...)
	out = append(out, to.String()...)
	return append(out, src[off+len(o):]...), nil
}
