import { randomBytes } from 'node:crypto';

/** The AWS credentials the handlers' SDK clients sign with on one machine (from the environment, as on AWS). */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Random for each process, never written anywhere: a web page cannot learn it, so it cannot talk
 * to dynalite or the Step Functions endpoint. One per process rather than per start, because the
 * handlers' modules (and the SDK clients they keep) outlive a restart of the service in one process.
 */
export const LOCAL_CREDENTIALS: LocalCredentials = {
  accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(30).toString('base64url'),
};
