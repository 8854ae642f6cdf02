/** A refused request to the lab's control plane, with the HTTP status kubectl's API would use. */
export class LabApiError extends Error {
  readonly status: 404 | 409 | 422 | 400 | 503;

  constructor(status: LabApiError['status'], message: string) {
    super(message);
    this.name = 'LabApiError';
    this.status = status;
  }
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks an object name the way the API server does, with its message. */
export function validateName(kind: 'Pod' | 'Deployment', name: string): void {
  if (name.length > 0 && name.length <= 253 && DNS1123_SUBDOMAIN.test(name)) return;
  throw new LabApiError(422, `The ${kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
}

/** Checks a namespace name (an RFC 1123 label). */
export function validateNamespace(namespace: string): void {
  if (namespace.length > 0 && namespace.length <= 63 && DNS1123_LABEL.test(namespace)) return;
  throw new LabApiError(422, `namespace "${namespace}" is invalid: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`);
}

/** Checks a replica count. */
export function validateReplicas(replicas: number): void {
  if (Number.isInteger(replicas) && replicas >= 0 && replicas <= 500) return;
  throw new LabApiError(422, `spec.replicas: Invalid value: ${replicas}: must be an integer from 0 to 500 in the lab`);
}
