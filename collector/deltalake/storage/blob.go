//go:build deltalake_s3 || deltalake_azblob || deltalake_gcs

package storage

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Blob is a Store in an object store bucket. PutIfAbsent is the store's own conditional create
// (S3 and Azure If-None-Match: *, GCS DoesNotExist), which exactly one racing writer wins.
type Blob struct {
	b *blob.Bucket
}

// openBlob opens scheme://bucket/prefix?options: the path becomes a key prefix, the query goes
// to the driver (endpoint, region, use_path_style for S3; domain, protocol, localemu for Azure).
// Credentials are the ones each SDK finds itself (environment, profile, instance identity).
func openBlob(ctx context.Context, u *url.URL) (Store, error) {
	prefix := strings.Trim(u.Path, "/")
	bu := *u
	bu.Path = ""
	b, err := blob.OpenBucket(ctx, bu.String())
	if err != nil {
		return nil, err
	}
	var s Store = &Blob{b: b}
	if prefix != "" {
		s = &closingSub{sub{Store: s, dir: prefix + "/"}}
	}
	return s, nil
}

// closingSub is a prefix view that owns its store.
type closingSub struct{ sub }

func (s *closingSub) Close() error { return s.Store.Close() }

// code maps gocloud error codes to ours.
func code(err error) error {
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return ErrNotExist
	case gcerrors.FailedPrecondition, gcerrors.AlreadyExists:
		return ErrExist
	}
	return err
}

func (s *Blob) Get(ctx context.Context, name string) ([]byte, error) {
	b, err := s.b.ReadAll(ctx, name)
	if err != nil {
		return nil, code(err)
	}
	return b, nil
}

func (s *Blob) Put(ctx context.Context, name string, data []byte) error {
	return s.b.WriteAll(ctx, name, data, &blob.WriterOptions{ContentType: "application/octet-stream"})
}

func (s *Blob) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	err := s.b.WriteAll(ctx, name, data, &blob.WriterOptions{ContentType: "application/octet-stream", IfNotExist: true})
	if err != nil {
		return code(err)
	}
	return nil
}

func (s *Blob) List(ctx context.Context, prefix string) ([]Entry, error) {
	var out []Entry
	it := s.b.List(&blob.ListOptions{Prefix: prefix})
	for {
		o, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if !o.IsDir {
			out = append(out, Entry{Name: o.Key, Size: o.Size, ModTime: o.ModTime})
		}
	}
}

func (s *Blob) Delete(ctx context.Context, name string) error {
	return code(s.b.Delete(ctx, name))
}

func (s *Blob) Close() error { return s.b.Close() }
