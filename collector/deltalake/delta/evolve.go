package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// AddColumns brings an existing table's schema up to want's: the columns want has and the
// table lacks are added (they must be nullable; older files read them as null), with one
// metaData commit. Columns only the table has, written by a newer writer, are kept. A column
// both have with another type or nullability is an error. A table that already has every
// column is left alone.
func (t *Table) AddColumns(ctx context.Context, want Metadata) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _, err := t.commitNext(ctx, func() ([]Action, error) {
		cur := t.snap.Metadata
		if cur == nil {
			return nil, errors.New("delta: table without metaData")
		}
		schema, changed, err := mergeSchemas(cur.SchemaString, want.SchemaString)
		if err != nil || !changed {
			return nil, err
		}
		meta := *cur
		meta.SchemaString = schema
		return []Action{{CommitInfo: t.commitInfo("ADD COLUMNS", false)}, {MetaData: &meta}}, nil
	})
	return err
}

// rawField is a schema column with its type and metadata as written, so columns are kept
// byte for byte.
type rawField struct {
	Name     string          `json:"name"`
	Type     json.RawMessage `json:"type"`
	Nullable bool            `json:"nullable"`
	Metadata json.RawMessage `json:"metadata"`
}

type rawStruct struct {
	Type   string     `json:"type"`
	Fields []rawField `json:"fields"`
}

// mergeSchemas is want's columns in want's order, then the columns only cur has; changed says
// whether cur lacked any of want's.
func mergeSchemas(cur, want string) (string, bool, error) {
	var c, w rawStruct
	if err := json.Unmarshal([]byte(cur), &c); err != nil {
		return "", false, fmt.Errorf("delta: the table's schema: %w", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		return "", false, err
	}
	have := map[string]rawField{}
	for _, f := range c.Fields {
		have[f.Name] = f
	}
	known := map[string]bool{}
	changed := false
	for _, f := range w.Fields {
		known[f.Name] = true
		h, ok := have[f.Name]
		if !ok {
			if !f.Nullable {
				return "", false, fmt.Errorf("delta: the table lacks column %s, which is not nullable", f.Name)
			}
			changed = true
			continue
		}
		if !sameJSON(h.Type, f.Type) || h.Nullable != f.Nullable {
			return "", false, fmt.Errorf("delta: the table's column %s is %s (nullable %v), this writer's %s (nullable %v)",
				f.Name, h.Type, h.Nullable, f.Type, f.Nullable)
		}
	}
	if !changed {
		return cur, false, nil
	}
	for _, f := range c.Fields {
		if !known[f.Name] {
			w.Fields = append(w.Fields, f)
		}
	}
	b, err := json.Marshal(w)
	return string(b), true, err
}

// sameJSON compares two JSON values whatever their keys' order.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
