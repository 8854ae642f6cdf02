import type { LabCliContext } from './lab-context.ts';

/** `vpcnet lab demo` (being written). */
export async function runLabDemo(context: LabCliContext): Promise<void> {
  context.output.out('demo: not yet');
  await Promise.resolve();
}
