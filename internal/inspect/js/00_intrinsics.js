// Part 0: intrinsics and type checks.
//
// Everything the formatter uses from the standard library is captured here,
// once, when the inspector is created. A user script that later replaces
// Object.keys, Array.prototype.join, String.prototype.slice, Map.prototype
// .entries, ... must not change (or break) what console.log prints, so the
// code below never reaches a builtin through a property lookup at formatting
// time (it still reads the inspected values' own data, as Node does: name,
// message, constructor, ...). Methods are "uncurried": uncurry(f)(self, a, b)
// calls f with this=self, without looking up Function.prototype.call again.
//
// The Go side wraps the concatenation of these files in
//   (function (classOf, proxyTarget, proxyHandler, promiseState, promiseResult) { 'use strict'; ... })
// so nothing here becomes a global of the user's runtime.

var FunctionPrototype = Function.prototype;
var uncurry = FunctionPrototype.bind.bind(FunctionPrototype.call);

var ReflectApply = Reflect.apply;
var ReflectOwnKeys = Reflect.ownKeys;

var ObjectPrototype = Object.prototype;
var ObjectKeys = Object.keys;
var ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
var ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
var ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
var ObjectGetPrototypeOf = Object.getPrototypeOf;
var ObjectDefineProperty = Object.defineProperty;
var ObjectIs = Object.is;
var ObjectSeal = Object.seal;
var hasOwn = uncurry(ObjectPrototype.hasOwnProperty);
var propertyIsEnumerable = uncurry(ObjectPrototype.propertyIsEnumerable);
var isPrototypeOf = uncurry(ObjectPrototype.isPrototypeOf);

var ArrayIsArray = Array.isArray;
var ArrayPrototypeJoin = uncurry(Array.prototype.join);
var ArrayPrototypeSort = uncurry(Array.prototype.sort);

var StringCtor = String;
var StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
var StringPrototypeCodePointAt = uncurry(String.prototype.codePointAt);
var StringPrototypeSlice = uncurry(String.prototype.slice);
var StringPrototypeIndexOf = uncurry(String.prototype.indexOf);
var StringPrototypeIncludes = uncurry(String.prototype.includes);
var StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
var StringPrototypeEndsWith = uncurry(String.prototype.endsWith);
var StringPrototypeRepeat = uncurry(String.prototype.repeat);
var StringPrototypePadStart = uncurry(String.prototype.padStart);
var StringPrototypePadEnd = uncurry(String.prototype.padEnd);
var StringPrototypeToLowerCase = uncurry(String.prototype.toLowerCase);
var StringPrototypeNormalize = uncurry(String.prototype.normalize);
var StringPrototypeValueOf = uncurry(String.prototype.valueOf);

var NumberCtor = Number;
var NumberIsNaN = Number.isNaN;
var NumberIsFinite = Number.isFinite;
var NumberParseInt = parseInt;
var NumberParseFloat = parseFloat;
var NumberPrototypeToString = uncurry(Number.prototype.toString);
var NumberPrototypeValueOf = uncurry(Number.prototype.valueOf);
var BooleanPrototypeValueOf = uncurry(Boolean.prototype.valueOf);
var BigIntPrototypeValueOf = uncurry(BigInt.prototype.valueOf);
var SymbolPrototypeToString = uncurry(Symbol.prototype.toString);
var SymbolPrototypeValueOf = uncurry(Symbol.prototype.valueOf);

var MathFloor = Math.floor;
var MathMax = Math.max;
var MathMin = Math.min;
var MathRound = Math.round;
var MathSqrt = Math.sqrt;
var MathTrunc = Math.trunc;

var JSONStringify = JSON.stringify;

var SymbolToStringTag = Symbol.toStringTag;
var SymbolIterator = Symbol.iterator;
var SymbolToPrimitive = Symbol.toPrimitive;
// The same registry symbol Node uses, so objects written for Node keep
// their custom output.
var customInspectSymbol = Symbol.for('nodejs.util.inspect.custom');

var RegExpPrototypeExec = uncurry(RegExp.prototype.exec);
// For yes/no matches: sobek's test() matches directly, without building the
// result array exec() returns.
var RegExpPrototypeTest = uncurry(RegExp.prototype.test);
// A RegExp is printed from its source and flags read through the original
// accessors (RegExp.prototype.toString would look them up on the object).
var RegExpPrototypeGetSource = getterOf(RegExp.prototype, 'source');
var regExpFlagGetters = [];
(function () {
  // The order of RegExp.prototype.flags.
  var flags = [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'],
    ['dotAll', 's'], ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']];
  for (var i = 0; i < flags.length; i++) {
    var d = ObjectGetOwnPropertyDescriptor(RegExp.prototype, flags[i][0]);
    if (d !== undefined && typeof d.get === 'function') {
      regExpFlagGetters[regExpFlagGetters.length] = [uncurry(d.get), flags[i][1]];
    }
  }
})();

var DatePrototypeGetTime = uncurry(Date.prototype.getTime);
var DatePrototypeToISOString = uncurry(Date.prototype.toISOString);
var DatePrototypeToString = uncurry(Date.prototype.toString);

var ErrorPrototype = Error.prototype;
var ErrorPrototypeToString = uncurry(Error.prototype.toString);

function getterOf(proto, key) {
  return uncurry(ObjectGetOwnPropertyDescriptor(proto, key).get);
}

var MapCtor = Map;
var MapPrototypeGetSize = getterOf(Map.prototype, 'size');
var MapPrototypeEntries = uncurry(Map.prototype.entries);
var MapPrototypeGet = uncurry(Map.prototype.get);
var MapPrototypeSet = uncurry(Map.prototype.set);
var MapIteratorNext = uncurry(ObjectGetPrototypeOf(new Map().entries()).next);
var SetCtor = Set;
var SetPrototypeGetSize = getterOf(Set.prototype, 'size');
var SetPrototypeValues = uncurry(Set.prototype.values);
var SetPrototypeAdd = uncurry(Set.prototype.add);
var SetPrototypeHas = uncurry(Set.prototype.has);
var SetIteratorNext = uncurry(ObjectGetPrototypeOf(new Set().values()).next);
var WeakMapPrototypeHas = uncurry(WeakMap.prototype.has);
var WeakSetPrototypeHas = uncurry(WeakSet.prototype.has);

var TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
var TypedArrayPrototypeGetSymbolToStringTag = getterOf(TypedArrayPrototype, SymbolToStringTag);
var TypedArrayPrototypeGetLength = getterOf(TypedArrayPrototype, 'length');
var TypedArrayPrototypeGetByteLength = getterOf(TypedArrayPrototype, 'byteLength');
var TypedArrayPrototypeGetByteOffset = getterOf(TypedArrayPrototype, 'byteOffset');
var TypedArrayPrototypeGetBuffer = getterOf(TypedArrayPrototype, 'buffer');
var Uint8ArrayCtor = Uint8Array;
var typedArrayCtors = {
  __proto__: null,
  Int8Array: Int8Array,
  Uint8Array: Uint8Array,
  Uint8ClampedArray: Uint8ClampedArray,
  Int16Array: Int16Array,
  Uint16Array: Uint16Array,
  Int32Array: Int32Array,
  Uint32Array: Uint32Array,
  Float32Array: Float32Array,
  Float64Array: Float64Array,
  BigInt64Array: BigInt64Array,
  BigUint64Array: BigUint64Array,
};
var ArrayBufferPrototypeGetByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
var DataViewPrototypeGetByteLength = getterOf(DataView.prototype, 'byteLength');
var DataViewPrototypeGetByteOffset = getterOf(DataView.prototype, 'byteOffset');
var DataViewPrototypeGetBuffer = getterOf(DataView.prototype, 'buffer');

var AsyncFunctionPrototype = ObjectGetPrototypeOf(async function () {});
var GeneratorFunctionPrototype = ObjectGetPrototypeOf(function* () {});

// Names of the constructors the engine itself provides (Object, Map,
// TypeError, ...): Node treats their toString/prototype properties as
// "built-in" in %s and in showHidden prototype listings. Taken now, before
// the user script adds globals of its own.
var builtInObjects = new SetCtor();
(function () {
  var names = ObjectGetOwnPropertyNames(globalThis);
  for (var i = 0; i < names.length; i++) {
    if (RegExpPrototypeTest(/^[A-Z][a-zA-Z0-9]+$/, names[i])) {
      SetPrototypeAdd(builtInObjects, names[i]);
    }
  }
})();

// hostClass asks the engine (through the Go hook) for the object's internal
// class ("Error", "Date", "RegExp", "Arguments", "Number", ...), which plain
// JS cannot observe without side effects.
function hostClass(value) {
  var c = classOf(value);
  return typeof c === 'string' ? c : '';
}

// Brand checks. Calling a builtin accessor or method that requires an
// internal slot throws for anything else, which is the only reliable test in
// plain JS; they are tried only after cheaper checks rule out common objects.
function isMap(value) {
  try {
    MapPrototypeGetSize(value);
    return true;
  } catch (e) {
    return false;
  }
}

function isSet(value) {
  try {
    SetPrototypeGetSize(value);
    return true;
  } catch (e) {
    return false;
  }
}

function isWeakMap(value) {
  try {
    WeakMapPrototypeHas(value, ObjectPrototype);
    return true;
  } catch (e) {
    return false;
  }
}

function isWeakSet(value) {
  try {
    WeakSetPrototypeHas(value, ObjectPrototype);
    return true;
  } catch (e) {
    return false;
  }
}

function isArrayBuffer(value) {
  try {
    ArrayBufferPrototypeGetByteLength(value);
    return true;
  } catch (e) {
    return false;
  }
}

function isDataView(value) {
  try {
    DataViewPrototypeGetByteLength(value);
    return true;
  } catch (e) {
    return false;
  }
}

function isTypedArray(value) {
  return TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined;
}

function isBigIntObject(value) {
  try {
    BigIntPrototypeValueOf(value);
    return true;
  } catch (e) {
    return false;
  }
}

function isSymbolObject(value) {
  try {
    SymbolPrototypeValueOf(value);
    return true;
  } catch (e) {
    return false;
  }
}

function isPromise(value) {
  return promiseState(value) >= 0;
}

function isError(value, cls) {
  return cls === 'Error' || isPrototypeOf(ErrorPrototype, value);
}

function isAsyncFunction(value) {
  return isPrototypeOf(AsyncFunctionPrototype, value);
}

function isGeneratorFunction(value) {
  return isPrototypeOf(GeneratorFunctionPrototype, value);
}

// Small array/string helpers written as loops over our own arrays, so no
// Array.prototype method is looked up at formatting time.
function push(array, value) {
  array[array.length] = value;
}

function arrayIncludes(array, value) {
  for (var i = 0; i < array.length; i++) {
    if (array[i] === value) return true;
  }
  return false;
}

function arrayIndexOf(array, value) {
  for (var i = 0; i < array.length; i++) {
    if (array[i] === value) return i;
  }
  return -1;
}

// join uses the native Array.prototype.join: it builds the result in one
// buffer, where repeated `str +=` would copy the growing string each time
// (quadratic without V8's rope strings).
function join(output, separator) {
  return ArrayPrototypeJoin(output, separator);
}

// replaceAll for a literal (non-regex) pattern.
function replaceAll(str, search, replacement) {
  if (StringPrototypeIndexOf(str, search) === -1) return str;
  return join(splitString(str, search), replacement);
}

// spliceArray is Array.prototype.splice for our own arrays, without its
// species lookup: removes deleteCount items at start, inserting item if given.
function spliceArray(array, start, deleteCount, item) {
  var insert = arguments.length > 3 ? 1 : 0;
  var tail = [];
  for (var i = start + deleteCount; i < array.length; i++) push(tail, array[i]);
  array.length = start;
  if (insert) push(array, item);
  for (var j = 0; j < tail.length; j++) push(array, tail[j]);
  return array;
}

// split for a literal separator, like String.prototype.split(string) but
// without its Symbol.split lookup.
function splitString(str, separator) {
  var parts = [];
  var last = 0;
  var pos = StringPrototypeIndexOf(str, separator);
  while (pos !== -1) {
    push(parts, StringPrototypeSlice(str, last, pos));
    last = pos + separator.length;
    pos = StringPrototypeIndexOf(str, separator, last);
  }
  push(parts, StringPrototypeSlice(str, last));
  return parts;
}
