import { getCallSites } from 'node:util';

/**
 * The source position `depth` frames above the function that calls this one, in zap's short caller form:
 * the file's directory and name and the line (`daemon/rpc-server.ts:88`). `depth` 0 is the direct caller
 * of the function calling `callerOf`. Returns `unknown` when the stack is shorter.
 */
export function callerOf(depth: number): string {
  // Frame 0 is callerOf itself, frame 1 the function asking, frame 2 its caller.
  const site = getCallSites(depth + 3)[depth + 2];
  if (site === undefined) return 'unknown';
  return `${shortPath(site.scriptName)}:${site.lineNumber}`;
}

/** `file:///work/main/src/daemon/rpc-server.ts` → `daemon/rpc-server.ts`. */
export function shortPath(scriptName: string): string {
  const path = scriptName.startsWith('file://') ? decodeURIComponent(scriptName.slice('file://'.length)) : scriptName;
  const parts = path.split('/').filter((part) => part !== '');
  return parts.slice(-2).join('/');
}
