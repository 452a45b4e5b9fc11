import type { CompletionMessage } from '../domain/completion-message';

/** Tells a citizen how their report ended: by email on AWS (SES), into a local outbox on one machine. */
export interface CitizenNotifier {
  send(to: string, message: CompletionMessage): Promise<void>;
}
