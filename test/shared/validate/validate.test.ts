import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors, validateFlow, validateFlowText, type Diagnostic } from '../../../shared/validate';
import { registry } from './test-registry';

type Json = Record<string, any>;

/** A clean flow: orders → big (filter) → out (sink). Each test breaks one thing. */
function base(): Json {
  return {
    format: 1,
    id: 'orders',
    nodes: {
      orders: { type: 'test.orders', version: 1 },
      big: { type: 'core.filter', version: 1, config: { when: 'total > 1000.0' } },
      out: { type: 'test.collect', version: 1 },
    },
    edges: [
      { from: 'orders:out', to: 'big:in' },
      { from: 'big:out', to: 'out:in' },
    ],
  };
}

function check(doc: unknown): Diagnostic[] {
  return validateFlow(doc, registry);
}

/** The one diagnostic with this code; fails listing everything found otherwise. */
function one(diags: Diagnostic[], code: string): Diagnostic {
  const hits = diags.filter((d) => d.code === code);
  expect(hits, `expected exactly one "${code}" in ${JSON.stringify(diags, null, 2)}`).toHaveLength(1);
  return hits[0] as Diagnostic;
}

describe('validateFlow: a clean flow', () => {
  it('has no diagnostics', () => {
    expect(check(base())).toEqual([]);
  });
});

describe('validateFlow: format and envelope', () => {
  it('reports a document that is not an object', () => {
    const d = one(check([1, 2]), 'not-a-flow');
    expect(d).toMatchObject({ severity: 'error', path: '' });
    expect(d.message).toContain('JSON object');
  });

  it('refuses a newer flow format', () => {
    const d = one(check({ ...base(), format: 2 }), 'format-too-new');
    expect(d).toMatchObject({ severity: 'error', path: '/format' });
    expect(d.message).toMatch(/flow format 2 is newer .*upgrade Sluice/);
  });

  it('reports a missing or malformed format', () => {
    const d = one(check({ ...base(), format: 'one' }), 'invalid-format');
    expect(d.path).toBe('/format');
  });

  it('reports envelope fields one by one, with suggestions for typos', () => {
    const { nodes, ...rest } = base();
    const diags = check({ ...rest, nodez: nodes });
    expect(one(diags, 'unknown-field')).toMatchObject({ path: '/nodez', message: 'unknown field "nodez" (did you mean "nodes"?)' });
    expect(one(diags, 'missing-required-field')).toMatchObject({ path: '/nodes', message: 'required' });
  });

  it('reports a bad flow id', () => {
    const d = one(check({ ...base(), id: 'Orders EU' }), 'invalid-value');
    expect(d).toMatchObject({ path: '/id' });
    expect(d.message).toContain('slug');
  });

  it('reports a node id that is not a slug', () => {
    const doc = base();
    doc.nodes.Big_One = doc.nodes.big;
    const d = one(check(doc), 'invalid-id');
    expect(d).toMatchObject({ path: '/nodes/Big_One' });
    expect(d.nodeId).toBeUndefined();
    expect(d.message).toMatch(/^invalid key "Big_One": must be a slug/);
  });

  it('reports envelope problems inside a node on that node, and still checks the rest', () => {
    const doc = base();
    doc.nodes.big = { type: 'core.filter', version: 1, confg: { when: 'x' } };
    doc.nodes.out.config = { wrong: 1 };
    const diags = check(doc);
    expect(diags[0]).toMatchObject({ code: 'unknown-field', nodeId: 'big', path: '/confg', message: 'unknown field "confg" (did you mean "config"?)' });
    // The broken node stays in the graph (its edges do not dangle); the rest is still checked.
    expect(diags.map((d) => `${d.nodeId} ${d.path}`)).toEqual(['big /confg', 'out /config/wrong']);
  });

  it('reports a malformed edge endpoint at its path', () => {
    const doc = base();
    doc.edges[1].to = 'out';
    const d = one(check(doc), 'invalid-value');
    expect(d).toMatchObject({ path: '/edges/1/to', message: 'must be "node-id:port"' });
    expect(d.nodeId).toBeUndefined();
  });

  it('requires the flow id to match the file name when one is given', () => {
    const d = one(validateFlow(base(), registry, { fileName: 'flows/other.flow.json' }), 'id-mismatch');
    expect(d).toMatchObject({ path: '/id' });
    expect(d.message).toContain('"orders.flow.json"');
    expect(validateFlow(base(), registry, { fileName: 'flows/orders.flow.json' })).toEqual([]);
  });
});

describe('validateFlow: node types and versions', () => {
  it('reports an unknown node type and suggests the closest known one', () => {
    const doc = base();
    doc.nodes.big.type = 'core.fliter';
    const d = one(check(doc), 'unknown-node-type');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'big', path: '/type', message: 'unknown node type "core.fliter" (did you mean "core.filter"?)' });
  });

  it('suggests the full type when the family is left out', () => {
    const doc = base();
    doc.nodes.big.type = 'filter';
    expect(one(check(doc), 'unknown-node-type').message).toContain('did you mean "core.filter"?');
  });

  it('refuses a node version newer than the registry knows', () => {
    const doc = base();
    doc.nodes.big.version = 3;
    const d = one(check(doc), 'node-version-too-new');
    expect(d).toMatchObject({ nodeId: 'big', path: '/version', message: 'node type core.filter v3 is newer than this Sluice (v1); upgrade Sluice' });
  });

  it('migrates an older node version before checking its config', () => {
    const doc = base();
    doc.nodes.ren = { type: 'test.rename', version: 1, config: { name: 'total', target: 'amount' } };
    doc.edges.push({ from: 'orders:out', to: 'ren:in' });
    expect(check(doc)).toEqual([]);
    doc.nodes.ren.config = { name: 'total' };
    const d = one(check(doc), 'missing-required-field');
    expect(d).toMatchObject({ nodeId: 'ren', path: '/config/to', message: 'required' });
  });

  it('reports an old version that has no migration path', () => {
    const doc = base();
    doc.nodes.old = { type: 'test.stuck', version: 1 };
    doc.edges.push({ from: 'orders:out', to: 'old:in' });
    const d = one(check(doc), 'missing-migration');
    expect(d).toMatchObject({ nodeId: 'old', path: '/version' });
    expect(d.message).toContain('test.stuck v1 cannot be upgraded to v2');
  });
});

describe('validateFlow: node configs', () => {
  it('reports a missing required field as "required"', () => {
    const doc = base();
    doc.nodes.big.config = {};
    expect(one(check(doc), 'missing-required-field')).toMatchObject({ nodeId: 'big', path: '/config/when', message: 'required' });
  });

  it('reports a missing config object as its missing fields', () => {
    const doc = base();
    delete doc.nodes.big.config;
    expect(one(check(doc), 'missing-required-field')).toMatchObject({ nodeId: 'big', path: '/config/when' });
  });

  it('reports a wrong type plainly', () => {
    const doc = base();
    doc.nodes.orders.config = { count: 'ten' };
    expect(one(check(doc), 'wrong-type')).toMatchObject({ nodeId: 'orders', path: '/config/count', message: 'expected a number, got a string' });
    doc.nodes.orders.config = { count: 2.5 };
    expect(one(check(doc), 'wrong-type')).toMatchObject({ nodeId: 'orders', path: '/config/count', message: 'expected a whole number, got 2.5' });
    doc.nodes.big.config = { when: 12 };
    expect(check(doc).find((d) => d.nodeId === 'big')).toMatchObject({ path: '/config/when', message: 'expected a string, got a number' });
  });

  it('reports an unknown field and suggests the intended one', () => {
    const doc = base();
    doc.nodes.big.config = { wehn: 'total > 1.0' };
    const diags = check(doc);
    expect(one(diags, 'unknown-field')).toMatchObject({ nodeId: 'big', path: '/config/wehn', message: 'unknown field "wehn" (did you mean "when"?)' });
    expect(one(diags, 'missing-required-field')).toMatchObject({ nodeId: 'big', path: '/config/when' });
  });

  it('reports a value outside an enumeration with the allowed values', () => {
    const doc = base();
    doc.nodes.orders.config = { mode: 'fixd' };
    const d = one(check(doc), 'invalid-value');
    expect(d).toMatchObject({ nodeId: 'orders', path: '/config/mode' });
    expect(d.message).toBe('must be one of "fixed", "random", got "fixd" (did you mean "fixed"?)');
  });

  it('reports range and emptiness problems plainly', () => {
    const doc = base();
    doc.nodes.orders.config = { count: 0 };
    doc.nodes.big.config = { when: '' };
    const diags = check(doc);
    expect(diags.find((d) => d.nodeId === 'orders')).toMatchObject({ code: 'invalid-value', path: '/config/count', message: 'must be at least 1' });
    expect(diags.find((d) => d.nodeId === 'big')).toMatchObject({ code: 'invalid-value', path: '/config/when', message: 'must not be empty' });
  });

  it('maps problems inside arrays to their element path', () => {
    const doc = base();
    doc.nodes.split = { type: 'test.route', version: 1, config: { routes: [{ port: 'a', when: 'true' }, { port: 'B!', when: 'true' }] } };
    doc.edges.push({ from: 'orders:out', to: 'split:in' });
    const d = one(check(doc), 'invalid-value');
    expect(d).toMatchObject({ nodeId: 'split', path: '/config/routes/1/port', message: 'must be a port name: lower-case letters, digits and "-"' });
  });

  it('reports lint issues at their config path', () => {
    const doc = base();
    doc.nodes.split = { type: 'test.route', version: 1, config: { routes: [{ port: 'a', when: 'true' }, { port: 'a', when: 'false' }] } };
    doc.edges.push({ from: 'orders:out', to: 'split:in' });
    const d = one(check(doc), 'lint');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'split', path: '/config/routes/1/port', message: 'port "a" is already used by route 0' });
  });
});

describe('validateFlow: expressions', () => {
  it('reports a syntax error with line and column at the config path', () => {
    const doc = base();
    doc.nodes.big.config = { when: 'total >' };
    const d = one(check(doc), 'expression-error');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'big', path: '/config/when' });
    expect(d.message).toMatch(/^line \d+, column \d+: \S/);
    expect(d.message).not.toContain('\n');
  });

  it('finds expressions inside arrays', () => {
    const doc = base();
    doc.nodes.split = { type: 'test.route', version: 1, config: { routes: [{ port: 'eu', when: 'status == ' }, { port: 'us', when: 'true' }] } };
    doc.edges.push({ from: 'orders:out', to: 'split:in' });
    expect(one(check(doc), 'expression-error')).toMatchObject({ nodeId: 'split', path: '/config/routes/0/when' });
  });

  it('finds expressions inside maps', () => {
    const doc = base();
    doc.nodes.calc = { type: 'test.compute', version: 1, config: { fields: { ok: 'total * 2.0', broken: '(total' } } };
    doc.edges.push({ from: 'orders:out', to: 'calc:in' });
    expect(one(check(doc), 'expression-error')).toMatchObject({ nodeId: 'calc', path: '/config/fields/broken' });
  });

  it('type-checks against the records that reach the node', () => {
    const doc = base();
    doc.nodes.big.config = { when: 'totl > 1000.0' };
    const d = one(check(doc), 'expression-error');
    expect(d).toMatchObject({ nodeId: 'big', path: '/config/when' });
    expect(d.message).toMatch(/^line 1, column 1: .*"totl"/);
    // Fed by a source whose records are not declared, the same expression is checked dynamically.
    doc.nodes.orders = { type: 'test.lines', version: 1 };
    expect(check(doc)).toEqual([]);
  });

  it('checks the result type the field asks for', () => {
    const doc = base();
    doc.nodes.split = { type: 'test.route', version: 1, config: { routes: [{ port: 'eu', when: 'total * 2.0' }] } };
    doc.nodes.calc = { type: 'test.compute', version: 1, config: { fields: { double: 'total * 2.0' } } };
    doc.edges.push({ from: 'orders:out', to: 'split:in' }, { from: 'orders:out', to: 'calc:in' });
    const d = one(check(doc), 'expression-error');
    expect(d).toMatchObject({ nodeId: 'split', path: '/config/routes/0/when' });
    expect(d.message).toMatch(/^line 1, column 1: .*true or false/);
  });

  it('does not check an expression again where the config already failed', () => {
    const doc = base();
    doc.nodes.big.config = { when: '' };
    expect(check(doc).filter((d) => d.code === 'expression-error')).toEqual([]);
  });
});

describe('validateFlow: resources', () => {
  it('reports a reference to a resource that does not exist', () => {
    const doc = base();
    doc.nodes.orders.config = { table: 'eu-tables' };
    const d = one(check(doc), 'unknown-resource');
    expect(d).toMatchObject({ nodeId: 'orders', path: '/config/table', message: 'resource "eu-tables" does not exist' });
  });

  it('suggests an existing resource of the right type', () => {
    const doc = base();
    doc.resources = { 'eu-table': { type: 'test.table', version: 1, config: { path: 'eu.csv' } } };
    doc.nodes.orders.config = { table: 'eu-tables' };
    expect(one(check(doc), 'unknown-resource').message).toBe('resource "eu-tables" does not exist (did you mean "eu-table"?)');
  });

  it('reports a reference to a resource of the wrong type', () => {
    const doc = base();
    doc.resources = { 'eu-kafka': { type: 'test.connection', version: 1, config: { brokers: 'b:9092' } } };
    doc.nodes.orders.config = { table: 'eu-kafka' };
    const d = one(check(doc), 'wrong-resource-type');
    expect(d).toMatchObject({ nodeId: 'orders', path: '/config/table' });
    expect(d.message).toBe('resource "eu-kafka" is a test.connection, but this field needs a test.table');
  });

  it('reports an unknown resource type at the resource', () => {
    const doc = base();
    doc.resources = { 'eu-kafka': { type: 'test.conection', version: 1, config: {} } };
    const d = one(check(doc), 'unknown-resource-type');
    expect(d).toMatchObject({ path: '/resources/eu-kafka/type', message: 'unknown resource type "test.conection" (did you mean "test.connection"?)' });
    expect(d.nodeId).toBeUndefined();
  });

  it('refuses a resource version newer than the registry knows', () => {
    const doc = base();
    doc.resources = { t: { type: 'test.table', version: 4, config: { path: 'x.csv' } } };
    expect(one(check(doc), 'resource-version-too-new')).toMatchObject({
      path: '/resources/t/version',
      message: 'resource type test.table v4 is newer than this Sluice (v1); upgrade Sluice',
    });
  });

  it('checks a resource config like a node config', () => {
    const doc = base();
    doc.resources = { t: { type: 'test.table', version: 1, config: { pth: 'x.csv' } } };
    const diags = check(doc);
    expect(one(diags, 'unknown-field')).toMatchObject({ path: '/resources/t/config/pth', message: 'unknown field "pth" (did you mean "path"?)' });
    expect(one(diags, 'missing-required-field')).toMatchObject({ path: '/resources/t/config/path' });
  });
});

describe('validateFlow: secrets', () => {
  it('warns about a secret written inline in a node', () => {
    const doc = base();
    doc.nodes.orders.config = { token: 'hunter2' };
    const diags = check(doc);
    const d = one(diags, 'inline-secret');
    expect(d).toMatchObject({ severity: 'warning', nodeId: 'orders', path: '/config/token' });
    expect(d.message).toContain('a secret is written inline; use ${secret:NAME}');
    expect(hasErrors(diags)).toBe(false);
  });

  it('warns about a secret written inline in a resource', () => {
    const doc = base();
    doc.resources = { k: { type: 'test.connection', version: 1, config: { brokers: 'b:9092', password: 's3cret' } } };
    expect(one(check(doc), 'inline-secret')).toMatchObject({ severity: 'warning', path: '/resources/k/config/password' });
  });

  it('accepts secret and env references', () => {
    const doc = base();
    doc.nodes.orders.config = { token: '${secret:ORDERS_TOKEN}' };
    doc.resources = { k: { type: 'test.connection', version: 1, config: { brokers: '${env:BROKERS}', password: '${env:KAFKA_PASSWORD}' } } };
    expect(check(doc)).toEqual([]);
  });
});

describe('validateFlow: edges and ports', () => {
  it('reports an edge to a node that does not exist', () => {
    const doc = base();
    doc.edges.push({ from: 'big:out', to: 'ghost:in' });
    const d = one(check(doc), 'dangling-edge');
    expect(d).toMatchObject({ path: '/edges/2/to' });
    expect(d.nodeId).toBeUndefined();
    expect(d.message).toBe('edge big:out → ghost:in ends at node "ghost", which does not exist');
  });

  it('reports an edge from a node that does not exist, suggesting a near id', () => {
    const doc = base();
    doc.edges[1].from = 'bigg:out';
    const diags = check(doc);
    expect(one(diags, 'dangling-edge')).toMatchObject({ path: '/edges/1/from' });
    expect(one(diags, 'dangling-edge').message).toContain('(did you mean "big"?)');
    // The sink's input is wired (through the broken edge): one problem, one diagnostic.
    expect(diags).toHaveLength(1);
  });

  it('reports a duplicate edge', () => {
    const doc = base();
    doc.edges.push({ from: 'big:out', to: 'out:in' });
    const d = one(check(doc), 'duplicate-edge');
    expect(d).toMatchObject({ path: '/edges/2', message: 'edge big:out → out:in is listed twice (also edge 1); remove one' });
  });

  it('reports an unknown output port and names the known ones', () => {
    const doc = base();
    doc.edges[1].from = 'big:kept';
    const diags = check(doc);
    expect(diags).toHaveLength(1);
    const d = one(diags, 'unknown-port');
    expect(d).toMatchObject({ path: '/edges/1/from', message: 'node "big" (core.filter) has no output port "kept"; its output ports are: out' });
  });

  it('derives output ports from the config', () => {
    const doc = base();
    doc.nodes.big.config.rejectedPort = true;
    doc.nodes.rest = { type: 'test.collect', version: 1 };
    doc.edges.push({ from: 'big:rejected', to: 'rest:in' });
    expect(check(doc)).toEqual([]);
    doc.nodes.big.config.rejectedPort = false;
    expect(one(check(doc), 'unknown-port').path).toBe('/edges/2/from');
  });

  it('reports an unknown input port and names the known ones', () => {
    const doc = base();
    doc.edges[1].to = 'out:input';
    const diags = check(doc);
    expect(diags).toHaveLength(1);
    expect(one(diags, 'unknown-port')).toMatchObject({ path: '/edges/1/to', message: 'node "out" (test.collect) has no input port "input"; its input ports are: in' });
  });

  it('reports an edge starting at an input port', () => {
    const doc = base();
    doc.edges[1] = { from: 'big:in', to: 'out:in' };
    const d = one(check(doc), 'wrong-direction');
    expect(d).toMatchObject({ path: '/edges/1/from' });
    expect(d.message).toContain('big:in, which is an input port');
  });

  it('reports an edge ending at an output port', () => {
    const doc = base();
    doc.edges[0] = { from: 'orders:out', to: 'big:out' };
    const diags = check(doc);
    expect(diags).toHaveLength(1);
    const d = one(diags, 'wrong-direction');
    expect(d).toMatchObject({ path: '/edges/0/to' });
    expect(d.message).toContain('big:out, which is an output port');
  });

  it('reports an input wired into a source', () => {
    const doc = base();
    doc.edges.push({ from: 'big:out', to: 'orders:in' });
    const diags = check(doc);
    // The impossible edge is not also reported as a cycle orders → big → orders.
    expect(diags).toHaveLength(1);
    const d = one(diags, 'source-has-input');
    expect(d).toMatchObject({ path: '/edges/2/to', message: 'node "orders" (test.orders) is a source and takes no input; nothing can be wired into it' });
  });

  it('reports an output wired out of a sink', () => {
    const doc = base();
    doc.nodes.more = { type: 'test.collect', version: 1 };
    doc.edges.push({ from: 'out:out', to: 'more:in' });
    const d = one(check(doc), 'sink-has-output');
    expect(d).toMatchObject({ path: '/edges/2/from' });
    expect(d.message).toContain('"out" (test.collect) is a sink and has no output ports');
  });

  it('reports an input port with nothing wired', () => {
    const doc = base();
    doc.edges.pop();
    const d = one(check(doc), 'unconnected-input');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'out', path: '', message: 'nothing is wired into input port "in"; connect a node to it or remove this node' });
  });

  it('names the nodes of a cycle', () => {
    const doc = base();
    doc.nodes.again = { type: 'core.filter', version: 1, config: { when: 'true' } };
    doc.edges.push({ from: 'big:out', to: 'again:in' }, { from: 'again:out', to: 'big:in' });
    const d = one(check(doc), 'cycle');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'again', path: '', message: 'nodes form a cycle: again → big → again; records would go round forever' });
  });

  it('reports a node wired to itself as a cycle', () => {
    const doc = base();
    doc.edges.push({ from: 'big:out', to: 'big:in' });
    expect(one(check(doc), 'cycle').message).toContain('big → big');
  });

  it('warns about nodes no source reaches', () => {
    const doc = base();
    doc.nodes.a = { type: 'core.filter', version: 1, config: { when: 'true' } };
    doc.nodes.b = { type: 'core.filter', version: 1, config: { when: 'true' } };
    doc.edges.push({ from: 'a:out', to: 'b:in' }, { from: 'b:out', to: 'a:in' });
    const diags = check(doc);
    expect(diags.filter((d) => d.code === 'unreachable-node')).toEqual([
      { severity: 'warning', code: 'unreachable-node', nodeId: 'a', path: '', message: 'no source reaches this node, so it never receives records' },
      { severity: 'warning', code: 'unreachable-node', nodeId: 'b', path: '', message: 'no source reaches this node, so it never receives records' },
    ]);
  });
});

describe('validateFlow: dead letters', () => {
  function withDlq(): Json {
    const doc = base();
    doc.nodes.dlq = { type: 'test.collect', version: 1 };
    doc.errors = { deadLetter: 'dlq' };
    return doc;
  }

  it('exempts the dead-letter sink from the wiring and reachability rules', () => {
    expect(check(withDlq())).toEqual([]);
  });

  it('reports a dead-letter node that does not exist', () => {
    const doc = withDlq();
    doc.errors.deadLetter = 'dlg';
    const diags = check(doc);
    const d = one(diags, 'dead-letter-missing');
    expect(d).toMatchObject({ path: '/errors/deadLetter', message: 'dead-letter node "dlg" does not exist (did you mean "dlq"?)' });
    expect(d.nodeId).toBeUndefined();
  });

  it('reports a dead-letter node that is not a sink', () => {
    const doc = withDlq();
    doc.errors.deadLetter = 'big';
    const d = one(check(doc), 'dead-letter-not-sink');
    expect(d).toMatchObject({ path: '/errors/deadLetter', message: 'dead-letter node "big" (core.filter) is a filter; it must be a sink (e.g. core.dlq)' });
  });

  it('reports an edge into the dead-letter node', () => {
    const doc = withDlq();
    doc.edges.push({ from: 'big:out', to: 'dlq:in' });
    const d = one(check(doc), 'dead-letter-has-input');
    expect(d).toMatchObject({ path: '/edges/2/to', message: 'node "dlq" is a dead-letter node: it receives dead letters only, so nothing may be wired into it' });
  });

  it('checks a node-level dead-letter target on that node', () => {
    const doc = withDlq();
    delete doc.errors;
    doc.nodes.big.errors = { deadLetter: 'nowhere' };
    const diags = check(doc);
    expect(one(diags, 'dead-letter-missing')).toMatchObject({ nodeId: 'big', path: '/errors/deadLetter' });
    // "dlq" is now named by nobody: an ordinary sink with nothing wired.
    expect(one(diags, 'unconnected-input').nodeId).toBe('dlq');
  });
});

describe('diagnostics: order and formatting', () => {
  it('sorts by node id then path, document-level first, numeric segments as numbers', () => {
    const doc = base();
    doc.nodes.big.config = { when: 1, extra: true };
    doc.nodes.orders.config = { count: 'x' };
    for (let i = 0; i < 10; i++) doc.edges.push({ from: 'big:out', to: `ghost${String.fromCharCode(97 + i)}:in` });
    const diags = check(doc);
    const keys = diags.map((d) => `${d.nodeId ?? ''} ${d.path}`);
    expect(keys.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => ` /edges/${i + 2}/to`));
    expect(keys.slice(10)).toEqual(['big /config/extra', 'big /config/when', 'orders /config/count']);
  });

  it('formats with and without a node, and without a path', () => {
    const f = 'flows/x.flow.json';
    expect(formatDiagnostic(f, { severity: 'error', code: 'c', nodeId: 'big', path: '/config/when', message: 'required' })).toBe(
      'flows/x.flow.json: big /config/when: required',
    );
    expect(formatDiagnostic(f, { severity: 'error', code: 'c', path: '/edges/3/to', message: 'm' })).toBe('flows/x.flow.json: /edges/3/to: m');
    expect(formatDiagnostic(f, { severity: 'error', code: 'c', nodeId: 'a', path: '', message: 'm' })).toBe('flows/x.flow.json: a: m');
    expect(formatDiagnostic(f, { severity: 'error', code: 'c', path: '', message: 'm' })).toBe('flows/x.flow.json: m');
  });

  it('hasErrors ignores warnings', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ severity: 'warning', code: 'w', path: '', message: 'w' }])).toBe(false);
    expect(hasErrors([{ severity: 'warning', code: 'w', path: '', message: 'w' }, { severity: 'error', code: 'e', path: '', message: 'e' }])).toBe(true);
  });
});

describe('validateFlowText', () => {
  it('reports JSON syntax errors with line and column', () => {
    const diags = validateFlowText('{\n  "format": 1,\n  "id": "x",,\n}', registry);
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ severity: 'error', code: 'invalid-json', path: '' });
    expect(diags[0]?.message).toMatch(/^not valid JSON: line 3, column 13: /);
  });

  it('reports an empty file', () => {
    expect(validateFlowText('  \n', registry)).toEqual([
      { severity: 'error', code: 'invalid-json', path: '', message: 'the file is empty; a flow is a JSON object' },
    ]);
  });

  it('validates the parsed document', () => {
    expect(validateFlowText(JSON.stringify(base()), registry)).toEqual([]);
  });
});
