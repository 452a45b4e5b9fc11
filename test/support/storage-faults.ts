import { documentClient } from '../../lambdas/store/dynamodb/document-client';

const WRITE_COMMANDS = /^(Put|Update|Delete|BatchWrite|TransactWrite)(Item|Items)?Command$/;

/**
 * Storage write failures for tests of the in-process service: every DynamoDB write the handlers
 * make goes through this middleware of the one document client they share, which fails writes as
 * a storage outage would (connection refused), after letting a chosen number through.
 */
export class StorageFaults {
  private allowed = Infinity;
  /** Writes attempted and writes failed since installed. */
  writes = 0;
  failed = 0;

  install(): this {
    documentClient().middlewareStack.add(
      (next, context) => async (args) => {
        if (WRITE_COMMANDS.test(context.commandName ?? '')) {
          this.writes++;
          if (this.allowed <= 0) {
            this.failed++;
            throw Object.assign(new Error('connect ECONNREFUSED (injected)'), { name: 'Error', code: 'ECONNREFUSED' });
          }
          this.allowed--;
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectedStorageFaults' },
    );
    return this;
  }

  /** Lets `count` more writes succeed, then fails every write until `heal()`. */
  failAfter(count: number): void {
    this.allowed = count;
  }

  heal(): void {
    this.allowed = Infinity;
  }
}
