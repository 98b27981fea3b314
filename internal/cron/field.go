package cron

import (
	"fmt"
	"strconv"
	"strings"
)

// field describes one cron field: its name in errors, its value bounds
// and, for month and day-of-week, its names (index = value).
type field struct {
	name     string
	min, max int // accepted values; day-of-week accepts 7 for Sunday
	names    []string
}

var (
	minuteField = field{name: "minute", min: 0, max: 59}
	hourField   = field{name: "hour", min: 0, max: 23}
	domField    = field{name: "day-of-month", min: 1, max: 31}
	monthField  = field{name: "month", min: 1, max: 12, names: []string{"", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	dowField    = field{name: "day-of-week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
)

// parseFields fills the bit sets from the five cron fields.
func (s *Schedule) parseFields(f []string) error {
	var err error
	if s.minute, err = minuteField.parse(f[0]); err != nil {
		return err
	}
	if s.hour, err = hourField.parse(f[1]); err != nil {
		return err
	}
	if s.dom, err = domField.parse(f[2]); err != nil {
		return err
	}
	if s.month, err = monthField.parse(f[3]); err != nil {
		return err
	}
	if s.dow, err = dowField.parse(f[4]); err != nil {
		return err
	}
	if s.dow&(1<<7) != 0 { // 7 is Sunday
		s.dow = s.dow&^(1<<7) | 1
	}
	s.domStar = strings.HasPrefix(f[2], "*")
	s.dowStar = strings.HasPrefix(f[4], "*")
	return nil
}

// parse parses a comma-separated list of items into a bit set.
func (fd field) parse(text string) (uint64, error) {
	var bits uint64
	for item := range strings.SplitSeq(text, ",") {
		b, problem := fd.parseItem(item, text)
		if problem != "" {
			return 0, fmt.Errorf("cron: %s field %q: %s", fd.name, text, problem)
		}
		bits |= b
	}
	return bits, nil
}

// parseItem parses "*", "v", "a-b", each optionally followed by "/step",
// and returns the bit set or a description of the problem.
func (fd field) parseItem(item, whole string) (uint64, string) {
	if item == "" {
		return 0, "empty list element"
	}
	rng, stepText, hasStep := strings.Cut(item, "/")
	hi := fd.max
	if fd.max == 7 {
		hi = 6 // day-of-week "*" means SUN-SAT once, not 0-7
	}
	lo := fd.min
	if rng != "*" {
		loText, hiText, isRange := strings.Cut(rng, "-")
		var problem string
		if lo, problem = fd.value(loText, whole); problem != "" {
			return 0, problem
		}
		switch {
		case isRange:
			if hi, problem = fd.value(hiText, whole); problem != "" {
				return 0, problem
			}
			if fd.max == 7 && hi == 0 && lo > 0 {
				hi = 7 // FRI-SUN: Sunday as the end of a range is 7
			}
			if lo > hi {
				return 0, fmt.Sprintf("range %q: start is after end", rng)
			}
		case !hasStep:
			hi = lo
		}
		// "v/step" (no range) means v through the maximum.
	}
	step := 1
	if hasStep {
		span := fd.max - fd.min
		if fd.max == 7 {
			span = 6
		}
		n, err := strconv.Atoi(stepText)
		if err != nil || !isDigits(stepText) {
			return 0, fmt.Sprintf("invalid step %q", stepText)
		}
		if n < 1 || n > span {
			return 0, fmt.Sprintf("step %d out of range 1-%d", n, span)
		}
		step = n
	}
	var bits uint64
	for v := lo; v <= hi; v += step {
		bits |= 1 << v
	}
	return bits, ""
}

// value parses a number or (for named fields) a name, checking bounds.
func (fd field) value(tok, whole string) (int, string) {
	switch {
	case tok == "":
		return 0, "missing value"
	case isDigits(tok):
		n, err := strconv.Atoi(tok)
		if err != nil || n < fd.min || n > fd.max {
			return 0, fmt.Sprintf("value %s out of range %d-%d", tok, fd.min, fd.max)
		}
		return n, ""
	case fd.names != nil && isLetters(tok):
		for i, name := range fd.names {
			if name != "" && strings.EqualFold(tok, name) {
				return i, ""
			}
		}
		if tok == whole {
			return 0, "unknown name"
		}
		return 0, fmt.Sprintf("unknown name %q", tok)
	}
	return 0, fmt.Sprintf("invalid value %q", tok)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
