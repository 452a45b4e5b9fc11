import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HEALTHY, type EndpointHealth } from '../../domain/endpoint-health';
import { nextSendSlot, withSend } from '../../domain/send-rate-window';
import type { EndpointRepository, SendSlot } from '../endpoint-repository';
import { documentClient, getRecord, isConditionFailure, withoutKeys } from './document-client';
import { PARTITIONS } from './table-layout';
import { LOST_RACE, retryAfterLostRace } from '../../domain/lost-race';

export const endpointKey = (departmentId: string) => ({ pk: `${PARTITIONS.department}${departmentId}`, sk: 'ENDPOINT' });
const key = endpointKey;

export interface EndpointItem extends Partial<EndpointHealth> {
  readonly sends?: number[];
  readonly sendsVersion?: number;
}

export const healthOf = (item: EndpointItem | undefined): EndpointHealth => ({
  ...HEALTHY,
  ...(item?.status ? { status: item.status } : {}),
  ...(item?.since ? { since: item.since } : {}),
  ...(item?.lastError ? { lastError: item.lastError } : {}),
  consecutiveFailures: item?.consecutiveFailures ?? 0,
  ...(item?.failingFrom ? { failingFrom: item.failingFrom } : {}),
  ...(item?.nextProbeAt ? { nextProbeAt: item.nextProbeAt } : {}),
  ...(item?.lastProbeAt ? { lastProbeAt: item.lastProbeAt } : {}),
});

/**
 * Health and send log of each endpoint, in an item of its own next to the department's
 * (`DEPARTMENT#<id>`, `ENDPOINT`): deliveries write it often, and the department's configuration
 * and secrets stay untouched. Single-item conditional writes only.
 */
export class DynamoDbEndpointRepository implements EndpointRepository {
  constructor(private readonly tableName: string) {}

  async get(departmentId: string): Promise<EndpointHealth> {
    return healthOf(await getRecord<EndpointItem>(this.tableName, key(departmentId)));
  }

  async recordFailure(departmentId: string, error: string, now: Date): Promise<EndpointHealth> {
    const item = await this.update(
      departmentId,
      'SET consecutiveFailures = if_not_exists(consecutiveFailures, :zero) + :one, failingFrom = if_not_exists(failingFrom, :now), lastError = :error',
      undefined,
      { ':zero': 0, ':one': 1, ':now': now.toISOString(), ':error': error },
    );
    return healthOf(item);
  }

  async markFailing(departmentId: string, now: Date, nextProbeAt: Date): Promise<boolean> {
    return (
      (await this.update(
        departmentId,
        'SET #status = :failing, since = :now, nextProbeAt = :next, lastProbeAt = :now',
        'attribute_not_exists(#status) OR #status <> :failing',
        { ':failing': 'failing', ':now': now.toISOString(), ':next': nextProbeAt.toISOString() },
      )) !== undefined
    );
  }

  async recordSuccess(departmentId: string, now: Date): Promise<boolean> {
    const recovered = await this.update(
      departmentId,
      'SET #status = :healthy, since = :now, consecutiveFailures = :zero REMOVE failingFrom, nextProbeAt, lastProbeAt',
      '#status = :failing',
      { ':healthy': 'healthy', ':failing': 'failing', ':now': now.toISOString(), ':zero': 0 },
    );
    if (recovered) return true;
    // Healthy already: only a run of failures to forget (lastError stays, for the operator).
    await this.update(
      departmentId,
      'SET consecutiveFailures = :zero REMOVE failingFrom',
      'consecutiveFailures > :zero AND (attribute_not_exists(#status) OR #status <> :failing)',
      { ':zero': 0, ':failing': 'failing' },
    );
    return false;
  }

  async claimProbe(departmentId: string, now: Date, nextProbeAt: Date): Promise<boolean> {
    return (
      (await this.update(departmentId, 'SET nextProbeAt = :next, lastProbeAt = :now', '#status = :failing AND nextProbeAt <= :now', {
        ':failing': 'failing',
        ':now': now.toISOString(),
        ':next': nextProbeAt.toISOString(),
      })) !== undefined
    );
  }

  async reserveSendSlot(departmentId: string, limitPerSecond: number, now: Date, maxWaitMs: number): Promise<SendSlot> {
    // Many deliveries to one department contend for its log: a lost round pauses briefly (randomised, growing) first.
    return retryAfterLostRace<SendSlot>(
      async (round) => {
        const item = await getRecord<EndpointItem>(this.tableName, key(departmentId));
        const sends = item?.sends ?? [];
        const version = item?.sendsVersion ?? 0;
        const at = nextSendSlot(sends, limitPerSecond, Math.max(now.getTime(), Date.now()));
        if (at - Date.now() > maxWaitMs) return { kind: 'later', at };
        // Optimistic: the log is written only if nobody reserved since it was read.
        const reserved = await this.update(
          departmentId,
          'SET sends = :sends, sendsVersion = :next',
          version === 0 ? 'attribute_not_exists(sendsVersion)' : 'sendsVersion = :version',
          { ':sends': withSend(sends, limitPerSecond, at), ':next': version + 1, ...(version === 0 ? {} : { ':version': version }) },
        );
        if (reserved) return { kind: 'reserved', at };
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(round + 1, 5)));
        return LOST_RACE;
      },
      { rounds: 50, exhausted: () => ({ kind: 'later', at: Date.now() + 1_000 }) }, // Heavily contended: come back in a second.
    );
  }

  /** An update (the item is created if absent); undefined when the condition fails. */
  private async update(
    departmentId: string,
    expression: string,
    condition: string | undefined,
    values: Record<string, unknown>,
  ): Promise<EndpointItem | undefined> {
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(departmentId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: expression.includes('#status') || condition?.includes('#status') ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<EndpointItem>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
