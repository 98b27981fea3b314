// Part 3: entries (array elements, collection members, properties) and the
// layout that joins them onto one line or breaks them over several.

function remainingText(remaining) {
  return '... ' + remaining + ' more item' + (remaining > 1 ? 's' : '');
}

function formatArray(ctx, value, recurseTimes) {
  var valLen = value.length;
  var len = MathMin(MathMax(0, ctx.maxArrayLength), valLen);
  var remaining = valLen - len;
  var output = [];
  for (var i = 0; i < len; i++) {
    if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
    push(output, formatProperty(ctx, value, recurseTimes, i, kArrayType));
  }
  if (remaining > 0) push(output, remainingText(remaining));
  return output;
}

// formatSpecialArray continues formatArray from index i once a hole is
// found: runs of holes become "<n empty items>".
function formatSpecialArray(ctx, value, recurseTimes, maxLength, output, i) {
  var keys = ObjectKeys(value);
  var index = i;
  for (; i < keys.length && output.length < maxLength; i++) {
    var key = keys[i];
    var tmp = +key;
    if (tmp > 4294967294) break;
    if ('' + index !== key) {
      if (!isArrayIndex(key)) break;
      var emptyItems = tmp - index;
      push(output, ctx.stylize('<' + emptyItems + ' empty item' + (emptyItems > 1 ? 's' : '') + '>', 'undefined'));
      index = tmp;
      if (output.length === maxLength) break;
    }
    push(output, formatProperty(ctx, value, recurseTimes, key, kArrayType));
    index++;
  }
  var remaining = value.length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) {
      push(output, ctx.stylize('<' + remaining + ' empty item' + (remaining > 1 ? 's' : '') + '>', 'undefined'));
    }
  } else if (remaining > 0) {
    push(output, remainingText(remaining));
  }
  return output;
}

function makeTypedArrayFormatter(array, length) {
  return function (ctx, ignored, recurseTimes) {
    var maxLength = MathMin(MathMax(0, ctx.maxArrayLength), length);
    var remaining = array.length - maxLength;
    var output = [];
    var elementFormatter = array.length > 0 && typeof array[0] === 'number' ? formatNumber : formatBigInt;
    for (var i = 0; i < maxLength; ++i) {
      output[i] = elementFormatter(ctx.stylize, array[i], ctx.numericSeparator);
    }
    if (remaining > 0) output[maxLength] = remainingText(remaining);
    if (ctx.showHidden) {
      // All but BYTES_PER_ELEMENT are prototype getters, so they are not
      // among the keys; Node lists them explicitly.
      ctx.indentationLvl += 2;
      var extra = [
        ['BYTES_PER_ELEMENT', array.BYTES_PER_ELEMENT],
        ['length', TypedArrayPrototypeGetLength(array)],
        ['byteLength', TypedArrayPrototypeGetByteLength(array)],
        ['byteOffset', TypedArrayPrototypeGetByteOffset(array)],
        ['buffer', TypedArrayPrototypeGetBuffer(array)],
      ];
      for (var k = 0; k < extra.length; k++) {
        var str = formatValue(ctx, extra[k][1], recurseTimes, true);
        push(output, '[' + extra[k][0] + ']: ' + str);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  };
}

var hexLower = '0123456789abcdef';

function formatArrayBuffer(ctx, value) {
  var buffer;
  try {
    buffer = new Uint8ArrayCtor(value);
  } catch (e) {
    return [ctx.stylize('(detached)', 'special')];
  }
  var n = MathMin(ctx.maxArrayLength, buffer.length);
  var str = '';
  for (var i = 0; i < n; i++) {
    var b = buffer[i];
    str += (i === 0 ? '' : ' ') + hexLower[b >> 4] + hexLower[b & 15];
  }
  var remaining = buffer.length - ctx.maxArrayLength;
  if (remaining > 0) str += ' ... ' + remaining + ' more byte' + (remaining > 1 ? 's' : '');
  return [ctx.stylize('[Uint8Contents]', 'special') + ': <' + str + '>'];
}

function formatSet(ctx, value, recurseTimes) {
  var length = SetPrototypeGetSize(value);
  var maxLength = MathMin(MathMax(0, ctx.maxArrayLength), length);
  var remaining = length - maxLength;
  var output = [];
  ctx.indentationLvl += 2;
  var it = SetPrototypeValues(value);
  for (var i = 0; i < maxLength; i++) {
    var step = SetIteratorNext(it);
    if (step.done) break;
    push(output, formatValue(ctx, step.value, recurseTimes));
  }
  if (remaining > 0) push(output, remainingText(remaining));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx, value, recurseTimes) {
  var length = MapPrototypeGetSize(value);
  var maxLength = MathMin(MathMax(0, ctx.maxArrayLength), length);
  var remaining = length - maxLength;
  var output = [];
  ctx.indentationLvl += 2;
  var it = MapPrototypeEntries(value);
  for (var i = 0; i < maxLength; i++) {
    var step = MapIteratorNext(it);
    if (step.done) break;
    var entry = step.value;
    push(output, formatValue(ctx, entry[0], recurseTimes) + ' => ' +
      formatValue(ctx, entry[1], recurseTimes));
  }
  if (remaining > 0) push(output, remainingText(remaining));
  ctx.indentationLvl -= 2;
  return output;
}

// WeakMap/WeakSet contents cannot be listed from JS (Node peeks at them
// through V8 with showHidden; here they are always unknown).
function formatWeakCollection(ctx) {
  return [ctx.stylize('<items unknown>', 'special')];
}

function formatPromise(ctx, value, recurseTimes) {
  var state = promiseState(value);
  if (state === 0) return [ctx.stylize('<pending>', 'special')];
  ctx.indentationLvl += 2;
  var str = formatValue(ctx, promiseResult(value), recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === 2 ? ctx.stylize('<rejected>', 'special') + ' ' + str : str];
}

var keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

// formatProperty formats value[key] as an array element (kArrayType: the
// value alone) or as "key: value". Accessors are shown as [Getter],
// [Setter] or [Getter/Setter] and not called unless ctx.getters asks for it.
function formatProperty(ctx, value, recurseTimes, key, type, desc, original) {
  if (original === undefined) original = value;
  var name, str;
  var extra = ' ';
  desc = desc || ObjectGetOwnPropertyDescriptor(value, key) ||
    { value: value[key], enumerable: true };
  if (desc.value !== undefined) {
    var diff = (ctx.compact !== true || type !== kObjectType) ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, desc.value, recurseTimes);
    if (diff === 3 && ctx.breakLength < getStringWidth(str, ctx.colors)) {
      extra = '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl);
    }
    ctx.indentationLvl -= diff;
  } else if (desc.get !== undefined) {
    var label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
    var s = ctx.stylize;
    var sp = 'special';
    if (ctx.getters && (ctx.getters === true ||
          (ctx.getters === 'get' && desc.set === undefined) ||
          (ctx.getters === 'set' && desc.set !== undefined))) {
      try {
        var tmp = ReflectApply(desc.get, original, []);
        ctx.indentationLvl += 2;
        if (tmp === null) {
          str = s('[' + label + ':', sp) + ' ' + s('null', 'null') + s(']', sp);
        } else if (typeof tmp === 'object') {
          str = s('[' + label + ']', sp) + ' ' + formatValue(ctx, tmp, recurseTimes);
        } else {
          str = s('[' + label + ':', sp) + ' ' + formatPrimitive(s, tmp, ctx) + s(']', sp);
        }
        ctx.indentationLvl -= 2;
      } catch (err) {
        var message = '<Inspection threw (' + (err && err.message) + ')>';
        str = s('[' + label + ':', sp) + ' ' + message + s(']', sp);
      }
    } else {
      str = ctx.stylize('[' + label + ']', sp);
    }
  } else if (desc.set !== undefined) {
    str = ctx.stylize('[Setter]', 'special');
  } else {
    str = ctx.stylize('undefined', 'undefined');
  }
  if (type === kArrayType) return str;
  if (typeof key === 'symbol') {
    name = '[' + ctx.stylize(escapeKey(SymbolPrototypeToString(key)), 'symbol') + ']';
  } else if (key === '__proto__') {
    name = "['__proto__']";
  } else if (desc.enumerable === false) {
    name = '[' + escapeKey(key) + ']';
  } else if (RegExpPrototypeTest(keyStrRegExp, key)) {
    name = ctx.stylize(key, 'name');
  } else {
    name = ctx.stylize(strEscape(key), 'string');
  }
  return name + ':' + extra + str;
}

// groupArrayElements lays out many short array entries in aligned columns
// (numbers right-aligned), as Node does for arrays of more than six entries.
function groupArrayElements(ctx, output, value) {
  var totalLength = 0;
  var maxLength = 0;
  var i = 0;
  var outputLength = output.length;
  // The "... n more items" entry does not take part in the grouping.
  if (ctx.maxArrayLength < output.length) outputLength--;
  var separatorSpace = 2; // ", "
  var dataLen = [];
  for (; i < outputLength; i++) {
    var len = getStringWidth(output[i], ctx.colors);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  var actualMax = maxLength + separatorSpace;
  // Group only when at least three columns fit and no entry is much longer
  // than the average (otherwise the gaps would be huge).
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
    var approxCharHeights = 2.5;
    var averageBias = MathSqrt(actualMax - totalLength / output.length);
    var biasedMax = MathMax(actualMax - 3 - averageBias, 1);
    var columns = MathMin(
      // Aim for a roughly square block, characters being ~2.5 times as high
      // as wide; short entries get a few more columns.
      MathRound(MathSqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
      MathFloor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15);
    if (columns <= 1) return output;
    var tmp = [];
    var maxLineLength = [];
    for (var c = 0; c < columns; c++) {
      var lineMaxLength = 0;
      for (var j = c; j < output.length; j += columns) {
        if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
      }
      maxLineLength[c] = lineMaxLength + separatorSpace;
    }
    var order = StringPrototypePadStart;
    if (value !== undefined) {
      for (var k = 0; k < output.length; k++) {
        if (typeof value[k] !== 'number' && typeof value[k] !== 'bigint') {
          order = StringPrototypePadEnd;
          break;
        }
      }
    }
    for (var r = 0; r < outputLength; r += columns) {
      var max = MathMin(r + columns, outputLength);
      var str = '';
      var e = r;
      for (; e < max - 1; e++) {
        // Color codes take no columns, so pad by the visible width.
        var padding = maxLineLength[e - r] + output[e].length - dataLen[e];
        str += order(output[e] + ', ', padding, ' ');
      }
      if (order === StringPrototypePadStart) {
        var lastPadding = maxLineLength[e - r] + output[e].length - dataLen[e] - separatorSpace;
        str += StringPrototypePadStart(output[e], lastPadding, ' ');
      } else {
        str += output[e];
      }
      push(tmp, str);
    }
    if (ctx.maxArrayLength < output.length) push(tmp, output[outputLength]);
    output = tmp;
  }
  return output;
}

// isBelowBreakLength: would the entries, joined with ", " after `start`
// columns, fit in breakLength? A base with line breaks (an error's stack)
// never shares its line with the entries.
function isBelowBreakLength(ctx, output, start, base) {
  var totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (var i = 0; i < output.length; i++) {
    totalLength += ctx.colors ? stripVTControlCharacters(output[i]).length : output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === '' || !StringPrototypeIncludes(base, '\n');
}

function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      var entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) {
        output = groupArrayElements(ctx, output, value);
      }
      // Only the innermost `compact` levels may be put on a single line:
      // ctx.currentDepth is the deepest level reached below this object.
      // Grouped arrays keep their rows.
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        // 10 stands in for the other things that eat into the line.
        var start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          var joined = join(output, ', ');
          if (!StringPrototypeIncludes(joined, '\n')) {
            return (base ? base + ' ' : '') + braces[0] + ' ' + joined + ' ' + braces[1];
          }
        }
      }
    }
    // One entry per line. The pieces are joined in one step: entries can
    // be large (deeply nested output), and each `+` would copy them again.
    var indentation = '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl);
    var parts = [(base ? base + ' ' : '') + braces[0] + indentation + '  '];
    for (var i = 0; i < output.length; i++) {
      if (i !== 0) push(parts, ',' + indentation + '  ');
      push(parts, output[i]);
    }
    push(parts, indentation + braces[1]);
    return join(parts, '');
  }
  // compact: true — the pre-v12 layout.
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return braces[0] + (base ? ' ' + base : '') + ' ' + join(output, ', ') + ' ' + braces[1];
  }
  var ind = StringPrototypeRepeat(' ', ctx.indentationLvl);
  // A long opening brace ("Set {") pushes the first entry to its own line so
  // the entries line up.
  var ln = base === '' && braces[0].length === 1 ? ' ' : (base ? ' ' + base : '') + '\n' + ind + '  ';
  return braces[0] + ln + join(output, ',\n' + ind + '  ') + ' ' + braces[1];
}
