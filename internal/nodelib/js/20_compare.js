// Part 2: deep equality with Node's semantics (util.isDeepStrictEqual,
// assert.deepEqual / deepStrictEqual): strict mode compares prototypes,
// -0, symbols and boxed types; loose mode uses == for primitives. Cycles
// are tracked; nesting deeper than kMaxDepth throws a RangeError.

const kNoIterator = 0;
const kIsArray = 1;
const kIsSet = 2;
const kIsMap = 3;
const isIndexKey = (k) => typeof k === 'string' && /^(0|[1-9][0-9]*)$/.test(k) && +k < 4294967295;

let compareDepth = 0;

// ownNonIndexKeys lists own enumerable keys that are not array indices
// (with symbols unless skipSymbols).
function ownNonIndexKeys(obj, skipSymbols) {
  const out = [];
  for (const k of ObjectKeys(obj)) if (!isIndexKey(k)) out.push(k);
  if (!skipSymbols) {
    for (const s of ObjectGetOwnPropertySymbols(obj)) if (propertyIsEnumerable(obj, s)) out.push(s);
  }
  return out;
}

function viewBytes(v) {
  const a = viewArgs(v);
  return new Uint8Array(a[0], a[1], a[2]);
}

function isEqualBoxedPrimitive(a, b) {
  if (types.isNumberObject(a)) return types.isNumberObject(b) && ObjectIs(Number.prototype.valueOf.call(a), Number.prototype.valueOf.call(b));
  if (types.isStringObject(a)) return types.isStringObject(b) && String.prototype.valueOf.call(a) === String.prototype.valueOf.call(b);
  if (types.isBooleanObject(a)) return types.isBooleanObject(b) && Boolean.prototype.valueOf.call(a) === Boolean.prototype.valueOf.call(b);
  if (types.isBigIntObject(a)) return types.isBigIntObject(b) && BigInt.prototype.valueOf.call(a) === BigInt.prototype.valueOf.call(b);
  if (types.isSymbolObject(a)) return types.isSymbolObject(b) && Symbol.prototype.valueOf.call(a) === Symbol.prototype.valueOf.call(b);
  return false;
}

function innerDeepEqual(val1, val2, strict, memos) {
  if (val1 === val2) return val1 !== 0 || ObjectIs(val1, val2) || !strict;
  if (strict) {
    if (typeof val1 === 'number') return NumberIsNaN(val1) && NumberIsNaN(val2);
    if (typeof val2 !== 'object' || typeof val1 !== 'object' || val1 === null || val2 === null ||
        ObjectGetPrototypeOf(val1) !== ObjectGetPrototypeOf(val2)) {
      return false;
    }
  } else {
    if (val1 === null || typeof val1 !== 'object') {
      if (val2 === null || typeof val2 !== 'object') {
        // eslint-disable-next-line eqeqeq
        return val1 == val2 || (NumberIsNaN(val1) && NumberIsNaN(val2));
      }
      return false;
    }
    if (val2 === null || typeof val2 !== 'object') return false;
  }
  if (++compareDepth > kMaxDepth) {
    compareDepth = 0;
    throw tooDeep();
  }
  try {
    return objectsEqual(val1, val2, strict, memos);
  } finally {
    if (compareDepth > 0) compareDepth--;
  }
}

function objectsEqual(val1, val2, strict, memos) {
  const tag1 = ObjectPrototypeToString(val1);
  if (tag1 !== ObjectPrototypeToString(val2)) return false;
  if (val1 instanceof URL) {
    // URLs keep their state out of sight of the key walk.
    if (!(val2 instanceof URL) || val1.href !== val2.href) return false;
    return keyCheck(val1, val2, strict, memos, kNoIterator);
  }
  if (ArrayIsArray(val1)) {
    if (!ArrayIsArray(val2) || val1.length !== val2.length) return false;
    const keys1 = ownNonIndexKeys(val1, !strict);
    if (keys1.length !== ownNonIndexKeys(val2, !strict).length) return false;
    return keyCheck(val1, val2, strict, memos, kIsArray, keys1);
  } else if (tag1 === '[object Object]') {
    return keyCheck(val1, val2, strict, memos, kNoIterator);
  } else if (types.isDate(val1)) {
    if (!types.isDate(val2) || DatePrototypeGetTime(val1) !== DatePrototypeGetTime(val2)) return false;
  } else if (types.isRegExp(val1)) {
    if (!types.isRegExp(val2) || RegExpGetSource(val1) !== RegExpGetSource(val2) ||
        RegExpGetFlags(val1) !== RegExpGetFlags(val2) || val1.lastIndex !== val2.lastIndex) {
      return false;
    }
  } else if (types.isArrayBufferView(val1)) {
    if (TypedArrayGetToStringTag(val1) !== TypedArrayGetToStringTag(val2)) return false;
    if (!types.isArrayBufferView(val2)) return false;
    if (!strict && (types.isFloat32Array(val1) || types.isFloat64Array(val1))) {
      if (val1.length !== val2.length) return false;
      for (let i = 0; i < val1.length; i++) if (val1[i] !== val2[i]) return false;
    } else {
      const a = viewBytes(val1);
      const b = viewBytes(val2);
      if (a.length !== b.length || compareViews(a, b) !== 0) return false;
    }
    const keys1 = ownNonIndexKeys(val1, !strict);
    if (keys1.length !== ownNonIndexKeys(val2, !strict).length) return false;
    return keyCheck(val1, val2, strict, memos, kNoIterator, keys1);
  } else if (types.isSet(val1)) {
    if (!types.isSet(val2) || SetGetSize(val1) !== SetGetSize(val2)) return false;
    return keyCheck(val1, val2, strict, memos, kIsSet);
  } else if (types.isMap(val1)) {
    if (!types.isMap(val2) || MapGetSize(val1) !== MapGetSize(val2)) return false;
    return keyCheck(val1, val2, strict, memos, kIsMap);
  } else if (types.isAnyArrayBuffer(val1)) {
    if (!types.isAnyArrayBuffer(val2)) return false;
    const a = new Uint8Array(val1);
    const b = new Uint8Array(val2);
    if (a.length !== b.length || compareViews(a, b) !== 0) return false;
  } else if (isError(val1)) {
    if (!isError(val2)) return false;
    for (const key of ['message', 'name', 'cause', 'errors']) {
      const enum1 = propertyIsEnumerable(val1, key);
      if (enum1 !== propertyIsEnumerable(val2, key)) return false;
      if (!enum1) {
        if (key === 'message' || key === 'name') {
          if (val1[key] !== val2[key]) return false;
        } else if (!innerDeepEqual(val1[key], val2[key], strict, memos)) {
          return false;
        }
      }
    }
  } else if (types.isBoxedPrimitive(val1)) {
    if (!isEqualBoxedPrimitive(val1, val2)) return false;
  } else if (ArrayIsArray(val2) || types.isArrayBufferView(val2) || types.isSet(val2) || types.isMap(val2) ||
             types.isDate(val2) || types.isRegExp(val2) || types.isAnyArrayBuffer(val2) ||
             types.isBoxedPrimitive(val2) || isError(val2)) {
    return false;
  }
  return keyCheck(val1, val2, strict, memos, kNoIterator);
}

function keyCheck(val1, val2, strict, memos, iterationType, aKeys) {
  const isArrayLikeObject = aKeys !== undefined;
  if (aKeys === undefined) aKeys = ObjectKeys(val1);
  for (const key of aKeys) {
    if (!propertyIsEnumerable(val2, key)) return false;
  }
  if (!isArrayLikeObject) {
    if (aKeys.length !== ObjectKeys(val2).length) return false;
    if (strict) {
      const symbolKeysA = ObjectGetOwnPropertySymbols(val1);
      if (symbolKeysA.length !== 0) {
        let count = 0;
        for (const key of symbolKeysA) {
          if (propertyIsEnumerable(val1, key)) {
            if (!propertyIsEnumerable(val2, key)) return false;
            aKeys.push(key);
            count++;
          } else if (propertyIsEnumerable(val2, key)) {
            return false;
          }
        }
        const symbolKeysB = ObjectGetOwnPropertySymbols(val2);
        if (symbolKeysA.length !== symbolKeysB.length &&
            symbolKeysB.filter((k) => propertyIsEnumerable(val2, k)).length !== count) {
          return false;
        }
      } else {
        const symbolKeysB = ObjectGetOwnPropertySymbols(val2);
        if (symbolKeysB.length !== 0 && symbolKeysB.filter((k) => propertyIsEnumerable(val2, k)).length !== 0) {
          return false;
        }
      }
    }
  }
  if (aKeys.length === 0 &&
      (iterationType === kNoIterator || (iterationType === kIsArray && val1.length === 0) || val1.size === 0)) {
    return true;
  }
  if (memos === undefined) {
    memos = { set: undefined, a: val1, b: val2, c: undefined, d: undefined, deep: false, deleteFailures: false };
    return objEquiv(val1, val2, strict, aKeys, memos, iterationType);
  }
  if (memos.set === undefined) {
    if (memos.deep === false) {
      if (memos.a === val1 && memos.b === val2) return true;
      memos.c = val1;
      memos.d = val2;
      memos.deep = true;
      const result = objEquiv(val1, val2, strict, aKeys, memos, iterationType);
      memos.deep = false;
      return result;
    }
    memos.set = new Set();
    memos.set.add(memos.a);
    memos.set.add(memos.b);
    memos.set.add(memos.c);
    memos.set.add(memos.d);
  }
  const set = memos.set;
  const originalSize = set.size;
  set.add(val1);
  set.add(val2);
  if (originalSize === set.size) return true;
  const areEq = objEquiv(val1, val2, strict, aKeys, memos, iterationType);
  if (areEq || memos.deleteFailures) {
    set.delete(val1);
    set.delete(val2);
  }
  return areEq;
}

function setHasEqualElement(set, val2, strict, memo) {
  const deleteFailures = memo.deleteFailures;
  memo.deleteFailures = true;
  for (const val1 of set) {
    if (innerDeepEqual(val1, val2, strict, memo)) {
      set.delete(val1);
      memo.deleteFailures = deleteFailures;
      return true;
    }
  }
  memo.deleteFailures = deleteFailures;
  return false;
}

// findLooseMatchingPrimitives: undefined and null match each other, other
// primitives may match a number or string loosely.
function findLooseMatchingPrimitives(prim) {
  switch (typeof prim) {
    case 'undefined':
      return null;
    case 'object':
      return undefined;
    case 'symbol':
      return false;
    case 'string':
      prim = +prim;
      // falls through
    case 'number':
      if (NumberIsNaN(prim)) return false;
  }
  return true;
}

function setMightHaveLoosePrim(a, b, prim) {
  const altValue = findLooseMatchingPrimitives(prim);
  if (altValue != null) return altValue;
  return b.has(altValue) && !a.has(altValue);
}

function mapMightHaveLoosePrim(a, b, prim, item, memo) {
  const altValue = findLooseMatchingPrimitives(prim);
  if (altValue != null) return altValue;
  const curB = b.get(altValue);
  if ((curB === undefined && !b.has(altValue)) || !innerDeepEqual(item, curB, false, memo)) return false;
  return !a.has(altValue) && innerDeepEqual(item, curB, false, memo);
}

function setEquiv(a, b, strict, memo) {
  let set = null;
  for (const val of a) {
    if (!b.has(val)) {
      if ((typeof val !== 'object' || val === null) && (strict || !setMightHaveLoosePrim(a, b, val))) return false;
      if (set === null) {
        if (b.size === 1) return innerDeepEqual(val, b.values().next().value, strict, memo);
        set = new Set();
      }
      set.add(val);
    }
  }
  if (set !== null) {
    for (const val of b) {
      if (typeof val === 'object' && val !== null) {
        if (!a.has(val) && !setHasEqualElement(set, val, strict, memo)) return false;
      } else if (!strict && !a.has(val) && !setHasEqualElement(set, val, strict, memo)) {
        return false;
      }
    }
    return set.size === 0;
  }
  return true;
}

function mapHasEqualEntry(set, map, key2, item2, strict, memo) {
  const deleteFailures = memo.deleteFailures;
  memo.deleteFailures = true;
  for (const key1 of set) {
    if (innerDeepEqual(key1, key2, strict, memo) && innerDeepEqual(map.get(key1), item2, strict, memo)) {
      set.delete(key1);
      memo.deleteFailures = deleteFailures;
      return true;
    }
  }
  memo.deleteFailures = deleteFailures;
  return false;
}

function mapEquiv(a, b, strict, memo) {
  let set = null;
  for (const [key, item1] of a) {
    if (typeof key === 'object' && key !== null) {
      if (set === null) {
        if (b.size === 1) {
          const [key2, item2] = b.entries().next().value;
          return innerDeepEqual(key, key2, strict, memo) && innerDeepEqual(item1, item2, strict, memo);
        }
        set = new Set();
      }
      set.add(key);
    } else {
      const item2 = b.get(key);
      if ((item2 === undefined && !b.has(key)) || !innerDeepEqual(item1, item2, strict, memo)) {
        if (strict) return false;
        if (!mapMightHaveLoosePrim(a, b, key, item1, memo)) return false;
        if (set === null) set = new Set();
        set.add(key);
      }
    }
  }
  if (set !== null) {
    for (const [key, item] of b) {
      if (typeof key === 'object' && key !== null) {
        if (!mapHasEqualEntry(set, a, key, item, strict, memo)) return false;
      } else if (!strict && (!a.has(key) || !innerDeepEqual(a.get(key), item, strict, memo)) &&
                 !mapHasEqualEntry(set, a, key, item, strict, memo)) {
        return false;
      }
    }
    return set.size === 0;
  }
  return true;
}

function objEquiv(a, b, strict, keys, memos, iterationType) {
  for (const key of keys) {
    if (!innerDeepEqual(a[key], b[key], strict, memos)) return false;
  }
  if (iterationType === kIsArray) {
    for (let i = 0; i < a.length; i++) {
      if (hasOwn(a, i)) {
        if (!hasOwn(b, i) || !innerDeepEqual(a[i], b[i], strict, memos)) return false;
      } else if (hasOwn(b, i)) {
        return false;
      } else {
        const keysA = ObjectKeys(a);
        for (; i < keysA.length; i++) {
          const key = keysA[i];
          if (!hasOwn(b, key) || !innerDeepEqual(a[key], b[key], strict, memos)) return false;
        }
        return keysA.length === ObjectKeys(b).length;
      }
    }
  } else if (iterationType === kIsSet) {
    if (!setEquiv(a, b, strict, memos)) return false;
  } else if (iterationType === kIsMap) {
    if (!mapEquiv(a, b, strict, memos)) return false;
  }
  return true;
}

function isDeepEqual(a, b) {
  compareDepth = 0;
  return innerDeepEqual(a, b, false);
}

function isDeepStrictEqual(a, b) {
  compareDepth = 0;
  return innerDeepEqual(a, b, true);
}
