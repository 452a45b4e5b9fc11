import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { CompletionMessage } from '../domain/completion-message';
import type { CitizenNotifier } from './citizen-notifier';

/** AWS: plain-text email through Amazon SES from a verified sender identity. */
export class SesCitizenNotifier implements CitizenNotifier {
  private readonly client = new SESv2Client({});

  constructor(private readonly fromAddress: string) {}

  async send(to: string, message: CompletionMessage, _submissionId: string): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: message.subject }, Body: { Text: { Data: message.body } } } },
      }),
    );
  }

  /** SES keeps no copy of a message once sent, so there is nothing to erase. */
  async forget(_submissionId: string): Promise<void> {}
}
