import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A Kafka broker of a single test's own (same jars and recipe as test/env/up.sh), for tests that
 * must stop and restart the broker without disturbing the shared one. `stop()` kills it with
 * SIGKILL (the harshest failure); `start()` brings it back on the same ports and data.
 */
const LIBS = resolve(import.meta.dirname, '../../../.cache/kafka/libs');

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((ok) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => ok(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

export class PrivateBroker {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  static async create(): Promise<PrivateBroker> {
    const [port, controller] = (await freePorts(2)) as [number, number];
    const dir = mkdtempSync(join(tmpdir(), 'sluice-kafka-private-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(
      join(dir, 'server.properties'),
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        `log.dirs=${join(dir, 'data')}`,
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'log4j.properties'),
      `log4j.rootLogger=WARN, file\nlog4j.appender.file=org.apache.log4j.FileAppender\nlog4j.appender.file.File=${join(dir, 'server.log')}\nlog4j.appender.file.layout=org.apache.log4j.PatternLayout\nlog4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n`,
    );
    const cp = `${LIBS}/*`;
    const uuid = spawnSync('java', ['-cp', cp, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';
    const format = spawnSync('java', ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', uuid, '-c', join(dir, 'server.properties')], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`could not format the private broker's storage: ${format.stderr || format.stdout}`);
    const broker = new PrivateBroker(dir, port);
    await broker.start();
    return broker;
  }

  /** Starts the broker process and waits (bounded) until it answers. */
  async start(): Promise<void> {
    this.child = spawn(
      'java',
      ['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC', '-cp', `${LIBS}/*`, `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`, 'kafka.Kafka', join(this.dir, 'server.properties')],
      { stdio: 'ignore' },
    );
    const admin = new Kafka({ brokers: this.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await admin.connect();
        await admin.listTopics();
        await admin.disconnect();
        return;
      } catch {
        await admin.disconnect().catch(() => undefined);
        if (this.child.exitCode !== null) throw new Error(`the private broker exited while starting: ${this.log()}`);
        if (Date.now() > deadline) throw new Error(`the private broker did not answer within 60 s: ${this.log()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Kills the broker (SIGKILL) and waits for the process to end. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await ended;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8').slice(-2000);
    } catch {
      return '(no server log)';
    }
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
