package deltalake

import (
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// The durable queue is exporterhelper's: `sending_queue: storage: <extension>` must reach it
// through our config without dropping the batching defaults it is merged with.
func TestSendingQueueTakesAStorageExtension(t *testing.T) {
	cfg, err := loadConfig(t, "path: /tmp/x\nsending_queue:\n  storage: file_storage\n  batch:\n    flush_timeout: 1s\n")
	if err != nil {
		t.Fatal(err)
	}
	q := cfg.QueueBatch.Get()
	if q.StorageID == nil || *q.StorageID != component.MustNewID("file_storage") {
		t.Fatalf("storage: got %v", q.StorageID)
	}
	if q.Sizer != exporterhelper.RequestSizerTypeItems || q.QueueSize != 1_000_000 || q.Batch.Get().MinSize != 50_000 {
		t.Fatalf("defaults lost: sizer %v, queue_size %d, min_size %d", q.Sizer, q.QueueSize, q.Batch.Get().MinSize)
	}
}
