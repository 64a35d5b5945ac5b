package delta

import (
	"context"
	"strings"
	"testing"

	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

func withSchema(fields string) Metadata {
	m := meta()
	m.SchemaString = `{"type":"struct","fields":[` + fields + `]}`
	return m
}

const (
	colX = `{"name":"x","type":"long","nullable":true,"metadata":{}}`
	colY = `{"name":"y","type":"string","nullable":true,"metadata":{}}`
	colZ = `{"name":"z","type":{"type":"map","keyType":"string","valueType":"string","valueContainsNull":false},"nullable":false,"metadata":{}}`
)

// TestAddColumns: a table of an older schema gets the writer's new columns with one metaData
// commit that keeps its id and the columns only it has; a reader (a fresh load) sees them; a
// second call commits nothing.
func TestAddColumns(t *testing.T) {
	s, _ := storage.NewLocal(t.TempDir())
	ctx := context.Background()
	old := withSchema(colX + `,` + colZ)
	tb := newTableWith(t, s, old)
	if _, _, err := tb.Commit(ctx, "WRITE", []Action{add("a", 1)}, nil); err != nil {
		t.Fatal(err)
	}
	want := withSchema(colY + `,` + colX)
	want.ID = "another id"
	if err := tb.AddColumns(ctx, want); err != nil {
		t.Fatal(err)
	}
	snap, err := load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version != 2 || snap.Metadata.ID != "id" || len(snap.Files) != 1 {
		t.Fatalf("version %d, id %q, %d files", snap.Version, snap.Metadata.ID, len(snap.Files))
	}
	if got, w := snap.Metadata.SchemaString, `{"type":"struct","fields":[`+colY+`,`+colX+`,`+colZ+`]}`; got != w {
		t.Fatalf("schema %s\nwant %s", got, w)
	}
	tb2, _ := Open(ctx, s, Options{})
	if err := tb2.AddColumns(ctx, want); err != nil {
		t.Fatal(err)
	}
	if snap, _ := load(ctx, s); snap.Version != 2 {
		t.Fatalf("a table with every column got a commit: version %d", snap.Version)
	}
}

// TestAddColumnsRefusesConflicts: a column of another type, or a missing column that is not
// nullable, is an error naming it, and nothing is committed.
func TestAddColumnsRefusesConflicts(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct{ table, want, err string }{
		"type":     {colX, strings.Replace(colX, `"long"`, `"string"`, 1), "column x is"},
		"required": {colX, colX + `,` + colZ, "lacks column z, which is not nullable"},
	} {
		t.Run(name, func(t *testing.T) {
			s, _ := storage.NewLocal(t.TempDir())
			tb := newTableWith(t, s, withSchema(c.table))
			if err := tb.AddColumns(ctx, withSchema(c.want)); err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("AddColumns: %v, want an error with %q", err, c.err)
			}
			if snap, _ := load(ctx, s); snap.Version != 0 {
				t.Fatalf("version %d after a refused change", snap.Version)
			}
		})
	}
}

func newTableWith(t *testing.T, s storage.Store, m Metadata) *Table {
	t.Helper()
	tb, err := Open(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Create(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return tb
}
