package delta

import (
	"context"
	"errors"
	"fmt"

	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

// load rebuilds the newest snapshot: from the newest readable checkpoint whose following
// commits are all present, else from version 0; a table with no log is version -1.
func load(ctx context.Context, store storage.Store) (*Snapshot, error) {
	entries, err := store.List(ctx, logDir)
	if err != nil {
		return nil, err
	}
	commits := map[int64]bool{}
	var checkpoints []int64 // ascending, as listed
	latest := int64(-1)
	for _, e := range entries {
		v, cp, ok := parseLogName(e.Name)
		if !ok {
			continue
		}
		if cp {
			checkpoints = append(checkpoints, v)
		} else {
			commits[v] = true
			latest = max(latest, v)
		}
	}
	for i := len(checkpoints) - 1; i >= 0; i-- {
		c := checkpoints[i]
		if !contiguous(commits, c+1, latest) {
			continue
		}
		snap, err := readCheckpoint(ctx, store, c)
		if err != nil {
			continue // torn or foreign: try an older one, or the commits
		}
		return replay(ctx, store, snap, latest)
	}
	if latest < 0 {
		return newSnapshot(), nil
	}
	if !contiguous(commits, 0, latest) {
		return nil, fmt.Errorf("delta: log has gaps and no usable checkpoint (latest version %d)", latest)
	}
	return replay(ctx, store, newSnapshot(), latest)
}

func contiguous(commits map[int64]bool, from, to int64) bool {
	for v := from; v <= to; v++ {
		if !commits[v] {
			return false
		}
	}
	return true
}

// replay applies commits after snap's version up to latest, then any that appeared since.
func replay(ctx context.Context, store storage.Store, snap *Snapshot, latest int64) (*Snapshot, error) {
	for v := snap.Version + 1; ; v++ {
		b, err := store.Get(ctx, commitName(v))
		if errors.Is(err, storage.ErrNotExist) && v > latest {
			return snap, nil
		}
		if err != nil {
			return nil, fmt.Errorf("delta: reading version %d: %w", v, err)
		}
		actions, err := decodeCommit(b)
		if err != nil {
			return nil, fmt.Errorf("delta: version %d: %w", v, err)
		}
		snap.apply(v, actions)
	}
}
