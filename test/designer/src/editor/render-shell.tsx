import { DesignerProvider } from '../../../../designer/src/context';
import { EditorShell } from '../../../../designer/src/editor/EditorShell';
import { registry } from '../../../../designer/src/registry';
import type { FlowDocument } from '../../../../shared/flow/document';
import { createFlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';

/** The editor screen around a store the test holds, loaded with `doc` at `etag`. */
export function renderableShell(doc: FlowDocument, etag = 'v1') {
  const store = createFlowStore(registry, doc);
  store.getState().load(doc, etag);
  const runs = createRunStore();
  const ui = (
    <DesignerProvider value={{ store, runs, registry }}>
      <EditorShell />
    </DesignerProvider>
  );
  return { store, runs, ui };
}
