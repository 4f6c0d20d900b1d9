// Lint rules for every TypeScript file the compiler checks (tsconfig.json), with type
// information. Errors: promises that are neither awaited nor handled, promises passed where a
// plain value is expected, and the recommended rules the tree already meets. Formatting is
// Prettier's (npm run format), not ESLint's.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.casebook/',
      'coverage/',
      'test-results/',
      'console/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      '**/*.d.mts',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // An async function that does not await still rejects instead of throwing: handlers and
      // ports rely on that, so dropping `async` would change behaviour.
      '@typescript-eslint/require-await': 'off',
      // Sanitizers and parsers match control characters on purpose.
      'no-control-regex': 'off',
      // Chinese text uses the ideographic space (U+3000) in strings and templates on purpose.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipRegExps: true, skipComments: true }],
      // Found when the linter was introduced and not yet cleaned up: reported, not failing.
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      '@typescript-eslint/restrict-template-expressions': 'warn',
      '@typescript-eslint/prefer-promise-reject-errors': 'warn',
      '@typescript-eslint/no-redundant-type-constituents': 'warn',
      '@typescript-eslint/no-unused-vars': 'warn',
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      'prefer-const': 'warn',
      'no-useless-assignment': 'warn',
    },
  },
  {
    // Tests read untyped JSON and drive browsers: unsafe-any access and eval of page functions are theirs.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-implied-eval': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
