/**
 * From what iproute2 lists to the `ip -batch` commands that reach a plan (pure). No command when the
 * state already matches, so repeating a setup changes nothing.
 */
import type { IpRule, RouteSpec, SecondaryEniPlan } from '../../core/node-network/index.ts';
import { formatIpRule, formatRoute, hostCidr, isPodRule, MAIN_TABLE, RULE_PRIORITY } from '../../core/node-network/index.ts';
import type { LinkState, RouteState, RuleState } from './node-network-iproute.ts';

/** What the host has now for one secondary ENI. */
export interface SecondaryEniState {
  readonly link: LinkState;
  /** Routes of the ENI's table. */
  readonly tableRoutes: readonly RouteState[];
  /** Routes of the main table. */
  readonly mainRoutes: readonly RouteState[];
  readonly rules: readonly RuleState[];
}

/**
 * Commands for a secondary ENI: MTU and up; global IPv4 addresses other than the planned one deleted, the
 * planned one added; the two routes of its table replaced when missing, others via the ENI deleted; the
 * connected route deleted after the address is added (or when present); rule 32765 added when missing.
 */
export function secondaryEniCommands(plan: SecondaryEniPlan, state: SecondaryEniState): string[] {
  const dev = plan.interfaceName;
  const globals = state.link.addresses.filter((address) => address.scope === 'global').map((address) => address.cidr);
  const addressMissing = !globals.includes(plan.address);
  const connected = plan.connectedRoute;
  const connectedPresent = state.mainRoutes.some((route) => route.dst === connected.dst && route.dev === dev && route.protocol === 'kernel');
  const ownRoutes = state.tableRoutes.filter((route) => route.dev === dev);
  return [
    ...(state.link.mtu !== plan.mtu || !state.link.up ? [`link set dev ${dev} mtu ${plan.mtu} up`] : []),
    ...globals.filter((cidr) => cidr !== plan.address).map((cidr) => `address del ${cidr} dev ${dev}`),
    ...(addressMissing ? [`address add ${plan.address} dev ${dev}`] : []),
    ...plan.routes.filter((route) => !ownRoutes.some((present) => sameRoute(present, route))).map((route) => `route replace ${formatRoute(route)}`),
    ...ownRoutes.filter((present) => !plan.routes.some((route) => sameRoute(present, route)))
      .map((present) => `route del ${formatRoute({ dst: present.dst, gateway: present.gateway, dev, table: plan.routeTable })}`),
    ...(addressMissing || connectedPresent ? [`route del ${formatRoute(connected)}`] : []),
    ...(plan.rule !== undefined && !hasRule(state.rules, plan.rule) ? [`rule add ${formatIpRule(plan.rule)}`] : []),
  ];
}

/**
 * Commands that make the rules at `priorities` exactly `planned`: unplanned (and repeated) rules deleted,
 * missing ones added. Rules with selectors beyond from/to/fwmark belong to other software and stay.
 */
export function nodeRuleCommands(current: readonly RuleState[], planned: readonly IpRule[], priorities: readonly number[]): string[] {
  const plannedKeys = new Set(planned.map(formatIpRule));
  const seen = new Set<string>();
  const deletes: string[] = [];
  for (const { rule } of current.filter((state) => priorities.includes(state.priority))) {
    if (rule === undefined) continue;
    const key = formatIpRule(rule);
    if (!plannedKeys.has(key) || seen.has(key)) deletes.push(`rule del ${key}`);
    seen.add(key);
  }
  const adds = [...plannedKeys].filter((key) => !seen.has(key)).map((key) => `rule add ${key}`);
  return [...deletes, ...adds];
}

/** Commands deleting every `to <ip>` rule at 512 and `from <ip>` rule at 1536. */
export function podRuleCommands(current: readonly RuleState[], podIp: string): string[] {
  return current.flatMap(({ rule }) => (rule !== undefined && isPodRule(rule, podIp) ? [`rule del ${formatIpRule(rule)}`] : []));
}

/** Largest route table id the kernel accepts. */
const MAX_TABLE_ID = 2 ** 32 - 1;

/**
 * The plugin's rules of one pod address: `to <ip> lookup main prio 512`, and `from <ip> lookup <table> prio
 * 1536` for an address on a secondary ENI (table other than main). Throws for a bad address, `RangeError` for a bad table.
 */
export function planPodRules(podIp: string, routeTableId: number): IpRule[] {
  if (!Number.isInteger(routeTableId) || routeTableId < 1 || routeTableId > MAX_TABLE_ID) {
    throw new RangeError(`Cannot plan the rules of pod address ${podIp}: route table must be an integer 1..${MAX_TABLE_ID}: current value is ${routeTableId}`);
  }
  const host = hostCidr(podIp);
  const toPod: IpRule = { priority: RULE_PRIORITY.toPod, to: host, table: MAIN_TABLE };
  return routeTableId === MAIN_TABLE ? [toPod] : [toPod, { priority: RULE_PRIORITY.fromPod, from: host, table: routeTableId }];
}

/**
 * Commands that make the pod rules of one address (`to <ip>` at 512, `from <ip>` at 1536) exactly
 * {@link planPodRules}: others (another table, extra selectors) and repeats deleted, missing ones added.
 */
export function ensurePodRuleCommands(current: readonly RuleState[], podIp: string, routeTableId: number): string[] {
  const planned = planPodRules(podIp, routeTableId).map(formatIpRule);
  const seen = new Set<string>();
  const deletes: string[] = [];
  for (const { rule } of current) {
    if (rule === undefined || !isPodRule(rule, podIp)) continue;
    const key = formatIpRule(rule);
    if (!planned.includes(key) || seen.has(key)) deletes.push(`rule del ${key}`);
    seen.add(key);
  }
  return [...deletes, ...planned.filter((key) => !seen.has(key)).map((key) => `rule add ${key}`)];
}

function hasRule(rules: readonly RuleState[], wanted: IpRule): boolean {
  const key = formatIpRule(wanted);
  return rules.some(({ rule }) => rule !== undefined && formatIpRule(rule) === key);
}

function sameRoute(present: RouteState, route: RouteSpec): boolean {
  return present.dst === route.dst && present.gateway === route.gateway && present.scope === (route.scope ?? 'global')
    && (present.type === undefined || present.type === 'unicast');
}
