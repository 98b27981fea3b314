// Part 5: the public functions — inspect (util.inspect), format
// (util.format, what console.log prints) and formatWithOptions.

// inspectDefaultOptions is per runtime: util.inspect.defaultOptions changes
// only this runtime's defaults.
var inspectDefaultOptions = ObjectSeal({
  showHidden: false,
  depth: 2,
  colors: false,
  customInspect: true,
  showProxy: false,
  maxArrayLength: 100,
  maxStringLength: 10000,
  breakLength: 80,
  compact: 3,
  sorted: false,
  getters: false,
  numericSeparator: false,
});

var optionNames = ObjectKeys(inspectDefaultOptions);

function newContext() {
  var ctx = {
    budget: {},
    indentationLvl: 0,
    seen: [],
    currentDepth: 0,
    stylize: stylizeNoColor,
  };
  for (var i = 0; i < optionNames.length; i++) {
    ctx[optionNames[i]] = inspectDefaultOptions[optionNames[i]];
  }
  return ctx;
}

function finishContext(ctx) {
  if (ctx.colors) ctx.stylize = stylizeWithColor;
  if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
  if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
  return ctx;
}

// inspect is util.inspect(value[, options]), including the legacy form
// inspect(value, showHidden, depth, colors).
function inspect(value, opts) {
  var ctx = newContext();
  if (arguments.length > 1) {
    if (arguments.length > 2) {
      if (arguments[2] !== undefined) ctx.depth = arguments[2];
      if (arguments.length > 3 && arguments[3] !== undefined) ctx.colors = arguments[3];
    }
    if (typeof opts === 'boolean') {
      ctx.showHidden = opts;
    } else if (opts) {
      var optKeys = ObjectKeys(opts);
      for (var i = 0; i < optKeys.length; i++) {
        var key = optKeys[i];
        if (hasOwn(inspectDefaultOptions, key) || key === 'stylize') {
          ctx[key] = opts[key];
        } else if (ctx.userOptions === undefined) {
          // Unknown options are passed through to custom inspect methods.
          ctx.userOptions = opts;
        }
      }
    }
  }
  return formatValue(finishContext(ctx), value, 0);
}

// inspectWith formats value with ctx's options plus overrides, in a fresh
// context (own indentation, circular tracking and budget).
function inspectWith(ctx, value, overrides) {
  var fresh = newContext();
  for (var i = 0; i < optionNames.length; i++) fresh[optionNames[i]] = ctx[optionNames[i]];
  fresh.stylize = ctx.stylize;
  fresh.userOptions = ctx.userOptions;
  var keys = ObjectKeys(overrides);
  for (var k = 0; k < keys.length; k++) fresh[keys[k]] = overrides[keys[k]];
  return formatValue(finishContext(fresh), value, 0);
}

// inspectFromGo serves Inspector.Inspect: the Go Options, already mapped to
// Node's values (depth null = unlimited, breakLength Infinity, compact false).
function inspectFromGo(value, depth, showHidden, breakLength, compact) {
  var ctx = newContext();
  ctx.depth = depth;
  ctx.showHidden = showHidden;
  ctx.breakLength = breakLength;
  ctx.compact = compact;
  return formatValue(finishContext(ctx), value, 0);
}

// getUserOptions builds the options object handed to a custom inspect
// method. A proxy (or an object from elsewhere) gets a null-prototype copy
// holding only primitives, and a stylize that cannot leak our context.
function getUserOptions(ctx, isCrossContext) {
  var ret = {
    stylize: ctx.stylize,
  };
  for (var i = 0; i < optionNames.length; i++) ret[optionNames[i]] = ctx[optionNames[i]];
  if (ctx.userOptions !== undefined) {
    var extra = ObjectKeys(ctx.userOptions);
    for (var k = 0; k < extra.length; k++) ret[extra[k]] = ctx.userOptions[extra[k]];
  }
  if (isCrossContext) {
    var safe = { __proto__: null };
    var names = ObjectKeys(ret);
    for (var n = 0; n < names.length; n++) {
      var v = ret[names[n]];
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) safe[names[n]] = v;
    }
    var inner = ctx.stylize;
    safe.stylize = function (value, flavour) {
      var stylized;
      try {
        stylized = '' + inner(value, flavour);
      } catch (e) {
        // Keep going with the plain text.
      }
      return typeof stylized === 'string' ? stylized : value;
    };
    return safe;
  }
  return ret;
}

ObjectDefineProperty(inspect, 'custom', {
  value: customInspectSymbol, writable: true, enumerable: true, configurable: true,
});
ObjectDefineProperty(inspect, 'defaultOptions', {
  get: function () {
    return inspectDefaultOptions;
  },
  set: function (options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('The "options" argument must be of type object.');
    }
    var keys = ObjectKeys(options);
    for (var i = 0; i < keys.length; i++) inspectDefaultOptions[keys[i]] = options[keys[i]];
  },
  enumerable: false,
  configurable: false,
});
inspect.colors = inspectColors;
inspect.styles = inspectStyles;

function returnFalse() {
  return false;
}

// hasBuiltInToString: does the object's string conversion come from a
// builtin (then %s inspects it) rather than from user code (then %s calls
// String() on it)?
function hasBuiltInToString(value) {
  var target = proxyTarget(value);
  if (target !== undefined) {
    if (target === null) return true;
    value = target;
  }
  var hasOwnToString = hasOwn;
  var hasOwnToPrimitive = hasOwn;
  if (typeof value.toString !== 'function') {
    if (typeof value[SymbolToPrimitive] !== 'function') return true;
    if (hasOwn(value, SymbolToPrimitive)) return false;
    hasOwnToString = returnFalse;
  } else if (hasOwn(value, 'toString')) {
    return false;
  } else if (typeof value[SymbolToPrimitive] !== 'function') {
    hasOwnToPrimitive = returnFalse;
  } else if (hasOwn(value, SymbolToPrimitive)) {
    return false;
  }
  var pointer = value;
  do {
    pointer = ObjectGetPrototypeOf(pointer);
  } while (!hasOwnToString(pointer, 'toString') && !hasOwnToPrimitive(pointer, SymbolToPrimitive));
  var descriptor = ObjectGetOwnPropertyDescriptor(pointer, 'constructor');
  return descriptor !== undefined &&
    typeof descriptor.value === 'function' &&
    SetPrototypeHas(builtInObjects, descriptor.value.name);
}

function firstErrorLine(error) {
  return splitString(StringCtor(error.message), '\n')[0];
}

var circularErrorMessage;

// tryStringify is %j: JSON, or '[Circular]' for the engine's own
// "circular structure" TypeError; other exceptions propagate.
function tryStringify(arg) {
  try {
    return JSONStringify(arg);
  } catch (err) {
    if (!circularErrorMessage) {
      try {
        var a = {};
        a.a = a;
        JSONStringify(a);
      } catch (circularError) {
        circularErrorMessage = firstErrorLine(circularError);
      }
    }
    if (err && err.name === 'TypeError' && firstErrorLine(err) === circularErrorMessage) {
      return '[Circular]';
    }
    throw err;
  }
}

function withOptions(inspectOptions, overrides) {
  var opts = {};
  if (inspectOptions) {
    var keys = ObjectKeys(inspectOptions);
    for (var i = 0; i < keys.length; i++) opts[keys[i]] = inspectOptions[keys[i]];
  }
  var names = ObjectKeys(overrides);
  for (var k = 0; k < names.length; k++) opts[names[k]] = overrides[names[k]];
  return opts;
}

function numericSeparatorOf(options) {
  var v = options == null ? undefined : options.numericSeparator;
  return v == null ? inspectDefaultOptions.numericSeparator : v;
}

// formatWithOptionsInternal implements util.format's printf-like
// directives: %s %d %i %f %j %o %O %c and %%. Arguments left over are
// appended, separated by spaces: strings as they are, the rest inspected.
function formatWithOptionsInternal(inspectOptions, args) {
  var first = args[0];
  var a = 0;
  var str = '';
  var joiner = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    var tempStr;
    var lastPos = 0;
    for (var i = 0; i < first.length - 1; i++) {
      if (StringPrototypeCharCodeAt(first, i) !== 37) continue; // '%'
      var nextChar = StringPrototypeCharCodeAt(first, ++i);
      if (a + 1 !== args.length) {
        switch (nextChar) {
          case 115: { // 's'
            var tempArg = args[++a];
            if (typeof tempArg === 'number') {
              tempStr = formatNumber(stylizeNoColor, tempArg, numericSeparatorOf(inspectOptions));
            } else if (typeof tempArg === 'bigint') {
              tempStr = formatBigInt(stylizeNoColor, tempArg, numericSeparatorOf(inspectOptions));
            } else if (typeof tempArg !== 'object' || tempArg === null || !hasBuiltInToString(tempArg)) {
              tempStr = StringCtor(tempArg);
            } else {
              tempStr = inspect(tempArg, withOptions(inspectOptions, { compact: 3, colors: false, depth: 0 }));
            }
            break;
          }
          case 106: // 'j'
            tempStr = tryStringify(args[++a]);
            break;
          case 100: { // 'd'
            var tempNum = args[++a];
            if (typeof tempNum === 'bigint') {
              tempStr = formatBigInt(stylizeNoColor, tempNum, numericSeparatorOf(inspectOptions));
            } else if (typeof tempNum === 'symbol') {
              tempStr = 'NaN';
            } else {
              tempStr = formatNumber(stylizeNoColor, NumberCtor(tempNum), numericSeparatorOf(inspectOptions));
            }
            break;
          }
          case 79: // 'O'
            tempStr = inspect(args[++a], inspectOptions);
            break;
          case 111: // 'o'
            tempStr = inspect(args[++a], withOptions(inspectOptions, { showHidden: true, showProxy: true, depth: 4 }));
            break;
          case 105: { // 'i'
            var tempInteger = args[++a];
            if (typeof tempInteger === 'bigint') {
              tempStr = formatBigInt(stylizeNoColor, tempInteger, numericSeparatorOf(inspectOptions));
            } else if (typeof tempInteger === 'symbol') {
              tempStr = 'NaN';
            } else {
              tempStr = formatNumber(stylizeNoColor, NumberParseInt(tempInteger), numericSeparatorOf(inspectOptions));
            }
            break;
          }
          case 102: { // 'f'
            var tempFloat = args[++a];
            if (typeof tempFloat === 'symbol') {
              tempStr = 'NaN';
            } else {
              tempStr = formatNumber(stylizeNoColor, NumberParseFloat(tempFloat), numericSeparatorOf(inspectOptions));
            }
            break;
          }
          case 99: // 'c': CSS is ignored, the argument consumed.
            a += 1;
            tempStr = '';
            break;
          case 37: // '%%'
            str += StringPrototypeSlice(first, lastPos, i);
            lastPos = i + 1;
            continue;
          default: // Not a directive: left as is.
            continue;
        }
        if (lastPos !== i - 1) str += StringPrototypeSlice(first, lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (nextChar === 37) {
        str += StringPrototypeSlice(first, lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      joiner = ' ';
      if (lastPos < first.length) str += StringPrototypeSlice(first, lastPos);
    }
  }
  while (a < args.length) {
    var value = args[a];
    str += joiner;
    str += typeof value !== 'string' ? inspect(value, inspectOptions) : value;
    joiner = ' ';
    a++;
  }
  return str;
}

function argumentsFrom(args, start) {
  var out = [];
  for (var i = start; i < args.length; i++) push(out, args[i]);
  return out;
}

// format is util.format(...args).
function format() {
  return formatWithOptionsInternal(undefined, argumentsFrom(arguments, 0));
}

// formatWithOptions is util.formatWithOptions(inspectOptions, ...args).
function formatWithOptions(inspectOptions) {
  if (inspectOptions === null || (typeof inspectOptions !== 'object')) {
    var err = new TypeError('The "inspectOptions" argument must be of type object.' +
      ' Received ' + (inspectOptions === null ? 'null' : 'type ' + typeof inspectOptions));
    err.code = 'ERR_INVALID_ARG_TYPE';
    throw err;
  }
  return formatWithOptionsInternal(inspectOptions, argumentsFrom(arguments, 1));
}
