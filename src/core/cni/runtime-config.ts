/**
 * `runtimeConfig`: the capability arguments a runtime inserts. Keys are read case-insensitively at every level,
 * because containerd's CRI marshals Go structs without JSON tags (`PortMappings`, `HostPort`, `ContainerPort`)
 * while podman sends the conventional `portMappings`/`hostPort`.
 *
 * vpcnet itself only needs the pod annotations; port mappings are decoded for chaining and diagnostics. A
 * malformed entry is skipped with a warning rather than refused: the runtime's capability data must never keep
 * a pod from being deleted.
 */
import { CNI_ERROR_CODES, CniError } from './cni-error.ts';

/** One `portMappings` entry (CONVENTIONS.md). `hostIP` is '' when not given. */
export interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
  readonly hostIP: string;
}

/** `runtimeConfig` decoded. */
export interface RuntimeConfig {
  readonly portMappings: readonly PortMapping[];
  /** `io.kubernetes.cri.pod-annotations`: every pod annotation, keys as given (look up with {@link podAnnotation}). */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Every top-level key, lower-cased, with its raw value. */
  readonly entries: ReadonlyMap<string, unknown>;
}

/** What {@link parseRuntimeConfig} produced, and what it skipped. */
export interface ParsedRuntimeConfig {
  readonly runtimeConfig: RuntimeConfig;
  readonly warnings: readonly string[];
}

type JsonObject = Readonly<Record<string, unknown>>;

/** A `runtimeConfig` with nothing in it. */
export const EMPTY_RUNTIME_CONFIG: RuntimeConfig = Object.freeze({ portMappings: [], podAnnotations: {}, entries: new Map<string, unknown>() });

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lowerCaseKeys(object: JsonObject): Map<string, unknown> {
  return new Map(Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]));
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function parsePortMapping(value: unknown): PortMapping | undefined {
  if (!isObject(value)) return undefined;
  const fields = lowerCaseKeys(value);
  const hostPort = fields.get('hostport');
  const containerPort = fields.get('containerport');
  const protocol = fields.get('protocol') ?? 'tcp';
  const hostIP = fields.get('hostip') ?? '';
  if (!isPort(hostPort) || !isPort(containerPort) || typeof protocol !== 'string' || typeof hostIP !== 'string') return undefined;
  return { hostPort, containerPort, protocol: protocol.toLowerCase(), hostIP };
}

function parsePortMappings(value: unknown, warnings: string[]): PortMapping[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warnings.push('runtimeConfig.portMappings is not a list: ignored');
    return [];
  }
  const mappings: PortMapping[] = [];
  value.forEach((entry: unknown, index) => {
    const mapping = parsePortMapping(entry);
    if (mapping === undefined) warnings.push(`runtimeConfig.portMappings[${index}] ${JSON.stringify(entry)} needs integer hostPort and containerPort (1-65535): ignored`);
    else mappings.push(mapping);
  });
  return mappings;
}

function parseAnnotations(value: unknown, warnings: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    warnings.push('runtimeConfig["io.kubernetes.cri.pod-annotations"] is not an object: ignored');
    return {};
  }
  const annotations: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (typeof text === 'string') annotations[key] = text;
    else warnings.push(`pod annotation ${JSON.stringify(key)} is not a string: ignored`);
  }
  return annotations;
}

/** Decodes `runtimeConfig` (absent or null = empty); throws code 7 only when it is not an object at all. */
export function parseRuntimeConfig(value: unknown): ParsedRuntimeConfig {
  if (value === undefined || value === null) return { runtimeConfig: EMPTY_RUNTIME_CONFIG, warnings: [] };
  if (!isObject(value)) throw new CniError(CNI_ERROR_CODES.invalidNetworkConfig, 'invalid network config: "runtimeConfig" must be an object');
  const warnings: string[] = [];
  const entries = lowerCaseKeys(value);
  const runtimeConfig = {
    portMappings: parsePortMappings(entries.get('portmappings'), warnings),
    podAnnotations: parseAnnotations(entries.get('io.kubernetes.cri.pod-annotations'), warnings),
    entries,
  };
  return { runtimeConfig, warnings };
}

/** The pod annotation `key`, matched case-insensitively; undefined when absent. */
export function podAnnotation(runtimeConfig: RuntimeConfig, key: string): string | undefined {
  const wanted = key.toLowerCase();
  const found = Object.entries(runtimeConfig.podAnnotations).find(([name]) => name.toLowerCase() === wanted);
  return found?.[1];
}
