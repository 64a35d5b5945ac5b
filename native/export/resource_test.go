package export

import (
	"testing"

	"github.com/sparkotel/sparkotel/native/config"
)

// TestResourceUsesTheSparkReceiverNames: the JVM passes Spark's conf keys; the resource names
// them as the Collector's apachespark receiver does, so the two join in one backend.
func TestResourceUsesTheSparkReceiverNames(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name=exec-3")
	t.Setenv("OTEL_SERVICE_NAME", "")
	cfg := config.Config{Version: "test", Identity: map[string]string{
		"spark.app.id": "app-42", "spark.app.name": "join-test", "spark.executor.id": "3", "host.name": "node-a"}}
	res, err := newResource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range res.Attributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	for k, v := range map[string]string{"spark.application.id": "app-42", "spark.application.name": "join-test",
		"spark.executor.id": "3", "service.name": "join-test", "service.instance.id": "app-42/3", "host.name": "node-a",
		"k8s.pod.name": "exec-3", "telemetry.sdk.name": "sparkotel"} {
		if got[k] != v {
			t.Errorf("resource %s = %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"spark.app.id", "spark.app.name"} {
		if _, ok := got[k]; ok {
			t.Errorf("resource has %s: Spark's conf key, not the receiver's attribute name", k)
		}
	}
	if got["process.pid"] == "" {
		t.Error("resource lacks process.pid")
	}
}

func TestResourceServiceNameKeyWins(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "from-env")
	cfg := config.Config{Identity: map[string]string{"spark.app.name": "join-test", "service.name": "explicit"}}
	res, err := newResource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := res.Set().Value("service.name"); v.AsString() != "explicit" {
		t.Fatalf("service.name = %q, want the explicit key's value", v.AsString())
	}
}
