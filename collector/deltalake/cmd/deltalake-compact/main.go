// Command deltalake-compact rewrites the small files of a Delta table's partitions into large
// ones, one remove+add commit per rewritten group; readers are unaffected. Object-store
// locations need the driver's build tag (deltalake_s3, deltalake_azblob, deltalake_gcs).
//
//	deltalake-compact [-date 2026-12-01] [-min-files 10] [-target-size 134217728] TABLE_LOCATION
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/sparkotel/sparkotel/collector/deltalake/compact"
	"github.com/sparkotel/sparkotel/collector/deltalake/delta"
	"github.com/sparkotel/sparkotel/collector/deltalake/storage"
	"github.com/sparkotel/sparkotel/collector/deltalake/tables"
)

func main() {
	date := flag.String("date", "", "compact only this partition (YYYY-MM-DD); default all")
	minFiles := flag.Int("min-files", 2, "rewrite a partition with at least this many small files")
	target := flag.Int64("target-size", 128<<20, "files below this size are small; new files are about this size")
	codecName := flag.String("compression", "zstd", "zstd, snappy or none")
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	codec, err := tables.Codec(*codecName)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	store, err := storage.Open(ctx, flag.Arg(0))
	if err != nil {
		fail(err)
	}
	defer store.Close()
	t, err := delta.Open(ctx, store, delta.Options{EngineInfo: "sparkotel-deltalake-compact"})
	if err != nil {
		fail(err)
	}
	opts := compact.Options{MinFiles: *minFiles, TargetFileSize: *target, Codec: codec}
	if *date != "" {
		opts.Partition = func(v map[string]string) bool { return v[tables.PartitionColumn] == *date }
	}
	res, err := compact.Run(ctx, t, store, opts)
	if err != nil {
		fail(err)
	}
	fmt.Printf("%d partitions: %d files rewritten into %d (%d rows)\n", res.Partitions, res.FilesRemoved, res.FilesAdded, res.Rows)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "deltalake-compact:", err)
	os.Exit(1)
}
