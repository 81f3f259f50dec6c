#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx: no build step between a checkout and `sluice`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../runtime/cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A connector that leaves a socket open must not keep a finished command alive.
setTimeout(() => process.exit(code), 5000).unref();
