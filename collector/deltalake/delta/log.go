package delta

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

const logDir = "_delta_log/"

// commitName is the log file of version v.
func commitName(v int64) string { return fmt.Sprintf("%s%020d.json", logDir, v) }

// checkpointName is the classic single-file checkpoint of version v.
func checkpointName(v int64) string { return fmt.Sprintf("%s%020d.checkpoint.parquet", logDir, v) }

const lastCheckpointName = logDir + "_last_checkpoint"

// lastCheckpoint is the content of _last_checkpoint.
type lastCheckpoint struct {
	Version       int64 `json:"version"`
	Size          int64 `json:"size"`
	SizeInBytes   int64 `json:"sizeInBytes,omitempty"`
	NumOfAddFiles int64 `json:"numOfAddFiles,omitempty"`
}

// parseLogName returns the version of a commit or classic checkpoint file name (relative to
// the table) and which it is; ok is false for any other file.
func parseLogName(name string) (v int64, checkpoint, ok bool) {
	base, found := strings.CutPrefix(name, logDir)
	if !found || len(base) < 20 {
		return 0, false, false
	}
	v, err := strconv.ParseInt(base[:20], 10, 64)
	if err != nil {
		return 0, false, false
	}
	switch base[20:] {
	case ".json":
		return v, false, true
	case ".checkpoint.parquet":
		return v, true, true
	}
	return 0, false, false
}

// encodeCommit renders actions as a commit: one JSON object per line.
func encodeCommit(actions []Action) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range actions {
		if err := enc.Encode(&actions[i]); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// decodeCommit parses a commit file; unknown action kinds (cdc, domainMetadata, ...) are kept
// as empty actions, which replay ignores.
func decodeCommit(b []byte) ([]Action, error) {
	var out []Action
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var a Action
		if err := json.Unmarshal(line, &a); err != nil {
			return nil, fmt.Errorf("delta: bad commit line: %w", err)
		}
		out = append(out, a)
	}
	return out, sc.Err()
}
