import { describe, expect, it } from 'vitest';
import { checkGovernance } from '../../../shared/governance/leaks';
import { parsePolicy, type Policy } from '../../../shared/governance/policy';
import { registry } from '../../../shared/nodes';
import type { AvroRecord } from '../../../shared/schema/record-schema';
import { validateFlow, type Diagnostic } from '../../../shared/validate';
import { flow, ORDER, redact, sink, source } from './fixtures';

const leak = (sinkId: string, message: string): Diagnostic => ({ severity: 'error', code: 'governance-leak', nodeId: sinkId, path: '', message });
const FIX = (tag: string) => `(hash, mask, tokenize or drop it first, or allow ${tag} from eu to us in the policy)`;

function policy(raw: Record<string, unknown>): Policy {
  const r = parsePolicy({ format: 1, ...raw });
  if (!r.policy) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

const route = { type: 'core.route', version: 1, config: { routes: [{ port: 'large', when: 'total > 1000.0' }] } };

describe('the leak proof (shared/governance/leaks)', () => {
  it('names the one path of two that does not redact, and every tagged field on it (nested, in lists, in maps)', () => {
    const doc = flow(
      {
        orders: source(),
        split: route,
        hide: redact({ rules: [{ path: 'customer.email', action: 'hash' }, { path: 'items[*].card', action: 'drop' }, { path: 'contacts[*].phone', action: 'tokenize' }] }),
        'to-us': sink('us-kafka'),
      },
      ['orders>split', 'split:large>hide', 'hide>to-us', 'split:otherwise>to-us'],
    );
    expect(validateFlow(doc, registry)).toEqual([
      leak('to-us', `PII field customer.email flows from zone eu to zone us unredacted via orders → split → to-us ${FIX('PII')}`),
      leak('to-us', `PCI field items[*].card flows from zone eu to zone us unredacted via orders → split → to-us ${FIX('PCI')}`),
      leak('to-us', `PII field contacts[*].phone flows from zone eu to zone us unredacted via orders → split → to-us ${FIX('PII')}`),
    ]);
  });

  it('passes when every path drops or disguises every tagged field', () => {
    const hide = redact({ rules: [{ path: 'customer.email', action: 'hash' }, { path: 'items[*].card', action: 'drop' }, { path: 'contacts', action: 'drop' }] });
    const doc = flow(
      { orders: source(), split: route, big: hide, small: { ...hide }, 'to-us': sink('us-kafka') },
      ['orders>split', 'split:large>big', 'split:otherwise>small', 'big>to-us', 'small>to-us'],
    );
    expect(validateFlow(doc, registry)).toEqual([]);
  });

  it('counts the other paths that bring the same leak and names the first', () => {
    const pass = { type: 'core.filter', version: 1, config: { when: 'true' } };
    const doc = flow(
      { orders: source({ type: 'record', name: 'R', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }] }), a: pass, b: { ...pass }, c: { ...pass }, 'to-us': sink('us-kafka') },
      ['orders>a', 'orders>b', 'orders>c', 'a>to-us', 'b>to-us', 'c>to-us'],
    );
    expect(validateFlow(doc, registry)).toEqual([
      leak('to-us', `PII field email flows from zone eu to zone us unredacted via orders → a → to-us (and 2 more paths) ${FIX('PII')}`),
    ]);
  });

  it('never flags a flow that stays in its zone, tagged or not, schema known or not', () => {
    expect(validateFlow(flow({ orders: source(), backup: sink('eu-backup') }, ['orders>backup']), registry)).toEqual([]);
    expect(validateFlow(flow({ orders: source(null), backup: sink('eu-backup') }, ['orders>backup']), registry, { policy: policy({}) })).toEqual([]);
  });

  it('follows tags through computed fields: a value computed from a tagged field carries its tags', () => {
    const doc = flow(
      {
        orders: source(),
        shape: {
          type: 'core.map',
          version: 1,
          config: {
            set: [
              { field: 'contact', value: '"mailto:" + customer.email' },
              { field: 'cust', value: 'customer' },
              { field: 'itemCount', value: 'size(items)' },
              { field: 'cards', value: 'items.map(i, i.card)' },
              { field: 'country', value: 'customer.country' },
            ],
            remove: ['customer', 'items', 'contacts'],
          },
        },
        'to-us': sink('us-kafka'),
      },
      ['orders>shape', 'shape>to-us'],
    );
    expect(validateFlow(doc, registry)).toEqual([
      leak('to-us', `PII field contact flows from zone eu to zone us unredacted via orders → shape → to-us ${FIX('PII')}`),
      leak('to-us', `PII field cust.email flows from zone eu to zone us unredacted via orders → shape → to-us ${FIX('PII')}`),
      leak('to-us', `PCI field cards flows from zone eu to zone us unredacted via orders → shape → to-us ${FIX('PCI')}`),
    ]);
  });

  it('lets a policy allow a tag across zones as it is, or accept more or fewer redactions', () => {
    const doc = flow(
      { orders: source(), hide: redact({ rules: [{ path: 'customer.email', action: 'mask' }, { path: 'items[*].card', action: 'hash' }, { path: 'contacts', action: 'drop' }] }), 'to-us': sink('us-kafka') },
      ['orders>hide', 'hide>to-us'],
    );
    const strict = policy({ tags: { PII: { redactions: ['hash', 'tokenize'] }, PCI: { redactions: [] } } });
    expect(validateFlow(doc, registry, { policy: strict })).toEqual([
      leak(
        'to-us',
        'PII field customer.email flows from zone eu to zone us masked via orders → hide → to-us, which the policy does not accept for PII (hash, tokenize or drop it instead, or accept mask for PII from eu to us in the policy)',
      ),
      leak(
        'to-us',
        'PCI field items[*].card flows from zone eu to zone us hashed via orders → hide → to-us, which the policy does not accept for PCI (drop it instead, or accept hash for PCI from eu to us in the policy)',
      ),
    ]);
    const granting = policy({
      tags: strict.tags,
      allow: [
        { tags: ['PII'], from: 'eu', to: 'us', redactions: ['mask'] },
        { tags: ['PCI'], from: '*', to: 'us' },
      ],
    });
    expect(validateFlow(doc, registry, { policy: granting })).toEqual([]);
    // The grant is for eu → us only: the other way round stays forbidden.
    const back = flow({ orders: source(ORDER, 'us-kafka'), hide: doc.nodes.hide!, 'to-eu': sink('eu-kafka') }, ['orders>hide', 'hide>to-eu']);
    expect(validateFlow(back, registry, { policy: granting }).map((d) => d.message)).toEqual([
      'PII field customer.email flows from zone us to zone eu masked via orders → hide → to-eu, which the policy does not accept for PII (hash, tokenize or drop it instead, or accept mask for PII from us to eu in the policy)',
      'PCI field items[*].card flows from zone us to zone eu hashed via orders → hide → to-eu, which the policy does not accept for PCI (drop it instead, or accept hash for PCI from us to eu in the policy)',
    ]);
  });

  it('cannot prove anything where the schema is unknown: a warning by default, an error under a policy file, silent in one zone', () => {
    const noSchema = flow({ orders: source(null), 'to-us': sink('us-kafka') }, ['orders>to-us']);
    const message = 'cannot prove that no tagged field flows from zone eu to zone us via orders → to-us: source "orders" has no record schema (give it one, with confluent:tags on its personal fields)';
    expect(validateFlow(noSchema, registry)).toEqual([{ severity: 'warning', code: 'governance-unproven', nodeId: 'to-us', path: '', message }]);
    expect(validateFlow(noSchema, registry, { policy: policy({}) })).toEqual([{ severity: 'error', code: 'governance-unproven', nodeId: 'to-us', path: '', message }]);
    expect(validateFlow(noSchema, registry, { policy: policy({ unknownSchema: 'ignore' }) })).toEqual([]);

    const lost = flow(
      {
        orders: source(),
        ask: { type: 'enrich.http', version: 1, config: { url: 'https://crm.example/c/{customer.country}', into: 'crm', allowHosts: ['crm.example'] } },
        'to-us': sink('us-kafka'),
      },
      ['orders>ask', 'ask>to-us'],
    );
    expect(validateFlow(lost, registry)).toEqual([
      {
        severity: 'warning',
        code: 'governance-unproven',
        nodeId: 'to-us',
        path: '',
        message: 'cannot prove that no tagged field flows from zone eu to zone us via orders → ask → to-us: the record schema is unknown after node "ask" (enrich.http)',
      },
    ]);
  });

  it('checks dead letters, which carry the original record from every node the source reaches', () => {
    const doc = flow(
      { orders: source(), hide: redact({ rules: [{ path: 'customer', action: 'drop' }, { path: 'items', action: 'drop' }, { path: 'contacts', action: 'drop' }] }), 'to-us': sink('us-kafka'), 'dead-us': sink('us-kafka', 'dlq') },
      ['orders>hide', 'hide>to-us'],
      { errors: { deadLetter: 'dead-us' } },
    );
    const tail = (tag: string) => `: dead letters carry the original record (send them to a node in zone eu, or allow ${tag} from eu to us in the policy)`;
    expect(validateFlow(doc, registry)).toEqual([
      leak('dead-us', `PII field customer.email can flow from zone eu to zone us unredacted as a dead letter via orders → dead-us${tail('PII')}`),
      leak('dead-us', `PCI field items[*].card can flow from zone eu to zone us unredacted as a dead letter via orders → dead-us${tail('PCI')}`),
      leak('dead-us', `PII field contacts[*].phone can flow from zone eu to zone us unredacted as a dead letter via orders → dead-us${tail('PII')}`),
    ]);
    // A node's own dead-letter target: the path runs to that node.
    const perNode = flow(
      { orders: source({ type: 'record', name: 'R', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }] }), hide: { ...redact({ rules: [{ path: 'email', action: 'hash' }] }), errors: { deadLetter: 'dead-us' } }, 'to-us': sink('us-kafka'), 'dead-us': sink('us-kafka', 'dlq') },
      ['orders>hide', 'hide>to-us'],
    );
    expect(validateFlow(perNode, registry).map((d) => d.message)).toEqual([`PII field email can flow from zone eu to zone us unredacted as a dead letter via orders → hide → dead-us${tail('PII')}`]);
  });

  it('takes zones from connections, else the node, else the flow; refuses a node zone that contradicts its connection', () => {
    const schema: AvroRecord = { type: 'record', name: 'R', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }] };
    const files = (extra: Record<string, unknown>) =>
      flow(
        { orders: { type: 'file.read', version: 1, config: { path: 'orders.jsonl', schema } }, out: { type: 'file.write', version: 1, ...extra, config: { path: 'out.jsonl' } } },
        ['orders>out'],
        { zone: 'eu' },
      );
    expect(validateFlow(files({}), registry)).toEqual([]);
    expect(validateFlow(files({ zone: 'us' }), registry)).toEqual([
      leak('out', `PII field email flows from zone eu to zone us unredacted via orders → out ${FIX('PII')}`),
    ]);
    const conflict = flow({ orders: { ...source(schema), zone: 'us' }, backup: sink('eu-backup') }, ['orders>backup']);
    expect(validateFlow(conflict, registry)).toEqual([
      {
        severity: 'error',
        code: 'zone-conflict',
        nodeId: 'orders',
        path: '/zone',
        message: 'this node is in zone eu, the zone of its connection "eu-kafka"; remove its zone "us" or use a connection in zone us',
      },
    ]);
  });

  it('warns when tagged data meets a node with no zone, and checks zones against the policy list', () => {
    const schema: AvroRecord = { type: 'record', name: 'R', fields: [{ name: 'email', type: 'string', 'confluent:tags': ['PII'] }] };
    const doc = flow({ orders: source(schema), log: { type: 'core.log', version: 1, config: {} } }, ['orders>log']);
    expect(validateFlow(doc, registry)).toEqual([
      {
        severity: 'warning',
        code: 'governance-no-zone',
        nodeId: 'log',
        path: '',
        message: 'node "log" has no zone, so Sluice cannot check whether PII field email leaves zone eu via orders → log (set the flow\'s "zone", or the node\'s)',
      },
    ]);
    expect(validateFlow({ ...doc, zone: 'EU' }, registry, { policy: policy({ zones: ['eu', 'us'] }) })).toEqual([
      { severity: 'error', code: 'unknown-zone', path: '/zone', message: 'zone "EU" is not one of the policy\'s zones (eu, us)' },
      leak('log', 'PII field email flows from zone eu to zone EU unredacted via orders → log (hash, mask, tokenize or drop it first, or allow PII from eu to EU in the policy)'),
    ]);
  });

  it('stops with a diagnostic when too many different schemas reach one node, and memoises per document', () => {
    const pass = (when: string) => ({ type: 'core.filter', version: 1, config: { when } });
    const tagged: AvroRecord = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'string', 'confluent:tags': ['PII'] }, { name: 'b', type: 'string', 'confluent:tags': ['PII'] }] };
    const doc = flow(
      {
        orders: source(tagged),
        x: redact({ rules: [{ path: 'a', action: 'drop' }] }),
        y: redact({ rules: [{ path: 'b', action: 'drop' }] }),
        z: pass('true'),
        join: pass('true'),
        'to-us': sink('us-kafka'),
      },
      ['orders>x', 'orders>y', 'orders>z', 'x>join', 'y>join', 'z>join', 'join>to-us'],
    );
    const first = checkGovernance(doc, registry, { maxVariants: 2 });
    expect(first).toEqual([
      {
        severity: 'warning',
        code: 'governance-too-many-paths',
        nodeId: 'orders',
        path: '',
        message: 'cannot prove that no tagged field leaves zone eu from this source: more than 2 different record schemas arrive at node "join" along its paths (simplify the flow, or split it)',
      },
    ]);
    first[0]!.message = 'changed by a caller';
    expect(checkGovernance(doc, registry, { maxVariants: 2 })[0]?.message).toMatch(/^cannot prove/);
    expect(checkGovernance(doc, registry).map((d) => d.message)).toEqual([
      // b is dropped only on the path through y, a only through x; z drops neither.
      `PII field b flows from zone eu to zone us unredacted via orders → x → join → to-us (and 1 more path) ${FIX('PII')}`,
      `PII field a flows from zone eu to zone us unredacted via orders → y → join → to-us (and 1 more path) ${FIX('PII')}`,
    ]);
  });
});
