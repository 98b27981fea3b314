// Part 4: functions, classes, boxed primitives and errors.

var classRegExp = /^(\s+[^(]*?)\s*{/;
var stripCommentsRegExp = /(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g;

// stripComments removes // and /* */ comments (roughly, like Node's regex).
function stripComments(str) {
  var parts = [];
  var last = 0;
  stripCommentsRegExp.lastIndex = 0;
  var m = RegExpPrototypeExec(stripCommentsRegExp, str);
  while (m !== null) {
    push(parts, StringPrototypeSlice(str, last, m.index));
    last = m.index + m[0].length;
    if (m[0].length === 0) stripCommentsRegExp.lastIndex++;
    m = RegExpPrototypeExec(stripCommentsRegExp, str);
  }
  push(parts, StringPrototypeSlice(str, last));
  return join(parts, '');
}

var FunctionPrototypeToString = uncurry(FunctionPrototype.toString);

function regExpToString(value) {
  var flags = '';
  for (var i = 0; i < regExpFlagGetters.length; i++) {
    if (regExpFlagGetters[i][0](value)) flags += regExpFlagGetters[i][1];
  }
  return '/' + RegExpPrototypeGetSource(value) + '/' + flags;
}

function getClassBase(value, constructor, tag) {
  var name = (hasOwn(value, 'name') && value.name) || '(anonymous)';
  var base = 'class ' + name;
  if (constructor !== 'Function' && constructor !== null) base += ' [' + constructor + ']';
  if (tag !== '' && constructor !== tag) base += ' [' + tag + ']';
  if (constructor !== null) {
    var superName = ObjectGetPrototypeOf(value).name;
    if (superName) base += ' extends ' + superName;
  } else {
    base += ' extends [null prototype]';
  }
  return '[' + base + ']';
}

function getFunctionBase(value, constructor, tag) {
  // Classes are recognised by their source text, as in Node.
  var stringified = FunctionPrototypeToString(value);
  if (StringPrototypeStartsWith(stringified, 'class') &&
      StringPrototypeEndsWith(stringified, '}')) {
    var slice = StringPrototypeSlice(stringified, 5, -1);
    var bracketIndex = StringPrototypeIndexOf(slice, '{');
    if (bracketIndex !== -1 &&
        (!StringPrototypeIncludes(StringPrototypeSlice(slice, 0, bracketIndex), '(') ||
         RegExpPrototypeTest(classRegExp, stripComments(slice)))) {
      return getClassBase(value, constructor, tag);
    }
  }
  var type = 'Function';
  if (isGeneratorFunction(value)) type = 'Generator' + type;
  if (isAsyncFunction(value)) type = 'Async' + type;
  var base = '[' + type;
  if (constructor === null) base += ' (null prototype)';
  if (value.name === '') {
    base += ' (anonymous)';
  } else {
    base += ': ' + value.name;
  }
  base += ']';
  if (constructor !== type && constructor !== null) base += ' ' + constructor;
  if (tag !== '' && constructor !== tag) base += ' [' + tag + ']';
  return base;
}

function getBoxedBase(value, ctx, keys, constructor, tag, cls) {
  var fn;
  var type;
  if (cls === 'Number') {
    fn = NumberPrototypeValueOf;
    type = 'Number';
  } else if (cls === 'String') {
    fn = StringPrototypeValueOf;
    type = 'String';
    // The index keys of a String object only repeat its value.
    spliceArray(keys, 0, StringPrototypeValueOf(value).length);
  } else if (cls === 'Boolean') {
    fn = BooleanPrototypeValueOf;
    type = 'Boolean';
  } else if (isBigIntObject(value)) {
    fn = BigIntPrototypeValueOf;
    type = 'BigInt';
  } else {
    fn = SymbolPrototypeValueOf;
    type = 'Symbol';
  }
  var base = '[' + type;
  if (type !== constructor) {
    base += constructor === null ? ' (null prototype)' : ' (' + constructor + ')';
  }
  base += ': ' + formatPrimitive(stylizeNoColor, fn(value), ctx) + ']';
  if (tag !== '' && tag !== constructor) base += ' [' + tag + ']';
  if (keys.length !== 0 || ctx.stylize === stylizeNoColor) return base;
  return ctx.stylize(base, StringPrototypeToLowerCase(type));
}

var enginePcRegExp = /:(\d+):(\d+)\(\d+\)(\)?)$/;

// normalizeEngineStack rewrites the engine's stack frames into V8's shape:
// "\tat f (file.js:1:2(7))" becomes "    at f (file.js:1:2)" (the
// parenthesised number is a bytecode offset, meaningless to users), and the
// trailing newline goes. Node's error layout (brackets for frame-less
// errors, indentation of nested stacks) keys on "\n    at", so this must
// happen before anything else looks at the stack.
function normalizeEngineStack(stack) {
  if (!StringPrototypeIncludes(stack, '\n\tat ')) return stack;
  var lines = splitString(stack, '\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.length -= 1;
  for (var i = 1; i < lines.length; i++) {
    var line = lines[i];
    if (!StringPrototypeStartsWith(line, '\tat ')) continue;
    line = '    at ' + StringPrototypeSlice(line, 4);
    var m = RegExpPrototypeExec(enginePcRegExp, line);
    if (m !== null) {
      line = StringPrototypeSlice(line, 0, m.index) + ':' + m[1] + ':' + m[2] + (m[3] || '');
    }
    lines[i] = line;
  }
  return join(lines, '\n');
}

function getStackString(error) {
  var stack = error.stack;
  return stack ? normalizeEngineStack(StringCtor(stack)) : ErrorPrototypeToString(error);
}

// identicalSequenceRange finds the longest run (> 3) of frames of a that
// also appears in b, to elide frames an error shares with its cause.
function identicalSequenceRange(a, b) {
  for (var i = 0; i < a.length - 3; i++) {
    var pos = arrayIndexOf(b, a[i]);
    if (pos !== -1) {
      var rest = b.length - pos;
      if (rest > 3) {
        var len = 1;
        var maxLen = MathMin(a.length - i, rest);
        while (maxLen > len && a[i + len] === b[pos + len]) len++;
        if (len > 3) return { len: len, offset: i };
      }
    }
  }
  return { len: 0, offset: 0 };
}

function getStackFrames(ctx, err, stack) {
  var frames = splitString(stack, '\n');
  var cause;
  try {
    cause = err.cause;
  } catch (e) {
    // A throwing `cause` getter is ignored.
  }
  if (cause != null && typeof cause === 'object' && isError(cause, hostClass(cause))) {
    var causeStack = getStackString(cause);
    var causeStackStart = StringPrototypeIndexOf(causeStack, '\n    at');
    if (causeStackStart !== -1) {
      var causeFrames = splitString(StringPrototypeSlice(causeStack, causeStackStart + 1), '\n');
      var range = identicalSequenceRange(frames, causeFrames);
      if (range.len > 0) {
        var skipped = range.len - 2;
        var msg = '    ... ' + skipped + ' lines matching cause stack trace ...';
        spliceArray(frames, range.offset + 1, skipped, ctx.stylize(msg, 'undefined'));
      }
    }
  }
  return frames;
}

// improveStack makes the first line name the actual class when the stack
// only says the error's `name` (for example "Error" for class Foo extends
// Error), for stacks that look like regular error stacks.
function improveStack(stack, constructor, name, tag) {
  var len = name.length;
  if (constructor === null ||
      (StringPrototypeEndsWith(name, 'Error') &&
       StringPrototypeStartsWith(stack, name) &&
       (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
    var fallback = 'Error';
    if (constructor === null) {
      var start = RegExpPrototypeExec(/^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/, stack) ||
        RegExpPrototypeExec(/^([a-z_A-Z0-9-]*Error)$/, stack);
      fallback = (start && start[1]) || '';
      len = fallback.length;
      fallback = fallback || 'Error';
    }
    var prefix = StringPrototypeSlice(getPrefix(constructor, tag, fallback), 0, -1);
    if (name !== prefix) {
      if (StringPrototypeIncludes(prefix, name)) {
        if (len === 0) {
          stack = prefix + ': ' + stack;
        } else {
          stack = prefix + StringPrototypeSlice(stack, len);
        }
      } else {
        stack = prefix + ' [' + name + ']' + StringPrototypeSlice(stack, len);
      }
    }
  }
  return stack;
}

// removeDuplicateErrorKeys hides own name/message/stack properties whose
// text is already part of the printed stack.
function removeDuplicateErrorKeys(ctx, keys, err, stack) {
  if (!ctx.showHidden && keys.length !== 0) {
    var names = ['name', 'message', 'stack'];
    for (var i = 0; i < names.length; i++) {
      var index = arrayIndexOf(keys, names[i]);
      if (index !== -1 && StringPrototypeIncludes(stack, StringCtor(err[names[i]]))) {
        spliceArray(keys, index, 1);
      }
    }
  }
}

function formatError(err, constructor, tag, ctx, keys) {
  var name = err.name != null ? StringCtor(err.name) : 'Error';
  var stack = getStackString(err);
  removeDuplicateErrorKeys(ctx, keys, err, stack);
  if ('cause' in err && (keys.length === 0 || !arrayIncludes(keys, 'cause'))) {
    push(keys, 'cause');
  }
  // AggregateError's errors are an own non-enumerable property.
  if (ArrayIsArray(err.errors) && (keys.length === 0 || !arrayIncludes(keys, 'errors'))) {
    push(keys, 'errors');
  }
  stack = improveStack(stack, constructor, name, tag);

  // Frames start after the message (which may itself contain "\n    at").
  var pos = (err.message && StringPrototypeIndexOf(stack, err.message)) || -1;
  if (pos !== -1) pos += err.message.length;
  var stackStart = StringPrototypeIndexOf(stack, '\n    at', pos);
  if (stackStart === -1) {
    // No frames: Node brackets the error, like [Error: x].
    stack = '[' + stack + ']';
  } else {
    var frames = getStackFrames(ctx, err, StringPrototypeSlice(stack, stackStart + 1));
    stack = StringPrototypeSlice(stack, 0, stackStart) + '\n' + join(frames, '\n');
  }
  if (ctx.indentationLvl !== 0) {
    stack = replaceAll(stack, '\n', '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl));
  }
  return stack;
}
