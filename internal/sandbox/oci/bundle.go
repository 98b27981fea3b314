package oci

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/skriptable/skriptable/internal/sandbox"
)

// etcVersion changes whenever the generated /etc changes shape.
const etcVersion = "skriptable-etc-1"

// etcFiles is the whole generated /etc apart from the copied trees. Root's
// home is /tmp, the only writable directory; runc and crun set HOME from
// here when Spec.Env lacks it.
var etcFiles = map[string]string{
	"passwd":        "root:x:0:0:root:/tmp:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
	"group":         "root:x:0:\nnogroup:x:65534:\n",
	"hosts":         "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
	"nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\n",
	"resolv.conf":   "",
	"hostname":      "sandbox\n",
}

// etcCopies are host paths copied into the generated /etc. They hold no
// secrets: font configuration (Chromium renders no text without it), the
// public TLS roots, and the dynamic linker's cache of the libraries under
// /usr (only an index; it saves every exec a directory search).
var etcCopies = []string{"fonts", "ssl/certs", "ld.so.cache"}

// ensureEtc builds the minimal /etc under stateDir once and returns its
// path. The directory name carries a hash of the content, so a changed
// host (new fonts, new CA roots) or a new etcVersion gets a fresh
// directory while containers still running from the old one keep theirs;
// Reap removes the old ones.
func ensureEtc(stateDir, hostEtc string) (string, error) {
	sum, err := etcHash(hostEtc)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(stateDir, "etc-"+sum)
	// The directory appears by an atomic rename once complete.
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(stateDir, "etc-tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op after a successful rename
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	for name, content := range etcFiles {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	for _, rel := range etcCopies {
		if err := copyTree(filepath.Join(hostEtc, rel), filepath.Join(tmp, rel)); err != nil {
			return "", fmt.Errorf("copying %s: %w", rel, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(dir); serr == nil {
			return dir, nil // another driver won the race with the same content
		}
		return "", err
	}
	return dir, nil
}

// etcHash fingerprints etcVersion, etcFiles and the copied host trees by
// name, size, mode and modification time.
func etcHash(hostEtc string) (string, error) {
	h := sha256.New()
	io.WriteString(h, etcVersion)
	b, _ := json.Marshal(etcFiles)
	h.Write(b)
	for _, rel := range etcCopies {
		err := filepath.WalkDir(filepath.Join(hostEtc, rel), func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d %v %d\n", p, info.Size(), info.Mode(), info.ModTime().UnixNano())
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// copyTree copies a file or directory tree, keeping symlinks as symlinks:
// the CA bundle and fontconfig links point into /usr/share, which the
// sandbox sees too. A missing source is not an error.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == src {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil // sockets, fifos, devices: never copied
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// rootfsDirs are the mount points every rootfs needs. In a user namespace
// the runtime runs as the unprivileged mapped root and cannot create them
// in our root-owned, read-only rootfs (`mkdir …/rootfs/x: permission
// denied`), so they must exist beforehand.
var rootfsDirs = []string{"proc", "dev", "sys", "usr", "etc", "tmp"}

// mergedUsr are the symlinks of a merged-/usr system, so /bin/sh and the
// dynamic loader at /lib64 resolve into the bind-mounted /usr.
var mergedUsr = map[string]string{"bin": "usr/bin", "lib": "usr/lib", "lib64": "usr/lib64", "sbin": "usr/sbin"}

// makeRootfs creates an empty rootfs with the mount points for the fixed
// mounts and for spec's binds.
func makeRootfs(rootfs string, binds []sandbox.Bind) error {
	if err := os.Mkdir(rootfs, 0o755); err != nil {
		return err
	}
	for _, d := range rootfsDirs {
		if err := os.Mkdir(filepath.Join(rootfs, d), 0o755); err != nil {
			return err
		}
	}
	// runc copies the mount point's mode onto the tmpfs; Chromium needs a
	// sticky, world-writable /tmp (os-sandbox.md §0).
	if err := os.Chmod(filepath.Join(rootfs, "tmp"), 0o777|os.ModeSticky); err != nil {
		return err
	}
	for name, target := range mergedUsr {
		if err := os.Symlink(target, filepath.Join(rootfs, name)); err != nil {
			return err
		}
	}
	for _, b := range binds {
		st, err := os.Stat(b.Source)
		if err != nil {
			return fmt.Errorf("bind source: %w", err)
		}
		mp := filepath.Join(rootfs, strings.TrimPrefix(b.Dest, "/"))
		if err := os.MkdirAll(filepath.Dir(mp), 0o755); err != nil {
			return err
		}
		if st.IsDir() {
			err = os.Mkdir(mp, 0o755)
		} else {
			err = os.WriteFile(mp, nil, 0o644)
		}
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}
