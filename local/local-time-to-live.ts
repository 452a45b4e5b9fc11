import { DeleteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LocalCredentials } from './local-credentials';
import type { LocalTimeToLiveTable } from './template-resources';

/** DynamoDB leaves alone an item whose TTL lies more than five years in the past (a value in the wrong unit, most likely). */
const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600;

/**
 * DynamoDB's Time to Live, on one machine (dynalite has none): every `everyMs` it deletes each item
 * of a table with TTL enabled whose TTL attribute is a Number of epoch seconds now past, as the
 * service's background process does on AWS. It is DynamoDB itself deleting, not a function, so no
 * IAM grant is involved. Each deletion is conditional on the item still being expired, so an item
 * whose TTL was moved on meanwhile stays (as on AWS).
 */
export class LocalTimeToLive {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;
  private readonly client: DynamoDBClient;

  constructor(
    endpoint: string,
    credentials: LocalCredentials,
    private readonly tables: readonly LocalTimeToLiveTable[],
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials });
  }

  start(everyMs: number): void {
    if (this.tables.length === 0) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch((error: Error) => this.log(`[ttl] sweep failed: ${error.name}; the next one tries again`))
        .finally(() => {
          this.sweeping = undefined;
        });
    }, everyMs);
    this.timer.unref();
  }

  /** Deletes every expired item now; answers how many it deleted. */
  async sweep(now = new Date()): Promise<number> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    let deleted = 0;
    for (const table of this.tables) {
      const names = { '#ttl': table.attributeName, ...Object.fromEntries(table.keyAttributes.map((name, i) => [`#k${i}`, name])) };
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.client.send(
          new ScanCommand({
            TableName: table.tableName,
            FilterExpression: 'attribute_type(#ttl, :number) AND #ttl >= :oldest AND #ttl < :now',
            ProjectionExpression: table.keyAttributes.map((_, i) => `#k${i}`).join(', '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':number': { S: 'N' },
              ':oldest': { N: String(nowSeconds - FIVE_YEARS_SECONDS) },
              ':now': { N: String(nowSeconds) },
            },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const key of page.Items ?? []) {
          try {
            await this.client.send(
              new DeleteItemCommand({
                TableName: table.tableName,
                Key: key,
                ConditionExpression: '#ttl < :now',
                ExpressionAttributeNames: { '#ttl': table.attributeName },
                ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
              }),
            );
            deleted++;
          } catch (error) {
            if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return deleted;
  }

  /** Stops the timer and waits for a sweep under way, so the table can close after it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    this.client.destroy();
  }
}
