import * as monaco from 'monaco-editor/editor/editor.api';
// Editor features (suggestions, hover, find, folding, bracket matching…) without the 80-odd
// languages the full `monaco-editor` entry registers: Sluice edits CEL, JSON and plain text.
import 'monaco-editor/features/register.all';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import flowSchema from '../../../shared/flow/flow.schema.json';
import { celCompletions, type CelCompletionKind } from '../expr/cel-completions';
import { celModelContext } from './cel-models';
import { CEL_LANGUAGE, celConfiguration, celMonarch } from './cel-language';
import { FLOW_MODEL_SUFFIX } from './model-paths';

/**
 * Runs once, when the first editor asks for Monaco (see load.ts): workers from this app's own
 * files, the CEL language with its completions, and the flow file's JSON Schema.
 */

let ready = false;

export function setupMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;

  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string) {
      return label === 'json' ? new JsonWorker() : new EditorWorker();
    },
  };

  monaco.languages.register({ id: CEL_LANGUAGE, aliases: ['CEL', 'cel'] });
  monaco.languages.setMonarchTokensProvider(CEL_LANGUAGE, celMonarch);
  monaco.languages.setLanguageConfiguration(CEL_LANGUAGE, celConfiguration);
  monaco.languages.registerCompletionItemProvider(CEL_LANGUAGE, {
    triggerCharacters: ['.'],
    provideCompletionItems(model, position) {
      const context = celModelContext(model.uri.toString());
      const before = model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
      const items = celCompletions(context?.fields() ?? [], before);
      const startOffset = model.getOffsetAt(position);
      return {
        suggestions: items.map((item) => {
          const start = model.getPositionAt(Math.max(0, startOffset - item.replace));
          return {
            label: item.tags?.length ? { label: item.label, description: item.tags.join(', ') } : item.label,
            kind: KINDS[item.kind],
            insertText: item.insertText,
            ...(item.snippet ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
            ...(item.detail !== undefined ? { detail: item.detail } : {}),
            ...(item.documentation !== undefined ? { documentation: { value: item.documentation } } : {}),
            sortText: item.sortText,
            range: { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: position.lineNumber, endColumn: position.column },
          };
        }),
      };
    },
  });

  jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    trailingCommas: 'error',
    // The schema is bundled; nothing is ever fetched.
    enableSchemaRequest: false,
    schemas: [{ uri: 'inmemory://sluice/flow.schema.json', fileMatch: [`*${FLOW_MODEL_SUFFIX}`], schema: flowSchema }],
  });

  return monaco;
}

const KINDS: Record<CelCompletionKind, monaco.languages.CompletionItemKind> = {
  field: monaco.languages.CompletionItemKind.Field,
  macro: monaco.languages.CompletionItemKind.Snippet,
  function: monaco.languages.CompletionItemKind.Function,
  keyword: monaco.languages.CompletionItemKind.Keyword,
};
