// Lint rules for every TypeScript file the compiler checks (tsconfig.json), with type
// information: promises that are neither awaited nor handled, and promises passed where a
// plain value is expected, are errors. Formatting is Prettier's (npm run format), not ESLint's.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'cdk.out/', '.casebook/', 'coverage/', 'test-results/', 'console/', '**/*.js', '**/*.mjs', '**/*.d.mts'],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
