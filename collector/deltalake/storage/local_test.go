package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestPutIfAbsentHasOneWinner(t *testing.T) {
	s, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for key := range 50 {
		var wins atomic.Int32
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.PutIfAbsent(ctx, fmt.Sprintf("log/%03d.json", key), []byte(strconv.Itoa(w)))
				switch {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, ErrExist):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n := wins.Load(); n != 1 {
			t.Fatalf("key %d: %d winners", key, n)
		}
	}
	es, err := s.List(ctx, "log/")
	if err != nil || len(es) != 50 {
		t.Fatalf("listed %d objects (%v), want 50 and no temporary files", len(es), err)
	}
}

// TestPutIfAbsentAcrossProcesses races writer processes (this test binary re-executed) on
// the same keys: a hard link decides, not a lock inside one process.
func TestPutIfAbsentAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("STORAGE_RACE_DIR"); dir != "" {
		s, _ := NewLocal(dir)
		won := 0
		for key := range 200 {
			if s.PutIfAbsent(context.Background(), fmt.Sprintf("%03d", key), []byte(os.Getenv("STORAGE_RACE_ID"))) == nil {
				won++
			}
		}
		fmt.Print(won)
		return
	}
	dir := t.TempDir()
	var outs [4][]byte
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestPutIfAbsentAcrossProcesses$")
			cmd.Env = append(os.Environ(), "STORAGE_RACE_DIR="+dir, "STORAGE_RACE_ID="+strconv.Itoa(i))
			outs[i], _ = cmd.Output()
		}()
	}
	wg.Wait()
	total := 0
	for _, o := range outs {
		var n int
		fmt.Sscan(string(o), &n)
		total += n
	}
	if total != 200 {
		t.Fatalf("%d wins over 200 keys, want exactly 200", total)
	}
}

func TestNamesStayInsideTheRoot(t *testing.T) {
	s, _ := NewLocal(t.TempDir())
	for _, bad := range []string{"../x", "a/../../x", "/", ""} {
		if err := s.Put(context.Background(), bad, nil); err == nil {
			t.Errorf("Put(%q) succeeded", bad)
		}
	}
}

func TestSubAndGet(t *testing.T) {
	s, _ := NewLocal(t.TempDir())
	sub := Sub(s, "t1")
	ctx := context.Background()
	if err := sub.Put(ctx, "a/b", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Get(ctx, "t1/a/b"); err != nil || string(b) != "x" {
		t.Fatalf("Get = %q, %v", b, err)
	}
	if es, _ := sub.List(ctx, "a/"); len(es) != 1 || es[0].Name != "a/b" {
		t.Fatalf("List = %v", es)
	}
	if _, err := sub.Get(ctx, "missing"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Get(missing) = %v", err)
	}
}

func TestOpenNamesMissingDriver(t *testing.T) {
	if _, ok := openers["s3"]; ok {
		t.Skip("s3 compiled in")
	}
	_, err := Open(context.Background(), "s3://bucket/x")
	if err == nil || !strings.Contains(err.Error(), "deltalake_s3") {
		t.Fatalf("err = %v, want the build tag named", err)
	}
}
