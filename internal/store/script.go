package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// DefaultTimeoutMS is a script's run time limit when its settings give 0.
const DefaultTimeoutMS = 60_000

// MaxRetries is the most retries a script may ask for.
const MaxRetries = 3

// MaxSourceBytes bounds one script version's source.
const MaxSourceBytes = 1 << 20

// Script is a named, versioned user script.
type Script struct {
	ID            string
	TenantID      string
	Name          string  // unique within the tenant
	LatestVersion int     // the newest version number, ≥ 1
	Retries       int     // 0–MaxRetries: extra attempts after a failed run
	TimeoutMS     int64   // run time limit
	MemoryBytes   int64   // sandbox memory asked for; 0: operator default
	CPUs          float64 // sandbox CPUs asked for; 0: operator default
	CreatedAt     time.Time
	UpdatedAt     time.Time // last settings change or new version
}

// Settings returns the script's current settings.
func (s Script) Settings() ScriptSettings {
	return ScriptSettings{Retries: s.Retries, TimeoutMS: s.TimeoutMS, MemoryBytes: s.MemoryBytes, CPUs: s.CPUs}
}

// ScriptSettings are a script's mutable run settings.
type ScriptSettings struct {
	Retries   int   // 0–MaxRetries
	TimeoutMS int64 // > 0; 0 means DefaultTimeoutMS
	// MemoryBytes and CPUs ask for sandbox limits other than the
	// operator's defaults (0: the default); the worker clamps them to the
	// operator's maxima.
	MemoryBytes int64
	CPUs        float64
}

// ScriptVersion is one immutable revision of a script's source.
type ScriptVersion struct {
	ScriptID  string
	Version   int    // 1, 2, 3, … per script
	Source    string // empty in ListVersions results
	SHA256    string // hex sha256 of Source
	Filename  string // the name the user uploaded it under ("login-check.js")
	CreatedAt time.Time
}

func (set *ScriptSettings) normalize() error {
	if set.TimeoutMS == 0 {
		set.TimeoutMS = DefaultTimeoutMS
	}
	if set.Retries < 0 || set.Retries > MaxRetries {
		return invalidf("retries %d not in 0–%d", set.Retries, MaxRetries)
	}
	if set.TimeoutMS < 0 {
		return invalidf("timeout %d ms is negative", set.TimeoutMS)
	}
	if set.MemoryBytes < 0 || set.CPUs < 0 {
		return invalidf("memory and cpus must not be negative")
	}
	return nil
}

func checkSource(filename, source string) error {
	if err := checkLabel("filename", filename); err != nil {
		return err
	}
	if len(source) > MaxSourceBytes {
		return invalidf("source is %d bytes, more than %d", len(source), MaxSourceBytes)
	}
	return nil
}

const scriptCols = `id, tenant_id, name, latest_version, retries, timeout_ms, created_at, updated_at, memory_bytes, cpus`

func scanScript(r row) (Script, error) {
	var s Script
	var created, updated int64
	if err := r.Scan(&s.ID, &s.TenantID, &s.Name, &s.LatestVersion, &s.Retries, &s.TimeoutMS, &created, &updated, &s.MemoryBytes, &s.CPUs); err != nil {
		return Script{}, err
	}
	s.CreatedAt, s.UpdatedAt = msTime(created), msTime(updated)
	return s, nil
}

// CreateScript creates a script and its version 1 in one transaction. A
// name the tenant already uses is ErrConflict; an unknown tenant is
// ErrNotFound.
func (o ops) CreateScript(ctx context.Context, tenantID, name, filename, source string, set ScriptSettings) (Script, error) {
	if err := checkLabel("script name", name); err != nil {
		return Script{}, fmt.Errorf("create script: %w", err)
	}
	if err := checkSource(filename, source); err != nil {
		return Script{}, fmt.Errorf("create script: %w", err)
	}
	if err := set.normalize(); err != nil {
		return Script{}, fmt.Errorf("create script: %w", err)
	}
	now := o.s.now()
	sc := Script{ID: o.s.newID(), TenantID: tenantID, Name: name, LatestVersion: 1,
		Retries: set.Retries, TimeoutMS: set.TimeoutMS, MemoryBytes: set.MemoryBytes, CPUs: set.CPUs, CreatedAt: msTime(now), UpdatedAt: msTime(now)}
	err := o.atomic(ctx, func(o ops) error {
		// ON CONFLICT DO NOTHING instead of a unique-violation error keeps a
		// caller's Postgres transaction usable after ErrConflict.
		n, err := o.q.exec(ctx, `INSERT INTO scripts (`+scriptCols+`)
			SELECT ?, id, ?, 1, ?, ?, ?, ?, ?, ? FROM tenants WHERE id = ?
			ON CONFLICT (tenant_id, name) DO NOTHING`,
			sc.ID, name, sc.Retries, sc.TimeoutMS, now, now, sc.MemoryBytes, sc.CPUs, tenantID)
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := o.GetTenant(ctx, tenantID); err != nil {
				return err
			}
			return fmt.Errorf("script name %q already used: %w", name, ErrConflict)
		}
		return o.insertVersion(ctx, sc.ID, 1, filename, source, now)
	})
	if err != nil {
		return Script{}, fmt.Errorf("create script %q: %w", name, err)
	}
	return sc, nil
}

// insertVersion writes a version row.
func (o ops) insertVersion(ctx context.Context, scriptID string, version int, filename, source string, now int64) error {
	sum := sha256.Sum256([]byte(source))
	_, err := o.q.exec(ctx, `INSERT INTO script_versions (script_id, version, source, sha256, filename, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, scriptID, version, source, hex.EncodeToString(sum[:]), filename, now)
	return err
}

// AddVersion stores source as the script's next version and makes it the
// latest. Concurrent calls get distinct, consecutive version numbers.
func (o ops) AddVersion(ctx context.Context, tenantID, scriptID, filename, source string) (ScriptVersion, error) {
	if err := checkSource(filename, source); err != nil {
		return ScriptVersion{}, fmt.Errorf("add version: %w", err)
	}
	var v int
	now := o.s.now()
	err := o.atomic(ctx, func(o ops) error {
		// The UPDATE locks the script row (Postgres) or the database
		// (SQLite), serialising concurrent AddVersion calls.
		err := o.q.queryRow(ctx, `UPDATE scripts SET latest_version = latest_version + 1, updated_at = ?
			WHERE id = ? AND tenant_id = ? RETURNING latest_version`, now, scriptID, tenantID).Scan(&v)
		if err != nil {
			return notFoundOr(err, "bump version", "script "+scriptID)
		}
		return o.insertVersion(ctx, scriptID, v, filename, source, now)
	})
	if err != nil {
		return ScriptVersion{}, fmt.Errorf("add version: %w", err)
	}
	return o.GetVersion(ctx, tenantID, scriptID, v)
}

// GetScript returns the tenant's script.
func (o ops) GetScript(ctx context.Context, tenantID, scriptID string) (Script, error) {
	sc, err := scanScript(o.q.queryRow(ctx, `SELECT `+scriptCols+` FROM scripts WHERE id = ? AND tenant_id = ?`, scriptID, tenantID))
	if err != nil {
		return Script{}, notFoundOr(err, "get script", "script "+scriptID)
	}
	return sc, nil
}

// ListScripts returns up to limit of the tenant's scripts ordered by name
// (bytewise), starting after cursor ("" for the first page), and the
// cursor of the next page ("" when this is the last).
func (o ops) ListScripts(ctx context.Context, tenantID, cursor string, limit int) ([]Script, string, error) {
	after, err := decodeCursor("s", cursor)
	if err != nil {
		return nil, "", fmt.Errorf("list scripts: %w", err)
	}
	limit = clampLimit(limit)
	r, err := o.q.query(ctx, `SELECT `+scriptCols+` FROM scripts WHERE tenant_id = ? AND name > ?
		ORDER BY name LIMIT ?`, tenantID, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("list scripts: %w", err)
	}
	defer r.Close()
	var out []Script
	for r.Next() {
		sc, err := scanScript(r)
		if err != nil {
			return nil, "", fmt.Errorf("list scripts: %w", err)
		}
		out = append(out, sc)
	}
	if err := r.Err(); err != nil {
		return nil, "", fmt.Errorf("list scripts: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor("s", out[limit-1].Name)
	}
	return out, next, nil
}

// UpdateScriptSettings replaces the script's settings.
func (o ops) UpdateScriptSettings(ctx context.Context, tenantID, scriptID string, set ScriptSettings) (Script, error) {
	if err := set.normalize(); err != nil {
		return Script{}, fmt.Errorf("update script: %w", err)
	}
	sc, err := scanScript(o.q.queryRow(ctx, `UPDATE scripts SET retries = ?, timeout_ms = ?, memory_bytes = ?, cpus = ?, updated_at = ?
		WHERE id = ? AND tenant_id = ? RETURNING `+scriptCols, set.Retries, set.TimeoutMS, set.MemoryBytes, set.CPUs, o.s.now(), scriptID, tenantID))
	if err != nil {
		return Script{}, notFoundOr(err, "update script", "script "+scriptID)
	}
	return sc, nil
}

// DeleteScript deletes the script with its versions, params, secrets and
// schedules, in one transaction. Its runs (and their events and
// artifacts) stay, keeping the script's id and name.
func (o ops) DeleteScript(ctx context.Context, tenantID, scriptID string) error {
	err := o.atomic(ctx, func(o ops) error {
		if err := o.ownScript(ctx, tenantID, scriptID); err != nil {
			return err
		}
		// Explicit child deletes, so the result does not depend on the
		// foreign-key cascade being enabled on the connection.
		for _, table := range []string{"schedules", "script_secrets", "script_params", "script_versions"} {
			if _, err := o.q.exec(ctx, `DELETE FROM `+table+` WHERE script_id = ?`, scriptID); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		_, err := o.q.exec(ctx, `DELETE FROM scripts WHERE id = ? AND tenant_id = ?`, scriptID, tenantID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete script: %w", err)
	}
	return nil
}

// ownScript returns ErrNotFound unless the tenant owns the script.
func (o ops) ownScript(ctx context.Context, tenantID, scriptID string) error {
	var one int
	err := o.q.queryRow(ctx, `SELECT 1 FROM scripts WHERE id = ? AND tenant_id = ?`, scriptID, tenantID).Scan(&one)
	if err != nil {
		return notFoundOr(err, "check script", "script "+scriptID)
	}
	return nil
}

const versionCols = `v.script_id, v.version, v.sha256, v.filename, v.created_at`

func scanVersion(r row, source *string) (ScriptVersion, error) {
	var v ScriptVersion
	var created int64
	dest := []any{&v.ScriptID, &v.Version, &v.SHA256, &v.Filename, &created}
	if source != nil {
		dest = append(dest, source)
	}
	if err := r.Scan(dest...); err != nil {
		return ScriptVersion{}, err
	}
	v.CreatedAt = msTime(created)
	return v, nil
}

// ListVersions returns the script's versions, oldest first, without their
// Source (use GetVersion for that).
func (o ops) ListVersions(ctx context.Context, tenantID, scriptID string) ([]ScriptVersion, error) {
	r, err := o.q.query(ctx, `SELECT `+versionCols+` FROM script_versions v JOIN scripts s ON s.id = v.script_id
		WHERE s.id = ? AND s.tenant_id = ? ORDER BY v.version`, scriptID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer r.Close()
	var out []ScriptVersion
	for r.Next() {
		v, err := scanVersion(r, nil)
		if err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		out = append(out, v)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	if len(out) == 0 { // every script has version 1
		return nil, fmt.Errorf("list versions: script %s: %w", scriptID, ErrNotFound)
	}
	return out, nil
}

// GetVersion returns version n of the script with its source; n ≤ 0
// means the latest version.
func (o ops) GetVersion(ctx context.Context, tenantID, scriptID string, n int) (ScriptVersion, error) {
	var src string
	v, err := scanVersion(o.q.queryRow(ctx, `SELECT `+versionCols+`, v.source
		FROM script_versions v JOIN scripts s ON s.id = v.script_id
		WHERE s.id = ? AND s.tenant_id = ? AND v.version = CASE WHEN ? > 0 THEN ? ELSE s.latest_version END`,
		scriptID, tenantID, n, n), &src)
	if err != nil {
		return ScriptVersion{}, notFoundOr(err, "get version", fmt.Sprintf("script %s version %d", scriptID, n))
	}
	v.Source = src
	return v, nil
}
