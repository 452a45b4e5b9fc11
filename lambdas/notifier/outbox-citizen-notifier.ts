import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CompletionMessage } from '../domain/completion-message';
import type { CitizenNotifier } from './citizen-notifier';

/**
 * One machine: each message is a JSON file in the outbox folder, for people and tests to read. Its
 * name starts with the submission id, so erasing the submission's personal data can find and delete it.
 */
export class OutboxCitizenNotifier implements CitizenNotifier {
  constructor(private readonly directory: string) {}

  async send(to: string, message: CompletionMessage, submissionId: string): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const name = `${submissionId}--${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.json`;
    await writeFile(path.join(this.directory, name), JSON.stringify({ to, ...message }, null, 2), { mode: 0o600 });
  }

  async forget(submissionId: string): Promise<void> {
    const names = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    await Promise.all(
      names.filter((name) => name.startsWith(`${submissionId}--`)).map((name) => rm(path.join(this.directory, name), { force: true })),
    );
  }
}
