/** The lab fabric: the EC2 model made real with network namespaces, veth pairs and nftables. */
export { Fabric, cleanupStale } from './fabric.ts';
export type { FabricOptions } from './fabric.ts';
export { LAB_ADDRESSES } from './internet.ts';
export { LabNames, LAB_PREFIX } from './naming.ts';
export { LAB_EC2_API_ENDPOINT, LAB_SERVICE_ADDRESSES } from './services.ts';
export type { FabricServiceOptions } from './services.ts';
