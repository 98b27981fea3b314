package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// APIKeyPrefix starts every plaintext API key.
const APIKeyPrefix = "sk_"

// keyEncoding renders a key's 32 random bytes as 52 lower-case characters.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// APIKey is a tenant's credential. Only its sha256 hash is stored; the
// plaintext exists once, in CreateAPIKey's result.
type APIKey struct {
	ID         string
	TenantID   string
	Name       string
	Prefix     string    // the plaintext's first 11 characters, for display ("sk_abcdefgh")
	CreatedAt  time.Time //
	LastUsedAt time.Time // zero if never used
	RevokedAt  time.Time // zero unless revoked
}

// Revoked reports whether the key was revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

const apiKeyCols = `k.id, k.tenant_id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at`

func scanAPIKey(r row, extra ...any) (APIKey, error) {
	var k APIKey
	var created int64
	var used, revoked *int64
	dest := append([]any{&k.ID, &k.TenantID, &k.Name, &k.Prefix, &created, &used, &revoked}, extra...)
	if err := r.Scan(dest...); err != nil {
		return APIKey{}, err
	}
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = msTime(created), optTime(used), optTime(revoked)
	return k, nil
}

// hashKey is the stored form of a plaintext key.
func hashKey(plaintext string) string {
	sum := sha256.Sum256([]byte(plaintext))
	return hex.EncodeToString(sum[:])
}

// CreateAPIKey mints a key for the tenant and returns it with its
// plaintext ("sk_" + 52 base32 characters). The plaintext is not stored
// and cannot be recovered later.
func (o ops) CreateAPIKey(ctx context.Context, tenantID, name string) (APIKey, string, error) {
	if err := checkLabel("key name", name); err != nil {
		return APIKey{}, "", fmt.Errorf("create api key: %w", err)
	}
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return APIKey{}, "", fmt.Errorf("create api key: %w", err)
	}
	plain := APIKeyPrefix + keyEncoding.EncodeToString(secret[:])
	k := APIKey{ID: o.s.newID(), TenantID: tenantID, Name: name, Prefix: plain[:11], CreatedAt: msTime(o.s.now())}
	n, err := o.q.exec(ctx, `INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at)
		SELECT ?, id, ?, ?, ?, ? FROM tenants WHERE id = ?`,
		k.ID, k.Name, k.Prefix, hashKey(plain), k.CreatedAt.UnixMilli(), tenantID)
	if err != nil {
		return APIKey{}, "", fmt.Errorf("create api key: %w", err)
	}
	if n == 0 {
		return APIKey{}, "", fmt.Errorf("create api key: tenant %s: %w", tenantID, ErrNotFound)
	}
	return k, plain, nil
}

// ListAPIKeys returns the tenant's keys, revoked ones included, oldest
// first.
func (o ops) ListAPIKeys(ctx context.Context, tenantID string) ([]APIKey, error) {
	r, err := o.q.query(ctx, `SELECT `+apiKeyCols+` FROM api_keys k WHERE k.tenant_id = ? ORDER BY k.id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer r.Close()
	var out []APIKey
	for r.Next() {
		k, err := scanAPIKey(r)
		if err != nil {
			return nil, fmt.Errorf("list api keys: %w", err)
		}
		out = append(out, k)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return out, nil
}

// RevokeAPIKey revokes the key; revoking a revoked key is a no-op that
// keeps the first revocation time.
func (o ops) RevokeAPIKey(ctx context.Context, tenantID, keyID string) error {
	n, err := o.q.exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND tenant_id = ?`,
		o.s.now(), keyID, tenantID)
	if err != nil {
		return fmt.Errorf("revoke api key: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("revoke api key: key %s: %w", keyID, ErrNotFound)
	}
	return nil
}

// AuthenticateKey resolves a plaintext key to the key and its tenant. An
// unknown or malformed key is ErrNotFound; a revoked key is ErrRevoked.
// The lookup is by hash, so timing does not reveal key prefixes.
func (o ops) AuthenticateKey(ctx context.Context, plaintext string) (APIKey, Tenant, error) {
	if !strings.HasPrefix(plaintext, APIKeyPrefix) || len(plaintext) > 128 {
		return APIKey{}, Tenant{}, fmt.Errorf("authenticate: malformed key: %w", ErrNotFound)
	}
	var t Tenant
	var created int64
	k, err := scanAPIKey(o.q.queryRow(ctx, `SELECT `+apiKeyCols+`, t.id, t.name, t.admin, t.created_at
		FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = ?`, hashKey(plaintext)),
		&t.ID, &t.Name, &t.Admin, &created)
	if err != nil {
		return APIKey{}, Tenant{}, notFoundOr(err, "authenticate", "unknown key")
	}
	t.CreatedAt = msTime(created)
	if k.Revoked() {
		return APIKey{}, Tenant{}, fmt.Errorf("authenticate: key %s (%s): %w", k.ID, k.Prefix, ErrRevoked)
	}
	return k, t, nil
}

// TouchKey records now as the key's last use.
func (o ops) TouchKey(ctx context.Context, tenantID, keyID string) error {
	n, err := o.q.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND tenant_id = ?`, o.s.now(), keyID, tenantID)
	if err != nil {
		return fmt.Errorf("touch api key: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("touch api key: key %s: %w", keyID, ErrNotFound)
	}
	return nil
}
