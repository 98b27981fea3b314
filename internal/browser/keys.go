package browser

import "errors"

// This file holds Puppeteer's US keyboard layout and the rules Puppeteer's
// CDP Keyboard uses to turn a key name into the fields of an
// Input.dispatchKeyEvent call. The data mirrors puppeteer-core 24.x
// (common/USKeyboardLayout.js) and the resolution mirrors
// CdpKeyboard#keyDescriptionForString (cdp/Input.js). Scripts written for
// Puppeteer depend on the quirks of both, so they are reproduced exactly;
// the notable ones are called out next to the entries and in describeKey.

// keyDefinition is one key of a keyboard layout (Puppeteer's KeyDefinition).
//
// Zero values mean "absent", as they do in Puppeteer where the fields are
// optional and tested for truthiness. Puppeteer's type also has a shiftText
// field, but no key of the US layout sets it, so it is left out here.
type keyDefinition struct {
	Key          string // DOM KeyboardEvent.key, e.g. "a", "Enter"
	Code         string // DOM KeyboardEvent.code, e.g. "KeyA", "Enter"
	KeyCode      int    // legacy keyCode, e.g. 65, 13
	Text         string // text the key inserts ("" for none; "\r" for Enter)
	ShiftKey     string // key with Shift held ("A" for KeyA), if different
	ShiftKeyCode int    // keyCode with Shift held, if different
	Location     int    // 0 standard, 1 left, 2 right, 3 numpad (4 mobile)
}

// usKeyboardLayout maps every key name Puppeteer accepts to its definition.
//
// A key may be named in several ways: by its physical code ("KeyA",
// "Digit1", "ShiftLeft"), which is the only form that knows its shifted
// variant, or by the character or key value it produces ("a", "A", "!",
// "Shift"), which always resolves to exactly that key value whether or not
// Shift is held. Every printable ASCII character 0x20-0x7E is present, so
// keyboard.type can press a real key for each of them.
var usKeyboardLayout = map[string]keyDefinition{
	// Whitespace, editing and system keys. Enter and its aliases "\r" and
	// "\n" are the only non-numpad keys with an explicit text; Tab, by
	// contrast, inserts nothing (its key is longer than one character).
	"Backspace":   {Key: "Backspace", Code: "Backspace", KeyCode: 8},
	"Tab":         {Key: "Tab", Code: "Tab", KeyCode: 9},
	"Enter":       {Key: "Enter", Code: "Enter", KeyCode: 13, Text: "\r"},
	"\r":          {Key: "Enter", Code: "Enter", KeyCode: 13, Text: "\r"},
	"\n":          {Key: "Enter", Code: "Enter", KeyCode: 13, Text: "\r"},
	"Escape":      {Key: "Escape", Code: "Escape", KeyCode: 27},
	"Space":       {Key: " ", Code: "Space", KeyCode: 32},
	" ":           {Key: " ", Code: "Space", KeyCode: 32},
	"Insert":      {Key: "Insert", Code: "Insert", KeyCode: 45},
	"Delete":      {Key: "Delete", Code: "Delete", KeyCode: 46},
	"Pause":       {Key: "Pause", Code: "Pause", KeyCode: 19},
	"CapsLock":    {Key: "CapsLock", Code: "CapsLock", KeyCode: 20},
	"NumLock":     {Key: "NumLock", Code: "NumLock", KeyCode: 144},
	"ScrollLock":  {Key: "ScrollLock", Code: "ScrollLock", KeyCode: 145},
	"PrintScreen": {Key: "PrintScreen", Code: "PrintScreen", KeyCode: 44},
	"Print":       {Key: "Print", KeyCode: 42},
	"ContextMenu": {Key: "ContextMenu", Code: "ContextMenu", KeyCode: 93},
	"Help":        {Key: "Help", Code: "Help", KeyCode: 6},
	"Select":      {Key: "Select", Code: "Select", KeyCode: 41},
	// Code names whose key value differs: Abort is the Cancel key, Open the
	// Execute key, Props the CrSel key.
	"Abort":   {Key: "Cancel", Code: "Abort", KeyCode: 3},
	"Cancel":  {Key: "Cancel", Code: "Abort", KeyCode: 3},
	"Open":    {Key: "Execute", Code: "Open", KeyCode: 43},
	"Execute": {Key: "Execute", Code: "Open", KeyCode: 43},
	"Props":   {Key: "CrSel", Code: "Props", KeyCode: 247},
	"CrSel":   {Key: "CrSel", Code: "Props", KeyCode: 247},

	// Modifiers. The bare names ("Shift", "Control", "Alt", "Meta") are the
	// left-hand keys. AltGraph has no location and is not a modifier for
	// modifierBit.
	"Shift":        {Key: "Shift", Code: "ShiftLeft", KeyCode: 16, Location: 1},
	"ShiftLeft":    {Key: "Shift", Code: "ShiftLeft", KeyCode: 16, Location: 1},
	"ShiftRight":   {Key: "Shift", Code: "ShiftRight", KeyCode: 16, Location: 2},
	"Control":      {Key: "Control", Code: "ControlLeft", KeyCode: 17, Location: 1},
	"ControlLeft":  {Key: "Control", Code: "ControlLeft", KeyCode: 17, Location: 1},
	"ControlRight": {Key: "Control", Code: "ControlRight", KeyCode: 17, Location: 2},
	"Alt":          {Key: "Alt", Code: "AltLeft", KeyCode: 18, Location: 1},
	"AltLeft":      {Key: "Alt", Code: "AltLeft", KeyCode: 18, Location: 1},
	"AltRight":     {Key: "Alt", Code: "AltRight", KeyCode: 18, Location: 2},
	"Meta":         {Key: "Meta", Code: "MetaLeft", KeyCode: 91, Location: 1},
	"MetaLeft":     {Key: "Meta", Code: "MetaLeft", KeyCode: 91, Location: 1},
	"MetaRight":    {Key: "Meta", Code: "MetaRight", KeyCode: 92, Location: 2},
	"AltGraph":     {Key: "AltGraph", Code: "AltGraph", KeyCode: 225},

	// Navigation.
	"PageUp":     {Key: "PageUp", Code: "PageUp", KeyCode: 33},
	"PageDown":   {Key: "PageDown", Code: "PageDown", KeyCode: 34},
	"End":        {Key: "End", Code: "End", KeyCode: 35},
	"Home":       {Key: "Home", Code: "Home", KeyCode: 36},
	"ArrowLeft":  {Key: "ArrowLeft", Code: "ArrowLeft", KeyCode: 37},
	"ArrowUp":    {Key: "ArrowUp", Code: "ArrowUp", KeyCode: 38},
	"ArrowRight": {Key: "ArrowRight", Code: "ArrowRight", KeyCode: 39},
	"ArrowDown":  {Key: "ArrowDown", Code: "ArrowDown", KeyCode: 40},

	// Function keys: keyCode 112 (F1) to 135 (F24).
	"F1":  {Key: "F1", Code: "F1", KeyCode: 112},
	"F2":  {Key: "F2", Code: "F2", KeyCode: 113},
	"F3":  {Key: "F3", Code: "F3", KeyCode: 114},
	"F4":  {Key: "F4", Code: "F4", KeyCode: 115},
	"F5":  {Key: "F5", Code: "F5", KeyCode: 116},
	"F6":  {Key: "F6", Code: "F6", KeyCode: 117},
	"F7":  {Key: "F7", Code: "F7", KeyCode: 118},
	"F8":  {Key: "F8", Code: "F8", KeyCode: 119},
	"F9":  {Key: "F9", Code: "F9", KeyCode: 120},
	"F10": {Key: "F10", Code: "F10", KeyCode: 121},
	"F11": {Key: "F11", Code: "F11", KeyCode: 122},
	"F12": {Key: "F12", Code: "F12", KeyCode: 123},
	"F13": {Key: "F13", Code: "F13", KeyCode: 124},
	"F14": {Key: "F14", Code: "F14", KeyCode: 125},
	"F15": {Key: "F15", Code: "F15", KeyCode: 126},
	"F16": {Key: "F16", Code: "F16", KeyCode: 127},
	"F17": {Key: "F17", Code: "F17", KeyCode: 128},
	"F18": {Key: "F18", Code: "F18", KeyCode: 129},
	"F19": {Key: "F19", Code: "F19", KeyCode: 130},
	"F20": {Key: "F20", Code: "F20", KeyCode: 131},
	"F21": {Key: "F21", Code: "F21", KeyCode: 132},
	"F22": {Key: "F22", Code: "F22", KeyCode: 133},
	"F23": {Key: "F23", Code: "F23", KeyCode: 134},
	"F24": {Key: "F24", Code: "F24", KeyCode: 135},

	// Digit row by code; Shift gives the symbol above the digit.
	"Digit0": {Key: "0", Code: "Digit0", KeyCode: 48, ShiftKey: ")"},
	"Digit1": {Key: "1", Code: "Digit1", KeyCode: 49, ShiftKey: "!"},
	"Digit2": {Key: "2", Code: "Digit2", KeyCode: 50, ShiftKey: "@"},
	"Digit3": {Key: "3", Code: "Digit3", KeyCode: 51, ShiftKey: "#"},
	"Digit4": {Key: "4", Code: "Digit4", KeyCode: 52, ShiftKey: "$"},
	"Digit5": {Key: "5", Code: "Digit5", KeyCode: 53, ShiftKey: "%"},
	"Digit6": {Key: "6", Code: "Digit6", KeyCode: 54, ShiftKey: "^"},
	"Digit7": {Key: "7", Code: "Digit7", KeyCode: 55, ShiftKey: "&"},
	"Digit8": {Key: "8", Code: "Digit8", KeyCode: 56, ShiftKey: "*"},
	"Digit9": {Key: "9", Code: "Digit9", KeyCode: 57, ShiftKey: "("},
	// Digit row by character.
	"0": {Key: "0", Code: "Digit0", KeyCode: 48},
	"1": {Key: "1", Code: "Digit1", KeyCode: 49},
	"2": {Key: "2", Code: "Digit2", KeyCode: 50},
	"3": {Key: "3", Code: "Digit3", KeyCode: 51},
	"4": {Key: "4", Code: "Digit4", KeyCode: 52},
	"5": {Key: "5", Code: "Digit5", KeyCode: 53},
	"6": {Key: "6", Code: "Digit6", KeyCode: 54},
	"7": {Key: "7", Code: "Digit7", KeyCode: 55},
	"8": {Key: "8", Code: "Digit8", KeyCode: 56},
	"9": {Key: "9", Code: "Digit9", KeyCode: 57},
	// Shifted digit-row symbols by character. "*" is missing here on
	// purpose: Puppeteer maps it to the numpad (see below), not Digit8.
	")": {Key: ")", Code: "Digit0", KeyCode: 48},
	"!": {Key: "!", Code: "Digit1", KeyCode: 49},
	"@": {Key: "@", Code: "Digit2", KeyCode: 50},
	"#": {Key: "#", Code: "Digit3", KeyCode: 51},
	"$": {Key: "$", Code: "Digit4", KeyCode: 52},
	"%": {Key: "%", Code: "Digit5", KeyCode: 53},
	"^": {Key: "^", Code: "Digit6", KeyCode: 54},
	"&": {Key: "&", Code: "Digit7", KeyCode: 55},
	"(": {Key: "(", Code: "Digit9", KeyCode: 57},

	// Letters by code; Shift gives the capital. keyCode is the capital's
	// ASCII code in every form.
	"KeyA": {Key: "a", Code: "KeyA", KeyCode: 65, ShiftKey: "A"},
	"KeyB": {Key: "b", Code: "KeyB", KeyCode: 66, ShiftKey: "B"},
	"KeyC": {Key: "c", Code: "KeyC", KeyCode: 67, ShiftKey: "C"},
	"KeyD": {Key: "d", Code: "KeyD", KeyCode: 68, ShiftKey: "D"},
	"KeyE": {Key: "e", Code: "KeyE", KeyCode: 69, ShiftKey: "E"},
	"KeyF": {Key: "f", Code: "KeyF", KeyCode: 70, ShiftKey: "F"},
	"KeyG": {Key: "g", Code: "KeyG", KeyCode: 71, ShiftKey: "G"},
	"KeyH": {Key: "h", Code: "KeyH", KeyCode: 72, ShiftKey: "H"},
	"KeyI": {Key: "i", Code: "KeyI", KeyCode: 73, ShiftKey: "I"},
	"KeyJ": {Key: "j", Code: "KeyJ", KeyCode: 74, ShiftKey: "J"},
	"KeyK": {Key: "k", Code: "KeyK", KeyCode: 75, ShiftKey: "K"},
	"KeyL": {Key: "l", Code: "KeyL", KeyCode: 76, ShiftKey: "L"},
	"KeyM": {Key: "m", Code: "KeyM", KeyCode: 77, ShiftKey: "M"},
	"KeyN": {Key: "n", Code: "KeyN", KeyCode: 78, ShiftKey: "N"},
	"KeyO": {Key: "o", Code: "KeyO", KeyCode: 79, ShiftKey: "O"},
	"KeyP": {Key: "p", Code: "KeyP", KeyCode: 80, ShiftKey: "P"},
	"KeyQ": {Key: "q", Code: "KeyQ", KeyCode: 81, ShiftKey: "Q"},
	"KeyR": {Key: "r", Code: "KeyR", KeyCode: 82, ShiftKey: "R"},
	"KeyS": {Key: "s", Code: "KeyS", KeyCode: 83, ShiftKey: "S"},
	"KeyT": {Key: "t", Code: "KeyT", KeyCode: 84, ShiftKey: "T"},
	"KeyU": {Key: "u", Code: "KeyU", KeyCode: 85, ShiftKey: "U"},
	"KeyV": {Key: "v", Code: "KeyV", KeyCode: 86, ShiftKey: "V"},
	"KeyW": {Key: "w", Code: "KeyW", KeyCode: 87, ShiftKey: "W"},
	"KeyX": {Key: "x", Code: "KeyX", KeyCode: 88, ShiftKey: "X"},
	"KeyY": {Key: "y", Code: "KeyY", KeyCode: 89, ShiftKey: "Y"},
	"KeyZ": {Key: "z", Code: "KeyZ", KeyCode: 90, ShiftKey: "Z"},
	// Lower-case letters by character. No ShiftKey: "a" with Shift held is
	// still key "a" with text "a" in Puppeteer.
	"a": {Key: "a", Code: "KeyA", KeyCode: 65},
	"b": {Key: "b", Code: "KeyB", KeyCode: 66},
	"c": {Key: "c", Code: "KeyC", KeyCode: 67},
	"d": {Key: "d", Code: "KeyD", KeyCode: 68},
	"e": {Key: "e", Code: "KeyE", KeyCode: 69},
	"f": {Key: "f", Code: "KeyF", KeyCode: 70},
	"g": {Key: "g", Code: "KeyG", KeyCode: 71},
	"h": {Key: "h", Code: "KeyH", KeyCode: 72},
	"i": {Key: "i", Code: "KeyI", KeyCode: 73},
	"j": {Key: "j", Code: "KeyJ", KeyCode: 74},
	"k": {Key: "k", Code: "KeyK", KeyCode: 75},
	"l": {Key: "l", Code: "KeyL", KeyCode: 76},
	"m": {Key: "m", Code: "KeyM", KeyCode: 77},
	"n": {Key: "n", Code: "KeyN", KeyCode: 78},
	"o": {Key: "o", Code: "KeyO", KeyCode: 79},
	"p": {Key: "p", Code: "KeyP", KeyCode: 80},
	"q": {Key: "q", Code: "KeyQ", KeyCode: 81},
	"r": {Key: "r", Code: "KeyR", KeyCode: 82},
	"s": {Key: "s", Code: "KeyS", KeyCode: 83},
	"t": {Key: "t", Code: "KeyT", KeyCode: 84},
	"u": {Key: "u", Code: "KeyU", KeyCode: 85},
	"v": {Key: "v", Code: "KeyV", KeyCode: 86},
	"w": {Key: "w", Code: "KeyW", KeyCode: 87},
	"x": {Key: "x", Code: "KeyX", KeyCode: 88},
	"y": {Key: "y", Code: "KeyY", KeyCode: 89},
	"z": {Key: "z", Code: "KeyZ", KeyCode: 90},
	// Capital letters by character. Pressing "A" does not hold Shift; it
	// sends key "A" with text "A" directly.
	"A": {Key: "A", Code: "KeyA", KeyCode: 65},
	"B": {Key: "B", Code: "KeyB", KeyCode: 66},
	"C": {Key: "C", Code: "KeyC", KeyCode: 67},
	"D": {Key: "D", Code: "KeyD", KeyCode: 68},
	"E": {Key: "E", Code: "KeyE", KeyCode: 69},
	"F": {Key: "F", Code: "KeyF", KeyCode: 70},
	"G": {Key: "G", Code: "KeyG", KeyCode: 71},
	"H": {Key: "H", Code: "KeyH", KeyCode: 72},
	"I": {Key: "I", Code: "KeyI", KeyCode: 73},
	"J": {Key: "J", Code: "KeyJ", KeyCode: 74},
	"K": {Key: "K", Code: "KeyK", KeyCode: 75},
	"L": {Key: "L", Code: "KeyL", KeyCode: 76},
	"M": {Key: "M", Code: "KeyM", KeyCode: 77},
	"N": {Key: "N", Code: "KeyN", KeyCode: 78},
	"O": {Key: "O", Code: "KeyO", KeyCode: 79},
	"P": {Key: "P", Code: "KeyP", KeyCode: 80},
	"Q": {Key: "Q", Code: "KeyQ", KeyCode: 81},
	"R": {Key: "R", Code: "KeyR", KeyCode: 82},
	"S": {Key: "S", Code: "KeyS", KeyCode: 83},
	"T": {Key: "T", Code: "KeyT", KeyCode: 84},
	"U": {Key: "U", Code: "KeyU", KeyCode: 85},
	"V": {Key: "V", Code: "KeyV", KeyCode: 86},
	"W": {Key: "W", Code: "KeyW", KeyCode: 87},
	"X": {Key: "X", Code: "KeyX", KeyCode: 88},
	"Y": {Key: "Y", Code: "KeyY", KeyCode: 89},
	"Z": {Key: "Z", Code: "KeyZ", KeyCode: 90},

	// Punctuation keys by code; Shift gives the upper symbol.
	"Semicolon":    {Key: ";", Code: "Semicolon", KeyCode: 186, ShiftKey: ":"},
	"Equal":        {Key: "=", Code: "Equal", KeyCode: 187, ShiftKey: "+"},
	"Comma":        {Key: ",", Code: "Comma", KeyCode: 188, ShiftKey: "<"},
	"Minus":        {Key: "-", Code: "Minus", KeyCode: 189, ShiftKey: "_"},
	"Period":       {Key: ".", Code: "Period", KeyCode: 190, ShiftKey: ">"},
	"Slash":        {Key: "/", Code: "Slash", KeyCode: 191, ShiftKey: "?"},
	"Backquote":    {Key: "`", Code: "Backquote", KeyCode: 192, ShiftKey: "~"},
	"BracketLeft":  {Key: "[", Code: "BracketLeft", KeyCode: 219, ShiftKey: "{"},
	"Backslash":    {Key: "\\", Code: "Backslash", KeyCode: 220, ShiftKey: "|"},
	"BracketRight": {Key: "]", Code: "BracketRight", KeyCode: 221, ShiftKey: "}"},
	"Quote":        {Key: "'", Code: "Quote", KeyCode: 222, ShiftKey: "\""},
	// Unshifted punctuation by character. "-" and "/" are missing here on
	// purpose: Puppeteer maps them (with "*" and "+") to the numpad.
	";":  {Key: ";", Code: "Semicolon", KeyCode: 186},
	"=":  {Key: "=", Code: "Equal", KeyCode: 187},
	",":  {Key: ",", Code: "Comma", KeyCode: 188},
	".":  {Key: ".", Code: "Period", KeyCode: 190},
	"`":  {Key: "`", Code: "Backquote", KeyCode: 192},
	"[":  {Key: "[", Code: "BracketLeft", KeyCode: 219},
	"\\": {Key: "\\", Code: "Backslash", KeyCode: 220},
	"]":  {Key: "]", Code: "BracketRight", KeyCode: 221},
	"'":  {Key: "'", Code: "Quote", KeyCode: 222},
	// Shifted punctuation by character.
	":":  {Key: ":", Code: "Semicolon", KeyCode: 186},
	"<":  {Key: "<", Code: "Comma", KeyCode: 188},
	"_":  {Key: "_", Code: "Minus", KeyCode: 189},
	">":  {Key: ">", Code: "Period", KeyCode: 190},
	"?":  {Key: "?", Code: "Slash", KeyCode: 191},
	"~":  {Key: "~", Code: "Backquote", KeyCode: 192},
	"{":  {Key: "{", Code: "BracketLeft", KeyCode: 219},
	"|":  {Key: "|", Code: "Backslash", KeyCode: 220},
	"}":  {Key: "}", Code: "BracketRight", KeyCode: 221},
	"\"": {Key: "\"", Code: "Quote", KeyCode: 222},

	// Numeric keypad, modelled with NumLock off: unshifted the digit keys
	// navigate (Numpad4 is ArrowLeft), and only Shift turns them into digits
	// with the numpad keyCodes 96-105. NumpadDecimal's unshifted key is NUL,
	// which, being one character long, becomes its text as well.
	"Numpad0":        {Key: "Insert", Code: "Numpad0", KeyCode: 45, ShiftKey: "0", ShiftKeyCode: 96, Location: 3},
	"Numpad1":        {Key: "End", Code: "Numpad1", KeyCode: 35, ShiftKey: "1", ShiftKeyCode: 97, Location: 3},
	"Numpad2":        {Key: "ArrowDown", Code: "Numpad2", KeyCode: 40, ShiftKey: "2", ShiftKeyCode: 98, Location: 3},
	"Numpad3":        {Key: "PageDown", Code: "Numpad3", KeyCode: 34, ShiftKey: "3", ShiftKeyCode: 99, Location: 3},
	"Numpad4":        {Key: "ArrowLeft", Code: "Numpad4", KeyCode: 37, ShiftKey: "4", ShiftKeyCode: 100, Location: 3},
	"Numpad5":        {Key: "Clear", Code: "Numpad5", KeyCode: 12, ShiftKey: "5", ShiftKeyCode: 101, Location: 3},
	"Numpad6":        {Key: "ArrowRight", Code: "Numpad6", KeyCode: 39, ShiftKey: "6", ShiftKeyCode: 102, Location: 3},
	"Numpad7":        {Key: "Home", Code: "Numpad7", KeyCode: 36, ShiftKey: "7", ShiftKeyCode: 103, Location: 3},
	"Numpad8":        {Key: "ArrowUp", Code: "Numpad8", KeyCode: 38, ShiftKey: "8", ShiftKeyCode: 104, Location: 3},
	"Numpad9":        {Key: "PageUp", Code: "Numpad9", KeyCode: 33, ShiftKey: "9", ShiftKeyCode: 105, Location: 3},
	"NumpadDecimal":  {Key: "\x00", Code: "NumpadDecimal", KeyCode: 46, ShiftKey: ".", ShiftKeyCode: 110, Location: 3},
	"NumpadEnter":    {Key: "Enter", Code: "NumpadEnter", KeyCode: 13, Text: "\r", Location: 3},
	"NumpadMultiply": {Key: "*", Code: "NumpadMultiply", KeyCode: 106, Location: 3},
	"NumpadAdd":      {Key: "+", Code: "NumpadAdd", KeyCode: 107, Location: 3},
	"NumpadSubtract": {Key: "-", Code: "NumpadSubtract", KeyCode: 109, Location: 3},
	"NumpadDivide":   {Key: "/", Code: "NumpadDivide", KeyCode: 111, Location: 3},
	"NumpadEqual":    {Key: "=", Code: "NumpadEqual", KeyCode: 187, Location: 3},
	// Numpad keys by key value. Typing "*", "+", "-" or "/" therefore
	// presses the keypad key, not the main-keyboard one.
	"Clear": {Key: "Clear", Code: "Numpad5", KeyCode: 12, Location: 3},
	"\x00":  {Key: "\x00", Code: "NumpadDecimal", KeyCode: 46, Location: 3},
	"*":     {Key: "*", Code: "NumpadMultiply", KeyCode: 106, Location: 3},
	"+":     {Key: "+", Code: "NumpadAdd", KeyCode: 107, Location: 3},
	"-":     {Key: "-", Code: "NumpadSubtract", KeyCode: 109, Location: 3},
	"/":     {Key: "/", Code: "NumpadDivide", KeyCode: 111, Location: 3},

	// Media and volume keys.
	"AudioVolumeMute":    {Key: "AudioVolumeMute", Code: "AudioVolumeMute", KeyCode: 173},
	"AudioVolumeDown":    {Key: "AudioVolumeDown", Code: "AudioVolumeDown", KeyCode: 174},
	"AudioVolumeUp":      {Key: "AudioVolumeUp", Code: "AudioVolumeUp", KeyCode: 175},
	"MediaTrackNext":     {Key: "MediaTrackNext", Code: "MediaTrackNext", KeyCode: 176},
	"MediaTrackPrevious": {Key: "MediaTrackPrevious", Code: "MediaTrackPrevious", KeyCode: 177},
	"MediaStop":          {Key: "MediaStop", Code: "MediaStop", KeyCode: 178},
	"MediaPlayPause":     {Key: "MediaPlayPause", Code: "MediaPlayPause", KeyCode: 179},

	// Power keys, which have no keyCode.
	"Power": {Key: "Power", Code: "Power"},
	"Eject": {Key: "Eject", Code: "Eject"},

	// IME keys.
	"Convert":    {Key: "Convert", Code: "Convert", KeyCode: 28},
	"NonConvert": {Key: "NonConvert", Code: "NonConvert", KeyCode: 29},
	"Accept":     {Key: "Accept", KeyCode: 30},
	"ModeChange": {Key: "ModeChange", KeyCode: 31},

	// Legacy keys with a key value but no code.
	"Attn":     {Key: "Attn", KeyCode: 246},
	"ExSel":    {Key: "ExSel", KeyCode: 248},
	"EraseEof": {Key: "EraseEof", KeyCode: 249},
	"Play":     {Key: "Play", KeyCode: 250},
	"ZoomOut":  {Key: "ZoomOut", KeyCode: 251},

	// Mobile phone keys (location 4).
	"SoftLeft":   {Key: "SoftLeft", Code: "SoftLeft", Location: 4},
	"SoftRight":  {Key: "SoftRight", Code: "SoftRight", Location: 4},
	"Camera":     {Key: "Camera", Code: "Camera", KeyCode: 44, Location: 4},
	"Call":       {Key: "Call", Code: "Call", Location: 4},
	"EndCall":    {Key: "EndCall", Code: "EndCall", KeyCode: 95, Location: 4},
	"VolumeDown": {Key: "VolumeDown", Code: "VolumeDown", KeyCode: 182, Location: 4},
	"VolumeUp":   {Key: "VolumeUp", Code: "VolumeUp", KeyCode: 183, Location: 4},
}

// keyDescription is what Puppeteer's #keyDescriptionForString returns: the
// resolved key, code, keyCode, text and location for a key name under the
// given modifier bitmask (Alt=1, Control=2, Meta=4, Shift=8).
type keyDescription struct {
	Key      string
	Code     string
	KeyCode  int
	Text     string
	Location int
}

// describeKey resolves a key name like Puppeteer's Keyboard does, or returns
// an error `Unknown key: "<name>"` (exactly Puppeteer's message) for names
// not in the layout.
//
// The rules, in Puppeteer's order:
//   - key and keyCode come from the definition, replaced by ShiftKey and
//     ShiftKeyCode when Shift is held and the definition has them;
//   - if the resolved key is a single character, it is also the text (so
//     Shift+KeyA types "A", and Shift+Numpad1 types "1");
//   - an explicit Text on the definition overrides that (Enter's "\r");
//   - if any modifier other than Shift is held, there is no text at all,
//     so Control+a sends a key event that inserts nothing.
//
// Code and Location never change with Shift.
func describeKey(name string, modifiers int) (keyDescription, error) {
	def, ok := usKeyboardLayout[name]
	if !ok {
		// Puppeteer interpolates the name as is, without escaping.
		return keyDescription{}, errors.New(`Unknown key: "` + name + `"`)
	}
	shift := modifiers&8 != 0 // Shift
	d := keyDescription{
		Key:      def.Key,
		Code:     def.Code,
		KeyCode:  def.KeyCode,
		Location: def.Location,
	}
	if shift && def.ShiftKey != "" {
		d.Key = def.ShiftKey
	}
	if shift && def.ShiftKeyCode != 0 {
		d.KeyCode = def.ShiftKeyCode
	}
	// Puppeteer tests key.length === 1, which counts UTF-16 units; every
	// key in the layout is ASCII, so the byte length is the same.
	if len(d.Key) == 1 {
		d.Text = d.Key
	}
	if def.Text != "" {
		d.Text = def.Text
	}
	if modifiers&^8 != 0 { // Alt, Control or Meta
		d.Text = ""
	}
	return d, nil
}

// modifierBit returns the modifier flag a key sets while held (Alt 1,
// Control 2, Meta 4, Shift 8), 0 for other keys. It takes the resolved DOM
// key ("Shift"), not the key name ("ShiftRight"), as Puppeteer does.
func modifierBit(key string) int {
	switch key {
	case "Alt":
		return 1
	case "Control":
		return 2
	case "Meta":
		return 4
	case "Shift":
		return 8
	}
	return 0
}
