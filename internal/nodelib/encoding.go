package nodelib

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// Buffer's encodings, implemented the way Node's C++ side does them.
// Encoding names arrive normalised by the library: utf8, ucs2, latin1,
// ascii, hex, base64, base64url.

// units returns a JS string's UTF-16 code units.
func units(s sobek.String) []uint16 {
	n := s.Length()
	out := make([]uint16, n)
	for i := 0; i < n; i++ {
		out[i] = s.CharAt(i)
	}
	return out
}

// encodeString is Buffer.from(string, encoding).
func encodeString(s sobek.String, enc string) []byte {
	switch enc {
	case "latin1", "ascii":
		u := units(s)
		b := make([]byte, len(u))
		for i, c := range u {
			b[i] = byte(c)
		}
		return b
	case "ucs2":
		u := units(s)
		b := make([]byte, 2*len(u))
		for i, c := range u {
			b[2*i], b[2*i+1] = byte(c), byte(c>>8)
		}
		return b
	case "hex":
		return decodeHex(s.String())
	case "base64", "base64url":
		return decodeBase64(s.String())
	}
	// UTF-8: lone surrogates become U+FFFD, as in Node.
	return []byte(string(utf16.Decode(units(s))))
}

// decodeHex decodes pairs of hex digits up to the first invalid pair, like
// Node (which ignores an odd last digit).
func decodeHex(s string) []byte {
	out := make([]byte, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		var b [1]byte
		if _, err := hex.Decode(b[:], []byte(s[i:i+2])); err != nil {
			break
		}
		out = append(out, b[0])
	}
	return out
}

var base64Values = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
		t[c] = int8(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// decodeBase64 decodes standard or URL-safe base64 leniently, as Node's
// Buffer does: characters outside the alphabet are skipped, decoding stops
// at the first '=', and a trailing partial group yields what it can.
func decodeBase64(s string) []byte {
	out := make([]byte, 0, len(s)*3/4)
	var acc uint32
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			break
		}
		v := base64Values[c]
		if v < 0 {
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

// decodeBytes is buf.toString(encoding).
func decodeBytes(b []byte, enc string) sobek.Value {
	switch enc {
	case "latin1":
		u := make([]uint16, len(b))
		for i, c := range b {
			u[i] = uint16(c)
		}
		return sobek.StringFromUTF16(u)
	case "ascii":
		u := make([]uint16, len(b))
		for i, c := range b {
			u[i] = uint16(c & 0x7f)
		}
		return sobek.StringFromUTF16(u)
	case "ucs2":
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return sobek.StringFromUTF16(u)
	case "hex":
		return stringValue(hex.EncodeToString(b))
	case "base64":
		return stringValue(base64.StdEncoding.EncodeToString(b))
	case "base64url":
		return stringValue(base64.RawURLEncoding.EncodeToString(b))
	}
	return stringValue(decodeUTF8(b))
}

func stringValue(s string) sobek.Value {
	return sobek.StringFromUTF16(utf16.Encode([]rune(s)))
}

// decodeUTF8 decodes like the WHATWG UTF-8 decoder (and Node): each maximal
// subpart of an ill-formed sequence becomes one U+FFFD.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			sb.WriteByte(c)
			i++
			continue
		}
		need, lo, hi := 0, byte(0x80), byte(0xbf)
		switch {
		case c >= 0xc2 && c <= 0xdf:
			need = 1
		case c == 0xe0:
			need, lo = 2, 0xa0
		case c >= 0xe1 && c <= 0xec, c == 0xee, c == 0xef:
			need = 2
		case c == 0xed:
			need, hi = 2, 0x9f
		case c == 0xf0:
			need, lo = 3, 0x90
		case c >= 0xf1 && c <= 0xf3:
			need = 3
		case c == 0xf4:
			need, hi = 3, 0x8f
		default:
			sb.WriteRune(utf8.RuneError)
			i++
			continue
		}
		j := i + 1
		ok := true
		for k := 0; k < need; k++ {
			if j >= len(b) || b[j] < lo || b[j] > hi {
				ok = false
				break
			}
			lo, hi = 0x80, 0xbf
			j++
		}
		if !ok {
			sb.WriteRune(utf8.RuneError)
			i = j
			continue
		}
		sb.Write(b[i:j])
		i = j
	}
	return sb.String()
}

func compareBytes(a, b []byte) int { return bytes.Compare(a, b) }

// indexOfBytes finds needle in hay at or after from (or, with last, at or
// before from); -1 if absent.
func indexOfBytes(hay, needle []byte, from int, last bool) int {
	if last {
		if from < 0 {
			return -1
		}
		end := min(from+len(needle), len(hay))
		return bytes.LastIndex(hay[:end], needle)
	}
	if from < 0 {
		from = 0
	}
	if from > len(hay) {
		return -1
	}
	i := bytes.Index(hay[from:], needle)
	if i < 0 {
		return -1
	}
	return i + from
}

// atob is the WHATWG forgiving-base64 decode. code is 0 on success, -2 for
// an invalid character and -1 for a length that cannot be base64 (Node's
// codes).
func atob(s sobek.String) (sobek.Value, int) {
	u := units(s)
	data := make([]byte, 0, len(u))
	for _, c := range u {
		switch c {
		case ' ', '\t', '\n', '\f', '\r':
			continue
		}
		if c > 0x7f {
			return nil, -2
		}
		data = append(data, byte(c))
	}
	if len(data)%4 == 0 {
		if bytes.HasSuffix(data, []byte("==")) {
			data = data[:len(data)-2]
		} else if bytes.HasSuffix(data, []byte("=")) {
			data = data[:len(data)-1]
		}
	}
	for _, c := range data {
		if c == '-' || c == '_' || base64Values[c] < 0 {
			return nil, -2
		}
	}
	if len(data)%4 == 1 {
		return nil, -1
	}
	return decodeBytes(decodeBase64(string(data)), "latin1"), 0
}

// btoa encodes a string of Latin-1 characters; ok is false for others.
func btoa(s sobek.String) (string, bool) {
	u := units(s)
	b := make([]byte, len(u))
	for i, c := range u {
		if c > 0xff {
			return "", false
		}
		b[i] = byte(c)
	}
	return base64.StdEncoding.EncodeToString(b), true
}

// hashBytes digests data with the named algorithm (an HMAC when key is not
// nil); ok is false for an unknown algorithm.
func hashBytes(alg string, data, key []byte) ([]byte, bool) {
	var newHash func() hash.Hash
	switch strings.ToLower(alg) {
	case "md5":
		newHash = md5.New
	case "sha1", "sha-1":
		newHash = sha1.New
	case "sha256", "sha-256":
		newHash = sha256.New
	case "sha384", "sha-384":
		newHash = sha512.New384
	case "sha512", "sha-512":
		newHash = sha512.New
	default:
		return nil, false
	}
	var h hash.Hash
	if key != nil {
		h = hmac.New(newHash, key)
	} else {
		h = newHash()
	}
	h.Write(data)
	return h.Sum(nil), true
}
