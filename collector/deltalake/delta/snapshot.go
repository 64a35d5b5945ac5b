package delta

import "time"

// Snapshot is the table's state at one version: what a reader would see, plus the tombstones
// and application versions a checkpoint must carry.
type Snapshot struct {
	Version  int64 // -1: no commit yet
	Protocol *Protocol
	Metadata *Metadata
	Files    map[string]*Add    // active files by path
	Removes  map[string]*Remove // tombstones by path
	Txns     map[string]*Txn    // by application id
}

func newSnapshot() *Snapshot {
	return &Snapshot{Version: -1, Files: map[string]*Add{}, Removes: map[string]*Remove{}, Txns: map[string]*Txn{}}
}

// apply replays one commit's actions onto the snapshot, as version v.
func (s *Snapshot) apply(v int64, actions []Action) {
	for _, a := range actions {
		switch {
		case a.Protocol != nil:
			s.Protocol = a.Protocol
		case a.MetaData != nil:
			s.Metadata = a.MetaData
		case a.Txn != nil:
			s.Txns[a.Txn.AppID] = a.Txn
		case a.Add != nil:
			s.Files[a.Add.Path] = a.Add
			delete(s.Removes, a.Add.Path)
		case a.Remove != nil:
			delete(s.Files, a.Remove.Path)
			s.Removes[a.Remove.Path] = a.Remove
		}
	}
	s.Version = v
}

// expireTombstones drops removes older than retention: readers older than that are not
// expected to still be reading the files they name.
func (s *Snapshot) expireTombstones(now time.Time, retention time.Duration) {
	cut := now.Add(-retention).UnixMilli()
	for p, r := range s.Removes {
		if r.DeletionTimestamp < cut {
			delete(s.Removes, p)
		}
	}
}

// NumRecords is the sum of the active files' numRecords (files without stats count zero).
func (s *Snapshot) NumRecords() int64 {
	var n int64
	for _, a := range s.Files {
		if st, err := ParseStats(a.Stats); err == nil {
			n += st.NumRecords
		}
	}
	return n
}
