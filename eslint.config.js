// Lint = the layering rule (eslint/layers.js) plus the recommended JS, TypeScript and Svelte rules, without
// type information: tsc and svelte-check already type-check, and an untyped run keeps `npm run lint` fast.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { importsRule, DOM_GLOBALS, PURE_LAYERS } from './eslint/layers.js';

const layers = { rules: { imports: importsRule } };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'public/**', 'bench/reference/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/**/*.{ts,mjs,svelte}'],
    plugins: { layers },
    rules: {
      'layers/imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // `const { [key]: _dropped, ...rest } = obj` is how a key is removed without mutating.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: PURE_LAYERS.map((l) => `src/${l}/**/*.ts`),
    rules: {
      'no-restricted-globals': [
        'error',
        ...DOM_GLOBALS.map((name) => ({ name, message: 'Pure layers run in workers and Node too: no page globals.' })),
      ],
    },
  },
);
