import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/service-function';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `npm start` as an operator runs it: a separate process tree, driven only through HTTP and signals. */
export class SpawnedService {
  private child?: ChildProcess;
  output = '';

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  adminToken(): string {
    return readFileSync(path.join(this.env.TUO_DATA_DIR, 'admin-token'), 'utf8').trim();
  }

  /** Starts it and resolves once GET /healthz answers 200, with the time that took. */
  async start(timeoutMs = 60_000): Promise<number> {
    const started = Date.now();
    this.child = spawn('npm', ['start'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // Its own process group, so the whole tree can be signalled at once.
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    while (Date.now() - started < timeoutMs) {
      if (this.child.exitCode !== null) throw new Error(`npm start exited with ${this.child.exitCode}:\n${this.output}`);
      const healthy = await fetch(`${this.url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (healthy) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Not healthy within ${timeoutMs} ms:\n${this.output}`);
  }

  /** The process group of the whole tree (npm started it detached, as its own group's leader). */
  processGroup(): number {
    if (!this.child?.pid) throw new Error('Not started');
    return this.child.pid;
  }

  /**
   * Sends a signal to the whole process tree, as a terminal's Ctrl-C does, and waits for it to end.
   * npm itself may end by the signal; the service reports its own clean stop on its output.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    // 'close' comes once every process of the tree has let go of the output pipes, not just npm.
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, sig) => resolve({ code, signal: sig })),
    );
    process.kill(-child.pid!, signal);
    return exited;
  }
}
