/**
 * Interface names, exactly as upstream's `pkg/networkutils/names.go` builds them (Calico's workload naming):
 * other tools find pods' host veths by these names, and DEL finds the "dummy" entry of a result by its name.
 */
import { sha1Hex } from './sha1.ts';

/** The pod a name is derived from (podman sends no namespace: then it is ''). */
export interface PodName {
  readonly namespace: string;
  readonly name: string;
}

/** Prefix of the never-created interface whose result entry carries what DEL needs. */
export const DUMMY_INTERFACE_PREFIX = 'dummy';
/** Prefix of the container-side interfaces after the first (multi-NIC pods). */
export const EXTRA_CONTAINER_IF_PREFIX = 'mNicIf';
/** How many hex characters of the hash a name carries. */
const HASH_LENGTH = 11;

/** The 11 lower-case hex characters of sha1("<namespace>.<name>"); the name gets ".<index>" for index > 0. */
export function podNameHash(pod: PodName, index = 0): string {
  const name = index > 0 ? `${pod.name}.${index}` : pod.name;
  return sha1Hex(`${pod.namespace}.${name}`).slice(0, HASH_LENGTH);
}

/**
 * Host-side veth of the pod's `index`-th interface: `prefix` + 11 hex, e.g. `eni` + `cc21c2d7785` for
 * default/sample-pod. At most 15 characters with a prefix of at most 4.
 */
export function hostVethName(prefix: string, pod: PodName, index = 0): string {
  return `${prefix}${podNameHash(pod, index)}`;
}

/** The "dummy" entry's name: `dummy` + the same 11 hex as the first host veth. */
export function dummyInterfaceName(pod: PodName): string {
  return hostVethName(DUMMY_INTERFACE_PREFIX, pod, 0);
}

/** Container-side name of the `index`-th interface: the runtime's `CNI_IFNAME` first, then `mNicIf<index>`. */
export function containerIfName(ifName: string, index: number): string {
  return index > 0 ? `${EXTRA_CONTAINER_IF_PREFIX}${index}` : ifName;
}
