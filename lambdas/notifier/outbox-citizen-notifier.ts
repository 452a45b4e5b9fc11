import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CompletionMessage } from '../domain/completion-message';
import type { CitizenNotifier } from './citizen-notifier';

/** One machine: each message is a JSON file in the outbox folder, for people and tests to read. */
export class OutboxCitizenNotifier implements CitizenNotifier {
  constructor(private readonly directory: string) {}

  async send(to: string, message: CompletionMessage): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.json`;
    await writeFile(path.join(this.directory, name), JSON.stringify({ to, ...message }, null, 2), { mode: 0o600 });
  }
}
