package store

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Artifact is a file a run produced. Its bytes live in the blob store
// under SHA256; the database holds this metadata.
type Artifact struct {
	RunID       string
	Name        string // clean relative path, unique per run ("shots/login.png")
	ContentType string
	Size        int64
	SHA256      string // hex
	CreatedAt   time.Time
}

const artifactCols = `a.run_id, a.name, a.content_type, a.size, a.sha256, a.created_at`

func scanArtifact(r row) (Artifact, error) {
	var a Artifact
	var created int64
	if err := r.Scan(&a.RunID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &created); err != nil {
		return Artifact{}, err
	}
	a.CreatedAt = msTime(created)
	return a, nil
}

// blobStore returns the configured blob store or an explanatory error.
func (o ops) blobStore() (Blobs, error) {
	if o.s.blobs == nil {
		return nil, invalidf("no blob store configured (Config.BlobDir)")
	}
	return o.s.blobs, nil
}

// PutArtifact streams r into the blob store, computing its size and
// sha256 (more than Config.MaxArtifactBytes is ErrTooLarge), and records
// it as artifact name of the tenant's run. Artifacts are immutable: a
// name the run already has is ErrConflict. The blob is written before
// the row, outside any transaction; a failure in between leaves an
// unreferenced blob (harmless, and shared if the same bytes come again).
func (o ops) PutArtifact(ctx context.Context, tenantID, runID, name, contentType string, r io.Reader) (Artifact, error) {
	if err := checkArtifactName(name); err != nil {
		return Artifact{}, fmt.Errorf("put artifact: %w", err)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	if err := checkLabel("content type", contentType); err != nil {
		return Artifact{}, fmt.Errorf("put artifact: %w", err)
	}
	blobs, err := o.blobStore()
	if err != nil {
		return Artifact{}, fmt.Errorf("put artifact: %w", err)
	}
	if _, err := o.GetRun(ctx, tenantID, runID); err != nil { // before writing any bytes
		return Artifact{}, fmt.Errorf("put artifact: %w", err)
	}
	size, sum, err := blobs.Put(ctx, r, o.s.maxBlob)
	if err != nil {
		return Artifact{}, fmt.Errorf("put artifact %s: %w", name, err)
	}
	a := Artifact{RunID: runID, Name: name, ContentType: contentType, Size: size, SHA256: sum, CreatedAt: msTime(o.s.now())}
	n, err := o.q.exec(ctx, `INSERT INTO artifacts (run_id, name, content_type, size, sha256, created_at)
		SELECT id, ?, ?, ?, ?, ? FROM runs WHERE id = ? AND tenant_id = ?
		ON CONFLICT (run_id, name) DO NOTHING`,
		name, contentType, size, sum, a.CreatedAt.UnixMilli(), runID, tenantID)
	if err != nil {
		return Artifact{}, fmt.Errorf("put artifact %s: %w", name, err)
	}
	if n == 0 {
		return Artifact{}, fmt.Errorf("put artifact: run %s already has %s: %w", runID, name, ErrConflict)
	}
	return a, nil
}

// ListArtifacts returns the run's artifacts ordered by name.
func (o ops) ListArtifacts(ctx context.Context, tenantID, runID string) ([]Artifact, error) {
	if _, err := o.GetRun(ctx, tenantID, runID); err != nil {
		return nil, fmt.Errorf("list artifacts: %w", err)
	}
	r, err := o.q.query(ctx, `SELECT `+artifactCols+` FROM artifacts a WHERE a.run_id = ? ORDER BY a.name`, runID)
	if err != nil {
		return nil, fmt.Errorf("list artifacts: %w", err)
	}
	defer r.Close()
	var out []Artifact
	for r.Next() {
		a, err := scanArtifact(r)
		if err != nil {
			return nil, fmt.Errorf("list artifacts: %w", err)
		}
		out = append(out, a)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("list artifacts: %w", err)
	}
	return out, nil
}

// OpenArtifact returns the artifact's metadata and a reader of its bytes,
// which the caller must close.
func (o ops) OpenArtifact(ctx context.Context, tenantID, runID, name string) (io.ReadCloser, Artifact, error) {
	blobs, err := o.blobStore()
	if err != nil {
		return nil, Artifact{}, fmt.Errorf("open artifact: %w", err)
	}
	a, err := scanArtifact(o.q.queryRow(ctx, `SELECT `+artifactCols+` FROM artifacts a JOIN runs r ON r.id = a.run_id
		WHERE r.id = ? AND r.tenant_id = ? AND a.name = ?`, runID, tenantID, name))
	if err != nil {
		return nil, Artifact{}, notFoundOr(err, "open artifact", fmt.Sprintf("artifact %s of run %s", name, runID))
	}
	rc, err := blobs.Open(ctx, a.SHA256)
	if err != nil {
		return nil, Artifact{}, fmt.Errorf("open artifact %s: %w", name, err)
	}
	return rc, a, nil
}
