import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The domain stays free of AWS and of the adapters, so it can be tested and reused alone. */
const FORBIDDEN = [
  /from\s+['"]@aws-sdk\//,
  /from\s+['"]aws-lambda['"]/,
  /from\s+['"]aws-cdk-lib/,
  /from\s+['"][./]+(?:\.\.\/)*(?:adapters|store|usecases)\b/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('src/domain', () => {
  const files = sourceFiles('src/domain');

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative('.', f)]))('%s imports no AWS SDK, Lambda types or adapters', (file) => {
    const text = readFileSync(file, 'utf8');
    const offending = FORBIDDEN.filter((re) => re.test(text)).map(String);
    expect(offending).toEqual([]);
  });
});
