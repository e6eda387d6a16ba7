import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'notebooks/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Reads from the device are asynchronous (webgpu has no dataSync in Node): a forgotten await would
    // compare or spread a Promise silently, so the type-aware promise rules are errors.
    files: ['lib/**/*.ts', 'test/**/*.ts', 'tools/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Every method and experiment must run on webgpu, whose backend has no synchronous read in Node
    // (dataSync/arraySync/bufferSync need OffscreenCanvas). Tests may still read synchronously on wasm/cpu.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(dataSync|arraySync|bufferSync)$/], MemberExpression[property.value=/^(dataSync|arraySync|bufferSync)$/]',
          message:
            'webgpu in Node has no synchronous read: use await t.data() / await t.array() (compute inside tf.tidy, return the tensors, read outside, dispose; see lib/engine/read.ts).',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
