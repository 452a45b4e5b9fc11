import { createHash } from 'node:crypto';
import type { OperatorEvent, OperatorEventInput } from '../../domain/operator-event';
import { InvalidCursorError } from '../notification-repository';
import type { OperatorEventLog, OperatorEventPage } from '../operator-event-log';
import { positionCursor, storedCopy } from './stored-copy';

/** Before every event: `next` is always a cursor, even from an empty log. */
const START = positionCursor.encode('0000-00-00T00:00:00.000Z#evt_0');
const POSITION = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#evt_[0-9a-f]+$/;

/** The operators' event log in memory, sorted by time then id, with the DynamoDB adapter's ids and cursors. */
export class InMemoryOperatorEventLog implements OperatorEventLog {
  private readonly events = new Map<string, OperatorEvent>();

  async record(input: OperatorEventInput): Promise<void> {
    const { key, ...event } = input;
    const id = `evt_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    const position = `${event.at}#${id}`;
    if (!this.events.has(position)) this.events.set(position, storedCopy({ id, ...event }));
  }

  async list(page: { after?: string; limit: number }): Promise<OperatorEventPage> {
    const after = page.after === undefined ? undefined : positionCursor.decode(page.after, POSITION);
    if (page.after !== undefined && after === undefined) throw new InvalidCursorError();
    const positions = [...this.events.keys()]
      .filter((position) => after === undefined || position > after)
      .sort()
      .slice(0, page.limit);
    const last = positions.at(-1);
    return {
      items: positions.map((position) => storedCopy(this.events.get(position)!)),
      next: last ? positionCursor.encode(last) : (page.after ?? START),
    };
  }
}
