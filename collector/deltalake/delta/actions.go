package delta

// The actions of the log. One struct serves both the JSON commits (json tags) and the
// checkpoint's Parquet rows (parquet tags), so the two cannot drift.

// Protocol names the reader and writer versions a client needs.
type Protocol struct {
	MinReaderVersion int32 `json:"minReaderVersion" parquet:"minReaderVersion"`
	MinWriterVersion int32 `json:"minWriterVersion" parquet:"minWriterVersion"`
}

// Format is a table's file format.
type Format struct {
	Provider string            `json:"provider" parquet:"provider"`
	Options  map[string]string `json:"options" parquet:"options"`
}

// Metadata is a table's identity, schema and partitioning.
type Metadata struct {
	ID               string            `json:"id" parquet:"id"`
	Name             string            `json:"name,omitempty" parquet:"name,optional"`
	Description      string            `json:"description,omitempty" parquet:"description,optional"`
	Format           Format            `json:"format" parquet:"format"`
	SchemaString     string            `json:"schemaString" parquet:"schemaString"`
	PartitionColumns []string          `json:"partitionColumns" parquet:"partitionColumns,list"`
	Configuration    map[string]string `json:"configuration" parquet:"configuration"`
	CreatedTime      int64             `json:"createdTime,omitempty" parquet:"createdTime,optional"`
}

// Txn records the last version of an application's writes this table has committed.
type Txn struct {
	AppID       string `json:"appId" parquet:"appId"`
	Version     int64  `json:"version" parquet:"version"`
	LastUpdated int64  `json:"lastUpdated,omitempty" parquet:"lastUpdated,optional"`
}

// Add puts a data file into the table.
type Add struct {
	Path             string            `json:"path" parquet:"path"`
	PartitionValues  map[string]string `json:"partitionValues" parquet:"partitionValues"`
	Size             int64             `json:"size" parquet:"size"`
	ModificationTime int64             `json:"modificationTime" parquet:"modificationTime"`
	DataChange       bool              `json:"dataChange" parquet:"dataChange"`
	Stats            string            `json:"stats,omitempty" parquet:"stats,optional"`
}

// Remove takes a data file out of the table; kept as a tombstone until vacuum may delete it.
type Remove struct {
	Path                 string            `json:"path" parquet:"path"`
	DeletionTimestamp    int64             `json:"deletionTimestamp" parquet:"deletionTimestamp,optional"`
	DataChange           bool              `json:"dataChange" parquet:"dataChange"`
	ExtendedFileMetadata bool              `json:"extendedFileMetadata" parquet:"extendedFileMetadata,optional"`
	PartitionValues      map[string]string `json:"partitionValues" parquet:"partitionValues"`
	Size                 int64             `json:"size" parquet:"size,optional"`
}

// CommitInfo is provenance only; readers ignore it and checkpoints leave it out.
type CommitInfo struct {
	Timestamp     int64          `json:"timestamp"`
	Operation     string         `json:"operation"`
	Parameters    map[string]any `json:"operationParameters"`
	IsBlindAppend bool           `json:"isBlindAppend"`
	EngineInfo    string         `json:"engineInfo"`
}

// Action is one line of a commit: exactly one field is set.
type Action struct {
	Protocol   *Protocol   `json:"protocol,omitempty"`
	MetaData   *Metadata   `json:"metaData,omitempty"`
	Txn        *Txn        `json:"txn,omitempty"`
	Add        *Add        `json:"add,omitempty"`
	Remove     *Remove     `json:"remove,omitempty"`
	CommitInfo *CommitInfo `json:"commitInfo,omitempty"`
}

// checkpointRow is one row of a classic checkpoint: one action per row.
type checkpointRow struct {
	Txn      *Txn      `parquet:"txn,optional"`
	Add      *Add      `parquet:"add,optional"`
	Remove   *Remove   `parquet:"remove,optional"`
	MetaData *Metadata `parquet:"metaData,optional"`
	Protocol *Protocol `parquet:"protocol,optional"`
}

// Stats are an added file's statistics, stored as a JSON string in Add.Stats.
type Stats struct {
	NumRecords int64          `json:"numRecords"`
	MinValues  map[string]any `json:"minValues,omitempty"`
	MaxValues  map[string]any `json:"maxValues,omitempty"`
	NullCount  map[string]any `json:"nullCount,omitempty"`
}
