// Package compact rewrites a Delta table's small files into large ones: per partition, one
// commit that removes the small files and adds their rows as new files (dataChange false, so
// streaming readers see no new data). Readers of older versions keep their files (they are
// removed only by a later VACUUM), and a concurrent append never conflicts; of two
// compactions of the same files, the second to commit is abandoned.
package compact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
)

// Options of a compaction.
type Options struct {
	// MinFiles: a partition is rewritten when it has at least this many small files.
	MinFiles int
	// TargetFileSize: files smaller than this are small; new files are about this size.
	TargetFileSize int64
	// Codec compresses the new files.
	Codec compress.Codec
	// Partition, if set, limits the run to partitions it accepts.
	Partition func(values map[string]string) bool
}

// Result counts what a run did.
type Result struct {
	Partitions, FilesRemoved, FilesAdded int
	Rows                                 int64
}

// Run compacts every partition of the table that qualifies. store is rooted at the table.
func Run(ctx context.Context, t *delta.Table, store storage.Store, opts Options) (Result, error) {
	var res Result
	_, files, err := t.Files(ctx, func(a *delta.Add) bool {
		return a.Size < opts.TargetFileSize && (opts.Partition == nil || opts.Partition(a.PartitionValues))
	})
	if err != nil {
		return res, err
	}
	groups := map[string][]delta.Add{}
	for _, f := range files {
		k := partitionKey(f.PartitionValues)
		groups[k] = append(groups[k], f)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := groups[k]
		if len(g) < max(opts.MinFiles, 2) {
			continue
		}
		sort.Slice(g, func(i, j int) bool { return g[i].Path < g[j].Path })
		for _, chunk := range chunks(g, opts.TargetFileSize) {
			n, err := rewrite(ctx, t, store, chunk, opts.Codec)
			if errors.Is(err, delta.ErrConflict) {
				continue // another compaction took these files
			}
			if err != nil {
				return res, fmt.Errorf("compacting %s: %w", k, err)
			}
			res.FilesRemoved += len(chunk)
			res.FilesAdded++
			res.Rows += n
		}
		res.Partitions++
	}
	return res, nil
}

func partitionKey(v map[string]string) string {
	ks := make([]string, 0, len(v))
	for k, x := range v {
		ks = append(ks, k+"="+x)
	}
	sort.Strings(ks)
	return strings.Join(ks, "/")
}

// chunks splits files into runs of at most about target bytes, each of two files or more.
func chunks(files []delta.Add, target int64) [][]delta.Add {
	var out [][]delta.Add
	var cur []delta.Add
	var size int64
	for _, f := range files {
		if len(cur) > 0 && size+f.Size > target {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, f)
		size += f.Size
	}
	out = append(out, cur)
	kept := out[:0]
	for _, c := range out {
		if len(c) >= 2 {
			kept = append(kept, c)
		}
	}
	return kept
}

// rewrite copies the rows of files into one new file and commits remove+add. Files written
// before a column was added to the table are converted to the widest schema, their rows null in
// that column, as Delta readers see them.
func rewrite(ctx context.Context, t *delta.Table, store storage.Store, files []delta.Add, codec compress.Codec) (int64, error) {
	// Every file is fetched before any row is copied, as the target schema depends on all of
	// them and a Store reads only whole objects; a chunk is about the size of the output held anyway.
	opened := make([]*parquet.File, len(files))
	for i, f := range files {
		b, err := store.Get(ctx, f.Path)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", f.Path, err)
		}
		if opened[i], err = parquet.OpenFile(bytes.NewReader(b), int64(len(b))); err != nil {
			return 0, fmt.Errorf("%s: %w", f.Path, err)
		}
	}
	target := widest(opened)
	schema := opened[target].Schema()
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema, parquet.Compression(codec), parquet.CreatedBy("sparkotel-deltalake", "0.1.0", ""))
	var rows int64
	stats := make([]delta.Stats, 0, len(files))
	for i, f := range files {
		conv, err := conversion(schema, opened[i].Schema())
		if err != nil {
			return 0, fmt.Errorf("%s: schema differs from %s: %w", f.Path, files[target].Path, err)
		}
		for _, rg := range opened[i].RowGroups() {
			src := parquet.ConvertRowGroup(rg, conv).Rows()
			n, err := parquet.CopyRows(w, src)
			src.Close()
			if err != nil {
				return 0, fmt.Errorf("%s: %w", f.Path, err)
			}
			rows += n
		}
		st, _ := delta.ParseStats(f.Stats)
		stats = append(stats, st)
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	merged := delta.MergeStats(stats)
	if merged.NumRecords != rows { // inputs without stats: count what was copied, bound nothing
		merged = delta.Stats{NumRecords: rows}
	}
	part := files[0].PartitionValues
	dir := ""
	if i := strings.LastIndex(files[0].Path, "/"); i >= 0 {
		dir = files[0].Path[:i+1]
	}
	path := fmt.Sprintf("%spart-00000-%s-c000.compacted.parquet", dir, uuid.NewString())
	if err := store.Put(ctx, path, buf.Bytes()); err != nil {
		return 0, err
	}
	now := time.Now().UnixMilli()
	actions := make([]delta.Action, 0, len(files)+1)
	for _, f := range files {
		actions = append(actions, delta.Action{Remove: &delta.Remove{Path: f.Path, DeletionTimestamp: now,
			DataChange: false, ExtendedFileMetadata: true, PartitionValues: f.PartitionValues, Size: f.Size}})
	}
	actions = append(actions, delta.Action{Add: &delta.Add{Path: path, PartitionValues: part, Size: int64(buf.Len()),
		ModificationTime: now, DataChange: false, Stats: merged.String()}})
	if _, _, err := t.Commit(ctx, "OPTIMIZE", actions, nil); err != nil {
		if errors.Is(err, delta.ErrConflict) {
			_ = store.Delete(ctx, path)
		}
		return 0, err
	}
	return rows, nil
}
