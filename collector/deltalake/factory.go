package deltalake

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

var typ = component.MustNewType("deltalake")

// NewFactory is the entry the collector builder wires in.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(typ, createDefaultConfig,
		exporter.WithMetrics(createMetrics, component.StabilityLevelAlpha))
}

// createDefaultConfig: batches of 50,000 to 200,000 points, or whatever arrived in 5 s, so
// files are worth reading and a live report sees data within seconds; a queue bounded at
// 1,000,000 points that refuses more (the receiver's client retries) rather than growing.
func createDefaultConfig() component.Config {
	q := exporterhelper.NewDefaultQueueConfig()
	q.Sizer = exporterhelper.RequestSizerTypeItems
	q.QueueSize = 1_000_000
	q.NumConsumers = 2
	b := exporterhelper.NewDefaultBatchConfig()
	b.Sizer = exporterhelper.RequestSizerTypeItems
	b.FlushTimeout = 5 * time.Second
	b.MinSize = 50_000
	b.MaxSize = 200_000
	q.Batch = configoptional.Some(b)
	timeout := exporterhelper.NewDefaultTimeoutConfig()
	timeout.Timeout = 30 * time.Second
	return &Config{
		TimeoutConfig:      timeout,
		QueueBatch:         configoptional.Some(q),
		Retry:              configretry.NewDefaultBackOffConfig(),
		TablePrefix:        "otel_metrics_",
		Compression:        "zstd",
		CheckpointInterval: 10,
		LogRetention:       30 * 24 * time.Hour,
		Compaction:         CompactionConfig{MinFiles: 10, TargetFileSize: 128 << 20},
	}
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	c := cfg.(*Config)
	e := newExporter(c, set)
	return exporterhelper.NewMetrics(ctx, set, cfg, e.push,
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithTimeout(c.TimeoutConfig),
		exporterhelper.WithQueue(c.QueueBatch),
		exporterhelper.WithRetry(c.Retry))
}
