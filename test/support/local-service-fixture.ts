import '../../local/process-environment';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalService, type LocalService, type LocalServiceOptions } from '../../local/local-service';
import { ServiceClient } from './service-client';

/** The one-machine service, started in this process on a free port and a fresh data directory. */
export async function startTestService(
  options: Partial<LocalServiceOptions> = {},
): Promise<{ service: LocalService; client: ServiceClient; dataDir: string; stop: () => Promise<void> }> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tuo-test-'));
  const service = await startLocalService({
    port: 0,
    dataDir,
    adminToken: 'test-admin-token',
    demo: false,
    timeScale: 0.001,
    log: () => undefined,
    ...options,
  });
  return {
    service,
    client: new ServiceClient(service.url, service.adminToken),
    dataDir,
    stop: async () => {
      await service.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
