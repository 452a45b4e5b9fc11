import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../local/local-credentials';
import { LocalDynamoDb } from '../../local/local-dynamodb';

/**
 * dynalite stops reading a Query's LevelDB iterator at Limit and never closes it; each one stayed
 * open for good, pinning LevelDB's memory: the one-machine service grew with every query.
 */
describe('local DynamoDB iterators', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'tuo-iterators-'));
  const dynamo = new LocalDynamoDb(directory, LOCAL_CREDENTIALS, { iteratorIdleMs: 300 });
  let client: DynamoDBClient;

  beforeAll(async () => {
    client = new DynamoDBClient({ endpoint: await dynamo.start(), region: 'eu-west-2', credentials: LOCAL_CREDENTIALS });
    await dynamo.createTables([
      {
        logicalId: 'items',
        properties: {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
        },
      },
    ]);
    for (let i = 0; i < 5; i++) {
      await client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'p' }, sk: { S: String(i) } } }));
    }
  }, 30_000);

  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('closes the iterators that queries stopped reading, and answers every query in full', async () => {
    const queried = () =>
      client.send(
        new QueryCommand({
          TableName: 'items',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'p' } },
          Limit: 2,
        }),
      );
    for (let i = 0; i < 20; i++) expect((await queried()).Items?.map((item) => item.sk.S)).toEqual(['0', '1']);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await dynamo.openIterators()).toBe(0);
    // A closed database iterator does not break later queries.
    expect((await queried()).Items).toHaveLength(2);
  }, 30_000);
});
