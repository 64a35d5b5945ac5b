package probe

import (
	"os"
	"strconv"
	"testing"
)

func TestChildrenProbeFollowsTheTreeBelowThePID(t *testing.T) {
	got := collect(t, fixtureEnv("v2"), "children")
	expect(t, got, map[string]float64{
		// daemon 5000 and its worker 5001 (a grandchild); 6000 is a python of another parent
		"sparkotel.children.count{sparkotel.child.kind=python}":        2,
		"sparkotel.children.memory.usage{sparkotel.child.kind=python}": float64(30000 * pageSize),
		"sparkotel.children.count{sparkotel.child.kind=other}":         1,
		"sparkotel.children.memory.usage{sparkotel.child.kind=other}":  float64(1000 * pageSize),
	})
}

func TestChildrenProbeSeesNewChildrenBetweenRescans(t *testing.T) {
	root := t.TempDir()
	write := func(pid, ppid int, comm string) { writeStat(t, root, pid, ppid, comm) }
	write(100, 1, "java")
	write(200, 1, "other") // foreign: skipped after the first cycle
	p := newChildrenProbe(Env{ProcRoot: root, PID: 100})
	expectPython(t, p, 0, "python children")
	write(300, 100, "python3") // a new worker appears mid-way between rescans
	write(301, 300, "python3")
	expectPython(t, p, 2, "new python children not seen")
	_ = os.RemoveAll(root + "/301")
	expectPython(t, p, 1, "exited child still counted")
}

func TestChildrenProbeListsProcOnlyWhenAPidWasHandedOut(t *testing.T) {
	root := t.TempDir()
	write := func(pid, ppid int, comm string) { writeStat(t, root, pid, ppid, comm) }
	lastPID := func(pid int) {
		if err := os.WriteFile(root+"/loadavg", []byte("0.50 0.40 0.30 2/180 "+strconv.Itoa(pid)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(100, 1, "java")
	write(300, 100, "python3")
	write(301, 300, "python3")
	lastPID(301)
	p := newChildrenProbe(Env{ProcRoot: root, PID: 100})
	expectPython(t, p, 2, "python children")
	// No pid handed out: /proc is not listed, so even a planted entry stays unseen...
	write(302, 300, "python3")
	expectPython(t, p, 2, "listed /proc although the last pid did not move")
	// ...but the known descendants are re-read, so an exit shows at once.
	_ = os.RemoveAll(root + "/301")
	expectPython(t, p, 1, "exited child still counted")
	lastPID(302) // a pid was handed out: list again
	expectPython(t, p, 2, "new child not seen after the last pid moved")
}

// writeStat puts a /proc/<pid>/stat for a process named comm with parent ppid below root.
func writeStat(t *testing.T, root string, pid, ppid int, comm string) {
	dir := root + "/" + strconv.Itoa(pid)
	_ = os.MkdirAll(dir, 0o755)
	line := strconv.Itoa(pid) + " (" + comm + ") S " + strconv.Itoa(ppid) + " 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1000 10 0\n"
	if err := os.WriteFile(dir+"/stat", []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
}

// expectPython runs one cycle of p and fails unless it counted want python children.
func expectPython(t *testing.T, p Probe, want int64, why string) {
	t.Helper()
	var r Recorder
	if err := p.Collect(&r); err != nil {
		t.Fatal(err)
	}
	if n := r.Points[0].Int; n != want {
		t.Fatalf("%s: %d python children, want %d", why, n, want)
	}
}
