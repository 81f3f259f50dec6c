// Rewrites flow files in canonical form (what the designer and CLI write).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseFlowText, serializeFlow } from '../shared/flow';
import { registryDefaults } from '../shared/node-kit/registry';
import { registry } from '../shared/nodes';

for (const file of process.argv.slice(2)) {
  const doc = parseFlowText(readFileSync(file, 'utf8'));
  writeFileSync(file, serializeFlow(doc, { defaults: registryDefaults(registry) }));
  console.log(`formatted ${file}`);
}
