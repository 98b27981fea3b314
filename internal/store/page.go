package store

import (
	"encoding/base64"
	"strings"
)

// Page sizes for the cursor-paginated list methods.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// clampLimit maps a requested page size to 1…MaxPageSize, with 0 or a
// negative value meaning DefaultPageSize.
func clampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultPageSize
	case limit > MaxPageSize:
		return MaxPageSize
	}
	return limit
}

// encodeCursor makes an opaque cursor: a kind tag (so a runs cursor is not
// accepted by the scripts list) and the sort key of the last item shown.
func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}

// decodeCursor reverses encodeCursor; "" decodes to "" (the first page).
func decodeCursor(kind, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	key, ok := strings.CutPrefix(string(b), kind+":")
	if err != nil || !ok || key == "" {
		return "", invalidf("malformed cursor")
	}
	return key, nil
}
