// Part 1: primitives — string quoting and escaping, numbers, bigints,
// colors and display width.

var kMinLineLength = 16;

// Characters that may need a backslash escape: C0 controls, the single
// quote, the backslash, DEL and C1 controls, and surrogate halves (which are
// fine when paired). The regexes only find candidates quickly, so a long
// string without any of them costs one native scan instead of a JS loop.
var escapeCandidateQuote = /[\x00-\x1f\x27\x5c\x7f-\x9f\ud800-\udfff]/g;
var escapeCandidateNoQuote = /[\x00-\x1f\x5c\x7f-\x9f\ud800-\udfff]/g;

var hexDigits = '0123456789ABCDEF';

// hex2 writes \xNN with upper-case digits, as Node does (\x0B, \x1B, \x7F).
function hex2(code) {
  return '\\x' + hexDigits[code >> 4] + hexDigits[code & 15];
}

function escapeCode(code) {
  switch (code) {
    case 8: return '\\b';
    case 9: return '\\t';
    case 10: return '\\n';
    case 12: return '\\f';
    case 13: return '\\r';
    case 39: return "\\'";
    case 92: return '\\\\';
  }
  if (code < 32 || (code > 126 && code < 160)) return hex2(code);
  return '\\u' + NumberPrototypeToString(code, 16);
}

// escapeBody escapes str for display inside quotes. escapeQuote says whether
// the single quote is the delimiter (and must be escaped).
function escapeBody(str, escapeQuote) {
  var re = escapeQuote ? escapeCandidateQuote : escapeCandidateNoQuote;
  re.lastIndex = 0;
  var m = RegExpPrototypeExec(re, str);
  if (m === null) return str;
  // Pieces are collected and joined once: appending to one growing string
  // would be quadratic for long text with many escapes.
  var parts = [];
  var last = 0;
  while (m !== null) {
    var i = m.index;
    var code = StringPrototypeCharCodeAt(str, i);
    if (code >= 0xd800 && code <= 0xdfff) {
      // A correctly paired surrogate is a normal character.
      if (code <= 0xdbff && i + 1 < str.length) {
        var next = StringPrototypeCharCodeAt(str, i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          re.lastIndex = i + 2;
          m = RegExpPrototypeExec(re, str);
          continue;
        }
      }
    }
    if (last !== i) push(parts, StringPrototypeSlice(str, last, i));
    push(parts, escapeCode(code));
    last = i + 1;
    re.lastIndex = last;
    m = RegExpPrototypeExec(re, str);
  }
  push(parts, StringPrototypeSlice(str, last));
  return join(parts, '');
}

// strEscape quotes a string the way Node does: 'single' quotes by default,
// "double" when the text contains a single quote (and no double quote), and
// `backticks` when it contains both (and no backtick or "${"). Only the
// chosen delimiter, if it is the single quote, is escaped.
function strEscape(str) {
  var quote = "'";
  if (StringPrototypeIncludes(str, "'")) {
    if (!StringPrototypeIncludes(str, '"')) {
      quote = '"';
    } else if (!StringPrototypeIncludes(str, '`') &&
               !StringPrototypeIncludes(str, '${')) {
      quote = '`';
    }
  }
  return quote + escapeBody(str, quote === "'") + quote;
}

// escapeKey escapes a symbol description or a non-enumerable key the way
// Node does there: always with the single-quote rules, but no quotes added.
function escapeKey(str) {
  return escapeBody(str, true);
}

function addNumericSeparator(integerString) {
  var result = '';
  var i = integerString.length;
  var start = integerString[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) {
    result = '_' + StringPrototypeSlice(integerString, i - 3, i) + result;
  }
  return i === integerString.length ?
    integerString :
    StringPrototypeSlice(integerString, 0, i) + result;
}

function addNumericSeparatorEnd(integerString) {
  var result = '';
  var i = 0;
  for (; i < integerString.length - 3; i += 3) {
    result += StringPrototypeSlice(integerString, i, i + 3) + '_';
  }
  return i === 0 ? integerString : result + StringPrototypeSlice(integerString, i);
}

function formatNumber(fn, number, numericSeparator) {
  if (!numericSeparator) {
    // `${-0}` is "0"; Node shows the sign.
    if (ObjectIs(number, -0)) return fn('-0', 'number');
    return fn('' + number, 'number');
  }
  var numberString = StringCtor(number);
  var integer = MathTrunc(number);
  if (integer === number) {
    if (!NumberIsFinite(number) || StringPrototypeIncludes(numberString, 'e')) {
      return fn(numberString, 'number');
    }
    return fn(addNumericSeparator(numberString), 'number');
  }
  if (NumberIsNaN(number)) return fn(numberString, 'number');
  var dot = StringPrototypeIndexOf(numberString, '.');
  return fn(addNumericSeparator(StringPrototypeSlice(numberString, 0, dot)) + '.' +
    addNumericSeparatorEnd(StringPrototypeSlice(numberString, dot + 1)), 'number');
}

function formatBigInt(fn, bigint, numericSeparator) {
  var string = StringCtor(bigint);
  if (!numericSeparator) return fn(string + 'n', 'bigint');
  return fn(addNumericSeparator(string) + 'n', 'bigint');
}

// splitLines splits after every "\n", keeping the newline with its line.
function splitLines(str) {
  var lines = [];
  var last = 0;
  var pos = StringPrototypeIndexOf(str, '\n');
  while (pos !== -1 && pos + 1 < str.length) {
    push(lines, StringPrototypeSlice(str, last, pos + 1));
    last = pos + 1;
    pos = StringPrototypeIndexOf(str, '\n', last);
  }
  push(lines, StringPrototypeSlice(str, last));
  return lines;
}

function formatPrimitive(fn, value, ctx) {
  if (typeof value === 'string') {
    var trailer = '';
    if (value.length > ctx.maxStringLength) {
      var remaining = value.length - ctx.maxStringLength;
      value = StringPrototypeSlice(value, 0, ctx.maxStringLength);
      trailer = '... ' + remaining + ' more character' + (remaining > 1 ? 's' : '');
    }
    // Node 20 breaks long multi-line strings after each "\n" (only there:
    // long single-line strings stay whole), one quoted piece per line.
    if (ctx.compact !== true &&
        value.length > kMinLineLength &&
        value.length > ctx.breakLength - ctx.indentationLvl - 4) {
      var lines = splitLines(value);
      var pieces = [];
      for (var i = 0; i < lines.length; i++) push(pieces, fn(strEscape(lines[i]), 'string'));
      return join(pieces, ' +\n' + StringPrototypeRepeat(' ', ctx.indentationLvl + 2)) + trailer;
    }
    return fn(strEscape(value), 'string') + trailer;
  }
  if (typeof value === 'number') return formatNumber(fn, value, ctx.numericSeparator);
  if (typeof value === 'bigint') return formatBigInt(fn, value, ctx.numericSeparator);
  if (typeof value === 'boolean') return fn('' + value, 'boolean');
  if (typeof value === 'undefined') return fn('undefined', 'undefined');
  return fn(SymbolPrototypeToString(value), 'symbol');
}

// Colors, as util.inspect.colors / util.inspect.styles: a style name maps to
// a color name, which maps to an SGR [on, off] code pair.
var defaultFG = 39;
var defaultBG = 49;
var inspectColors = {
  __proto__: null,
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23],
  underline: [4, 24], blink: [5, 25], inverse: [7, 27], hidden: [8, 28],
  strikethrough: [9, 29], doubleunderline: [21, 24],
  black: [30, defaultFG], red: [31, defaultFG], green: [32, defaultFG],
  yellow: [33, defaultFG], blue: [34, defaultFG], magenta: [35, defaultFG],
  cyan: [36, defaultFG], white: [37, defaultFG],
  bgBlack: [40, defaultBG], bgRed: [41, defaultBG], bgGreen: [42, defaultBG],
  bgYellow: [43, defaultBG], bgBlue: [44, defaultBG], bgMagenta: [45, defaultBG],
  bgCyan: [46, defaultBG], bgWhite: [47, defaultBG],
  framed: [51, 54], overlined: [53, 55],
  gray: [90, defaultFG], redBright: [91, defaultFG], greenBright: [92, defaultFG],
  yellowBright: [93, defaultFG], blueBright: [94, defaultFG],
  magentaBright: [95, defaultFG], cyanBright: [96, defaultFG],
  whiteBright: [97, defaultFG],
  bgGray: [100, defaultBG], bgRedBright: [101, defaultBG],
  bgGreenBright: [102, defaultBG], bgYellowBright: [103, defaultBG],
  bgBlueBright: [104, defaultBG], bgMagentaBright: [105, defaultBG],
  bgCyanBright: [106, defaultBG], bgWhiteBright: [107, defaultBG],
};
(function () {
  var aliases = [
    ['gray', 'grey'], ['gray', 'blackBright'], ['bgGray', 'bgGrey'],
    ['bgGray', 'bgBlackBright'], ['dim', 'faint'], ['strikethrough', 'crossedout'],
    ['strikethrough', 'strikeThrough'], ['strikethrough', 'crossedOut'],
    ['hidden', 'conceal'], ['inverse', 'swapColors'], ['inverse', 'swapcolors'],
    ['doubleunderline', 'doubleUnderline'],
  ];
  for (var i = 0; i < aliases.length; i++) {
    (function (target, alias) {
      ObjectDefineProperty(inspectColors, alias, {
        get: function () { return this[target]; },
        set: function (value) { this[target] = value; },
        configurable: true,
        enumerable: false,
      });
    })(aliases[i][0], aliases[i][1]);
  }
})();
var inspectStyles = {
  __proto__: null,
  special: 'cyan', number: 'yellow', bigint: 'yellow', boolean: 'yellow',
  undefined: 'grey', null: 'bold', string: 'green', symbol: 'green',
  date: 'magenta', regexp: 'red', module: 'underline',
};

function stylizeWithColor(str, styleType) {
  var style = inspectStyles[styleType];
  if (style !== undefined) {
    var color = inspectColors[style];
    if (color !== undefined) {
      return '\u001b[' + color[0] + 'm' + str + '\u001b[' + color[1] + 'm';
    }
  }
  return str;
}

function stylizeNoColor(str) {
  return str;
}

// stripVTControlCharacters removes ANSI escape sequences (CSI ... final byte
// and OSC ... BEL/ST), so colored output can be measured.
function stripVTControlCharacters(str) {
  if (!StringPrototypeIncludes(str, '\u001b') && !StringPrototypeIncludes(str, '\u009b')) return str;
  var parts = [];
  var last = 0;
  var i = 0;
  while (i < str.length) {
    var c = StringPrototypeCharCodeAt(str, i);
    var start = i;
    if (c === 0x9b || (c === 0x1b && str[i + 1] === '[')) {
      i += c === 0x9b ? 1 : 2;
      while (i < str.length) {
        var d = StringPrototypeCharCodeAt(str, i++);
        if (d >= 0x40 && d <= 0x7e) break;
      }
    } else if (c === 0x1b && str[i + 1] === ']') {
      i += 2;
      while (i < str.length) {
        var e = StringPrototypeCharCodeAt(str, i);
        if (e === 7) { i++; break; }
        if (e === 0x1b && str[i + 1] === '\\') { i += 2; break; }
        i++;
      }
    } else {
      i++;
      continue;
    }
    push(parts, StringPrototypeSlice(str, last, start));
    last = i;
  }
  push(parts, StringPrototypeSlice(str, last));
  return join(parts, '');
}

function isZeroWidthCodePoint(code) {
  return code <= 0x1F ||
    (code >= 0x7F && code <= 0x9F) ||
    (code >= 0x300 && code <= 0x36F) ||
    (code >= 0x200B && code <= 0x200F) ||
    (code >= 0x20D0 && code <= 0x20FF) ||
    (code >= 0xFE00 && code <= 0xFE0F) ||
    (code >= 0xFE20 && code <= 0xFE2F) ||
    (code >= 0xE0100 && code <= 0xE01EF);
}

// isFullWidthCodePoint: East Asian Wide/Fullwidth ranges (a subset of
// Unicode's EastAsianWidth.txt) and the common emoji blocks.
function isFullWidthCodePoint(code) {
  return code >= 0x1100 && (
    code <= 0x115f ||
    code === 0x2329 || code === 0x232a ||
    (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) ||
    (code >= 0x3250 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0xa4c6) ||
    (code >= 0xa960 && code <= 0xa97c) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe10 && code <= 0xfe19) ||
    (code >= 0xfe30 && code <= 0xfe6b) ||
    (code >= 0xff01 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1b000 && code <= 0x1b001) ||
    (code >= 0x1f200 && code <= 0x1f251) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x20000 && code <= 0x3fffd));
}

// getStringWidth is the number of terminal columns str takes. Node uses ICU
// for non-ASCII text; without Intl this uses the width tables above.
function getStringWidth(str, removeControlChars) {
  if (removeControlChars) str = stripVTControlCharacters(str);
  var width = 0;
  for (var i = 0; i < str.length; i++) {
    var code = StringPrototypeCharCodeAt(str, i);
    if (code >= 127) return width + wideStringWidth(StringPrototypeNormalize(StringPrototypeSlice(str, i), 'NFC'));
    width += code >= 32 ? 1 : 0;
  }
  return width;
}

function wideStringWidth(str) {
  var width = 0;
  for (var i = 0; i < str.length; i++) {
    var code = StringPrototypeCodePointAt(str, i);
    if (code > 0xffff) i++;
    if (isFullWidthCodePoint(code)) {
      width += 2;
    } else if (!isZeroWidthCodePoint(code)) {
      width++;
    }
  }
  return width;
}
