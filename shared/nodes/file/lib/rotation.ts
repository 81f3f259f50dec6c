import { z } from 'zod';
import { hint } from '../../../node-kit/hints';
import type { Message } from '../../../node-kit/message';
import type { FileAccess, SinkRuntime } from '../../../node-kit/runtime';

/*
 * Sinks that append one line per record to a file with size-based rotation (see
 * `FileAccess.openAppender`): `file.write` and `core.dlq`.
 */

/**
 * The rotation fields of such a sink's config. `withoutSize` ends the description of
 * `rotateBytes`: what the node does when it is left empty.
 */
export function rotationFields(withoutSize: string) {
  return {
    rotateBytes: hint.advanced(z.number().int().positive().optional(), {
      title: 'Start a new file after (bytes)',
      description: `When the file would grow past this size it is renamed to \`name.1\` and a new one is started. Empty: ${withoutSize}`,
    }),
    maxFiles: hint.advanced(z.number().int().min(1).max(1000).default(5), {
      title: 'Rotated files to keep',
      description: 'How many rotated files (`name.1` … `name.N`) are kept; older ones are deleted.',
    }),
  };
}

/** The sink: `line(msg)` (without the newline) is appended for every record. */
export function lineFileSink(
  files: FileAccess,
  c: { path: string; rotateBytes?: number | undefined; maxFiles: number },
  line: (msg: Message) => string,
): SinkRuntime {
  const appender = files.openAppender(c.path, { rotateBytes: c.rotateBytes, maxFiles: c.maxFiles });
  return {
    role: 'sink',
    write(msg) {
      return appender.append(`${line(msg)}\n`);
    },
    flush: () => appender.flush(),
    close: () => appender.close(),
  };
}
