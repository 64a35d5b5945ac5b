package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

// checkpoint writes the classic checkpoint of the snapshot's version, points
// _last_checkpoint at it unless a newer one is there, and cleans up the log behind it.
// Called with t.mu held, right after the commit of that version.
func (t *Table) checkpoint(ctx context.Context) error {
	s := t.snap
	s.expireTombstones(t.opts.Now(), t.opts.TombstoneRetention)
	rows := make([]checkpointRow, 0, 2+len(s.Txns)+len(s.Files)+len(s.Removes))
	rows = append(rows, checkpointRow{Protocol: s.Protocol}, checkpointRow{MetaData: s.Metadata})
	for _, x := range s.Txns {
		rows = append(rows, checkpointRow{Txn: x})
	}
	for _, a := range s.Files {
		rows = append(rows, checkpointRow{Add: a})
	}
	for _, r := range s.Removes {
		rows = append(rows, checkpointRow{Remove: r})
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[checkpointRow](&buf, parquet.Compression(&snappy.Codec{}))
	if _, err := w.Write(rows); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := t.store.Put(ctx, checkpointName(s.Version), buf.Bytes()); err != nil {
		return err
	}
	lc, err := readLastCheckpoint(ctx, t.store)
	if err != nil || lc.Version >= s.Version {
		return err
	}
	b, _ := json.Marshal(lastCheckpoint{Version: s.Version, Size: int64(len(rows)),
		SizeInBytes: int64(buf.Len()), NumOfAddFiles: int64(len(s.Files))})
	if err := t.store.Put(ctx, lastCheckpointName, b); err != nil {
		return err
	}
	return t.cleanLog(ctx, s.Version)
}

// cleanLog deletes the commits and checkpoints below checkpoint version cp that are older
// than the log retention: the table stays whole from cp on, and time travel keeps its window.
func (t *Table) cleanLog(ctx context.Context, cp int64) error {
	if t.opts.LogRetention <= 0 {
		return nil
	}
	entries, err := t.store.List(ctx, logDir)
	if err != nil {
		return err
	}
	cut := t.opts.Now().Add(-t.opts.LogRetention)
	for _, e := range entries {
		v, _, ok := parseLogName(e.Name)
		if ok && v < cp && e.ModTime.Before(cut) {
			if err := t.store.Delete(ctx, e.Name); err != nil && !errors.Is(err, storage.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// readCheckpoint loads the snapshot a classic single-file checkpoint holds.
func readCheckpoint(ctx context.Context, store storage.Store, v int64) (*Snapshot, error) {
	b, err := store.Get(ctx, checkpointName(v))
	if err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	r := parquet.NewGenericReader[checkpointRow](f)
	defer r.Close()
	snap := newSnapshot()
	var actions []Action
	rows := make([]checkpointRow, 256)
	for {
		n, err := r.Read(rows)
		for _, row := range rows[:n] {
			actions = append(actions, Action{Protocol: row.Protocol, MetaData: row.MetaData,
				Txn: row.Txn, Add: row.Add, Remove: row.Remove})
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		clear(rows)
	}
	snap.apply(v, actions)
	if snap.Protocol == nil || snap.Metadata == nil {
		return nil, errors.New("delta: checkpoint without protocol or metaData")
	}
	return snap, nil
}
