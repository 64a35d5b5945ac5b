package delta

import (
	"context"
	"errors"

	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

// Commit appends actions (adds, and removes for a rewrite) as the next version, retrying at
// the version after any commit another writer won. With txn set, the commit records it, and
// if the table already holds txn.AppID at txn.Version or later the call commits nothing and
// returns committed=false: a retry of a batch whose first attempt landed is not duplicated.
// An error other than ErrConflict or ErrUnsupported may leave the commit made or not; calling
// again with the same txn finds out.
func (t *Table) Commit(ctx context.Context, op string, actions []Action, txn *Txn) (version int64, committed bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	blind := true
	for _, a := range actions {
		if a.Remove != nil {
			blind = false
		}
	}
	return t.commitNext(ctx, func() ([]Action, error) {
		if txn != nil {
			if have := t.snap.Txns[txn.AppID]; have != nil && have.Version >= txn.Version {
				return nil, nil
			}
		}
		for _, a := range actions {
			if a.Remove != nil && t.snap.Files[a.Remove.Path] == nil {
				return nil, ErrConflict
			}
		}
		all := append([]Action{{CommitInfo: t.commitInfo(op, blind)}}, actions...)
		if txn != nil {
			tx := *txn
			tx.LastUpdated = t.opts.Now().UnixMilli()
			all = append(all, Action{Txn: &tx})
		}
		return all, nil
	})
}

// commitNext commits what build returns, given the newest snapshot, as the next version; after
// a lost race it reads the winner and builds again. Nothing to build (nil actions) commits
// nothing and returns the current version. The caller holds t.mu.
func (t *Table) commitNext(ctx context.Context, build func() ([]Action, error)) (version int64, committed bool, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, false, err
		}
		if err := t.update(ctx); err != nil {
			return 0, false, err
		}
		if t.snap.Version < 0 {
			return 0, false, errors.New("delta: commit to a table that has not been created")
		}
		if err := t.check(); err != nil {
			return 0, false, err
		}
		all, err := build()
		if err != nil || all == nil {
			return t.snap.Version, false, err
		}
		b, err := encodeCommit(all)
		if err != nil {
			return 0, false, err
		}
		v := t.snap.Version + 1
		err = t.store.PutIfAbsent(ctx, commitName(v), b)
		if errors.Is(err, storage.ErrExist) {
			continue // lost the race: read the winner, try the next version
		}
		if err != nil {
			return 0, false, err
		}
		t.snap.apply(v, all)
		t.synced = t.opts.Now()
		if v%t.opts.CheckpointInterval == 0 {
			// The commit stands whether or not its checkpoint is written; readers replay
			// commits when a checkpoint is missing.
			_ = t.checkpoint(ctx)
		}
		return v, true, nil
	}
}
