import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DesignerProvider } from '../../../../designer/src/context';
import { Inspector } from '../../../../designer/src/inspector/Inspector';
import { registry } from '../../../../designer/src/registry';
import { createFlowStore } from '../../../../designer/src/store/flow-store';
import { createRunStore } from '../../../../designer/src/store/run-store';
import { testIds } from '../../../../designer/src/testids';
import type { FlowDocument, NodeInstance, ResourceInstance } from '../../../../shared/flow/document';

export { registry };

type NodeSpec = Partial<NodeInstance> & { type: string };

/** A flow of the given nodes (version from the registry), edges as "a->b" between `out` and `in` ports. */
export function flow(nodes: Record<string, NodeSpec>, edges: string[] = [], resources: Record<string, Partial<ResourceInstance> & { type: string }> = {}): FlowDocument {
  const doc: FlowDocument = {
    format: 1,
    id: 'test-flow',
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([id, n]) => [id, { version: registry.node(n.type)?.version ?? 1, config: {}, ...n } as NodeInstance]),
    ),
  };
  if (edges.length) {
    doc.edges = edges.map((e) => {
      const [from, to] = e.split('->') as [string, string];
      return { from: from.includes(':') ? from : `${from}:out`, to: to.includes(':') ? to : `${to}:in` };
    });
  }
  if (Object.keys(resources).length) {
    doc.resources = Object.fromEntries(
      Object.entries(resources).map(([id, r]) => [id, { version: registry.resource(r.type)?.version ?? 1, config: {}, ...r } as ResourceInstance]),
    );
  }
  return doc;
}

/** Renders the inspector over a store holding `doc`, with `selected` nodes selected. */
export function setup(doc: FlowDocument, selected: string[] = []) {
  const store = createFlowStore(registry, doc);
  store.getState().select({ nodes: selected });
  const runs = createRunStore();
  const user = userEvent.setup();
  const view = render(
    <DesignerProvider value={{ store, runs, registry }}>
      <Inspector />
    </DesignerProvider>,
  );
  const node = (id: string) => store.getState().doc.nodes[id] as NodeInstance;
  const config = (id: string) => node(id).config ?? {};
  const undoCount = () => store.temporal.getState().pastStates.length;
  return { store, user, view, node, config, undoCount };
}

/** The wrapper of the field at `pointer`. */
export function field(pointer: string): HTMLElement {
  return screen.getByTestId(testIds.field(pointer));
}
