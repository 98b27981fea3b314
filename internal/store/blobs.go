package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
)

// Blobs stores artifact bytes by content: the address of a blob is the
// hex sha256 of its bytes, so identical artifacts share storage and a
// blob never changes once written. Implementations must be safe for
// concurrent use.
type Blobs interface {
	// Put reads r to the end and stores its bytes, returning their size
	// and hex sha256. More than maxBytes bytes fail with ErrTooLarge and
	// store nothing. A failed Put leaves no partial blob behind.
	Put(ctx context.Context, r io.Reader, maxBytes int64) (size int64, sha256hex string, err error)
	// Open returns the blob's bytes; a missing blob is ErrNotFound.
	Open(ctx context.Context, sha256hex string) (io.ReadCloser, error)
}

// DirBlobs is a Blobs in a directory: dir/ab/cdef… for the blob whose
// sha256 is abcdef…, written through dir/tmp/ and renamed into place. All
// access goes through an os.Root, so no name can reach outside dir.
type DirBlobs struct {
	root *os.Root
}

var _ Blobs = (*DirBlobs)(nil)

// NewDirBlobs opens (creating if needed) a blob directory. Close it when
// done.
func NewDirBlobs(dir string) (*DirBlobs, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob dir: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob dir: %w", err)
	}
	if err := root.MkdirAll("tmp", 0o700); err != nil {
		root.Close()
		return nil, fmt.Errorf("blob dir: %w", err)
	}
	return &DirBlobs{root: root}, nil
}

// Close releases the directory handle.
func (d *DirBlobs) Close() error { return d.root.Close() }

// blobPath maps a hex sha256 to its relative path, rejecting anything
// that is not 64 lower-case hex digits.
func blobPath(sum string) (string, error) {
	if len(sum) != 64 {
		return "", invalidf("blob address %q is not a sha256", sum)
	}
	for i := 0; i < len(sum); i++ {
		if c := sum[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", invalidf("blob address %q is not lower-case hex", sum)
		}
	}
	return path.Join(sum[:2], sum[2:]), nil
}

// Put streams r into a temporary file while hashing it, then renames the
// file to its address (replacing an identical blob is harmless).
func (d *DirBlobs) Put(ctx context.Context, r io.Reader, maxBytes int64) (int64, string, error) {
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return 0, "", err
	}
	tmp := path.Join("tmp", hex.EncodeToString(rnd[:]))
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			_ = d.root.Remove(tmp)
		}
	}()
	h := sha256.New()
	// Read one byte past the cap to tell "exactly maxBytes" from "more".
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, maxBytes+1))
	if err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	if n > maxBytes {
		return 0, "", fmt.Errorf("put blob: more than %d bytes: %w", maxBytes, ErrTooLarge)
	}
	if err := f.Sync(); err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	p, _ := blobPath(sum)
	if err := d.root.MkdirAll(path.Dir(p), 0o700); err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	if err := d.root.Rename(tmp, p); err != nil {
		return 0, "", fmt.Errorf("put blob: %w", err)
	}
	done = true
	return n, sum, nil
}

// Open opens the blob with the given address.
func (d *DirBlobs) Open(_ context.Context, sum string) (io.ReadCloser, error) {
	p, err := blobPath(sum)
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	f, err := d.root.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open blob %s: %w", sum, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	return f, nil
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
