// Package storage is where a Delta table's files live: a local directory or an object store
// (S3, Azure Blob, GCS through gocloud.dev, each driver behind a build tag). The one operation
// the Delta log needs beyond get/put/list is PutIfAbsent: a commit is created only if no other
// writer created it first, and exactly one of two racing writers wins.
package storage
