import type { CompletionMessage } from '../domain/completion-message';

/** Tells a citizen how their report ended: by email on AWS (SES), into a local outbox on one machine. */
export interface CitizenNotifier {
  send(to: string, message: CompletionMessage, submissionId: string): Promise<void>;
  /** Erases whatever the notifier kept of this submission's messages (called when its personal data is erased). */
  forget(submissionId: string): Promise<void>;
}
