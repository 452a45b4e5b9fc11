import { finaliseSubmission, type CarriedNotifications } from '../application/finalise-submission';
import type { SubmissionStatus } from '../domain/notification-status';
import { serviceCitizenNotifier } from '../notifier/service-citizen-notifier';
import { logger, withLambdaContext } from '../observability/logger';
import { recordConfirmationTimes } from '../observability/service-metrics';
import { serviceSettings } from '../service-settings';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.finaliseSubmission);

const repositories = serviceRepositories();
const notifier = serviceCitizenNotifier();

/** Workflow step: every notification of this run has settled; the submission takes its status. */
export const handler = withLambdaContext(
  async (input: {
    submissionId: string;
    /** The run's notifications, as its input carries them (absent in a run started before they were passed). */
    notifications?: CarriedNotifications;
  }): Promise<{ submissionId: string; status: SubmissionStatus }> => {
    const status = await finaliseSubmission(
      {
        ...repositories,
        notifier,
        retentionSeconds: serviceSettings.retentionSeconds,
        now: () => new Date(),
        onFinal: recordConfirmationTimes,
      },
      input.submissionId,
      (input.notifications ?? []).map(({ notificationId, departmentId }) => ({ notificationId, departmentId })),
    );
    logger.info('Submission finalised', { status });
    return { submissionId: input.submissionId, status };
  },
  (input) => ({ submissionId: input.submissionId }),
);
