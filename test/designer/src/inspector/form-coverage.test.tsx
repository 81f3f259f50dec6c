import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { configJsonSchema } from '../../../../shared/node-kit/define';
import { humanise } from '../../../../designer/src/inspector/form/json-schema';
import { field, flow, registry, setup } from './helpers';

vi.mock('../../../../designer/src/expr/ExpressionEditor', () => import('./editor-mocks'));
vi.mock('../../../../designer/src/expr/ConditionBuilder', () => import('./editor-mocks'));
vi.mock('../../../../designer/src/code/CodeEditor', () => import('./editor-mocks'));

type Props = Record<string, { title?: string }>;

/** The field's own control is named `label` (an input by its label, or a fieldset by its legend). */
function expectLabelled(wrapper: HTMLElement, label: string) {
  const named = [...screen.queryAllByLabelText(label), ...screen.queryAllByRole('group', { name: label })];
  expect(
    named.some((el) => el === wrapper || wrapper.contains(el)),
    `no control labelled "${label}" inside ${wrapper.dataset.pointer}`,
  ).toBe(true);
}

const nodeCases = registry.nodes().flatMap((def) => [
  { name: `${def.type} with an empty config`, type: def.type, config: {} as Record<string, unknown> },
  ...def.examples.map((ex) => ({ name: `${def.type}, example "${ex.title}"`, type: def.type, config: ex.config as Record<string, unknown> })),
]);

const resourceCases = registry.resources().flatMap((def) => [
  { name: `${def.type} with an empty config`, type: def.type, config: {} as Record<string, unknown> },
  ...def.examples.map((ex) => ({ name: `${def.type}, example "${ex.title}"`, type: def.type, config: ex.config as Record<string, unknown> })),
]);

describe('the generated form covers every registered type', () => {
  it('has cases for every node and resource type', () => {
    expect(new Set(nodeCases.map((c) => c.type)).size).toBe(registry.nodes().length);
    expect(new Set(resourceCases.map((c) => c.type)).size).toBe(registry.resources().length);
  });

  it.each(nodeCases)('node $name: a labelled field for every top-level property, and nothing written', ({ type, config }) => {
    const given = structuredClone(config);
    const { config: configOf } = setup(flow({ n: { type, config: structuredClone(config) } }), ['n']);
    const def = registry.node(type);
    if (!def) throw new Error(type);
    const props = (configJsonSchema(def).properties ?? {}) as Props;
    expect(Object.keys(props).length).toBeGreaterThan(0);
    for (const [name, prop] of Object.entries(props)) expectLabelled(field(`/config/${name}`), prop.title ?? humanise(name));
    expectLabelled(field('/label'), 'Label');
    expect(configOf('n')).toEqual(given);
  });

  it.each(resourceCases)('resource $name: a labelled field for every top-level property, and nothing written', ({ type, config }) => {
    const given = structuredClone(config);
    const { store } = setup(flow({}, [], { res: { type, config: structuredClone(config) } }));
    const def = registry.resource(type);
    if (!def) throw new Error(type);
    const props = (configJsonSchema(def).properties ?? {}) as Props;
    for (const [name, prop] of Object.entries(props)) expectLabelled(field(`/resources/res/config/${name}`), prop.title ?? humanise(name));
    expect(store.getState().doc.resources?.res?.config).toEqual(given);
  });
});
