package otlpjsonfile

import (
	"context"
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
)

// Config of the exporter.
type Config struct {
	// Path of the file to append to; created if missing.
	Path string `mapstructure:"path"`
}

// Validate is called by the collector on start-up.
func (c *Config) Validate() error {
	if c.Path == "" {
		return errors.New("otlpjsonfile: path is required")
	}
	return nil
}

var typ = component.MustNewType("otlpjsonfile")

// NewFactory is the entry the collector builder wires in.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(typ, func() component.Config { return &Config{} },
		exporter.WithMetrics(createMetrics, component.StabilityLevelDevelopment))
}

func createMetrics(_ context.Context, _ exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	return &fileExporter{path: cfg.(*Config).Path}, nil
}
