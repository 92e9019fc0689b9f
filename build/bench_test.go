package build

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCopy10k writes the ADD layer of 10,000 small files (tar
// generation only; the backend discards it).
func BenchmarkCopy10k(b *testing.B) {
	dir := b.TempDir()
	for i := range 10000 {
		p := filepath.Join(dir, "src", fmt.Sprintf("d%d", i%100), fmt.Sprintf("f%d", i))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		_ = os.WriteFile(p, []byte("hello world"), 0o644)
	}
	tree := &srcTree{root: dir, isContext: true}
	bl := &builder{hashes: loadHashCache("")}
	for b.Loop() {
		its, err := tree.items("src")
		if err != nil {
			b.Fatal(err)
		}
		plan := &copyPlan{tree: tree, items: its}
		if _, err := bl.copyKey(&stageState{}, copyArgs{dest: "/app/"}, "/app/", plan); err != nil {
			b.Fatal(err)
		}
		cw := &copyWriter{b: bl, plan: plan, dest: "/app/"}
		if err := cw.write(tarSink{tw: tar.NewWriter(io.Discard)}, ""); err != nil {
			b.Fatal(err)
		}
	}
}
