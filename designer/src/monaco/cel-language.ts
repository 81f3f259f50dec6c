import type { languages } from 'monaco-editor/editor/editor.api';

/** The Monaco language id of CEL expressions. */
export const CEL_LANGUAGE = 'cel';

/** Macros: they bind a variable or test presence, so they read differently from functions. */
export const CEL_MACROS = ['has', 'all', 'exists', 'exists_one', 'map', 'filter'] as const;

/** Functions analysts reach for most; the highlighter marks them, the completions explain them. */
export const CEL_FUNCTIONS = [
  'size', 'matches', 'startsWith', 'endsWith', 'contains', 'int', 'uint', 'double', 'string', 'bytes', 'bool',
  'timestamp', 'duration', 'type', 'dyn',
] as const;

/**
 * Monarch tokens for CEL: strings in all their forms (raw `r"…"`, bytes `b"…"`, triple-quoted),
 * numbers (`1`, `1u`, `0x1F`, `1.0e3`), literals, `in`, operators, macros and functions.
 */
export const celMonarch: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenPostfix: '.cel',
  keywords: ['true', 'false', 'null', 'in'],
  macros: [...CEL_MACROS],
  functions: [...CEL_FUNCTIONS],
  operators: ['==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '+', '-', '*', '/', '%', '?', ':'],
  symbols: /[=><!?:&|+\-*/%]+/,
  escapes: /\\(?:[abfnrtv\\"'`?]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-3][0-7]{2})/,
  brackets: [
    { open: '(', close: ')', token: 'delimiter.parenthesis' },
    { open: '[', close: ']', token: 'delimiter.square' },
    { open: '{', close: '}', token: 'delimiter.curly' },
  ],
  tokenizer: {
    root: [
      // Raw and bytes prefixes change what a string means; the quotes decide where it ends.
      [/[rR][bB]?"""|[bB][rR]?"""/, { token: 'string.quote', next: '@rawTripleDouble' }],
      [/[rR][bB]?'''|[bB][rR]?'''/, { token: 'string.quote', next: '@rawTripleSingle' }],
      [/[rR][bB]?"|[bB][rR]"/, { token: 'string.quote', next: '@rawDouble' }],
      [/[rR][bB]?'|[bB][rR]'/, { token: 'string.quote', next: '@rawSingle' }],
      [/[bB]?"""/, { token: 'string.quote', next: '@tripleDouble' }],
      [/[bB]?'''/, { token: 'string.quote', next: '@tripleSingle' }],
      [/[bB]?"/, { token: 'string.quote', next: '@double' }],
      [/[bB]?'/, { token: 'string.quote', next: '@single' }],
      [/[a-zA-Z_][\w]*(?=\s*\()/, { cases: { '@macros': 'keyword.macro', '@functions': 'support.function', '@keywords': 'keyword', '@default': 'identifier.function' } }],
      [/[a-zA-Z_][\w]*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
      { include: '@whitespace' },
      [/[()[\]{}]/, '@brackets'],
      [/0[xX][0-9a-fA-F]+[uU]?/, 'number.hex'],
      [/\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/, 'number.float'],
      [/\d+[uU]/, 'number'],
      [/\d+/, 'number'],
      [/@symbols/, { cases: { '@operators': 'operator', '@default': '' } }],
      [/[.,]/, 'delimiter'],
    ],
    whitespace: [[/\s+/, 'white']],
    double: [
      [/[^\\"]+/, 'string'],
      [/@escapes/, 'string.escape'],
      [/\\./, 'string.escape.invalid'],
      [/"/, { token: 'string.quote', next: '@pop' }],
    ],
    single: [
      [/[^\\']+/, 'string'],
      [/@escapes/, 'string.escape'],
      [/\\./, 'string.escape.invalid'],
      [/'/, { token: 'string.quote', next: '@pop' }],
    ],
    tripleDouble: [
      [/[^\\"]+/, 'string'],
      [/@escapes/, 'string.escape'],
      [/\\./, 'string.escape.invalid'],
      [/"""/, { token: 'string.quote', next: '@pop' }],
      [/"/, 'string'],
    ],
    tripleSingle: [
      [/[^\\']+/, 'string'],
      [/@escapes/, 'string.escape'],
      [/\\./, 'string.escape.invalid'],
      [/'''/, { token: 'string.quote', next: '@pop' }],
      [/'/, 'string'],
    ],
    rawDouble: [
      [/[^"]+/, 'string'],
      [/"/, { token: 'string.quote', next: '@pop' }],
    ],
    rawSingle: [
      [/[^']+/, 'string'],
      [/'/, { token: 'string.quote', next: '@pop' }],
    ],
    rawTripleDouble: [
      [/[^"]+/, 'string'],
      [/"""/, { token: 'string.quote', next: '@pop' }],
      [/"/, 'string'],
    ],
    rawTripleSingle: [
      [/[^']+/, 'string'],
      [/'''/, { token: 'string.quote', next: '@pop' }],
      [/'/, 'string'],
    ],
  },
};

/** Brackets, auto-closing pairs and word boundaries for CEL. */
export const celConfiguration: languages.LanguageConfiguration = {
  brackets: [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ],
  autoClosingPairs: [
    { open: '(', close: ')' },
    { open: '[', close: ']' },
    { open: '{', close: '}' },
    { open: '"', close: '"', notIn: ['string'] },
    { open: "'", close: "'", notIn: ['string'] },
  ],
  surroundingPairs: [
    { open: '(', close: ')' },
    { open: '[', close: ']' },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
  ],
  wordPattern: /[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
};
