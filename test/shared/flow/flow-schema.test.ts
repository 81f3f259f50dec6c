import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry, defineNode } from '../../../shared/node-kit';
import { buildFlowJsonSchema, FLOW_SCHEMA_PATH, REGENERATE_COMMAND, renderFlowJsonSchema } from '../../../scripts/flow-json-schema';
import { registry as testRegistry } from '../validate/test-registry';

type Json = Record<string, any>;

describe('flow.schema.json', () => {
  it('is up to date with the node registry', async () => {
    const { registry } = await import('../../../shared/nodes/index');
    const committed = (() => {
      try {
        return readFileSync(new URL(`../../../${FLOW_SCHEMA_PATH}`, import.meta.url), 'utf8');
      } catch {
        return '';
      }
    })();
    if (committed !== renderFlowJsonSchema(registry)) {
      throw new Error(`${FLOW_SCHEMA_PATH} is stale (or missing): run \`${REGENERATE_COMMAND}\` to regenerate it, then commit it`);
    }
  });
});

describe('buildFlowJsonSchema', () => {
  const schema = buildFlowJsonSchema(testRegistry) as Json;
  const node = schema.properties.nodes.additionalProperties;

  it('keeps the envelope from the document schema', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['format', 'id', 'nodes']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.nodes.propertyNames.pattern).toBe('^[a-z][a-z0-9-]{0,62}$');
  });

  it('lists the known node and resource types', () => {
    expect(node.properties.type.enum).toEqual(['core.filter', 'test.collect', 'test.compute', 'test.lines', 'test.orders', 'test.rename', 'test.route', 'test.stuck']);
    expect(schema.properties.resources.additionalProperties.properties.type.enum).toEqual(['test.connection', 'test.table']);
  });

  it('applies each type\'s config schema when type and current version match', () => {
    const filter = node.allOf.find((c: Json) => c.if.properties.type.const === 'core.filter');
    expect(filter.then.properties.version).toEqual({ maximum: 1 });
    expect(filter.then.if.properties.version).toEqual({ const: 1 });
    expect(filter.then.then.properties.config).toEqual({ $ref: '#/$defs/node.core.filter' });
    const config = schema.$defs['node.core.filter'];
    expect(config.required).toEqual(['when']);
    expect(config.properties.when['x-widget']).toBe('expression');
    expect(config.title).toBe('Filter');
    expect(config.$schema).toBeUndefined();
    expect(schema.$defs['resource.test.table'].properties.path.type).toBe('string');
  });

  it('moves nested $defs under the shared $defs and rewrites their refs', () => {
    const Step = z.strictObject({ name: z.string() }).meta({ id: 'Step' });
    const twoSteps = defineNode({
      type: 'test.steps',
      version: 2,
      category: 'transform',
      title: 'Steps',
      summary: 'Two steps.',
      docs: 'x',
      icon: 'x',
      ports: { inputs: [{ name: 'in' }], outputs: [{ name: 'out' }] },
      config: z.strictObject({ first: Step, second: Step }),
      create: () => ({ role: 'processor', process: (m, emit) => emit('out', m) }),
      examples: [],
    });
    const s = buildFlowJsonSchema(createRegistry([twoSteps])) as Json;
    expect(s.$defs['node.test.steps.Step'].properties.name.type).toBe('string');
    expect(s.$defs['node.test.steps'].properties.first).toEqual({ $ref: '#/$defs/node.test.steps.Step' });
  });

  it('renders as stable, indented JSON with a trailing newline', () => {
    const text = renderFlowJsonSchema(testRegistry);
    expect(text).toBe(renderFlowJsonSchema(testRegistry));
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(schema);
  });
});
