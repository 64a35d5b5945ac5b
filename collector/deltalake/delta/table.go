package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

// ErrConflict is returned by Commit when a concurrent commit removed a file this commit
// removes (two compactions of one partition): the loser's commit is abandoned.
var ErrConflict = errors.New("delta: a concurrent commit removed the same files")

// ErrUnsupported is returned when the table needs a newer protocol than this writer speaks.
var ErrUnsupported = errors.New("delta: table protocol is newer than this writer supports (reader 1, writer 2)")

// Options of a Table writer; zero values take the defaults.
type Options struct {
	// CheckpointInterval writes a checkpoint after every version divisible by it (default 10).
	CheckpointInterval int64
	// LogRetention deletes commits and checkpoints older than this, below the newest
	// checkpoint, when a checkpoint is written; 0 keeps the whole log.
	LogRetention time.Duration
	// TombstoneRetention keeps removed files in checkpoints this long (default 7 days).
	TombstoneRetention time.Duration
	// EngineInfo names the writer in commitInfo.
	EngineInfo string
	// Now is the clock (tests).
	Now func() time.Time
}

// Table writes one Delta table. Its methods are safe for concurrent use; commits from one
// Table are serialized, and commits from other processes are read back before each attempt.
type Table struct {
	store storage.Store // rooted at the table
	opts  Options

	mu     sync.Mutex
	snap   *Snapshot
	synced time.Time // when snap was last brought up to date
}

// Open reads the table at store's root, if there is one. A table with no commit yet has a
// snapshot at version -1; Create makes version 0.
func Open(ctx context.Context, store storage.Store, opts Options) (*Table, error) {
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = 10
	}
	if opts.TombstoneRetention <= 0 {
		opts.TombstoneRetention = 7 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.EngineInfo == "" {
		opts.EngineInfo = "sparkotel-deltalake"
	}
	t := &Table{store: store, opts: opts}
	snap, err := load(ctx, store)
	if err != nil {
		return nil, err
	}
	t.snap, t.synced = snap, opts.Now()
	return t, nil
}

// Files reads the commits made since the last read and returns the version and a copy of the
// active files that keep says to keep (all with keep nil).
func (t *Table) Files(ctx context.Context, keep func(*Add) bool) (int64, []Add, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.update(ctx); err != nil {
		return 0, nil, err
	}
	var out []Add
	for _, a := range t.snap.Files {
		if keep == nil || keep(a) {
			out = append(out, *a)
		}
	}
	return t.snap.Version, out, nil
}

// Create commits version 0 (protocol and metaData) unless the table exists. If another writer
// created it first, its metadata stands.
func (t *Table) Create(ctx context.Context, meta Metadata) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.update(ctx); err != nil {
		return err
	}
	if t.snap.Version >= 0 {
		return t.check()
	}
	meta.CreatedTime = t.opts.Now().UnixMilli()
	actions := []Action{
		{CommitInfo: t.commitInfo("CREATE TABLE", false)},
		{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
		{MetaData: &meta},
	}
	b, err := encodeCommit(actions)
	if err != nil {
		return err
	}
	switch err := t.store.PutIfAbsent(ctx, commitName(0), b); {
	case err == nil:
		t.snap.apply(0, actions)
		return nil
	case errors.Is(err, storage.ErrExist):
		if err := t.update(ctx); err != nil {
			return err
		}
		return t.check()
	default:
		return err
	}
}

func (t *Table) check() error {
	if p := t.snap.Protocol; p == nil || p.MinReaderVersion > 3 || p.MinWriterVersion > 2 {
		return ErrUnsupported
	}
	return nil
}

func (t *Table) commitInfo(op string, blind bool) *CommitInfo {
	return &CommitInfo{Timestamp: t.opts.Now().UnixMilli(), Operation: op, IsBlindAppend: blind,
		Parameters: map[string]any{}, EngineInfo: t.opts.EngineInfo}
}

// update reads the commits after the snapshot's version. A writer that has not read the log
// for longer than half the log retention reloads it whole: commits it has not seen may have
// been cleaned up behind a newer checkpoint.
func (t *Table) update(ctx context.Context) error {
	if t.opts.LogRetention > 0 && t.opts.Now().Sub(t.synced) > t.opts.LogRetention/2 {
		snap, err := load(ctx, t.store)
		if err != nil {
			return err
		}
		t.snap = snap
	}
	for {
		b, err := t.store.Get(ctx, commitName(t.snap.Version+1))
		if errors.Is(err, storage.ErrNotExist) {
			t.synced = t.opts.Now()
			return nil
		}
		if err != nil {
			return err
		}
		actions, err := decodeCommit(b)
		if err != nil {
			return fmt.Errorf("delta: version %d: %w", t.snap.Version+1, err)
		}
		t.snap.apply(t.snap.Version+1, actions)
	}
}

// readLastCheckpoint returns the version _last_checkpoint names, or -1.
func readLastCheckpoint(ctx context.Context, store storage.Store) (lastCheckpoint, error) {
	b, err := store.Get(ctx, lastCheckpointName)
	if errors.Is(err, storage.ErrNotExist) {
		return lastCheckpoint{Version: -1}, nil
	}
	if err != nil {
		return lastCheckpoint{}, err
	}
	var lc lastCheckpoint
	if err := json.Unmarshal(b, &lc); err != nil {
		return lastCheckpoint{Version: -1}, nil // a torn or foreign hint: list instead
	}
	return lc, nil
}
