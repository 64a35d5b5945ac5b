// Command gen writes the files generated from metrics.yaml. Run from anywhere in the
// repository: `go run ./native/catalog/gen` (or `make generate`).
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sparkotel/sparkotel/native/catalog/internal/codegen"
)

func main() {
	top, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen: cannot find the module root:", err)
		os.Exit(1)
	}
	root := strings.TrimSpace(string(top))
	files, err := codegen.Render(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for path, content := range files {
		if err := os.WriteFile(filepath.Join(root, path), content, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		fmt.Println("gen: wrote", path)
	}
}
