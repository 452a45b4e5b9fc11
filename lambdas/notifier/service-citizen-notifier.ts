import type { CitizenNotifier } from './citizen-notifier';
import { OutboxCitizenNotifier } from './outbox-citizen-notifier';
import { SesCitizenNotifier } from './ses-citizen-notifier';

/** The notifier this deployment is configured with (`CITIZEN_NOTIFIER`): `ses`, `outbox`, or none. */
export function serviceCitizenNotifier(): CitizenNotifier | undefined {
  switch (process.env.CITIZEN_NOTIFIER) {
    case 'ses':
      return process.env.NOTIFY_FROM_ADDRESS ? new SesCitizenNotifier(process.env.NOTIFY_FROM_ADDRESS) : undefined;
    case 'outbox':
      return process.env.OUTBOX_DIR ? new OutboxCitizenNotifier(process.env.OUTBOX_DIR) : undefined;
    default:
      return undefined;
  }
}
