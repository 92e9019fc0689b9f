// Command checksize lists Go files and functions over the house size caps
// (`make check-size`): non-test files over 400 lines and functions over 100
// lines fail unless listed in the allowlist with a reason; functions over 60
// lines are listed as warnings.
//
// Allowlist lines: `PATH REASON` or `PATH:FUNC REASON`; # starts a comment.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	fileCap     = 400
	funcCap     = 100
	funcSoftCap = 60
)

func main() {
	allowPath := flag.String("allow", "", "allowlist file")
	root := flag.String("root", ".", "module root")
	flag.Parse()
	allow, err := readAllow(*allowPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "checksize:", err)
		os.Exit(2)
	}
	fails, warns, err := scan(*root, allow)
	if err != nil {
		fmt.Fprintln(os.Stderr, "checksize:", err)
		os.Exit(2)
	}
	for _, w := range warns {
		fmt.Println("warn:", w)
	}
	for _, f := range fails {
		fmt.Println("FAIL:", f)
	}
	fmt.Printf("checksize: %d over the hard caps, %d functions over %d lines\n", len(fails), len(warns), funcSoftCap)
	if len(fails) > 0 {
		os.Exit(1)
	}
}

// readAllow reads the allowlist; every entry must carry a reason.
func readAllow(path string) (map[string]bool, error) {
	allow := map[string]bool{}
	if path == "" {
		return allow, nil
	}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return allow, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: entry %q gives no reason", path, n, key)
		}
		allow[key] = true
	}
	return allow, sc.Err()
}

func scan(root string, allow map[string]bool) (fails, warns []string, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// third_party holds upstream code copied as is.
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "bin" || n == "third_party") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f, perr := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if perr != nil {
			return perr
		}
		if lines := fset.File(f.Pos()).LineCount(); lines > fileCap && !allow[rel] {
			fails = append(fails, fmt.Sprintf("%s: %d lines (cap %d)", rel, lines, fileCap))
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			key := rel + ":" + funcName(fn)
			switch {
			case n > funcCap && !allow[key]:
				fails = append(fails, fmt.Sprintf("%s: %d lines (cap %d)", key, n, funcCap))
			case n > funcSoftCap:
				warns = append(warns, fmt.Sprintf("%s: %d lines", key, n))
			}
		}
		return nil
	})
	sort.Strings(fails)
	sort.Strings(warns)
	return fails, warns, err
}

func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}
