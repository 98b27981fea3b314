package browser

import (
	"testing"
)

// Modifier masks as Puppeteer sends them.
const (
	keysModAlt     = 1
	keysModControl = 2
	keysModMeta    = 4
	keysModShift   = 8
)

func mustDescribe(t *testing.T, name string, modifiers int) keyDescription {
	t.Helper()
	d, err := describeKey(name, modifiers)
	if err != nil {
		t.Fatalf("describeKey(%q, %d): %v", name, modifiers, err)
	}
	return d
}

// Every printable ASCII character is a key, so keyboard.type can press a
// real key for it instead of falling back to Input.insertText.
func TestDescribeKeyPrintableASCII(t *testing.T) {
	t.Parallel()
	for c := byte(0x20); c <= 0x7e; c++ {
		name := string(rune(c))
		for _, mods := range []int{0, keysModShift} {
			d, err := describeKey(name, mods)
			if err != nil {
				t.Errorf("describeKey(%q, %d): %v", name, mods, err)
				continue
			}
			if d.Key != name || d.Text != name {
				t.Errorf("describeKey(%q, %d) = key %q text %q, want both %q", name, mods, d.Key, d.Text, name)
			}
			if d.Code == "" || d.KeyCode == 0 {
				t.Errorf("describeKey(%q, %d) = %+v, want a code and keyCode", name, mods, d)
			}
		}
	}
}

func TestDescribeKeyEnter(t *testing.T) {
	t.Parallel()
	want := keyDescription{Key: "Enter", Code: "Enter", KeyCode: 13, Text: "\r"}
	for _, name := range []string{"Enter", "\r", "\n"} {
		if got := mustDescribe(t, name, 0); got != want {
			t.Errorf("describeKey(%q) = %+v, want %+v", name, got, want)
		}
	}
	if got := mustDescribe(t, "Enter", keysModShift); got != want {
		t.Errorf("Shift+Enter = %+v, want %+v", got, want)
	}
	// The explicit text is dropped like any other under Control.
	if got := mustDescribe(t, "Enter", keysModControl); got.Text != "" {
		t.Errorf("Control+Enter text = %q, want none", got.Text)
	}
}

func TestDescribeKeyShift(t *testing.T) {
	t.Parallel()
	// By code, Shift picks the shifted key, and the text follows it.
	want := keyDescription{Key: "A", Code: "KeyA", KeyCode: 65, Text: "A"}
	if got := mustDescribe(t, "KeyA", keysModShift); got != want {
		t.Errorf("Shift+KeyA = %+v, want %+v", got, want)
	}
	// By character, the key is fixed: Puppeteer's "a" has no shiftKey, so
	// Shift+"a" still sends "a". Pressing "A" gives "A" without Shift.
	want = keyDescription{Key: "a", Code: "KeyA", KeyCode: 65, Text: "a"}
	if got := mustDescribe(t, "a", keysModShift); got != want {
		t.Errorf("Shift+a = %+v, want %+v", got, want)
	}
	want = keyDescription{Key: "A", Code: "KeyA", KeyCode: 65, Text: "A"}
	if got := mustDescribe(t, "A", 0); got != want {
		t.Errorf("A = %+v, want %+v", got, want)
	}
	want = keyDescription{Key: "!", Code: "Digit1", KeyCode: 49, Text: "!"}
	if got := mustDescribe(t, "Digit1", keysModShift); got != want {
		t.Errorf("Shift+Digit1 = %+v, want %+v", got, want)
	}
	// Shift also swaps the keyCode where the layout has a shiftKeyCode.
	want = keyDescription{Key: "1", Code: "Numpad1", KeyCode: 97, Text: "1", Location: 3}
	if got := mustDescribe(t, "Numpad1", keysModShift); got != want {
		t.Errorf("Shift+Numpad1 = %+v, want %+v", got, want)
	}
}

// Any modifier other than Shift suppresses the text, alone or combined.
func TestDescribeKeyNonShiftModifiersDropText(t *testing.T) {
	t.Parallel()
	for _, mods := range []int{keysModAlt, keysModControl, keysModMeta, keysModControl | keysModShift, keysModAlt | keysModControl | keysModMeta | keysModShift} {
		d := mustDescribe(t, "a", mods)
		if d.Text != "" {
			t.Errorf("describeKey(a, %d) text = %q, want none", mods, d.Text)
		}
		if d.Key != "a" || d.Code != "KeyA" || d.KeyCode != 65 {
			t.Errorf("describeKey(a, %d) = %+v, want key a, code KeyA, keyCode 65", mods, d)
		}
	}
	// Shift still picks the shifted key under Control; only the text goes.
	want := keyDescription{Key: "A", Code: "KeyA", KeyCode: 65}
	if got := mustDescribe(t, "KeyA", keysModControl|keysModShift); got != want {
		t.Errorf("Control+Shift+KeyA = %+v, want %+v", got, want)
	}
}

func TestDescribeKeyLocations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, code string
		location   int
	}{
		{"Shift", "ShiftLeft", 1},
		{"ShiftLeft", "ShiftLeft", 1},
		{"ShiftRight", "ShiftRight", 2},
		{"Control", "ControlLeft", 1},
		{"MetaRight", "MetaRight", 2},
		{"NumpadEnter", "NumpadEnter", 3},
		{"Enter", "Enter", 0},
		{"VolumeUp", "VolumeUp", 4},
	} {
		d := mustDescribe(t, tc.name, 0)
		if d.Code != tc.code || d.Location != tc.location {
			t.Errorf("describeKey(%q) = code %q location %d, want %q %d", tc.name, d.Code, d.Location, tc.code, tc.location)
		}
	}
	want := keyDescription{Key: "Enter", Code: "NumpadEnter", KeyCode: 13, Text: "\r", Location: 3}
	if got := mustDescribe(t, "NumpadEnter", 0); got != want {
		t.Errorf("NumpadEnter = %+v, want %+v", got, want)
	}
}

func TestDescribeKeyUnknown(t *testing.T) {
	t.Parallel()
	for name, msg := range map[string]string{
		"Nope":     `Unknown key: "Nope"`,
		"":         `Unknown key: ""`,
		"enter":    `Unknown key: "enter"`,
		"toString": `Unknown key: "toString"`, // a prototype property in JS, not a key
		"é":        `Unknown key: "é"`,
	} {
		_, err := describeKey(name, 0)
		if err == nil || err.Error() != msg {
			t.Errorf("describeKey(%q) error = %v, want %s", name, err, msg)
		}
	}
}

// Values checked against puppeteer-core's USKeyboardLayout.js and
// CdpKeyboard's resolution.
func TestDescribeKeyTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mods int
		want keyDescription
	}{
		{"Tab", 0, keyDescription{Key: "Tab", Code: "Tab", KeyCode: 9}},
		{"Backspace", 0, keyDescription{Key: "Backspace", Code: "Backspace", KeyCode: 8}},
		{"Delete", 0, keyDescription{Key: "Delete", Code: "Delete", KeyCode: 46}},
		{"Escape", 0, keyDescription{Key: "Escape", Code: "Escape", KeyCode: 27}},
		{"Space", 0, keyDescription{Key: " ", Code: "Space", KeyCode: 32, Text: " "}},
		{" ", 0, keyDescription{Key: " ", Code: "Space", KeyCode: 32, Text: " "}},
		{"ArrowLeft", 0, keyDescription{Key: "ArrowLeft", Code: "ArrowLeft", KeyCode: 37}},
		{"ArrowDown", keysModShift, keyDescription{Key: "ArrowDown", Code: "ArrowDown", KeyCode: 40}},
		{"PageUp", 0, keyDescription{Key: "PageUp", Code: "PageUp", KeyCode: 33}},
		{"Home", 0, keyDescription{Key: "Home", Code: "Home", KeyCode: 36}},
		{"End", 0, keyDescription{Key: "End", Code: "End", KeyCode: 35}},
		{"Insert", 0, keyDescription{Key: "Insert", Code: "Insert", KeyCode: 45}},
		{"F1", 0, keyDescription{Key: "F1", Code: "F1", KeyCode: 112}},
		{"F12", 0, keyDescription{Key: "F12", Code: "F12", KeyCode: 123}},
		{"F24", 0, keyDescription{Key: "F24", Code: "F24", KeyCode: 135}},
		{"Alt", 0, keyDescription{Key: "Alt", Code: "AltLeft", KeyCode: 18, Location: 1}},
		{"Meta", 0, keyDescription{Key: "Meta", Code: "MetaLeft", KeyCode: 91, Location: 1}},
		{"ControlRight", 0, keyDescription{Key: "Control", Code: "ControlRight", KeyCode: 17, Location: 2}},
		{"Digit0", 0, keyDescription{Key: "0", Code: "Digit0", KeyCode: 48, Text: "0"}},
		{"Digit9", keysModShift, keyDescription{Key: "(", Code: "Digit9", KeyCode: 57, Text: "("}},
		{"KeyZ", 0, keyDescription{Key: "z", Code: "KeyZ", KeyCode: 90, Text: "z"}},
		{"Quote", keysModShift, keyDescription{Key: `"`, Code: "Quote", KeyCode: 222, Text: `"`}},
		{"Backslash", 0, keyDescription{Key: `\`, Code: "Backslash", KeyCode: 220, Text: `\`}},
		{"Semicolon", keysModShift, keyDescription{Key: ":", Code: "Semicolon", KeyCode: 186, Text: ":"}},
		{"?", 0, keyDescription{Key: "?", Code: "Slash", KeyCode: 191, Text: "?"}},
		{"*", 0, keyDescription{Key: "*", Code: "NumpadMultiply", KeyCode: 106, Text: "*", Location: 3}},
		{"-", 0, keyDescription{Key: "-", Code: "NumpadSubtract", KeyCode: 109, Text: "-", Location: 3}},
		{"Minus", 0, keyDescription{Key: "-", Code: "Minus", KeyCode: 189, Text: "-"}},
		{"Numpad0", 0, keyDescription{Key: "Insert", Code: "Numpad0", KeyCode: 45, Location: 3}},
		{"Numpad5", keysModShift, keyDescription{Key: "5", Code: "Numpad5", KeyCode: 101, Text: "5", Location: 3}},
		{"NumpadDecimal", 0, keyDescription{Key: "\x00", Code: "NumpadDecimal", KeyCode: 46, Text: "\x00", Location: 3}},
		{"NumpadDecimal", keysModShift, keyDescription{Key: ".", Code: "NumpadDecimal", KeyCode: 110, Text: ".", Location: 3}},
		{"NumpadEqual", 0, keyDescription{Key: "=", Code: "NumpadEqual", KeyCode: 187, Text: "=", Location: 3}},
		{"Abort", 0, keyDescription{Key: "Cancel", Code: "Abort", KeyCode: 3}},
		{"Power", 0, keyDescription{Key: "Power", Code: "Power"}},
		{"Accept", 0, keyDescription{Key: "Accept", KeyCode: 30}},
		{"SoftLeft", 0, keyDescription{Key: "SoftLeft", Code: "SoftLeft", Location: 4}},
		{"MediaPlayPause", 0, keyDescription{Key: "MediaPlayPause", Code: "MediaPlayPause", KeyCode: 179}},
	} {
		if got := mustDescribe(t, tc.name, tc.mods); got != tc.want {
			t.Errorf("describeKey(%q, %d) = %+v, want %+v", tc.name, tc.mods, got, tc.want)
		}
	}
}

// Sanity checks on the table as a whole.
func TestUSKeyboardLayoutShape(t *testing.T) {
	t.Parallel()
	if got, want := len(usKeyboardLayout), 255; got != want {
		t.Errorf("layout has %d keys, want %d (Puppeteer's count)", got, want)
	}
	for name, def := range usKeyboardLayout {
		// describeKey's single-character test counts bytes; Puppeteer counts
		// UTF-16 units. They agree only while every key is ASCII.
		for _, s := range []string{def.Key, def.ShiftKey} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					t.Errorf("%q: non-ASCII key %q", name, s)
				}
			}
		}
		if def.Key == "" {
			t.Errorf("%q: no key", name)
		}
		if def.Location < 0 || def.Location > 4 {
			t.Errorf("%q: location %d", name, def.Location)
		}
		if def.ShiftKeyCode != 0 && def.ShiftKey == "" {
			t.Errorf("%q: shiftKeyCode without shiftKey", name)
		}
	}
}

func TestModifierBit(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]int{
		"Alt":       1,
		"Control":   2,
		"Meta":      4,
		"Shift":     8,
		"ShiftLeft": 0, // modifierBit takes the DOM key, not the key name
		"AltGraph":  0,
		"a":         0,
		"Enter":     0,
		"":          0,
	} {
		if got := modifierBit(key); got != want {
			t.Errorf("modifierBit(%q) = %d, want %d", key, got, want)
		}
	}
	// Every modifier key name resolves to a DOM key with the right bit.
	for name, want := range map[string]int{
		"AltRight": 1, "ControlLeft": 2, "MetaRight": 4, "ShiftRight": 8, "Shift": 8,
	} {
		if got := modifierBit(mustDescribe(t, name, 0).Key); got != want {
			t.Errorf("modifierBit(key of %q) = %d, want %d", name, got, want)
		}
	}
}
