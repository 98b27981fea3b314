// Part 2: the recursive walk — formatValue picks how to show one value,
// formatRaw builds the pieces (prefix, entries, braces) of an object.

var kObjectType = 0;
var kArrayType = 1;
var kArrayExtrasType = 2;

function beyondDepth(ctx, recurseTimes) {
  return ctx.depth !== null && recurseTimes > ctx.depth;
}

function formatValue(ctx, value, recurseTimes, typedArray) {
  if (typeof value !== 'object' && typeof value !== 'function') {
    return formatPrimitive(ctx.stylize, value, ctx);
  }
  if (value === null) return ctx.stylize('null', 'null');

  // A Proxy is shown as its target, found without running any trap (Node
  // does the same unless showProxy is set). The custom inspect method is
  // still called with the proxy itself as `this`.
  var context = value;
  var target = proxyTarget(value);
  var isProxy = target !== undefined;
  if (isProxy) {
    if (target === null) return ctx.stylize('<Revoked Proxy>', 'special');
    if (ctx.showProxy) return formatProxy(ctx, target, proxyHandler(value), recurseTimes);
    value = target;
  }

  if (ctx.customInspect) {
    var maybeCustom = value[customInspectSymbol];
    if (typeof maybeCustom === 'function' &&
        maybeCustom !== inspect &&
        // Skip prototype objects that merely hold the method for instances.
        !(value.constructor && value.constructor.prototype === value)) {
      var depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      var isCrossContext = isProxy || !isPrototypeOf(ObjectPrototype, context);
      var ret = ReflectApply(maybeCustom, context,
        [depth, getUserOptions(ctx, isCrossContext), inspect]);
      // Returning `this` means "format me normally"; anything else replaces
      // the value. A string is used verbatim (re-indented).
      if (ret !== context) {
        if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
        return replaceAll(ret, '\n', '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl));
      }
    }
  }

  // ctx.seen holds the objects on the current path only, so it stays as short
  // as the nesting depth.
  if (arrayIncludes(ctx.seen, value)) {
    var index = 1;
    if (ctx.circular === undefined) {
      ctx.circular = new MapCtor();
      MapPrototypeSet(ctx.circular, value, index);
    } else {
      index = MapPrototypeGet(ctx.circular, value);
      if (index === undefined) {
        index = MapPrototypeGetSize(ctx.circular) + 1;
        MapPrototypeSet(ctx.circular, value, index);
      }
    }
    return ctx.stylize('[Circular *' + index + ']', 'special');
  }

  return formatRaw(ctx, value, recurseTimes, typedArray);
}

function formatProxy(ctx, target, handler, recurseTimes) {
  if (beyondDepth(ctx, recurseTimes)) return ctx.stylize('Proxy [Array]', 'special');
  recurseTimes += 1;
  ctx.indentationLvl += 2;
  var res = [
    formatValue(ctx, target, recurseTimes),
    formatValue(ctx, handler, recurseTimes),
  ];
  ctx.indentationLvl -= 2;
  return reduceToSingleString(ctx, res, '', ['Proxy [', ']'], kArrayExtrasType, recurseTimes);
}

// engineConstructorName approximates V8's internal constructor name, used
// only for objects whose prototype chain names no constructor at all.
function engineConstructorName(obj) {
  if (typeof obj === 'function') return 'Function';
  if (ArrayIsArray(obj)) return 'Array';
  var c = hostClass(obj);
  return c === '' || c === 'Arguments' ? 'Object' : c;
}

function isInstanceof(object, proto) {
  try {
    return object instanceof proto;
  } catch (e) {
    return false;
  }
}

// getConstructorName walks the prototype chain for the first prototype with
// a named `constructor` the object is an instance of. null means the chain
// ends without one ("[Object: null prototype]").
function getConstructorName(obj, ctx, recurseTimes, protoProps) {
  var firstProto;
  var tmp = obj;
  while (obj) {
    // Object.prototype and Function.prototype are recognised by identity, in
    // case their `constructor` was tampered with.
    if ((obj === ObjectPrototype && isPrototypeOf(ObjectPrototype, tmp)) ||
        (obj === FunctionPrototype && isPrototypeOf(FunctionPrototype, tmp))) {
      if (protoProps !== undefined && firstProto !== obj) {
        addPrototypeProperties(ctx, tmp, firstProto || tmp, recurseTimes, protoProps);
      }
      return obj === ObjectPrototype ? 'Object' : 'Function';
    }
    var descriptor = ObjectGetOwnPropertyDescriptor(obj, 'constructor');
    if (descriptor !== undefined &&
        typeof descriptor.value === 'function' &&
        descriptor.value.name !== '' &&
        isInstanceof(tmp, descriptor.value)) {
      if (protoProps !== undefined &&
          (firstProto !== obj || !SetPrototypeHas(builtInObjects, descriptor.value.name))) {
        addPrototypeProperties(ctx, tmp, firstProto || tmp, recurseTimes, protoProps);
      }
      return StringCtor(descriptor.value.name);
    }
    obj = ObjectGetPrototypeOf(obj);
    if (firstProto === undefined) firstProto = obj;
  }
  if (firstProto === null) return null;

  var res = engineConstructorName(tmp);
  if (beyondDepth(ctx, recurseTimes)) return res + ' <Complex prototype>';
  var protoConstr = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
  if (protoConstr === null) {
    return res + ' <' + inspectWith(ctx, firstProto, { customInspect: false, depth: -1 }) + '>';
  }
  return res + ' <' + protoConstr + '>';
}

// addPrototypeProperties lists (for showHidden) the non-method properties of
// up to three user-defined prototype layers, marked as belonging there.
function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
  var depth = 0;
  var keys;
  var keySet;
  do {
    if (depth !== 0 || main === obj) {
      obj = ObjectGetPrototypeOf(obj);
      if (obj === null) return;
      var descriptor = ObjectGetOwnPropertyDescriptor(obj, 'constructor');
      if (descriptor !== undefined &&
          typeof descriptor.value === 'function' &&
          SetPrototypeHas(builtInObjects, descriptor.value.name)) {
        return;
      }
    }
    if (depth === 0) {
      keySet = new SetCtor();
    } else {
      for (var k = 0; k < keys.length; k++) SetPrototypeAdd(keySet, keys[k]);
    }
    keys = ReflectOwnKeys(obj);
    push(ctx.seen, main);
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      if (key === 'constructor' || hasOwn(main, key) ||
          (depth !== 0 && SetPrototypeHas(keySet, key))) {
        continue;
      }
      var desc = ObjectGetOwnPropertyDescriptor(obj, key);
      if (typeof desc.value === 'function') continue;
      var value = formatProperty(ctx, obj, recurseTimes, key, kObjectType, desc, main);
      push(output, ctx.colors ? '\u001b[2m' + value + '\u001b[22m' : value);
    }
    ctx.seen.length -= 1;
  } while (++depth !== 3);
}

function getPrefix(constructor, tag, fallback, size) {
  if (size === undefined) size = '';
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) {
      return '[' + fallback + size + ': null prototype] [' + tag + '] ';
    }
    return '[' + fallback + size + ': null prototype] ';
  }
  if (tag !== '' && constructor !== tag) {
    return constructor + size + ' [' + tag + '] ';
  }
  return constructor + size + ' ';
}

function concatArrays(a, b) {
  for (var i = 0; i < b.length; i++) push(a, b[i]);
  return a;
}

// getKeys: own enumerable string keys then enumerable symbols, or every own
// key when showHidden is set.
function getKeys(value, showHidden) {
  var keys;
  var symbols = ObjectGetOwnPropertySymbols(value);
  if (showHidden) {
    keys = ObjectGetOwnPropertyNames(value);
    if (symbols.length !== 0) concatArrays(keys, symbols);
  } else {
    keys = ObjectKeys(value);
    for (var i = 0; i < symbols.length; i++) {
      if (propertyIsEnumerable(value, symbols[i])) push(keys, symbols[i]);
    }
  }
  return keys;
}

// isArrayIndex: a canonical decimal string below 2**32 - 1.
function isArrayIndex(key) {
  if (typeof key !== 'string' || key.length === 0 || key.length > 10) return false;
  var c = StringPrototypeCharCodeAt(key, 0);
  if (c === 48) return key.length === 1;
  for (var i = 0; i < key.length; i++) {
    c = StringPrototypeCharCodeAt(key, i);
    if (c < 48 || c > 57) return false;
  }
  return NumberCtor(key) < 4294967295;
}

// getOwnNonIndexProperties: the keys of an array-like that are not indices.
// Own keys list all indices first (ascending), so the others are found by
// scanning back from the end: cheap even for a huge array.
function getOwnNonIndexProperties(value, showHidden) {
  var keys = getKeys(value, showHidden);
  var first = keys.length;
  while (first > 0 && !isArrayIndex(keys[first - 1])) first--;
  var out = [];
  for (var i = first; i < keys.length; i++) push(out, keys[i]);
  return out;
}

function getCtxStyle(value, constructor, tag) {
  var fallback = '';
  if (constructor === null) {
    fallback = engineConstructorName(value);
    if (fallback === tag) fallback = 'Object';
  }
  return getPrefix(constructor, tag, fallback);
}

function emptyFormatter() {
  return [];
}

function formatRaw(ctx, value, recurseTimes, typedArray) {
  var keys;
  var protoProps;
  if (ctx.showHidden && !beyondDepth(ctx, recurseTimes)) protoProps = [];

  var constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
  if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;

  // The tag is shown only when it is not already visible as an own
  // (enumerable, or any with showHidden) property.
  var tag = value[SymbolToStringTag];
  if (typeof tag !== 'string' ||
      (tag !== '' && (ctx.showHidden ?
        hasOwn(value, SymbolToStringTag) :
        propertyIsEnumerable(value, SymbolToStringTag)))) {
    tag = '';
  }
  var base = '';
  var formatter = emptyFormatter;
  var braces;
  var noIterator = true;
  var extrasType = kObjectType;
  var cls;
  var size;
  var prefix;
  // Accessor values listed before the keys (ArrayBuffer, DataView), read
  // through the original getters.
  var leading = [];

  if (SymbolIterator in value || constructor === null) {
    noIterator = false;
    if (ArrayIsArray(value)) {
      prefix = (constructor !== 'Array' || tag !== '') ?
        getPrefix(constructor, tag, 'Array', '(' + value.length + ')') : '';
      keys = getOwnNonIndexProperties(value, ctx.showHidden);
      braces = [prefix + '[', ']'];
      if (value.length === 0 && keys.length === 0 && protoProps === undefined) {
        return braces[0] + ']';
      }
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (isSet(value)) {
      size = SetPrototypeGetSize(value);
      prefix = getPrefix(constructor, tag, 'Set', '(' + size + ')');
      keys = getKeys(value, ctx.showHidden);
      formatter = formatSet;
      if (size === 0 && keys.length === 0 && protoProps === undefined) return prefix + '{}';
      braces = [prefix + '{', '}'];
    } else if (isMap(value)) {
      size = MapPrototypeGetSize(value);
      prefix = getPrefix(constructor, tag, 'Map', '(' + size + ')');
      keys = getKeys(value, ctx.showHidden);
      formatter = formatMap;
      if (size === 0 && keys.length === 0 && protoProps === undefined) return prefix + '{}';
      braces = [prefix + '{', '}'];
    } else if (isTypedArray(value)) {
      keys = getOwnNonIndexProperties(value, ctx.showHidden);
      var bound = value;
      var fallback = '';
      if (constructor === null) {
        // Without a prototype the elements cannot be read through the usual
        // accessors' semantics, so copy them into a fresh array of the kind.
        fallback = TypedArrayPrototypeGetSymbolToStringTag(value);
        bound = new typedArrayCtors[fallback](value);
      }
      size = TypedArrayPrototypeGetLength(value);
      prefix = getPrefix(constructor, tag, fallback, '(' + size + ')');
      braces = [prefix + '[', ']'];
      if (size === 0 && keys.length === 0 && !ctx.showHidden) return braces[0] + ']';
      formatter = makeTypedArrayFormatter(bound, size);
      extrasType = kArrayExtrasType;
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    cls = hostClass(value);
    keys = getKeys(value, ctx.showHidden);
    braces = ['{', '}'];
    if (typeof value === 'function') {
      base = getFunctionBase(value, constructor, tag);
      if (keys.length === 0 && protoProps === undefined) return ctx.stylize(base, 'special');
    } else if (constructor === 'Object') {
      // Plain objects (the common case) skip all the brand checks below.
      if (cls === 'Arguments') {
        braces[0] = '[Arguments] {';
      } else if (tag !== '') {
        braces[0] = getPrefix(constructor, tag, 'Object') + '{';
      }
      if (keys.length === 0 && protoProps === undefined) return braces[0] + '}';
    } else if (cls === 'RegExp') {
      base = regExpToString(value);
      prefix = getPrefix(constructor, tag, 'RegExp');
      if (prefix !== 'RegExp ') base = prefix + base;
      if ((keys.length === 0 && protoProps === undefined) || beyondDepth(ctx, recurseTimes)) {
        return ctx.stylize(base, 'regexp');
      }
    } else if (cls === 'Date') {
      base = NumberIsNaN(DatePrototypeGetTime(value)) ?
        DatePrototypeToString(value) :
        DatePrototypeToISOString(value);
      prefix = getPrefix(constructor, tag, 'Date');
      if (prefix !== 'Date ') base = prefix + base;
      if (keys.length === 0 && protoProps === undefined) return ctx.stylize(base, 'date');
    } else if (isError(value, cls)) {
      base = formatError(value, constructor, tag, ctx, keys);
      if (keys.length === 0 && protoProps === undefined) return base;
    } else if (isArrayBuffer(value)) {
      prefix = getPrefix(constructor, tag, 'ArrayBuffer');
      if (typedArray === undefined) {
        formatter = formatArrayBuffer;
      } else if (keys.length === 0 && protoProps === undefined) {
        return prefix + '{ byteLength: ' +
          formatNumber(ctx.stylize, ArrayBufferPrototypeGetByteLength(value), false) + ' }';
      }
      braces[0] = prefix + '{';
      leading = [['byteLength', ArrayBufferPrototypeGetByteLength(value)]];
    } else if (isDataView(value)) {
      braces[0] = getPrefix(constructor, tag, 'DataView') + '{';
      // .buffer goes last: it is the only non-primitive of the three.
      leading = [['byteLength', DataViewPrototypeGetByteLength(value)],
        ['byteOffset', DataViewPrototypeGetByteOffset(value)],
        ['buffer', DataViewPrototypeGetBuffer(value)]];
    } else if (isPromise(value)) {
      braces[0] = getPrefix(constructor, tag, 'Promise') + '{';
      formatter = formatPromise;
    } else if (isWeakSet(value)) {
      braces[0] = getPrefix(constructor, tag, 'WeakSet') + '{';
      formatter = formatWeakCollection;
    } else if (isWeakMap(value)) {
      braces[0] = getPrefix(constructor, tag, 'WeakMap') + '{';
      formatter = formatWeakCollection;
    } else if (cls === 'Number' || cls === 'String' || cls === 'Boolean' ||
               isBigIntObject(value) || isSymbolObject(value)) {
      base = getBoxedBase(value, ctx, keys, constructor, tag, cls);
      if (keys.length === 0 && protoProps === undefined) return base;
    } else {
      if (keys.length === 0 && protoProps === undefined) {
        return getCtxStyle(value, constructor, tag) + '{}';
      }
      braces[0] = getCtxStyle(value, constructor, tag) + '{';
    }
  }

  if (beyondDepth(ctx, recurseTimes)) {
    var constructorName = StringPrototypeSlice(getCtxStyle(value, constructor, tag), 0, -1);
    if (constructor !== null) constructorName = '[' + constructorName + ']';
    return ctx.stylize(constructorName, 'special');
  }
  recurseTimes += 1;

  push(ctx.seen, value);
  ctx.currentDepth = recurseTimes;
  var output = formatter(ctx, value, recurseTimes);
  for (var l = 0; l < leading.length; l++) {
    push(output, formatProperty(ctx, value, recurseTimes, leading[l][0], kObjectType,
      { value: leading[l][1], enumerable: true }));
  }
  for (var i = 0; i < keys.length; i++) {
    push(output, formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
  }
  if (protoProps !== undefined) concatArrays(output, protoProps);

  if (ctx.circular !== undefined) {
    var index = MapPrototypeGet(ctx.circular, value);
    if (index !== undefined) {
      var reference = ctx.stylize('<ref *' + index + '>', 'special');
      if (ctx.compact !== true) {
        base = base === '' ? reference : reference + ' ' + base;
      } else {
        braces[0] = reference + ' ' + braces[0];
      }
    }
  }
  ctx.seen.length -= 1;

  if (ctx.sorted) {
    var comparator = ctx.sorted === true ? undefined : ctx.sorted;
    if (extrasType === kObjectType) {
      ArrayPrototypeSort(output, comparator);
    } else if (keys.length > 1) {
      // Only the named properties after the elements are sorted.
      var start = output.length - keys.length;
      var tail = [];
      for (var t = start; t < output.length; t++) push(tail, output[t]);
      ArrayPrototypeSort(tail, comparator);
      for (var u = 0; u < tail.length; u++) output[start + u] = tail[u];
    }
  }

  var res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  // Node stops descending once one indentation level has produced ~2**27
  // characters, so a huge object cannot build an unbounded string.
  var budget = ctx.budget[ctx.indentationLvl] || 0;
  var newLength = budget + res.length;
  ctx.budget[ctx.indentationLvl] = newLength;
  if (newLength > 134217728) ctx.depth = -1;
  return res;
}
