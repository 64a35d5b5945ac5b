//go:build deltalake_gcs

package storage

import _ "gocloud.dev/blob/gcsblob" // registers gs://

func init() { openers["gs"] = openBlob }
