import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Registry } from '../../shared/node-kit/registry';

/**
 * The registry the CLI works with: the built-in node types, or those exported as `registry` by
 * the module named in $SLUICE_REGISTRY (a tool embedding Sluice with its own node types, or a
 * test that must not depend on every built-in module).
 */
export async function loadRegistry(): Promise<Registry> {
  const custom = process.env.SLUICE_REGISTRY;
  if (custom) {
    const mod = (await import(pathToFileURL(resolve(custom)).href)) as { registry?: Registry };
    if (!mod.registry || typeof mod.registry.nodes !== 'function') {
      throw new Error(`SLUICE_REGISTRY module ${custom} does not export a \`registry\``);
    }
    return mod.registry;
  }
  const { registry } = await import('../../shared/nodes/index');
  return registry;
}
