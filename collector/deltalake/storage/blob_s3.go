//go:build deltalake_s3

package storage

import _ "gocloud.dev/blob/s3blob" // registers s3://

func init() { openers["s3"] = openBlob }
