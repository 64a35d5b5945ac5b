// Command otlpgen sends sparkotel-shaped OTLP metrics to a collector over gRPC, one request per
// tick, and prints as JSON the points per table the collector acknowledged: what the
// lakehouse tests expect to find in the tables.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sparkotel/sparkotel/collector/deltalake/internal/otlpgen"
)

func main() {
	endpoint := flag.String("endpoint", "127.0.0.1:4317", "collector's OTLP gRPC endpoint")
	genID := flag.String("id", "gen", "generator id (resource attribute gen.id)")
	executors := flag.Int("executors", 4, "executors (resources) per request")
	pools := flag.Int("pools", 8, "JVM memory pool series per executor")
	requests := flag.Int("requests", 10, "requests to send (0: until -duration ends or SIGTERM)")
	duration := flag.Duration("duration", 0, "send for this long (with -requests 0)")
	every := flag.Duration("every", 10*time.Millisecond, "time between requests")
	start := flag.String("start", "", "timestamp of the first request (RFC 3339; default now)")
	step := flag.Duration("step", time.Second, "timestamp step between requests")
	flag.Parse()

	t0 := time.Now().UTC().Truncate(time.Second)
	if *start != "" {
		var err error
		if t0, err = time.Parse(time.RFC3339, *start); err != nil {
			fail(err)
		}
	}
	conn, err := grpc.NewClient(*endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	client := pmetricotlp.NewGRPCClient(conn)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	deadline := time.Now().Add(*duration)

	var acked otlpgen.Counts
	failed := 0
	tick := time.NewTicker(*every)
	defer tick.Stop()
	for i, done := 0, false; !done && (*requests == 0 || i < *requests); i++ {
		if *requests == 0 && *duration > 0 && time.Now().After(deadline) {
			break
		}
		md, c := otlpgen.Build(otlpgen.Shape{GenID: *genID, Executors: *executors, Pools: *pools}, t0.Add(time.Duration(i)**step))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := client.Export(ctx, pmetricotlp.NewExportRequestFromMetrics(md), grpc.WaitForReady(true))
		cancel()
		if err != nil {
			failed++ // not acknowledged: the collector may or may not have it; a test counts on acks
			fmt.Fprintln(os.Stderr, "otlpgen: export:", err)
		} else {
			acked.Add(c)
		}
		select {
		case <-stop:
			done = true
		case <-tick.C:
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"otel_metrics_gauge": acked.Gauge, "otel_metrics_sum": acked.Sum, "otel_metrics_histogram": acked.Histogram,
		"otel_metrics_exponential_histogram": acked.ExponentialHistogram, "otel_metrics_summary": acked.Summary,
		"failed_requests": failed,
	})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "otlpgen:", err)
	os.Exit(2)
}
