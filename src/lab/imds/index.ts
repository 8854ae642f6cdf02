/** The emulated EC2 instance metadata service (IMDSv2 tokens, per-instance metadata, lag behind EC2). */
export { instanceMetadata, privateHostname, publicHostname } from './metadata-tree.ts';
export type { MetadataLeaves } from './metadata-tree.ts';
export { identityDocument, architectureOf } from './identity-document.ts';
export { MetadataView } from './metadata-view.ts';
export { MetadataTimeline } from './timeline.ts';
export type { MetadataTimelineOptions } from './timeline.ts';
export { TokenStore, parseTokenTtl, MAX_TOKEN_TTL_SECONDS, MIN_TOKEN_TTL_SECONDS } from './tokens.ts';
export type { TokenCheck } from './tokens.ts';
export { ImdsHandler, instanceByPrivateIp, instanceResolverFromMap } from './handler.ts';
export type { ImdsOptions, ImdsRequest, ImdsResponse, InstanceResolver } from './handler.ts';
export { startImdsServer } from './server.ts';
export type { ImdsServer, ImdsServerOptions } from './server.ts';
export { listenProxied, MAX_PROXY_LINE_BYTES, parseProxyLine, proxiedAddressesOf } from './proxy-protocol.ts';
export type { ProxiedAddresses, ProxiedListener, ProxiedListenOptions } from './proxy-protocol.ts';
