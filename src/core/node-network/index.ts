/** Node network setup as data: SNAT and connmark rules, policy routing rules, secondary ENI configuration (section d). */
export { CONNMARK_CHAIN, isAwsBuiltinChainRule, isAwsChain, RULE_COMMENTS, SNAT_CHAIN } from './aws-chains.ts';
export { NFT_CONNMARK_PRIORITY, planIptablesConnmark, planNftConnmark } from './connmark-plan.ts';
export type { NftConnmarkPlan } from './connmark-plan.ts';
export { LinkNotFoundError } from './errors.ts';
export { formatIpRule, hostCidr, isPodRule, MAIN_TABLE, routeTableId, RULE_PRIORITY } from './ip-rule.ts';
export type { EniPosition, IpRule } from './ip-rule.ts';
export { formatMark, xtablesSaveString } from './iptables-rule.ts';
export type { IptablesRule, IptablesTable } from './iptables-rule.ts';
export { eniPrimaryIpRule, NODE_RULE_PRIORITIES, planNodeRules } from './node-rules.ts';
export type { NodeRulesInput, SecondaryEniRef } from './node-rules.ts';
export { formatRoute, planSecondaryEni } from './secondary-eni.ts';
export type { RouteSpec, SecondaryEniInput, SecondaryEniPlan } from './secondary-eni.ts';
export { exemptCidrs, normalizeCidr } from './snat-input.ts';
export type { ConnmarkBackend, SnatPlanInput } from './snat-input.ts';
export { planSnatRules } from './snat-plan.ts';
export type { SnatPlan } from './snat-plan.ts';
