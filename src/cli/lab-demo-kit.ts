import { setTimeout as sleep } from 'node:timers/promises';
import type { LabView } from '../lab/cluster/control-client.ts';
import type { LabNode, LabPod } from '../lab/cluster/objects.ts';
import { labView } from './lab-context.ts';
import type { LabCliContext } from './lab-context.ts';
import { awsCommand, nodeCommand, podCommand, runCaptured } from './lab-exec.ts';
import type { LabCommand } from './lab-exec.ts';
import type { Output } from './output.ts';
import { buildProgram } from './program.ts';

/** Quotes an argument the way a person would type it in a shell. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs the demo's commands and prints each one with its real output. */
export class DemoRunner {
  readonly #context: LabCliContext;

  constructor(context: LabCliContext) {
    this.#context = context;
  }

  get output(): Output {
    return this.#context.output;
  }

  /** A section heading. */
  heading(text: string): void {
    this.output.out(`\n━━ ${text}`);
  }

  /** Prints and runs `vpcnet lab <args>` in this process; returns what it printed. */
  async vpcnet(args: readonly string[]): Promise<string> {
    this.output.out(`\n$ vpcnet lab ${args.map(shellWord).join(' ')}`);
    const lines: string[] = [];
    const capture: Output = { out: (text) => lines.push(text), err: (text) => lines.push(text) };
    await buildProgram({ ...this.#context, output: capture }).parseAsync(['lab', ...args], { from: 'user' });
    const text = lines.join('\n').trimEnd();
    if (text !== '') this.output.out(text);
    return text;
  }

  /** Prints and runs `vpcnet lab aws <args>` (the AWS CLI against the lab's EC2 API); returns its stdout. */
  async aws(args: readonly string[]): Promise<string> {
    this.output.out(`\n$ vpcnet lab aws ${args.map(shellWord).join(' ')}`);
    return (await this.#show(await awsCommand(this.#context, args))).stdout;
  }

  /** Runs a command in a node's namespace without printing anything (for captures shown later). */
  async onNodeQuietly(node: LabNode, argv: readonly string[]): Promise<{ code: number; stdout: string }> {
    return runCaptured(await nodeCommand(this.#context, node.name, argv));
  }

  /** Prints a command that already ran, with its output. */
  shown(command: string, stdout: string): void {
    this.output.out(`\n$ ${command}`);
    if (stdout.trimEnd() !== '') this.output.out(stdout.trimEnd());
  }

  async #show(command: LabCommand): Promise<{ code: number; stdout: string }> {
    const result = await runCaptured(command);
    const text = (result.stdout + result.stderr).trimEnd();
    if (text !== '') this.output.out(text);
    return result;
  }

  /** Prints and runs a command inside a pod; returns its stdout. */
  async inPod(pod: LabPod, argv: readonly string[]): Promise<{ code: number; stdout: string }> {
    this.output.out(`\n$ vpcnet lab exec ${pod.name} -- ${argv.map(shellWord).join(' ')}`);
    return this.#show(await podCommand(this.#context, { namespace: pod.namespace, pod: pod.name }, argv));
  }

  /** Prints and runs a command in a node's namespace; `shown` is what the person would type, if shorter. */
  async onNode(node: LabNode, argv: readonly string[], shown?: string): Promise<{ code: number; stdout: string }> {
    this.output.out(`\n$ vpcnet lab node ${node.name.split('.')[0] ?? node.name} -- ${shown ?? argv.map(shellWord).join(' ')}`);
    return this.#show(await nodeCommand(this.#context, node.name, argv));
  }

  /** A conclusion drawn from what was just shown, checked rather than claimed. */
  check(holds: boolean, text: string): void {
    this.output.out(`${holds ? '✓' : '✗'} ${text}`);
    if (!holds) this.#context.setExitCode?.(1);
  }

  /** Polls the lab until `done` holds for its view; returns that view. */
  async waitFor(what: string, done: (view: LabView) => boolean, timeoutMs = 120_000): Promise<LabView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await labView(this.#context);
      if (done(view)) return view;
      if (Date.now() > deadline) throw new Error(`the demo waited ${timeoutMs / 1000} s for ${what}`);
      await sleep(250);
    }
  }
}

/** The deployment's pods in a view. */
export function podsOf(view: LabView, deployment: string): LabPod[] {
  return view.snapshot.pods.filter((pod) => pod.owner === deployment && pod.namespace === 'default' && pod.status !== 'Terminating');
}

/** A jq program that sums up `/v1/enis`: totals, then each ENI's addresses and the pods holding them. */
export const ENIS_SUMMARY_JQ = '.["0"] | "TotalIPs \\(.TotalIPs)  AssignedIPs \\(.AssignedIPs)", (.ENIs[] | "\\(.ID) device \\(.DeviceNumber)\\(if .IsPrimary then " (primary)" else "" end): " + ([.AvailableIPv4Cidrs[] | .Cidr.IP + (if (.IPAddresses | length) > 0 then "=" + ([.IPAddresses[].IPAMMetadata.k8sPodName] | join(",")) else "" end)] | join(" ")))';
