package store

import (
	"context"
	"fmt"
)

// Params are a script's default run parameters (name → value), passed to
// the script as environment variables; run and schedule params override
// them.

// SetParam creates or replaces a param of the tenant's script. Names match
// [A-Za-z_][A-Za-z0-9_]*.
func (o ops) SetParam(ctx context.Context, tenantID, scriptID, name, value string) error {
	if err := checkIdent("param name", name); err != nil {
		return fmt.Errorf("set param: %w", err)
	}
	if err := checkValue("param value", value); err != nil {
		return fmt.Errorf("set param: %w", err)
	}
	// INSERT … SELECT inserts nothing unless the tenant owns the script.
	// (SQLite needs the WHERE clause to parse the upsert after a SELECT.)
	n, err := o.q.exec(ctx, `INSERT INTO script_params (script_id, name, value, updated_at)
		SELECT id, ?, ?, ? FROM scripts WHERE id = ? AND tenant_id = ?
		ON CONFLICT (script_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, o.s.now(), scriptID, tenantID)
	if err != nil {
		return fmt.Errorf("set param %s: %w", name, err)
	}
	if n == 0 {
		return fmt.Errorf("set param %s: script %s: %w", name, scriptID, ErrNotFound)
	}
	return nil
}

// GetParam returns one param's value.
func (o ops) GetParam(ctx context.Context, tenantID, scriptID, name string) (string, error) {
	var v string
	err := o.q.queryRow(ctx, `SELECT p.value FROM script_params p JOIN scripts s ON s.id = p.script_id
		WHERE s.id = ? AND s.tenant_id = ? AND p.name = ?`, scriptID, tenantID, name).Scan(&v)
	if err != nil {
		return "", notFoundOr(err, "get param", fmt.Sprintf("param %s of script %s", name, scriptID))
	}
	return v, nil
}

// DeleteParam deletes one param; a missing param is ErrNotFound.
func (o ops) DeleteParam(ctx context.Context, tenantID, scriptID, name string) error {
	n, err := o.q.exec(ctx, `DELETE FROM script_params WHERE script_id = ? AND name = ?
		AND script_id IN (SELECT id FROM scripts WHERE id = ? AND tenant_id = ?)`, scriptID, name, scriptID, tenantID)
	if err != nil {
		return fmt.Errorf("delete param: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("delete param: param %s of script %s: %w", name, scriptID, ErrNotFound)
	}
	return nil
}

// ListParams returns all params of the script (an empty map when it has
// none; ErrNotFound when the tenant has no such script).
func (o ops) ListParams(ctx context.Context, tenantID, scriptID string) (map[string]string, error) {
	out := map[string]string{}
	err := o.eachScriptChild(ctx, tenantID, scriptID, `p.name, p.value`, `script_params`, func(r row) error {
		var name, value string
		if err := r.Scan(&name, &value); err != nil {
			return err
		}
		out[name] = value
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list params: %w", err)
	}
	return out, nil
}

// eachScriptChild calls fn for each row of a child table (aliased p) of
// the tenant's script, selecting cols ordered by p.name; it fails with
// ErrNotFound when the tenant has no such script. (Two reads: a script
// deleted in between yields no rows rather than ErrNotFound, which is
// equally true.)
func (o ops) eachScriptChild(ctx context.Context, tenantID, scriptID, cols, table string, fn func(r row) error) error {
	if err := o.ownScript(ctx, tenantID, scriptID); err != nil {
		return err
	}
	r, err := o.q.query(ctx, `SELECT `+cols+` FROM `+table+` p WHERE p.script_id = ? ORDER BY p.name`, scriptID)
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		if err := fn(r); err != nil {
			return err
		}
	}
	return r.Err()
}
