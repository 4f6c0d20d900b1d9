/**
 * Event pattern matching as EventBridge rules and Lambda event filters do it (they share the
 * syntax): nested objects narrow into the event, arrays list alternatives, and the content
 * filters `prefix`, `suffix`, `anything-but`, `exists`, `numeric`, `equals-ignore-case` and
 * `wildcard`. A pattern the matcher does not understand throws rather than silently matching.
 */

type Json = unknown;

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const obj = event as Record<string, Json>;
  for (const [key, expected] of Object.entries(pattern)) {
    const present = Object.prototype.hasOwnProperty.call(obj, key);
    const actual = obj[key];
    if (Array.isArray(expected)) {
      if (!matchesAlternatives(expected, present, actual)) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (!present || !matchesPattern(expected as Record<string, Json>, actual)) return false;
    } else {
      throw new Error(`event pattern: the value of "${key}" must be an array or an object, got ${JSON.stringify(expected)}`);
    }
  }
  return true;
}

function matchesAlternatives(alternatives: Json[], present: boolean, actual: Json): boolean {
  // An array in the event matches when any of its elements does.
  const values = Array.isArray(actual) ? actual : [actual];
  return alternatives.some((matcher) => {
    if (matcher !== null && typeof matcher === 'object') {
      const spec = matcher as Record<string, Json>;
      if ('exists' in spec) return spec.exists === true ? present && actual !== undefined : !present || actual === undefined;
      if (!present) return false;
      return values.some((v) => matchesContent(spec, v));
    }
    if (!present) return false;
    return values.some((v) => v === matcher);
  });
}

function matchesContent(spec: Record<string, Json>, value: Json): boolean {
  const [op] = Object.keys(spec) as [string];
  const arg = spec[op];
  switch (op) {
    case 'prefix':
      if (arg !== null && typeof arg === 'object') {
        const inner = arg as Record<string, Json>;
        return typeof value === 'string' && value.toLowerCase().startsWith(String(inner['equals-ignore-case']).toLowerCase());
      }
      return typeof value === 'string' && value.startsWith(String(arg));
    case 'suffix':
      if (arg !== null && typeof arg === 'object') {
        const inner = arg as Record<string, Json>;
        return typeof value === 'string' && value.toLowerCase().endsWith(String(inner['equals-ignore-case']).toLowerCase());
      }
      return typeof value === 'string' && value.endsWith(String(arg));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'anything-but': {
      if (Array.isArray(arg)) return !arg.includes(value as never);
      if (arg !== null && typeof arg === 'object') return !matchesContent(arg as Record<string, Json>, value);
      return value !== arg;
    }
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const terms = arg as Json[];
      for (let i = 0; i < terms.length; i += 2) {
        const cmp = terms[i] as string;
        const n = Number(terms[i + 1]);
        const ok =
          cmp === '='
            ? value === n
            : cmp === '<'
              ? value < n
              : cmp === '<='
                ? value <= n
                : cmp === '>'
                  ? value > n
                  : cmp === '>='
                    ? value >= n
                    : undefined;
        if (ok === undefined) throw new Error(`event pattern: unknown numeric operator ${cmp}`);
        if (!ok) return false;
      }
      return true;
    }
    case 'wildcard': {
      if (typeof value !== 'string') return false;
      const re = new RegExp(`^${String(arg).split('*').map(escapeRegExp).join('.*')}$`);
      return re.test(value);
    }
    case 'cidr':
    default:
      throw new Error(`event pattern: content filter "${op}" is not supported locally`);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
