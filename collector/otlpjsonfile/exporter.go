package otlpjsonfile

import (
	"context"
	"os"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

type fileExporter struct {
	path string
	mu   sync.Mutex
	f    *os.File
	enc  pmetric.JSONMarshaler
}

func (e *fileExporter) Start(context.Context, component.Host) error {
	f, err := os.OpenFile(e.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	e.f = f
	return err
}

func (e *fileExporter) Shutdown(context.Context) error {
	if e.f == nil {
		return nil
	}
	return e.f.Close()
}

func (e *fileExporter) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// ConsumeMetrics writes the batch as one line, whole: readers never see half a document.
func (e *fileExporter) ConsumeMetrics(_ context.Context, md pmetric.Metrics) error {
	b, err := e.enc.MarshalMetrics(md)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err = e.f.Write(append(b, '\n'))
	return err
}
