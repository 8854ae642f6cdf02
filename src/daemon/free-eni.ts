/**
 * Upstream's `FreeENI`: detach the ENI, then delete it, retrying while EC2 still sees it detaching. An
 * ENI that is already gone counts as freed.
 */
import { Ec2Error } from '../core/aws/ec2-error.ts';
import type { DaemonRuntime } from './daemon-runtime.ts';

/** Delete attempts after the detach (upstream retries 12 times from 500 ms up to a minute). */
const DELETE_ATTEMPTS = 8;
const DELETE_FIRST_DELAY_MS = 500;
const DELETE_MAX_DELAY_MS = 10_000;

function isNotFound(error: unknown): boolean {
  return error instanceof Ec2Error && error.kind === 'not-found';
}

/** While detaching, EC2 refuses the delete with an error of no particular kind (`InvalidNetworkInterface.InUse`). */
function isRetriable(error: unknown): boolean {
  return !(error instanceof Ec2Error) || error.kind === 'other' || error.kind === 'throttled';
}

/** Detaches (when attached) and deletes the ENI; throws the last error when it cannot be deleted. */
export async function freeEni(runtime: DaemonRuntime, eni: { eniId: string; attachmentId: string | undefined }): Promise<void> {
  if (eni.attachmentId !== undefined && eni.attachmentId !== '') {
    try {
      await runtime.ec2.detachNetworkInterface(eni.attachmentId);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  let delay = DELETE_FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await runtime.ec2.deleteNetworkInterface(eni.eniId);
      runtime.logger.info('Freed ENI', { eni: eni.eniId });
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (attempt >= DELETE_ATTEMPTS || !isRetriable(error)) throw error;
      runtime.logger.debug('ENI not deletable yet, retrying', { eni: eni.eniId, attempt, error: error instanceof Error ? error.message : String(error) });
      await runtime.sleep(delay);
      delay = Math.min(delay * 2, DELETE_MAX_DELAY_MS);
    }
  }
}
