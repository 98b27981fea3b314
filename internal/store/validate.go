package store

import (
	"io/fs"
	"strings"
	"unicode/utf8"
)

// Size limits of user-chosen strings.
const (
	maxLabelLen = 200 // tenant, key, script names; filenames; cron, timezone
	maxNameLen  = 128 // param and secret names
	maxValueLen = 64 << 10
)

// checkLabel validates a human-chosen display name: non-empty, at most
// maxLabelLen bytes, valid UTF-8, no control characters.
func checkLabel(what, s string) error {
	switch {
	case s == "":
		return invalidf("%s is empty", what)
	case len(s) > maxLabelLen:
		return invalidf("%s is longer than %d bytes", what, maxLabelLen)
	case !utf8.ValidString(s):
		return invalidf("%s is not valid UTF-8", what)
	case hasControl(s):
		return invalidf("%s %q contains a control character", what, s)
	}
	return nil
}

// checkIdent validates a param or secret name: [A-Za-z_][A-Za-z0-9_]*, at
// most maxNameLen bytes, so it can become an environment variable.
func checkIdent(what, s string) error {
	if s == "" || len(s) > maxNameLen {
		return invalidf("%s %q must be 1–%d characters", what, s, maxNameLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return invalidf("%s %q must match [A-Za-z_][A-Za-z0-9_]*", what, s)
		}
	}
	return nil
}

// checkValue bounds a param or secret value.
func checkValue(what, v string) error {
	if len(v) > maxValueLen {
		return invalidf("%s is longer than %d bytes", what, maxValueLen)
	}
	if !utf8.ValidString(v) {
		return invalidf("%s is not valid UTF-8", what)
	}
	return nil
}

// checkArtifactName accepts clean relative slash-separated paths such as
// "shots/login.png" (the runner's artifact names): no "..", no leading
// '/', no empty or "." elements, no backslash or control character.
func checkArtifactName(name string) error {
	if len(name) > 255 || !fs.ValidPath(name) || name == "." || strings.ContainsRune(name, '\\') ||
		!utf8.ValidString(name) || hasControl(name) {
		return invalidf("artifact name %q must be a clean relative path of at most 255 bytes", name)
	}
	return nil
}

// hasControl reports whether s contains an ASCII control character.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
