package deltalake

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

// Config of the deltalake exporter.
type Config struct {
	exporterhelper.TimeoutConfig `mapstructure:",squash"`
	QueueBatch                   configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	Retry                        configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// Path is where the tables live: a directory (or file:// URL), or s3://bucket/prefix,
	// azblob://container/prefix, gs://bucket/prefix when that driver is compiled in. Each
	// table is a directory under it named TablePrefix + kind.
	Path string `mapstructure:"path"`
	// TablePrefix names the tables (default otel_metrics_, as the ClickHouse exporter).
	TablePrefix string `mapstructure:"table_prefix"`
	// Compression of the data files: zstd (default), snappy or none.
	Compression string `mapstructure:"compression"`
	// CheckpointInterval writes a Delta checkpoint every this many commits (default 10).
	CheckpointInterval int64 `mapstructure:"checkpoint_interval"`
	// LogRetention deletes log entries older than this behind a checkpoint; 0 keeps them all
	// (default 720h, Delta's 30 days).
	LogRetention time.Duration `mapstructure:"log_retention"`
	// Compaction rewrites partitions' small files in the background.
	Compaction CompactionConfig `mapstructure:"compaction"`

	_ struct{}
}

// CompactionConfig: a partition with at least MinFiles files smaller than TargetFileSize is
// rewritten into files of about TargetFileSize, every Interval (0 turns it off).
type CompactionConfig struct {
	Interval       time.Duration `mapstructure:"interval"`
	MinFiles       int           `mapstructure:"min_files"`
	TargetFileSize int64         `mapstructure:"target_file_size"`
}

// Validate names the offending key, as the collector prints it before refusing to start.
func (c *Config) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("path: required (a directory, or s3://, azblob://, gs:// URL)"))
	}
	if _, err := tables.Codec(c.Compression); err != nil {
		errs = append(errs, fmt.Errorf("compression: %w", err))
	}
	if c.CheckpointInterval < 1 {
		errs = append(errs, fmt.Errorf("checkpoint_interval: must be at least 1, got %d", c.CheckpointInterval))
	}
	if c.LogRetention < 0 {
		errs = append(errs, fmt.Errorf("log_retention: must not be negative, got %s", c.LogRetention))
	}
	if c.Compaction.Interval < 0 {
		errs = append(errs, fmt.Errorf("compaction::interval: must not be negative, got %s", c.Compaction.Interval))
	}
	if c.Compaction.Interval > 0 && c.Compaction.MinFiles < 2 {
		errs = append(errs, fmt.Errorf("compaction::min_files: must be at least 2, got %d", c.Compaction.MinFiles))
	}
	if c.Compaction.Interval > 0 && c.Compaction.TargetFileSize < 1<<20 {
		errs = append(errs, fmt.Errorf("compaction::target_file_size: must be at least 1 MiB, got %d", c.Compaction.TargetFileSize))
	}
	if c.TablePrefix == "" {
		errs = append(errs, errors.New("table_prefix: must not be empty"))
	}
	return errors.Join(errs...)
}
