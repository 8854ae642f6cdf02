import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabApiError, validateName, validateNamespace, validateReplicas } from './api-errors.ts';

/** The message the API server gives for a name that is not an RFC 1123 subdomain. */
function subdomainMessage(kind: string, name: string): string {
  return `The ${kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case ` +
    'alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for ' +
    'validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
}

function refused(message: string | RegExp): { name: string; status: number; message: string | RegExp } {
  return { name: 'LabApiError', status: 422, message };
}

describe('LabApiError', () => {
  it('is an Error with the HTTP status', () => {
    const error = new LabApiError(409, 'pods "a" already exists');
    assert.ok(error instanceof Error);
    assert.deepEqual([error.name, error.status, error.message], ['LabApiError', 409, 'pods "a" already exists']);
  });
});

describe('validateName()', () => {
  it('accepts RFC 1123 subdomains up to 253 characters', () => {
    for (const name of ['a', '0', 'web', 'web-1', 'a.b', 'my.app-2.example', '9x', 'a'.repeat(253), `${'a'.repeat(63)}.${'b'.repeat(189)}`]) {
      assert.doesNotThrow(() => validateName('Pod', name), name);
    }
  });

  it('refuses other names with status 422 and the API server\'s message', () => {
    for (const name of ['', 'Web', 'web_1', 'web 1', '-web', 'web-', '.web', 'web.', 'a..b', 'a.-b', 'a-.b', 'wéb', 'a/b', 'a'.repeat(254)]) {
      assert.throws(() => validateName('Pod', name), refused(subdomainMessage('Pod', name)), JSON.stringify(name));
    }
  });

  it('names the kind', () => {
    assert.throws(() => validateName('Deployment', 'Web'), refused(subdomainMessage('Deployment', 'Web')));
  });
});

describe('validateNamespace()', () => {
  it('accepts RFC 1123 labels up to 63 characters', () => {
    for (const namespace of ['default', 'kube-system', 'a', '1', 'team-2', 'x'.repeat(63)]) assert.doesNotThrow(() => validateNamespace(namespace), namespace);
  });

  it('refuses dots, capitals, edges that are not alphanumeric, the empty name and 64 characters', () => {
    for (const namespace of ['', 'a.b', 'Default', '-a', 'a-', 'a_b', 'x'.repeat(64)]) {
      assert.throws(() => validateNamespace(namespace), refused(`namespace "${namespace}" is invalid: a lowercase RFC 1123 label must consist of lower case ` +
        'alphanumeric characters or \'-\', and must start and end with an alphanumeric character'), JSON.stringify(namespace));
    }
  });
});

describe('validateReplicas()', () => {
  it('accepts integers from 0 to 500', () => {
    for (const replicas of [0, 1, 40, 500]) assert.doesNotThrow(() => validateReplicas(replicas), String(replicas));
  });

  it('refuses negative, fractional, too large and non-finite counts', () => {
    for (const replicas of [-1, 501, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
      assert.throws(() => validateReplicas(replicas), refused(`spec.replicas: Invalid value: ${replicas}: must be an integer from 0 to 500 in the lab`), String(replicas));
    }
  });
});
