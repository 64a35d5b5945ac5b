package deltalake

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/sparkotel/sparkotel/collector/deltalake/compact"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

// compactLoop rewrites small files of every table every Compaction.Interval.
func (e *deltaExporter) compactLoop() {
	defer e.wg.Done()
	tick := time.NewTicker(e.cfg.Compaction.Interval)
	defer tick.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-tick.C:
		}
		for k := range tables.NumKinds {
			ctx, cancel := context.WithTimeout(context.Background(), e.cfg.Compaction.Interval)
			t, err := e.table(ctx, k)
			if err == nil {
				var res compact.Result
				res, err = compact.Run(ctx, t, storage.Sub(e.store, e.cfg.TablePrefix+k.Name()), compact.Options{
					MinFiles: e.cfg.Compaction.MinFiles, TargetFileSize: e.cfg.Compaction.TargetFileSize, Codec: e.codec})
				if res.FilesRemoved > 0 {
					e.logger.Info("deltalake: compacted", zap.String("table", e.cfg.TablePrefix+k.Name()),
						zap.Int("files_removed", res.FilesRemoved), zap.Int("files_added", res.FilesAdded))
				}
			}
			cancel()
			if err != nil {
				e.logger.Warn("deltalake: compaction failed", zap.String("table", e.cfg.TablePrefix+k.Name()), zap.Error(err))
			}
		}
	}
}
