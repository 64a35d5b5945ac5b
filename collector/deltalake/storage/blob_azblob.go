//go:build deltalake_azblob

package storage

import _ "gocloud.dev/blob/azureblob" // registers azblob://

func init() { openers["azblob"] = openBlob }
