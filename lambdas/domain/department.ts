// A registered department as the service keeps it: its configuration (department-configuration.ts)
// plus its state and credentials.
import type { DepartmentConfiguration } from './department-configuration';

export interface SigningSecret {
  /** `whsec_...`, as Standard Webhooks defines it. */
  readonly secret: string;
  readonly createdAt: string;
  /** Set when a newer secret replaced this one; it keeps signing until then. */
  readonly retiresAt?: string;
}

export interface ApiKey {
  /** SHA-256 of the key, hex. */
  readonly hash: string;
  readonly createdAt: string;
  /** Set when a newer key replaced this one; it keeps working until then. */
  readonly retiresAt?: string;
}

export interface DepartmentRecord extends DepartmentConfiguration {
  readonly id: string;
  readonly active: boolean;
  readonly disabledAt?: string;
  readonly disabledReason?: string;
  readonly signingSecrets: SigningSecret[];
  /** The department's API keys, as SHA-256 hashes; a key itself is never stored. Newest first. */
  readonly apiKeys: ApiKey[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** During a rotation the previous secret or key keeps working for this long, so departments can switch over. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** Credentials (signing secrets, API keys) that still work at `now`. */
export function unretired<T extends { readonly retiresAt?: string }>(credentials: readonly T[], now: Date): T[] {
  return credentials.filter((c) => !c.retiresAt || Date.parse(c.retiresAt) > now.getTime());
}

/** Secrets that still sign deliveries at `now`. */
export function activeSigningSecrets(secrets: readonly SigningSecret[], now: Date): SigningSecret[] {
  return unretired(secrets, now);
}
