package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"
)

// Secrets are encrypted script parameters. At rest each value is
//
//	0x01 || nonce (12 bytes, random per write) || AES-256-GCM ciphertext+tag
//
// sealed with Config.SecretKey and associated data naming the script id
// and the secret's name, so a ciphertext copied to another row (another
// name or script) fails to decrypt. Values leave the store only through
// SecretValues, which the launcher calls when it starts a run.

// secretFormat is the first byte of every stored secret; a future key
// rotation scheme can use another value.
const secretFormat = 0x01

// SecretInfo describes a secret without its value.
type SecretInfo struct {
	Name      string
	UpdatedAt time.Time
}

// secretAD is the associated data binding a ciphertext to its row.
func secretAD(scriptID, name string) []byte {
	return []byte("skriptable/secret/v1\x00" + scriptID + "\x00" + name)
}

// seal encrypts a secret value for (scriptID, name).
func (s *Store) seal(scriptID, name, value string) ([]byte, error) {
	if s.aead == nil {
		return nil, invalidf("no secret key configured (Config.SecretKey)")
	}
	ns := s.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(value)+s.aead.Overhead())
	out[0] = secretFormat
	nonce := out[1 : 1+ns]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, nonce, []byte(value), secretAD(scriptID, name)), nil
}

// open decrypts what seal produced; any mismatch is ErrDecrypt.
func (s *Store) open(scriptID, name string, ct []byte) (string, error) {
	if s.aead == nil {
		return "", invalidf("no secret key configured (Config.SecretKey)")
	}
	ns := s.aead.NonceSize()
	if len(ct) < 1+ns+s.aead.Overhead() || ct[0] != secretFormat {
		return "", fmt.Errorf("secret %s: unknown format: %w", name, ErrDecrypt)
	}
	pt, err := s.aead.Open(nil, ct[1:1+ns], ct[1+ns:], secretAD(scriptID, name))
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", name, ErrDecrypt)
	}
	return string(pt), nil
}

// SetSecret encrypts and stores a secret of the tenant's script,
// replacing one of the same name. Names match [A-Za-z_][A-Za-z0-9_]*.
func (o ops) SetSecret(ctx context.Context, tenantID, scriptID, name, value string) error {
	if err := checkIdent("secret name", name); err != nil {
		return fmt.Errorf("set secret: %w", err)
	}
	if err := checkValue("secret value", value); err != nil {
		return fmt.Errorf("set secret: %w", err)
	}
	ct, err := o.s.seal(scriptID, name, value)
	if err != nil {
		return fmt.Errorf("set secret %s: %w", name, err)
	}
	n, err := o.q.exec(ctx, `INSERT INTO script_secrets (script_id, name, ciphertext, updated_at)
		SELECT id, ?, ?, ? FROM scripts WHERE id = ? AND tenant_id = ?
		ON CONFLICT (script_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
		name, ct, o.s.now(), scriptID, tenantID)
	if err != nil {
		return fmt.Errorf("set secret %s: %w", name, err)
	}
	if n == 0 {
		return fmt.Errorf("set secret %s: script %s: %w", name, scriptID, ErrNotFound)
	}
	return nil
}

// DeleteSecret deletes one secret; a missing secret is ErrNotFound.
func (o ops) DeleteSecret(ctx context.Context, tenantID, scriptID, name string) error {
	n, err := o.q.exec(ctx, `DELETE FROM script_secrets WHERE script_id = ? AND name = ?
		AND script_id IN (SELECT id FROM scripts WHERE id = ? AND tenant_id = ?)`, scriptID, name, scriptID, tenantID)
	if err != nil {
		return fmt.Errorf("delete secret: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("delete secret: secret %s of script %s: %w", name, scriptID, ErrNotFound)
	}
	return nil
}

// ListSecretNames returns the script's secrets by name, without values.
func (o ops) ListSecretNames(ctx context.Context, tenantID, scriptID string) ([]SecretInfo, error) {
	var out []SecretInfo
	err := o.eachScriptChild(ctx, tenantID, scriptID, `p.name, p.updated_at`, `script_secrets`, func(r row) error {
		var si SecretInfo
		var updated int64
		if err := r.Scan(&si.Name, &updated); err != nil {
			return err
		}
		si.UpdatedAt = msTime(updated)
		out = append(out, si)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list secrets: %w", err)
	}
	return out, nil
}

// SecretValues decrypts all of the script's secrets (an empty map when it
// has none). A value that does not decrypt fails the whole call with
// ErrDecrypt naming the secret: running with a secret silently missing
// would be worse than not running.
func (o ops) SecretValues(ctx context.Context, tenantID, scriptID string) (map[string]string, error) {
	type sealed struct {
		name string
		ct   []byte
	}
	var rows []sealed
	err := o.eachScriptChild(ctx, tenantID, scriptID, `p.name, p.ciphertext`, `script_secrets`, func(r row) error {
		var s sealed
		if err := r.Scan(&s.name, &s.ct); err != nil {
			return err
		}
		rows = append(rows, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("secret values: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, s := range rows {
		v, err := o.s.open(scriptID, s.name, s.ct)
		if err != nil {
			return nil, fmt.Errorf("secret values of script %s: %w", scriptID, err)
		}
		out[s.name] = v
	}
	return out, nil
}
