import type { FlowDocument } from '../../../../shared/flow/document';

/** generate -> filter -> route(eu, us, otherwise) -> log (eu) ; file.write (us); nothing on otherwise. */
export function sampleFlow(): FlowDocument {
  return {
    format: 1,
    id: 'sample',
    name: 'Sample',
    nodes: {
      orders: { type: 'core.generate', version: 1, label: 'Orders', config: { template: { id: '{{seq}}', region: '{{pick eu us}}', total: '{{double 1 10 2}}' }, count: 5 } },
      big: { type: 'core.filter', version: 1, label: 'Big orders', config: { when: 'total > 5.0' } },
      split: {
        type: 'core.route',
        version: 1,
        label: 'By region',
        config: {
          routes: [
            { port: 'eu', when: 'region == "eu"' },
            { port: 'us', when: 'region == "us"' },
          ],
        },
      },
      'eu-log': { type: 'core.log', version: 1, label: 'EU log', config: {} },
      'us-file': { type: 'file.write', version: 1, label: 'US file', config: { path: 'out/us.jsonl' } },
    },
    edges: [
      { from: 'orders:out', to: 'big:in' },
      { from: 'big:out', to: 'split:in' },
      { from: 'split:eu', to: 'eu-log:in' },
      { from: 'split:us', to: 'us-file:in' },
    ],
    layout: {
      nodes: {
        orders: { x: 0, y: 0 },
        big: { x: 280, y: 0 },
        split: { x: 560, y: 0 },
        'eu-log': { x: 840, y: -120 },
        'us-file': { x: 840, y: 120 },
      },
      notes: { note: { x: 0, y: 200, width: 200, height: 100, text: 'Remember the EU rules' } },
    },
  };
}
