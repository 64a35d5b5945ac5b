// Package delta writes and reads the Delta Lake transaction log: the subset an append-only
// writer with compaction needs (protocol reader 1 / writer 2). No Go Delta library can be had,
// so this is ours: commits are created only if absent and retried at the next version on a
// lost race, appends carry file statistics, txn actions make a writer's retries idempotent,
// and classic (V1) checkpoints with _last_checkpoint let readers skip old commits.
//
// Spec: https://github.com/delta-io/delta/blob/master/PROTOCOL.md
package delta
