/**
 * The standalone daemon's configuration file: the same variables as the environment, one `NAME=value` per
 * line (systemd `EnvironmentFile` style), so a host without Kubernetes is configured with the names every
 * Amazon VPC CNI operator knows. Blank lines and `#` comments are ignored; a value may be wrapped in single
 * or double quotes.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses the file's text; `SyntaxError` naming the line for anything that is not `NAME=value`. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const name = equals < 0 ? line : line.slice(0, equals).trim();
    if (equals < 0 || !NAME.test(name)) {
      throw new SyntaxError(`Cannot parse configuration line ${index + 1}: expected NAME=value, got "${line}"`);
    }
    values[name] = unquote(line.slice(equals + 1).trim());
  }
  return values;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}
