import { HEALTHY, type EndpointHealth } from '../../domain/endpoint-health';
import { nextSendSlot, withSend } from '../../domain/send-rate-window';
import type { EndpointRepository, SendSlot } from '../endpoint-repository';

type EndpointItem = Partial<{ -readonly [K in keyof EndpointHealth]: EndpointHealth[K] }> & { sends?: number[] };

const healthOf = (item: EndpointItem): EndpointHealth => {
  const { sends: _sends, ...health } = item;
  return { ...HEALTHY, ...health, consecutiveFailures: item.consecutiveFailures ?? 0 };
};

/**
 * Endpoint health and send logs in memory, with the DynamoDB adapter's conditions
 * (lambdas/store/dynamodb/dynamodb-endpoint-repository.ts): an item is created by its first write.
 */
export class InMemoryEndpointRepository implements EndpointRepository {
  private readonly items = new Map<string, EndpointItem>();

  private item(departmentId: string): EndpointItem {
    const item = this.items.get(departmentId) ?? {};
    this.items.set(departmentId, item);
    return item;
  }

  async get(departmentId: string): Promise<EndpointHealth> {
    return healthOf(this.items.get(departmentId) ?? {});
  }

  async recordFailure(departmentId: string, error: string, now: Date): Promise<EndpointHealth> {
    const item = this.item(departmentId);
    item.consecutiveFailures = (item.consecutiveFailures ?? 0) + 1;
    item.failingFrom ??= now.toISOString();
    item.lastError = error;
    return healthOf(item);
  }

  async markFailing(departmentId: string, now: Date, nextProbeAt: Date): Promise<boolean> {
    const item = this.item(departmentId);
    if (item.status === 'failing') return false;
    Object.assign(item, {
      status: 'failing',
      since: now.toISOString(),
      nextProbeAt: nextProbeAt.toISOString(),
      lastProbeAt: now.toISOString(),
    });
    return true;
  }

  async recordSuccess(departmentId: string, now: Date): Promise<boolean> {
    const item = this.items.get(departmentId);
    if (item?.status === 'failing') {
      Object.assign(item, { status: 'healthy', since: now.toISOString(), consecutiveFailures: 0 });
      delete item.failingFrom;
      delete item.nextProbeAt;
      delete item.lastProbeAt;
      return true;
    }
    // Healthy already: only a run of failures to forget (lastError stays, for the operator).
    if (item && (item.consecutiveFailures ?? 0) > 0) {
      item.consecutiveFailures = 0;
      delete item.failingFrom;
    }
    return false;
  }

  async claimProbe(departmentId: string, now: Date, nextProbeAt: Date): Promise<boolean> {
    const item = this.items.get(departmentId);
    if (item?.status !== 'failing' || item.nextProbeAt === undefined || item.nextProbeAt > now.toISOString()) return false;
    item.nextProbeAt = nextProbeAt.toISOString();
    item.lastProbeAt = now.toISOString();
    return true;
  }

  async reserveSendSlot(departmentId: string, limitPerSecond: number, now: Date, maxWaitMs: number): Promise<SendSlot> {
    const sends = this.items.get(departmentId)?.sends ?? [];
    const at = nextSendSlot(sends, limitPerSecond, Math.max(now.getTime(), Date.now()));
    if (at - Date.now() > maxWaitMs) return { kind: 'later', at };
    this.item(departmentId).sends = withSend(sends, limitPerSecond, at);
    return { kind: 'reserved', at };
  }
}
