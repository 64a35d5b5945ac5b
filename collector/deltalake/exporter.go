package deltalake

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/parquet-go/parquet-go/compress"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"

	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

// maxInflight bounds the failed batches remembered for their retries; past it the oldest is
// forgotten (its retry, if it ever comes, is written as a new batch).
const maxInflight = 256

type deltaExporter struct {
	cfg      *Config
	logger   *zap.Logger
	codec    compress.Codec
	writerID string
	// openStore is storage.Open; tests replace it.
	openStore func(ctx context.Context, location string) (storage.Store, error)

	mu       sync.Mutex
	store    storage.Store
	tables   [tables.NumKinds]*delta.Table
	inflight map[pmetric.Metrics]*batch
	order    []pmetric.Metrics
	free     []*app
	napps    int

	stop chan struct{}
	wg   sync.WaitGroup
}

// app is a Delta txn application id with its next batch number. A batch holds its app from
// its first attempt to its last, so each app's versions are committed in order and a retry
// can ask the log whether its first attempt landed.
type app struct {
	id   string
	next int64
}

// batch is one request's files, written once, and the tables that have committed them.
type batch struct {
	app  *app
	seq  int64
	adds [tables.NumKinds][]delta.Action
	has  [tables.NumKinds]bool
	done [tables.NumKinds]bool
	// written is true once every file is in the store.
	written bool
}

func newExporter(cfg *Config, set exporter.Settings) *deltaExporter {
	codec, _ := tables.Codec(cfg.Compression) // Validate checked it
	return &deltaExporter{cfg: cfg, logger: set.Logger, codec: codec, writerID: uuid.NewString(),
		openStore: storage.Open, inflight: map[pmetric.Metrics]*batch{}, stop: make(chan struct{})}
}

func (e *deltaExporter) start(context.Context, component.Host) error {
	if e.cfg.Compaction.Interval > 0 {
		e.wg.Add(1)
		go e.compactLoop()
	}
	return nil
}

func (e *deltaExporter) shutdown(context.Context) error {
	close(e.stop)
	e.wg.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.store != nil {
		return e.store.Close()
	}
	return nil
}

// table opens (and creates, if absent) the table of kind k. The store is opened on first use,
// so a store that is down at start-up is an export failure, retried, not a start failure.
func (e *deltaExporter) table(ctx context.Context, k tables.Kind) (*delta.Table, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.tables[k]; t != nil {
		return t, nil
	}
	if e.store == nil {
		s, err := e.openStore(ctx, e.cfg.Path)
		if err != nil {
			return nil, consumererror.NewPermanent(fmt.Errorf("path: %w", err))
		}
		e.store = s
	}
	name := e.cfg.TablePrefix + k.Name()
	t, err := delta.Open(ctx, storage.Sub(e.store, name), delta.Options{
		CheckpointInterval: e.cfg.CheckpointInterval, LogRetention: e.cfg.LogRetention,
		EngineInfo: "sparkotel-deltalake/" + e.writerID})
	if err != nil {
		return nil, fmt.Errorf("opening table %s: %w", name, err)
	}
	meta, err := k.Metadata(uuid.NewString(), name)
	if err != nil {
		return nil, consumererror.NewPermanent(err)
	}
	if err := t.Create(ctx, meta); err != nil {
		return nil, fmt.Errorf("creating table %s: %w", name, err)
	}
	if err := t.AddColumns(ctx, meta); err != nil {
		return nil, fmt.Errorf("table %s: adding this version's columns: %w", name, err)
	}
	e.tables[k] = t
	return t, nil
}

// acquire returns the batch of md: the one a failed attempt left, or a new one with an app.
func (e *deltaExporter) acquire(md pmetric.Metrics) *batch {
	e.mu.Lock()
	defer e.mu.Unlock()
	if b := e.inflight[md]; b != nil {
		return b
	}
	var a *app
	if n := len(e.free); n > 0 {
		a, e.free = e.free[n-1], e.free[:n-1]
	} else {
		e.napps++
		a = &app{id: fmt.Sprintf("%s-%d", e.writerID, e.napps), next: 1}
	}
	b := &batch{app: a, seq: a.next}
	a.next++
	return b
}

// settle records the outcome of an attempt: a batch that is done frees its app; a failed one
// is kept for its retry.
func (e *deltaExporter) settle(md pmetric.Metrics, b *batch, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, known := e.inflight[md]
	if err == nil || consumererror.IsPermanent(err) {
		if known {
			delete(e.inflight, md)
		}
		e.free = append(e.free, b.app)
		return
	}
	if !known {
		e.inflight[md] = b
		e.order = append(e.order, md)
	}
	for len(e.inflight) > maxInflight && len(e.order) > 0 {
		delete(e.inflight, e.order[0]) // its app stays held: its seq may yet land
		e.order = e.order[1:]
	}
}

// push writes a batch: its files once, then one commit per table carrying the batch's txn.
func (e *deltaExporter) push(ctx context.Context, md pmetric.Metrics) error {
	b := e.acquire(md)
	err := e.write(ctx, md, b)
	e.settle(md, b, err)
	if err != nil {
		e.logger.Warn("deltalake: batch not committed", zap.Int("points", md.DataPointCount()), zap.Error(err))
	}
	return err
}

func (e *deltaExporter) write(ctx context.Context, md pmetric.Metrics, b *batch) error {
	if !b.written {
		if err := e.writeFiles(ctx, md, b); err != nil {
			return err
		}
	}
	for k := range tables.NumKinds {
		if !b.has[k] || b.done[k] {
			continue
		}
		t, err := e.table(ctx, k)
		if err != nil {
			return err
		}
		_, _, err = t.Commit(ctx, "WRITE", b.adds[k], &delta.Txn{AppID: b.app.id, Version: b.seq})
		if errors.Is(err, delta.ErrUnsupported) {
			return consumererror.NewPermanent(err)
		}
		if err != nil {
			return fmt.Errorf("committing to %s%s: %w", e.cfg.TablePrefix, k.Name(), err)
		}
		b.done[k] = true
	}
	return nil
}

// writeFiles encodes the batch and puts its data files. Files of a failed attempt that were
// written stay unreferenced (invisible to readers; VACUUM removes them).
func (e *deltaExporter) writeFiles(ctx context.Context, md pmetric.Metrics, b *batch) error {
	files, err := tables.Files(md, e.codec)
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	var adds [tables.NumKinds][]delta.Action
	now := time.Now().UnixMilli()
	for _, f := range files {
		if _, err := e.table(ctx, f.Kind); err != nil {
			return err
		}
		rel := fmt.Sprintf("%s=%s/part-00000-%s-c000.%s.parquet", tables.PartitionColumn, f.Date, uuid.NewString(), e.cfg.Compression)
		if err := e.store.Put(ctx, e.cfg.TablePrefix+f.Kind.Name()+"/"+rel, f.Data); err != nil {
			return fmt.Errorf("writing %s%s/%s: %w", e.cfg.TablePrefix, f.Kind.Name(), rel, err)
		}
		adds[f.Kind] = append(adds[f.Kind], delta.Action{Add: &delta.Add{
			Path: rel, PartitionValues: map[string]string{tables.PartitionColumn: f.Date},
			Size: int64(len(f.Data)), ModificationTime: now, DataChange: true, Stats: f.Stats.String()}})
	}
	for k := range tables.NumKinds {
		b.adds[k], b.has[k] = adds[k], len(adds[k]) > 0
	}
	b.written = true
	return nil
}
