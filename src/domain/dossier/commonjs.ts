/**
 * The exports of a CommonJS package loaded with `import()`.
 *
 * Where the package's `module.exports` lands depends on who loads it: Node puts it on `default`
 * and copies only the names its lexer can find; the Lambda bundles (esbuild with code splitting)
 * turn the package into a chunk whose only export is `default`. Reading `default` works in both,
 * whereas destructuring named exports works in Node and tests but fails in the deployed bundle.
 * Use it only for CommonJS packages, whose `default` is always their `module.exports`.
 */
export function commonJsExports<T extends object>(namespace: T): T {
  const exported = (namespace as { default?: unknown }).default;
  return exported !== null && (typeof exported === 'object' || typeof exported === 'function') ? (exported as T) : namespace;
}
