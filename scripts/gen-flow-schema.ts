import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registry } from '../shared/nodes/index';
import { FLOW_SCHEMA_PATH, renderFlowJsonSchema } from './flow-json-schema';

// Regenerates the editor schema of flow files from the real registry; a test fails while the
// committed file differs from what this writes.
const target = fileURLToPath(new URL(`../${FLOW_SCHEMA_PATH}`, import.meta.url));
writeFileSync(target, renderFlowJsonSchema(registry));
process.stdout.write(`wrote ${FLOW_SCHEMA_PATH} (${registry.nodes().length} node types, ${registry.resources().length} resource types)\n`);
