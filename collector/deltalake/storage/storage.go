package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
)

// ErrExist is returned by PutIfAbsent when the object is already there: the caller lost a race.
var ErrExist = errors.New("storage: object already exists")

// ErrNotExist is returned by Get and Delete for a missing object.
var ErrNotExist = errors.New("storage: object does not exist")

// Entry is one object found by List.
type Entry struct {
	Name    string // relative to the store's root, slash-separated
	Size    int64
	ModTime time.Time
}

// Store holds a tree of objects named by slash-separated relative paths. Every method is safe
// for concurrent use. Writes are all-or-nothing: a reader sees a whole object or none.
type Store interface {
	// Get reads a whole object; ErrNotExist if it is missing.
	Get(ctx context.Context, name string) ([]byte, error)
	// Put writes an object, replacing any object of that name.
	Put(ctx context.Context, name string, data []byte) error
	// PutIfAbsent creates an object only if none of that name exists, atomically across
	// processes and machines; ErrExist otherwise. Any other error leaves the outcome unknown
	// only for object stores (a lost response); callers re-read to find out.
	PutIfAbsent(ctx context.Context, name string, data []byte) error
	// List returns the objects whose names start with prefix, in lexical order.
	List(ctx context.Context, prefix string) ([]Entry, error)
	// Delete removes an object; ErrNotExist if it is missing.
	Delete(ctx context.Context, name string) error
	// Close releases the store's resources.
	Close() error
}

// opener opens an object store URL; drivers register one per scheme (build tags).
type opener func(ctx context.Context, u *url.URL) (Store, error)

var openers = map[string]opener{}

// buildTag names the build tag that compiles each object-store driver in.
var buildTag = map[string]string{"s3": "deltalake_s3", "azblob": "deltalake_azblob", "gs": "deltalake_gcs"}

// Open returns the store at location: a local directory (a path or a file:// URL) or an object
// store URL (s3://bucket/prefix, azblob://container/prefix, gs://bucket/prefix) whose driver
// is compiled in.
func Open(ctx context.Context, location string) (Store, error) {
	if location == "" {
		return nil, errors.New("empty location")
	}
	u, err := url.Parse(location)
	if err != nil || u.Scheme == "" || len(u.Scheme) == 1 { // a Windows drive letter is no scheme
		return NewLocal(location)
	}
	if u.Scheme == "file" {
		return NewLocal(u.Path)
	}
	open, ok := openers[u.Scheme]
	if !ok {
		if tag, known := buildTag[u.Scheme]; known {
			return nil, fmt.Errorf("%s:// support is not compiled in (build with -tags %s)", u.Scheme, tag)
		}
		return nil, fmt.Errorf("unknown scheme %q (want a path, file://, s3://, azblob:// or gs://)", u.Scheme)
	}
	return open(ctx, u)
}

// Sub returns a view of s whose names are relative to dir.
func Sub(s Store, dir string) Store {
	return &sub{Store: s, dir: strings.Trim(dir, "/") + "/"}
}

type sub struct {
	Store
	dir string
}

func (s *sub) Get(ctx context.Context, name string) ([]byte, error) {
	return s.Store.Get(ctx, s.dir+name)
}

func (s *sub) Put(ctx context.Context, name string, data []byte) error {
	return s.Store.Put(ctx, s.dir+name, data)
}

func (s *sub) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	return s.Store.PutIfAbsent(ctx, s.dir+name, data)
}

func (s *sub) Delete(ctx context.Context, name string) error {
	return s.Store.Delete(ctx, s.dir+name)
}

func (s *sub) List(ctx context.Context, prefix string) ([]Entry, error) {
	es, err := s.Store.List(ctx, s.dir+prefix)
	for i := range es {
		es[i].Name = strings.TrimPrefix(es[i].Name, s.dir)
	}
	return es, err
}

// Close of a view leaves the underlying store open.
func (s *sub) Close() error { return nil }

// clean refuses names that would escape the store's root.
func clean(name string) (string, error) {
	c := path.Clean("/" + name)[1:]
	if c == "" || c != strings.TrimSuffix(name, "/") {
		return "", fmt.Errorf("storage: bad object name %q", name)
	}
	return c, nil
}
