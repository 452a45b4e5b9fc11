import './process-environment';
import * as path from 'node:path';
import { parseAllowedHosts } from './local-exposure';
import { startLocalService } from './local-service';

/** `npm start`: the whole service on one machine (CONTRACT section 1). */
async function main(): Promise<void> {
  const env = process.env;
  const timeScale = Number(env.TUO_TIME_SCALE ?? '1');
  if (!Number.isFinite(timeScale) || timeScale <= 0) throw new Error('TUO_TIME_SCALE must be a positive number');
  const service = await startLocalService({
    port: Number(env.PORT ?? '3000'),
    host: env.HOST ?? '127.0.0.1',
    allowedHosts: parseAllowedHosts(env.TUO_ALLOWED_HOSTS),
    dataDir: path.resolve(env.TUO_DATA_DIR ?? path.join(__dirname, '..', '.data')),
    adminToken: env.TUO_ADMIN_TOKEN || undefined,
    demo: env.TUO_DEMO !== '0',
    timeScale,
    demoConfirmDelayMs: env.TUO_DEMO_CONFIRM_DELAY_MS ? Number(env.TUO_DEMO_CONFIRM_DELAY_MS) : undefined,
    retentionSeconds: env.TUO_RETENTION_SECONDS
      ? Number(env.TUO_RETENTION_SECONDS)
      : env.TUO_RETENTION_DAYS
        ? Number(env.TUO_RETENTION_DAYS) * 86_400
        : undefined,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    service.stop().then(
      () => {
        console.log('Tell Us Once stopped');
        process.exit(0);
      },
      (error: Error) => {
        console.error(`Tell Us Once did not stop cleanly: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`Tell Us Once could not start: ${error.message}`);
  process.exit(1);
});
