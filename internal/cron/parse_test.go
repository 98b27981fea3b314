package cron

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// set renders a bit set as its sorted values, e.g. "0,15,30,45".
func set(mask uint64) string {
	var vs []string
	for _, v := range values(mask, 0, 63) {
		vs = append(vs, fmt.Sprint(v))
	}
	return strings.Join(vs, ",")
}

func seq(lo, hi, step int) string {
	var vs []string
	for v := lo; v <= hi; v += step {
		vs = append(vs, fmt.Sprint(v))
	}
	return strings.Join(vs, ",")
}

func TestParseSyntax(t *testing.T) {
	t.Parallel()
	all := [5]string{seq(0, 59, 1), seq(0, 23, 1), seq(1, 31, 1), seq(1, 12, 1), seq(0, 6, 1)}
	tests := []struct {
		expr, norm string
		want       [5]string // minute, hour, dom, month, dow; "" = all
	}{
		{"* * * * *", "* * * * *", [5]string{}},
		{"0 0 * * *", "0 0 * * *", [5]string{"0", "0"}},
		{"1,2,3 * * * *", "1,2,3 * * * *", [5]string{"1,2,3"}},
		{"* 1-5 * * *", "* 1-5 * * *", [5]string{"", "1,2,3,4,5"}},
		{"*/15 * * * *", "*/15 * * * *", [5]string{"0,15,30,45"}},
		{"1-30/7 * * * *", "1-30/7 * * * *", [5]string{"1,8,15,22,29"}},
		{"50/5 * * * *", "50/5 * * * *", [5]string{"50,55"}},
		{"0,30-32,*/20 * * * *", "0,30-32,*/20 * * * *", [5]string{"0,20,30,31,32,40"}},
		{"* * */10 * *", "* * */10 * *", [5]string{"", "", "1,11,21,31"}},
		{"* * * jan,Jun,DEC *", "* * * JAN,JUN,DEC *", [5]string{"", "", "", "1,6,12"}},
		{"* * * mar-may *", "* * * MAR-MAY *", [5]string{"", "", "", "3,4,5"}},
		{"* * * */3 *", "* * * */3 *", [5]string{"", "", "", "1,4,7,10"}},
		{"* * * * mon-fri", "* * * * MON-FRI", [5]string{"", "", "", "", "1,2,3,4,5"}},
		{"* * * * Sun,sat", "* * * * SUN,SAT", [5]string{"", "", "", "", "0,6"}},
		{"* * * * 7", "* * * * 7", [5]string{"", "", "", "", "0"}},
		{"* * * * 5-7", "* * * * 5-7", [5]string{"", "", "", "", "0,5,6"}},
		{"* * * * FRI-SUN", "* * * * FRI-SUN", [5]string{"", "", "", "", "0,5,6"}},
		{"* * * * */2", "* * * * */2", [5]string{"", "", "", "", "0,2,4,6"}},
		{"  5   4  *  *  * ", "5 4 * * *", [5]string{"5", "4"}},
		{"@yearly", "@yearly", [5]string{"0", "0", "1", "1"}},
		{"@annually", "@yearly", [5]string{"0", "0", "1", "1"}},
		{"@monthly", "@monthly", [5]string{"0", "0", "1"}},
		{"@weekly", "@weekly", [5]string{"0", "0", "", "", "0"}},
		{"@daily", "@daily", [5]string{"0", "0"}},
		{"@MIDNIGHT", "@daily", [5]string{"0", "0"}},
		{"@hourly", "@hourly", [5]string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr, "")
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != tt.norm {
				t.Errorf("String() = %q, want %q", s.String(), tt.norm)
			}
			got := [5]string{set(s.minute), set(s.hour), set(s.dom), set(s.month), set(s.dow)}
			for i, w := range tt.want {
				if w == "" {
					w = all[i]
				}
				if got[i] != w {
					t.Errorf("field %d = %s, want %s", i, got[i], w)
				}
			}
			again, err := Parse(s.String(), "")
			if err != nil || *again != *s {
				t.Errorf("re-parsing %q: %+v, %v; want %+v", s.String(), again, err, s)
			}
		})
	}
}

func TestParseEvery(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		every time.Duration
		norm  string
	}{
		"@every 1m":      {time.Minute, "@every 1m"},
		"@every 5m":      {5 * time.Minute, "@every 5m"},
		"@EVERY 90m":     {90 * time.Minute, "@every 1h30m"},
		"@every 1h30m":   {90 * time.Minute, "@every 1h30m"},
		"@every 2h":      {2 * time.Hour, "@every 2h"},
		"@every 744h":    {744 * time.Hour, "@every 744h"},
		"@every 1h0m60s": {61 * time.Minute, "@every 1h1m"},
	}
	for expr, tt := range tests {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(expr, "Europe/Berlin")
			if err != nil {
				t.Fatal(err)
			}
			if s.every != tt.every || s.String() != tt.norm {
				t.Errorf("got %v %q, want %v %q", s.every, s.String(), tt.every, tt.norm)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ expr, tz, want string }{
		{"", "", "cron: empty expression"},
		{"* * * *", "", "cron: expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
		{"* * * * * *", "", "cron: expected 5 fields (minute hour day-of-month month day-of-week), got 6"},
		{"60 * * * *", "", `cron: minute field "60": value 60 out of range 0-59`},
		{"x * * * *", "", `cron: minute field "x": invalid value "x"`},
		{"-1 * * * *", "", `cron: minute field "-1": missing value`},
		{"1,,2 * * * *", "", `cron: minute field "1,,2": empty list element`},
		{"*/0 * * * *", "", `cron: minute field "*/0": step 0 out of range 1-59`},
		{"*/60 * * * *", "", `cron: minute field "*/60": step 60 out of range 1-59`},
		{"*/x * * * *", "", `cron: minute field "*/x": invalid step "x"`},
		{"5-1 * * * *", "", `cron: minute field "5-1": range "5-1": start is after end`},
		{"99999999999999999999 * * * *", "", `cron: minute field "99999999999999999999": value 99999999999999999999 out of range 0-59`},
		{"0 25 * * *", "", `cron: hour field "25": value 25 out of range 0-23`},
		{"0 1-24 * * *", "", `cron: hour field "1-24": value 24 out of range 0-23`},
		{"0 0 0 * *", "", `cron: day-of-month field "0": value 0 out of range 1-31`},
		{"0 0 32 * *", "", `cron: day-of-month field "32": value 32 out of range 1-31`},
		{"0 0 * 13 *", "", `cron: month field "13": value 13 out of range 1-12`},
		{"0 0 * FOO *", "", `cron: month field "FOO": unknown name`},
		{"0 0 * JAN-FOO *", "", `cron: month field "JAN-FOO": unknown name "FOO"`},
		{"0 0 * * 8", "", `cron: day-of-week field "8": value 8 out of range 0-7`},
		{"0 0 * * MOX", "", `cron: day-of-week field "MOX": unknown name`},
		{"0 0 * * MON,MOX", "", `cron: day-of-week field "MON,MOX": unknown name "MOX"`},
		{"0 0 * * MONDAY", "", `cron: day-of-week field "MONDAY": unknown name`},
		{"0 0 * * */7", "", `cron: day-of-week field "*/7": step 7 out of range 1-6`},
		{"0 0 * * SAT-MON", "", `cron: day-of-week field "SAT-MON": range "SAT-MON": start is after end`},
		{"0 0 * * ?", "", `cron: day-of-week field "?": invalid value "?"`},
		{"0 0 30 2 *", "", `cron: schedule never fires: day-of-month "30" never occurs in month "2"`},
		{"0 0 31 4,6,9,11 *", "", `cron: schedule never fires: day-of-month "31" never occurs in month "4,6,9,11"`},
		{"0 0 * * *", "Mars/Olympus", `cron: unknown time zone "Mars/Olympus"`},
		{"0 0 * * *", "../etc/passwd", `cron: unknown time zone "../etc/passwd"`},
		{"0 0 * * *", "Local", `cron: time zone "Local" depends on the machine; use an IANA name such as "Europe/Berlin"`},
		{"@every 10s", "", "cron: @every 10s: interval must be at least 1m"},
		{"@every -5m", "", "cron: @every -5m: interval must be at least 1m"},
		{"@every 90s", "", "cron: @every 90s: interval must be a whole number of minutes"},
		{"@every 745h", "", "cron: @every 745h: interval must be at most 744h (31 days)"},
		{"@every 5x", "", "cron: @every 5x: invalid duration (want a Go duration such as 5m or 1h30m)"},
		{"@every", "", `cron: @every takes exactly one duration, e.g. "@every 5m"`},
		{"@every 5m 1h", "", `cron: @every takes exactly one duration, e.g. "@every 5m"`},
		{"@daily 5", "", "cron: @daily takes no arguments"},
		{"@reboot", "", `cron: unknown macro "@reboot" (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every)`},
	}
	for _, tt := range tests {
		t.Run(tt.expr+"|"+tt.tz, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr, tt.tz)
			if err == nil {
				t.Fatalf("Parse(%q, %q) = %v, want error %q", tt.expr, tt.tz, s, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\n         want %q", err, tt.want)
			}
			if got, want := errors.Is(err, ErrNeverFires), strings.Contains(tt.want, "never fires"); got != want {
				t.Errorf("errors.Is(err, ErrNeverFires) = %v", got)
			}
		})
	}
}

func TestParseZones(t *testing.T) {
	t.Parallel()
	for tz, want := range map[string]string{"": "UTC", "UTC": "UTC", "Europe/Berlin": "Europe/Berlin", "America/New_York": "America/New_York"} {
		s, err := Parse("@hourly", tz)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Location().String(); got != want {
			t.Errorf("Parse(_, %q).Location() = %s, want %s", tz, got, want)
		}
	}
	if got := (&Schedule{}).Location(); got != time.UTC {
		t.Errorf("zero Schedule location = %v", got)
	}
}

// Leap days alone, and the OR rule, make otherwise impossible days fire.
func TestParseAcceptsRareDays(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{"0 0 29 2 *", "0 0 30 2 MON", "0 0 31 * *", "0 0 1-31 2 *"} {
		if _, err := Parse(expr, ""); err != nil {
			t.Errorf("Parse(%q): %v", expr, err)
		}
	}
}
