package export

import (
	"context"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/sparkotel/sparkotel/native/config"
)

// sparkResource maps the identity the JVM passes (under Spark's conf keys) to the resource
// attributes the Collector's Spark receiver (apachespark) emits, so that our data and the
// receiver's join on the same application and executor in one backend.
var sparkResource = [...]struct{ conf, attr string }{
	{"spark.app.id", "spark.application.id"},
	{"spark.app.name", "spark.application.name"},
	{"spark.executor.id", "spark.executor.id"},
}

// newResource describes this JVM: service.name defaults to the Spark app name and
// OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (k8s pod name, ...) are merged over the
// defaults; an explicit service.name key wins over both.
func newResource(cfg config.Config) (*resource.Resource, error) {
	id := cfg.Identity
	host := id["host.name"]
	if host == "" {
		host, _ = os.Hostname()
	}
	service := id["spark.app.name"]
	if service == "" {
		service = "spark"
	}
	attrs := []attribute.KeyValue{
		attribute.String("service.name", service),
		attribute.String("host.name", host),
		attribute.Int("process.pid", os.Getpid()),
		attribute.String("telemetry.sdk.name", "sparkotel"),
		attribute.String("telemetry.sdk.version", cfg.Version),
	}
	for _, k := range sparkResource {
		if v := id[k.conf]; v != "" {
			attrs = append(attrs, attribute.String(k.attr, v))
		}
	}
	if id["spark.app.id"] != "" && id["spark.executor.id"] != "" {
		attrs = append(attrs, attribute.String("service.instance.id", id["spark.app.id"]+"/"+id["spark.executor.id"]))
	}
	opts := []resource.Option{resource.WithAttributes(attrs...), resource.WithFromEnv()}
	if v := id["service.name"]; v != "" {
		opts = append(opts, resource.WithAttributes(attribute.String("service.name", v)))
	}
	return resource.New(context.Background(), opts...)
}
