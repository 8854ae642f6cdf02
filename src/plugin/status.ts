/**
 * STATUS and GC.
 *
 * STATUS asks the daemon whether it can serve ADD: not ready is code 50 (51 when it says existing pods are
 * affected), no answer is 50.
 *
 * GC is a deliberate no-op that succeeds. The daemon is the only owner of address state and reconciles its
 * datastore against the pods that exist (as upstream's ipamd does); the plugin knows nothing the runtime's
 * `cni.dev/valid-attachments` could be compared with, and releasing on its say-so could free an address the
 * daemon still counts as used. So GC sends nothing and releases nothing.
 */
import { cniErrorFromStatus, statusUnreachable } from '../core/cni/daemon-errors.ts';
import type { CommandContext } from './cni-context.ts';
import { messageOf } from './cni-context.ts';

/** Runs STATUS. Throws `CniError` 50/51. */
export async function cmdStatus(context: CommandContext): Promise<void> {
  const { conf, deps, log } = context;
  let reply;
  try {
    reply = await deps.ipamd(conf.ipamdSocket).status();
  } catch (error) {
    throw statusUnreachable(conf.ipamdSocket, messageOf(error));
  }
  const error = cniErrorFromStatus(reply);
  if (error !== undefined) throw error;
  log.debug('STATUS: the daemon is ready', { message: reply.message });
}

/** Runs GC: logs what the runtime considers valid and releases nothing (see the module comment). */
export function cmdGc(context: CommandContext): void {
  context.log.info('GC: nothing to collect; the daemon reconciles addresses itself', { validAttachments: context.conf.validAttachments?.length ?? 0 });
}
