#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: no build step between a checkout and `sluice`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../runtime/cli.ts');
// The composition root: runtime/ never imports designer/, so the designer server is handed in here.
const code = await main(process.argv.slice(2), { designer: () => import('../designer/server/index.ts') });
process.exitCode = code;
// A connector that leaves a socket open must not keep a finished command alive.
setTimeout(() => process.exit(code), 5000).unref();
