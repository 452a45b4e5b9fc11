import '../../local/process-environment';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS } from '../../local/local-credentials';
import { LocalDynamoDb } from '../../local/local-dynamodb';
import { LocalIam } from '../../local/local-iam';
import { LocalKms } from '../../local/local-kms';
import type { CloudFormationTemplate } from '../../local/synthesized-template';
import { LOCAL_ACCOUNT, localKmsKeyArn, localTableArn } from '../../local/template-resources';

/** An HTTP agent that counts the sockets it opens: none means the request never left the process. */
class CountingAgent extends http.Agent {
  socketsOpened = 0;
  override createConnection(...args: Parameters<http.Agent['createConnection']>): Duplex {
    this.socketsOpened += 1;
    // @ts-expect-error createConnection is on the agent at run time (net.createConnection), not in its type.
    return super.createConnection(...args);
  }
}

/** A role that may read the table and read the key's public half, and nothing else. */
const TEMPLATE: CloudFormationTemplate = {
  Resources: {
    items: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] },
    },
    ReceiptKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
        },
      },
    },
    ReaderRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: localTableArn('items') },
                { Effect: 'Allow', Action: 'kms:GetPublicKey', Resource: localKmsKeyArn('ReceiptKey') },
              ],
            },
          },
        ],
      },
    },
  },
};
const READER = { name: 'ReaderFunction', roleLogicalId: 'ReaderRole' };

async function refusal(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}

/**
 * The handlers' SDK clients reach the local DynamoDB, KMS and Step Functions endpoints of their
 * own process without a socket (local/in-process-transport.ts). That path must refuse what the
 * socket refuses: calls IAM does not allow, and requests not signed with this run's access key id
 * or carrying a browser's headers, even when they are altered after the SDK signed them.
 */
describe('the in-process transport to the local endpoints', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'tuo-in-process-'));
  const dynamo = new LocalDynamoDb(path.join(directory, 'dynamodb'), LOCAL_CREDENTIALS);
  const kms = new LocalKms(path.join(directory, 'kms'), [
    { logicalId: 'ReceiptKey', keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY', aliases: [] },
  ]);
  const iam = new LocalIam(TEMPLATE, 'arn:aws:states:eu-west-2:000000000000:stateMachine:none');
  const agent = new CountingAgent();
  const clients: Array<DynamoDBClient | KMSClient> = [];
  let dynamoEndpoint = '';
  let kmsEndpoint = '';

  /** Clients as the handlers have them (signing with the run's credentials unless told otherwise), over the counting agent. */
  const config = (endpoint: string, credentials = LOCAL_CREDENTIALS) => ({
    endpoint,
    region: 'eu-west-2',
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  const dynamoClient = (credentials = LOCAL_CREDENTIALS) => {
    const client = new DynamoDBClient(config(dynamoEndpoint, credentials));
    clients.push(client);
    return client;
  };
  const kmsClient = (credentials = LOCAL_CREDENTIALS) => {
    const client = new KMSClient(config(kmsEndpoint, credentials));
    clients.push(client);
    return client;
  };
  /** Changes the request the SDK has signed, just before it is sent. */
  const tampered = <T extends DynamoDBClient | KMSClient>(client: T, change: (headers: Record<string, string>) => void): T => {
    (client.middlewareStack as any).add(
      (next: (args: any) => Promise<unknown>) => (args: any) => {
        change(args.request.headers);
        return next(args);
      },
      { step: 'deserialize', name: 'tamperAfterSigning' },
    );
    return client;
  };
  const putItem = (pk: string) => new PutItemCommand({ TableName: 'items', Item: { pk: { S: pk } } });
  const getItem = (pk: string) => new GetItemCommand({ TableName: 'items', Key: { pk: { S: pk } } });
  const publicKey = () => new GetPublicKeyCommand({ KeyId: localKmsKeyArn('ReceiptKey') });

  beforeAll(async () => {
    dynamoEndpoint = await dynamo.start();
    await dynamo.createTables([
      {
        logicalId: 'items',
        properties: {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        },
      },
    ]);
    kmsEndpoint = await kms.listen(LOCAL_CREDENTIALS.accessKeyId);
  }, 30_000);

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await kms.close();
    await dynamo.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it("answers this run's SDK clients without opening a socket", async () => {
    await dynamoClient().send(putItem('kept'));
    expect((await dynamoClient().send(getItem('kept'))).Item?.pk.S).toBe('kept');
    expect((await kmsClient().send(publicKey())).KeyId).toBe(localKmsKeyArn('ReceiptKey'));
    expect(agent.socketsOpened).toBe(0);
  });

  it('refuses a call the caller’s role does not allow, and the refused write is not made', async () => {
    await iam.runAs(READER, async () => {
      expect((await dynamoClient().send(getItem('kept'))).Item?.pk.S).toBe('kept');
      expect(await refusal(dynamoClient().send(putItem('forbidden')))).toMatchObject({ name: 'AccessDeniedException' });
      expect((await kmsClient().send(publicKey())).KeyId).toBe(localKmsKeyArn('ReceiptKey'));
      expect(
        await refusal(
          kmsClient().send(
            new SignCommand({ KeyId: localKmsKeyArn('ReceiptKey'), Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' }),
          ),
        ),
      ).toMatchObject({ name: 'AccessDeniedException' });
    });
    expect((await dynamoClient().send(getItem('forbidden'))).Item).toBeUndefined();
    expect(iam.denials.map((d) => d.action)).toEqual(['dynamodb:PutItem', 'kms:Sign']);
  });

  it('refuses a client signing with other credentials', async () => {
    const other = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    expect(await refusal(dynamoClient(other).send(putItem('other')))).toEqual({ name: 'UnrecognizedClientException', status: 400 });
    expect(await refusal(kmsClient(other).send(publicKey()))).toEqual({ name: 'UnrecognizedClientException', status: 400 });
    expect((await dynamoClient().send(getItem('other'))).Item).toBeUndefined();
    expect(agent.socketsOpened).toBe(0);
  });

  it('refuses a request whose signature was altered or removed after signing, or that carries a browser’s headers', async () => {
    const otherKeyId = (headers: Record<string, string>) => {
      headers.authorization = headers.authorization.replace(LOCAL_CREDENTIALS.accessKeyId, `X${LOCAL_CREDENTIALS.accessKeyId.slice(1)}`);
    };
    const unsigned = (headers: Record<string, string>) => {
      delete headers.authorization;
    };
    for (const change of [otherKeyId, unsigned]) {
      expect(await refusal(tampered(dynamoClient(), change).send(putItem('tampered')))).toEqual({
        name: 'UnrecognizedClientException',
        status: 400,
      });
      expect(await refusal(tampered(kmsClient(), change).send(publicKey()))).toEqual({ name: 'UnrecognizedClientException', status: 400 });
    }
    const fromAPage = (headers: Record<string, string>) => {
      headers.origin = 'https://attacker.example';
    };
    expect(await refusal(tampered(dynamoClient(), fromAPage).send(putItem('tampered')))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
    });
    expect(await refusal(tampered(kmsClient(), fromAPage).send(publicKey()))).toEqual({ name: 'AccessDeniedException', status: 403 });
    expect((await dynamoClient().send(getItem('tampered'))).Item).toBeUndefined();
    expect(agent.socketsOpened).toBe(0);
  });
});
