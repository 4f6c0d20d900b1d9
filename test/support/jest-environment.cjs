/**
 * jest's node environment, with a test file's global object made the way Node makes a realm's
 * own: `vm.createContext(vm.constants.DONT_CONTEXTIFY)` (Node 22.8 and later).
 *
 * jest-environment-node contextifies a Proxy, so every read of a global inside a test file and
 * the modules it loads (`Math`, `Set`, `Uint32Array`…) goes through V8's interceptor and the
 * Proxy: about a microsecond each, 30–50 times slower than in a plain realm. Hot loops in the
 * domain (MinHash signatures, the .docx reader, fast-check's generators) then ran many times
 * slower under jest than under vitest, which runs modules in the main realm. An uncontextified
 * global is an ordinary object: globals are read at full speed. What jest puts on the global is
 * unchanged; only its bookkeeping of globals set by tests (deleted at teardown to help the
 * garbage collector) is skipped, and each test file still gets its own new realm.
 *
 * `structuredClone` is Node's, from the main realm (as jest copies it), so its results had the
 * main realm's prototypes: `Object.getPrototypeOf(clone) === Object.prototype` was false inside
 * the test's realm, and libraries that test for plain objects that way (aws-local-stepfunctions'
 * JSONPath payload templates) took a clone for something else. Here its results are adopted
 * into the test's realm (prototypes swapped for the realm's own, deeply), as they would be in a
 * plain Node process where there is one realm.
 *
 * `process.env` is the process's own, not jest's per-file copy: the local cloud gives its Lambda
 * worker thread the process's environment (SHARE_ENV) after setting the functions' variables in
 * it, and child processes and worker threads only ever see the real one. As under vitest, a test
 * file that changes the environment changes it for the files after it in the same worker.
 */
'use strict';
const vm = require('node:vm');
const { TestEnvironment: NodeEnvironment } = require('jest-environment-node');

class RealmEnvironment extends NodeEnvironment {
  constructor(config, context) {
    const createContext = vm.createContext;
    if (vm.constants?.DONT_CONTEXTIFY !== undefined) {
      // jest-environment-node calls vm.createContext once, in its constructor, for the global.
      vm.createContext = () => createContext(vm.constants.DONT_CONTEXTIFY);
    }
    try {
      super(config, context);
    } finally {
      vm.createContext = createContext;
    }
    adoptStructuredClone(this.global);
    this.global.process.env = process.env;
  }
}

/** The builtins whose prototypes a structured clone can carry, main realm → test realm. */
const CLONEABLE = [
  'Object',
  'Array',
  'Date',
  'RegExp',
  'Map',
  'Set',
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'Boolean',
  'Number',
  'String',
  'BigInt',
];

function adoptStructuredClone(realm) {
  const clone = globalThis.structuredClone;
  if (typeof clone !== 'function') return;
  const prototypes = new Map();
  for (const name of CLONEABLE) {
    const outer = globalThis[name]?.prototype;
    const inner = realm[name]?.prototype;
    if (outer && inner && outer !== inner) prototypes.set(outer, inner);
  }
  const adopt = (value, seen) => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const inner = prototypes.get(Object.getPrototypeOf(value));
    if (inner) Object.setPrototypeOf(value, inner);
    if (value instanceof Map || (inner && inner === prototypes.get(Map.prototype))) {
      for (const [k, v] of Map.prototype.entries.call(value)) {
        adopt(k, seen);
        adopt(v, seen);
      }
      return;
    }
    if (value instanceof Set || (inner && inner === prototypes.get(Set.prototype))) {
      for (const v of Set.prototype.values.call(value)) adopt(v, seen);
      return;
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
    for (const key of Reflect.ownKeys(value)) {
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (desc && 'value' in desc) adopt(desc.value, seen);
    }
  };
  realm.structuredClone = function structuredClone(value, options) {
    const result = clone(value, options);
    adopt(result, new Set());
    return result;
  };
}

module.exports = RealmEnvironment;
